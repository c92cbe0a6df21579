//! The emulator's shared state: tokens, connections, faults and the request log.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::Rng as _;
use serde_json::{Map, Value, json};

use super::fault::{Fault, FaultRoute};
use super::org::{DEMO_SANDBOXES, DemoSandbox};
use super::{DEMO_ORG_ID, RecordedRequest};

/// State shared by the server task, the handlers and every [`super::EmulatorHandle`].
pub(crate) type Shared = Arc<Mutex<State>>;

/// Creates fresh state.
pub(crate) fn new_shared(token_lifetime_secs: u64) -> Shared {
    Arc::new(Mutex::new(State {
        token_lifetime_secs,
        tokens: HashMap::new(),
        ims_token_requests: 0,
        faults: Vec::new(),
        requests: Vec::new(),
        connections: Vec::new(),
        next_seq: 0,
        traffic: Traffic::default(),
        sandboxes: DEMO_SANDBOXES.iter().collect(),
    }))
}

/// Latency and a rate limit on every request but the control routes: what a bulk operation
/// meets at Adobe's gateway.
#[derive(Debug, Default)]
pub(crate) struct Traffic {
    /// Each request waits this long before it is handled.
    pub latency: Duration,
    /// At most this many requests in any second; the next one is answered 429.
    pub per_second: Option<u32>,
    /// When the requests of the last second were admitted.
    recent: std::collections::VecDeque<Instant>,
    /// How many requests were answered 429 for the limit.
    pub throttled: usize,
    /// When each of them came, in epoch ms: a benchmark tells the first burst (the requests
    /// already on their way when the first 429 left) from any 429 after it.
    pub throttled_at_ms: Vec<u64>,
}

impl Traffic {
    /// Admits a request arriving `now`, or counts it as over the limit (to answer 429).
    pub fn admit(&mut self, now: Instant) -> bool {
        let Some(limit) = self.per_second else {
            return true;
        };
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
            self.throttled += 1;
            self.throttled_at_ms.push(now_ms());
            return false;
        }
        self.recent.push_back(now);
        true
    }
}

/// Locks the state. A handler that panicked mid-update leaves data still good enough for an
/// emulator, so poisoning is ignored rather than turned into a panic of every later request.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An issued access token.
struct Token {
    client_id: String,
    /// `None` when the lifetime does not fit an `Instant` (never expires in practice).
    expires_at: Option<Instant>,
}

/// Everything the emulator remembers.
pub(crate) struct State {
    pub token_lifetime_secs: u64,
    tokens: HashMap<String, Token>,
    pub ims_token_requests: usize,
    pub faults: Vec<Fault>,
    pub requests: Vec<RecordedRequest>,
    /// In creation order, which is also the `createdAt` order.
    pub connections: Vec<Connection>,
    next_seq: u64,
    pub traffic: Traffic,
    /// The organisation's sandboxes: the demo's, then any extra ones.
    pub sandboxes: Vec<&'static DemoSandbox>,
}

impl State {
    /// Issues a new token for `client_id`; returns it with its lifetime in seconds.
    pub fn issue_token(&mut self, client_id: &str) -> (String, u64) {
        let token: String = rand::rng()
            .sample_iter(rand::distr::Alphanumeric)
            .take(64)
            .map(char::from)
            .collect();
        let lifetime = self.token_lifetime_secs;
        let expires_at = Instant::now().checked_add(Duration::from_secs(lifetime));
        self.tokens.insert(
            token.clone(),
            Token {
                client_id: client_id.to_owned(),
                expires_at,
            },
        );
        (token, lifetime)
    }

    /// The client a still-valid token was issued to.
    pub fn token_client(&self, token: &str) -> Option<&str> {
        let t = self.tokens.get(token)?;
        match t.expires_at {
            Some(at) if Instant::now() >= at => None,
            _ => Some(&t.client_id),
        }
    }

    /// Makes every token issued so far expired.
    pub fn expire_all_tokens(&mut self) {
        let now = Instant::now();
        for t in self.tokens.values_mut() {
            t.expires_at = Some(now);
        }
    }

    /// Takes the first fault matching `route` and `sandbox`, counting down its `times`.
    pub fn take_fault(&mut self, route: FaultRoute, sandbox: Option<&str>) -> Option<Fault> {
        let i = self.faults.iter().position(|f| f.hits(route, sandbox))?;
        let fault = self.faults[i].clone();
        match fault.times {
            0 => {}
            1 => {
                self.faults.remove(i);
            }
            _ => self.faults[i].times -= 1,
        }
        Some(fault)
    }

    /// The sandbox called `name`, if the organisation has one.
    pub fn sandbox(&self, name: &str) -> Option<&'static DemoSandbox> {
        self.sandboxes.iter().copied().find(|s| s.name == name)
    }

    /// A sequence number that orders connections created in the same millisecond.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// The connection `id` of `sandbox`; connections of other sandboxes are invisible.
    pub fn find(&self, sandbox: &str, id: &str) -> Option<usize> {
        self.connections
            .iter()
            .position(|c| c.id == id && c.sandbox.name == sandbox)
    }
}

/// A stored base connection.
#[derive(Clone, Debug)]
pub(crate) struct Connection {
    pub id: String,
    pub seq: u64,
    pub sandbox: &'static DemoSandbox,
    pub name: String,
    pub description: Option<String>,
    pub spec_id: String,
    pub spec_version: String,
    pub auth_spec: String,
    pub params: BTreeMap<String, String>,
    pub created_at: u64,
    pub updated_at: u64,
    pub created_by: String,
    pub updated_by: String,
    pub created_client: String,
    pub updated_client: String,
    /// Also the `version`: Adobe's 412 message calls the etag a version.
    pub etag: String,
    pub state: &'static str,
}

impl Connection {
    /// The item as `GET /connections/{id}` shows it, secrets masked.
    pub fn item(&self) -> Value {
        let params: Map<String, Value> = self
            .params
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(mask_param(k, v))))
            .collect();
        let mut item = json!({
            "id": self.id,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "createdBy": self.created_by,
            "updatedBy": self.updated_by,
            "createdClient": self.created_client,
            "updatedClient": self.updated_client,
            "sandboxId": self.sandbox.id,
            "sandboxName": self.sandbox.name,
            "imsOrgId": DEMO_ORG_ID,
            "name": self.name,
            "connectionSpec": {"id": self.spec_id, "version": self.spec_version},
            "state": self.state,
            "auth": {"specName": self.auth_spec, "params": params},
            "version": self.etag,
            "etag": self.etag,
        });
        if let (Some(d), Some(obj)) = (&self.description, item.as_object_mut()) {
            obj.insert("description".into(), Value::String(d.clone()));
        }
        item
    }

    /// The value of a filterable field (`property=field==value`).
    pub fn field(&self, name: &str) -> Option<&str> {
        match name {
            "id" => Some(&self.id),
            "name" => Some(&self.name),
            "description" => self.description.as_deref(),
            "connectionSpec.id" => Some(&self.spec_id),
            "state" => Some(self.state),
            _ => None,
        }
    }
}

/// How a parameter is shown back: secrets hidden, the access key partly, the rest as stored.
fn mask_param(name: &str, value: &str) -> String {
    match name {
        "s3SecretKey" | "s3SessionToken" => "***".to_owned(),
        "s3AccessKey" => {
            let chars: Vec<char> = value.chars().collect();
            if chars.len() <= 8 {
                "*".repeat(chars.len())
            } else {
                let head: String = chars[..4].iter().collect();
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
            }
        }
        _ => value.to_owned(),
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A new etag shaped like Adobe's (`"1700d77b-0000-0200-0000-5e3b41a10000"`, quotes included).
pub(crate) fn new_etag() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("\"{}-0000-0200-0000-{}\"", &hex[..8], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_is_partly_masked_and_secrets_fully() {
        assert_eq!(
            mask_param("s3AccessKey", "AKIAIOSFODNN7EXAMPLE"),
            "AKIA************MPLE"
        );
        assert_eq!(mask_param("s3AccessKey", "short"), "*****");
        assert_eq!(mask_param("s3SecretKey", "wJalr"), "***");
        assert_eq!(mask_param("bucketName", "b"), "b");
    }

    #[test]
    fn etag_contains_its_quotes() {
        let e = new_etag();
        assert!(e.starts_with('"') && e.ends_with('"'));
        assert_eq!(e.len(), 2 + 8 + 16 + 12);
    }

    #[test]
    fn fault_times_count_down_and_zero_is_forever() {
        let shared = new_shared(10);
        let mut s = lock(&shared);
        s.faults
            .push(Fault::new(FaultRoute::GetConnection).times(2));
        s.faults.push(Fault::new(FaultRoute::Any).times(0));
        assert!(s.take_fault(FaultRoute::GetConnection, None).is_some());
        assert_eq!(s.faults[0].times, 1);
        assert!(s.take_fault(FaultRoute::GetConnection, None).is_some());
        // The first is used up; the forever fault now matches and stays.
        assert_eq!(
            s.take_fault(FaultRoute::GetConnection, None)
                .map(|f| f.route),
            Some(FaultRoute::Any)
        );
        assert_eq!(s.faults.len(), 1);
    }

    #[test]
    fn the_rate_limit_admits_so_many_a_second() {
        let mut t = Traffic {
            per_second: Some(2),
            ..Traffic::default()
        };
        let start = Instant::now();
        assert!(t.admit(start));
        assert!(t.admit(start + Duration::from_millis(10)));
        assert!(
            !t.admit(start + Duration::from_millis(20)),
            "a third in the same second"
        );
        assert!(
            t.admit(start + Duration::from_millis(1000)),
            "the first has left the window"
        );
        assert_eq!(t.throttled, 1);
        assert_eq!(t.throttled_at_ms.len(), 1, "its time kept");
    }

    #[test]
    fn a_fault_in_one_sandbox_leaves_the_others_alone() {
        let shared = new_shared(10);
        let mut s = lock(&shared);
        s.faults.push(
            Fault::new(FaultRoute::ListConnections)
                .in_sandbox("dev")
                .times(0),
        );
        assert!(
            s.take_fault(FaultRoute::ListConnections, Some("prod"))
                .is_none()
        );
        assert!(s.take_fault(FaultRoute::ListConnections, None).is_none());
        assert!(
            s.take_fault(FaultRoute::ListConnections, Some("dev"))
                .is_some()
        );
    }

    #[test]
    fn expired_tokens_are_not_valid() {
        let shared = new_shared(100);
        let mut s = lock(&shared);
        let (t, life) = s.issue_token("c");
        assert_eq!(life, 100);
        assert_eq!(s.token_client(&t), Some("c"));
        s.expire_all_tokens();
        assert_eq!(s.token_client(&t), None);
    }
}
