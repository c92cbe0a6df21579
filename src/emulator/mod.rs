//! A local stand-in for Adobe IMS, Flow Service and sandbox management, served on 127.0.0.1.
//!
//! Used by the integration tests, by `aep-s3-connect emulator --port N` and by the app's demo
//! mode. It follows `docs/flow-service-api.md`: the same routes, headers, checks (in the gateway's
//! order) and error bodies, so that the client code exercised against it is the code that talks
//! to Adobe. Faults ([`Fault`]) make it misbehave the way real gateways and proxies do.
//!
//! Routes under `/data/foundation/flowservice`: `/connections` (list, create), `/connections/{id}`
//! (get, patch, delete), `/connections/{id}/test`, `/connections/{id}/explore`, and the Amazon S3
//! connection spec at `/connectionSpecs` (list, `property=id==...`/`name==...` filters),
//! `/connectionSpecs/{id}` (`{"items": [spec]}`) and
//! `/connectionSpecs/{id}/configs?authType=IamBasedAuthentication` (the IAM role to trust). Every
//! one makes the gateway's checks and needs `x-sandbox-name`.
//!
//! Where Adobe documents no Flow error code, the emulator uses these (all `FLOW-{code}-{status}`):
//!
//! | code-status | when |
//! |---|---|
//! | 1300-400 | body is not JSON, or a field has the wrong JSON type |
//! | 1302-400 | auth spec `IAMRole Based` (exists at Adobe, not available to this org) |
//! | 1303-400 | `connectionSpec.id` is not the Amazon S3 spec |
//! | 1306-400 | an `auth.params` entry the `Access Key` spec does not define |
//! | 1307-400 | a bad query parameter (`limit`, `orderby`, `property`, `continuationToken`, `authType`, explore parameters), or `limit`, `orderby`, `count` or `continuationToken` given twice |
//! | 1440-404 | an explored folder or file does not exist |
//! | 1441-404 | a connection spec ID that does not exist |
//! | 1500-5xx | an injected 5xx fault |
//! | 1400-4xx | an injected 4xx fault other than 429 |
//!
//! Listing defaults: `limit` 20 (at most 100; larger values are clamped), `orderby` `createdAt`.
//! `property=field==a,b` matches `a` OR `b`, as Adobe's filter syntax reads a comma (even a
//! percent-encoded one): no filter matches a value containing a comma. Several `property`
//! filters are ANDed. The next page is `_links.next.href`, written like Adobe's OpenAPI spec
//! relative to the service base (`/connections?...&continuationToken=...`, the request's other
//! parameters kept): resolve it against `.../data/foundation/flowservice`, not the host root.
//!
//! Explore's `objectType` and a JSON Patch `op` are taken in any letter case; explore without
//! `objectType` lists the root. `If-Match` is compared ignoring surrounding quotes and a `W/`
//! prefix, since Adobe's docs show it both quoted and unquoted.
//!
//! A request's work runs to the end even when the client disconnects or is killed meanwhile
//! (Adobe does not roll back a create): a client that times out during a fault's `delay_ms`
//! still finds the connection made afterwards. `delay_ms` waits before the work,
//! `delay_after_ms` after it, before answering.

mod auth;
mod connections;
mod errors;
mod explore;
mod fault;
mod org;
mod patch;
mod query;
mod sandboxes;
mod server;
mod specs;
mod state;

use std::net::SocketAddr;
use std::time::Duration;

pub use fault::{Fault, FaultRoute, NextLink};
pub use org::{DEMO_SANDBOXES, DemoSandbox};

use state::{Shared, lock};

/// The only client ID the emulator's IMS accepts (also the `x-api-key` value).
pub const DEMO_CLIENT_ID: &str = "demo-client-id";
/// The secret that goes with [`DEMO_CLIENT_ID`].
pub const DEMO_CLIENT_SECRET: &str = "demo-client-secret";
/// The only organisation the demo credential is entitled in.
pub const DEMO_ORG_ID: &str = "DEMO5C1328435BF324E90A49@AdobeOrg";
/// The technical account that connections are recorded as created by.
pub const DEMO_TECHNICAL_ACCOUNT: &str = "D3M0A1B2C3D4E5F6A7B8C9D0@techacct.adobe.com";
/// The Amazon S3 connection spec, the only one the emulator knows.
pub const S3_CONNECTION_SPEC_ID: &str = "ecadc60c-7455-4d87-84dc-2a0e293d997b";

/// How to start an [`Emulator`].
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// `expires_in` of issued tokens, in seconds.
    pub token_lifetime_secs: u64,
    /// Every request but the control routes waits this long (ms) before it is handled.
    pub latency_ms: u64,
    /// At most this many requests a second; more are answered 429 with `Retry-After: 1`.
    pub rate_limit: Option<u32>,
    /// This many development sandboxes besides the demo's four (`sandbox-01`, …).
    pub extra_sandboxes: usize,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            port: 0,
            token_lifetime_secs: 86_399,
            latency_ms: 0,
            rate_limit: None,
            extra_sandboxes: 0,
        }
    }
}

/// One HTTP request as the emulator received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Headers with lowercase names, in the order received.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A cloneable handle on a running emulator's state: inspect it and inject faults from anywhere.
#[derive(Clone)]
pub struct EmulatorHandle {
    shared: Shared,
}

impl EmulatorHandle {
    /// Adds a fault; faults are matched in the order added.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared).faults.push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        lock(&self.shared).faults.clear();
    }

    /// How many `POST /ims/token/v3` requests arrived, whatever they were answered.
    pub fn ims_token_requests(&self) -> usize {
        lock(&self.shared).ims_token_requests
    }

    /// Every connection of every sandbox, as `GET` returns them (secrets masked), oldest first.
    pub fn connections(&self) -> Vec<serde_json::Value> {
        lock(&self.shared)
            .connections
            .iter()
            .map(state::Connection::item)
            .collect()
    }

    /// Every request received so far, in order (control routes included).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    /// Sets `expires_in` for tokens issued from now on.
    pub fn set_token_lifetime(&self, secs: u64) {
        lock(&self.shared).token_lifetime_secs = secs;
    }

    /// Every request from now on waits `latency` before it is handled.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared).traffic.latency = latency;
    }

    /// At most `per_second` requests a second from now on (`None`: no limit).
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        lock(&self.shared).traffic.per_second = per_second;
    }

    /// How many requests were answered 429 for the rate limit.
    pub fn throttled_requests(&self) -> usize {
        lock(&self.shared).traffic.throttled
    }

    /// Makes every token issued so far expired (Platform answers 401013).
    pub fn expire_all_tokens(&self) {
        lock(&self.shared).expire_all_tokens();
    }
}

/// A running emulator; stops when [`Emulator::shutdown`] is awaited or when dropped.
pub struct Emulator {
    addr: SocketAddr,
    handle: EmulatorHandle,
    server: server::Server,
}

impl Emulator {
    /// Binds 127.0.0.1:`config.port` and serves in a tokio task.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let shared = state::new_shared(config.token_lifetime_secs);
        {
            let mut state = state::lock(&shared);
            state.traffic.latency = Duration::from_millis(config.latency_ms);
            state.traffic.per_second = config.rate_limit;
            state
                .sandboxes
                .extend(org::extra_sandboxes(config.extra_sandboxes));
        }
        let (server, addr) = server::Server::start(config.port, shared.clone()).await?;
        Ok(Emulator {
            addr,
            handle: EmulatorHandle { shared },
            server,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: both the IMS URL and the Platform URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A cloneable handle on this emulator's state.
    pub fn handle(&self) -> EmulatorHandle {
        self.handle.clone()
    }

    /// Adds a fault; faults are matched in the order added.
    pub fn inject(&self, fault: Fault) {
        self.handle.inject(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.handle.clear_faults();
    }

    /// How many `POST /ims/token/v3` requests arrived, whatever they were answered.
    pub fn ims_token_requests(&self) -> usize {
        self.handle.ims_token_requests()
    }

    /// Every connection of every sandbox, as `GET` returns them (secrets masked), oldest first.
    pub fn connections(&self) -> Vec<serde_json::Value> {
        self.handle.connections()
    }

    /// Every request received so far, in order (control routes included).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.handle.requests()
    }

    /// Sets `expires_in` for tokens issued from now on.
    pub fn set_token_lifetime(&self, secs: u64) {
        self.handle.set_token_lifetime(secs);
    }

    /// Makes every token issued so far expired (Platform answers 401013).
    pub fn expire_all_tokens(&self) {
        self.handle.expire_all_tokens();
    }

    /// Stops accepting, closes every open connection and waits for the server task to end.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// Blocking entry for the CLI: builds a runtime, starts on `config.port`, prints exactly one line
/// `listening on http://127.0.0.1:PORT` to stdout, then serves until Ctrl-C or SIGTERM.
pub fn run_foreground(config: EmulatorConfig) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("emulator")
        .enable_all()
        .build()
        .context("could not start the emulator's async runtime")?;
    runtime.block_on(async {
        let emulator = Emulator::start(config.clone())
            .await
            .with_context(|| format!("could not listen on 127.0.0.1:{}", config.port))?;
        {
            // Scripts wait for this exact line, so it must leave the buffer now.
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {}", emulator.base_url())
                .and_then(|()| out.flush())
                .context("could not write to stdout")?;
        }
        wait_for_stop_signal().await?;
        emulator.shutdown().await;
        Ok(())
    })
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one (how test harnesses stop a child).
async fn wait_for_stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = term.recv() => {}
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await?;
        Ok(())
    }
}
