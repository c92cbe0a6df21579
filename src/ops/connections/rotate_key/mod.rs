//! Rotating one AWS key everywhere it is used: find every connection that uses the old key
//! (in the sandboxes asked for), check the new key against each distinct bucket and folder, show
//! the plan, then rotate each a few at a time, journaled in the history so that a run cut short
//! (a crash, `kill -9`, Ctrl-C) resumes: the same command again does not rotate a connection
//! twice, reads back the ones whose answer was lost, and skips none.

mod run;

use std::collections::BTreeSet;

pub use run::{
    ItemResult, RememberedKey, RotatedItem, RotationOutcome, RotationRequest, run_rotation,
    settle_remembered,
};

use super::org::{OrgConnections, org_connections_in};
use super::rotate::NewCredentials;
use crate::api::http::Http;
use crate::api::{ClientError, Connection, PlatformClient};
use crate::error::{ErrorClass, Problem};
use crate::ops::HistoryAccess;
use crate::s3check::{S3CheckInput, S3CheckReport, check_s3};
use crate::store::history::{HistoryError, ItemState, RotationItem, RotationRun};

/// How many connections are rotated at once unless told otherwise.
pub const DEFAULT_PARALLEL: usize = 4;

/// Which sandboxes to look in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SandboxScope {
    /// The client's sandbox.
    Current,
    /// Every active sandbox the credential can use.
    All,
    /// These.
    These(Vec<String>),
}

/// One connection the run rotates.
#[derive(Clone, Debug)]
pub struct PlannedConnection {
    /// Its sandbox.
    pub sandbox: String,
    /// The connection as listed: its etag goes in `If-Match`.
    pub connection: Connection,
}

/// A sandbox that could not be searched: connections there may still use the old key.
#[derive(Clone, Debug)]
pub struct Unsearched {
    /// The sandbox.
    pub sandbox: String,
    /// Why.
    pub reason: String,
    /// The class of the failure (what exit it makes).
    pub class: ErrorClass,
}

impl Unsearched {
    /// The sandbox and why, the same on every front end.
    pub fn describe(&self, old_key: &str) -> String {
        format!(
            "Not searched: {}: {} (connections there may still use {old_key})",
            self.sandbox, self.reason
        )
    }
}

/// What a run will do.
#[derive(Clone, Debug)]
pub struct RotationPlan {
    /// The run this one resumes, if an earlier one was cut short.
    pub resumed: Option<RotationRun>,
    /// Connections an earlier run of it already rotated.
    pub already: Vec<RotationItem>,
    /// Connections whose PATCH an earlier run sent without an answer, and that no longer show
    /// the old key: read back before anything else.
    pub read_back: Vec<RotationItem>,
    /// The connections to rotate, in sandbox order.
    pub connections: Vec<PlannedConnection>,
    /// Sandboxes that could not be searched.
    pub unsearched: Vec<Unsearched>,
    /// The production sandboxes among those searched (by their type): what marks a connection
    /// read back, which the journal keeps without its sandbox's kind.
    pub production_sandboxes: BTreeSet<String>,
}

impl RotationPlan {
    /// Whether a sandbox of the plan is production, by its type.
    pub fn is_production(&self, sandbox: &str) -> bool {
        self.production_sandboxes.contains(sandbox)
    }

    /// The distinct sandboxes of the plan.
    pub fn sandboxes(&self) -> BTreeSet<&str> {
        self.connections
            .iter()
            .map(|c| c.sandbox.as_str())
            .collect()
    }

    /// The production sandboxes among them.
    pub fn production(&self) -> BTreeSet<&str> {
        self.connections
            .iter()
            .filter(|c| self.is_production(&c.sandbox))
            .map(|c| c.sandbox.as_str())
            .collect()
    }

    /// The distinct (bucket, folder, service URL) the connections read from: what the new key
    /// is checked against.
    pub fn storage(&self) -> BTreeSet<(Option<String>, Option<String>, Option<String>)> {
        self.connections
            .iter()
            .map(|c| {
                let param = |name: &str| {
                    c.connection
                        .auth_param(name)
                        .filter(|v| !v.is_empty())
                        .map(str::to_owned)
                };
                (
                    param("bucketName"),
                    param("folderPath"),
                    param("serviceUrl"),
                )
            })
            .collect()
    }
}

/// Finds every connection that uses `old_key` in `scope`, and what an unfinished run of the
/// same rotation (`old_key` to `new_key`) left in the journal.
pub async fn plan_rotation(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    old_key: &str,
    new_key: &str,
    scope: &SandboxScope,
) -> Result<RotationPlan, PlanError> {
    let only = match scope {
        SandboxScope::Current => Some(vec![client.target().sandbox.clone()]),
        SandboxScope::All => None,
        SandboxScope::These(names) => Some(names.clone()),
    };
    let org = org_connections_in(history, client, only.as_deref())
        .await
        .map_err(PlanError::Sandboxes)?;
    let mut unsearched = unsearched(&org);
    for name in only.iter().flatten() {
        if !org.sandboxes.iter().any(|s| &s.sandbox.name == name) {
            unsearched.push(Unsearched {
                sandbox: name.clone(),
                reason: "not an active sandbox this credential can use".to_owned(),
                class: ErrorClass::Input,
            });
        }
    }
    let key = old_key.trim();
    let connections: Vec<PlannedConnection> = org
        .remote()
        .filter(|(_, c)| c.shows_access_key(key))
        .map(|(sandbox, c)| PlannedConnection {
            sandbox: sandbox.name.clone(),
            connection: c.clone(),
        })
        .collect();
    let t = client.target().clone();
    let (old, new) = (key.to_owned(), new_key.trim().to_owned());
    let journal = history
        .try_run(move |h| h.unfinished_rotation(&t.platform_url, &t.org_id, &old, &new))
        .await
        .map_err(PlanError::Store)?;
    let (resumed, items) = journal.map_or((None, Vec::new()), |(run, items)| (Some(run), items));
    // Rotated by the run resumed: never sent again (a session token replaced leaves the key as
    // it was, so such a connection is found again by the old key).
    let rotated = |id: &str| {
        items
            .iter()
            .any(|i| i.connection_id == id && i.state == ItemState::Rotated)
    };
    let mut connections = connections;
    connections.retain(|c| !rotated(&c.connection.id));
    let found = |id: &str| connections.iter().any(|c| c.connection.id == id);
    let already = items
        .iter()
        .filter(|i| i.state == ItemState::Rotated)
        .cloned()
        .collect();
    let read_back = items
        .iter()
        .filter(|i| matches!(i.state, ItemState::Sending | ItemState::Unknown))
        .filter(|i| !found(&i.connection_id))
        .cloned()
        .collect();
    let production_sandboxes = org
        .sandboxes
        .iter()
        .filter(|s| s.sandbox.is_production())
        .map(|s| s.sandbox.name.clone())
        .collect();
    Ok(RotationPlan {
        resumed,
        already,
        read_back,
        connections,
        unsearched,
        production_sandboxes,
    })
}

fn unsearched(org: &OrgConnections) -> Vec<Unsearched> {
    org.failures()
        .map(|(sandbox, e)| Unsearched {
            sandbox: sandbox.name.clone(),
            reason: e.summary(),
            class: e.class(),
        })
        .collect()
}

/// Why no plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The sandbox list could not be read.
    #[error("could not list the sandboxes: {0}")]
    Sandboxes(ClientError),
    /// The journal could not be read.
    #[error("could not read the rotation journal in the history: {0}")]
    Store(HistoryError),
}

impl Problem for PlanError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Sandboxes(e) => e.class(),
            Self::Store(_) => ErrorClass::Local,
        }
    }

    fn behind(&self) -> Option<&dyn Problem> {
        match self {
            Self::Sandboxes(e) => Some(e),
            Self::Store(e) => Some(e),
        }
    }
}

/// The new key checked against one bucket and folder.
#[derive(Clone, Debug)]
pub struct StorageCheck {
    /// The bucket (`None`: the connection reaches every bucket; only listing them is checked).
    pub bucket: Option<String>,
    /// The folder.
    pub folder_path: Option<String>,
    /// What S3 said.
    pub report: S3CheckReport,
}

impl StorageCheck {
    /// Where the key was checked, as the front ends say it: `s3://bucket/folder`, or "every
    /// bucket".
    pub fn place(&self) -> String {
        match (&self.bucket, &self.folder_path) {
            (Some(b), Some(p)) => format!("s3://{b}/{p}"),
            (Some(b), None) => format!("s3://{b}"),
            _ => "every bucket".to_owned(),
        }
    }
}

/// Checks `credentials` with the S3 pre-flight against every distinct bucket and folder of the
/// plan, one after the other (a handful of signed GETs each).
pub async fn preflight(
    http: &Http,
    credentials: &NewCredentials,
    plan: &RotationPlan,
) -> Vec<StorageCheck> {
    let mut checks = Vec::new();
    for (bucket, folder_path, service_url) in plan.storage() {
        let input = S3CheckInput {
            access_key_id: credentials.access_key_id.clone(),
            secret_key: credentials.secret_key.clone(),
            session_token: credentials.session_token.clone(),
            bucket: bucket.clone(),
            folder_path: folder_path.clone(),
            service_url,
            region: None,
        };
        let report = check_s3(http, &input).await;
        checks.push(StorageCheck {
            bucket,
            folder_path,
            report,
        });
    }
    checks
}

/// Why the new key did not pass the pre-flight: nothing is rotated then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreflightVerdict {
    /// S3 denied a permission AEP needs.
    Denied,
    /// S3 could not be asked.
    Unreachable,
}

impl std::fmt::Display for PreflightVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Denied => "S3 denied the new key a permission AEP needs",
            Self::Unreachable => "S3 could not be asked about the new key",
        })
    }
}

/// The pre-flight's verdict: `None` when the new key passed on every bucket and folder.
pub fn preflight_verdict(checks: &[StorageCheck]) -> Option<PreflightVerdict> {
    if checks.iter().any(|c| c.report.any_denied()) {
        Some(PreflightVerdict::Denied)
    } else if checks.iter().any(|c| c.report.any_failed()) {
        Some(PreflightVerdict::Unreachable)
    } else {
        None
    }
}
