//! Rotating one AWS key everywhere it is used: find every connection that uses the old key
//! (in the sandboxes asked for), check the new key against each distinct bucket and folder, show
//! the plan, then rotate each a few at a time, journaled in the history so that a run cut short
//! (a crash, `kill -9`, Ctrl-C) resumes: the same command again does not rotate a connection
//! twice, reads back the ones whose answer was lost, and skips none.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt as _;

use super::org::{OrgConnections, org_connections_in};
use super::rotate::{NewCredentials, RotateError, RotateSuccess, rotate, rotate_session_token};
use crate::api::http::Http;
use crate::api::{ClientError, Connection, PlatformClient};
use crate::error::{ErrorClass, Problem};
use crate::ops::HistoryAccess;
use crate::s3check::{S3CheckInput, S3CheckReport, check_s3};
use crate::store::history::{HistoryError, ItemState, NewRotationRun, RotationItem, RotationRun};

/// How many connections are rotated at once unless told otherwise.
pub const DEFAULT_PARALLEL: usize = 4;

/// How often a connection whose version alone moved (412, nothing visible changed) is tried
/// again against its current version.
const STALE_RETRIES: usize = 3;

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
    /// Whether that sandbox is production (by its type).
    pub production: bool,
    /// The connection as listed: its etag goes in `If-Match`.
    pub connection: Connection,
}

/// A sandbox that could not be searched: connections there may still use the old key.
#[derive(Debug)]
pub struct Unsearched {
    /// The sandbox.
    pub sandbox: String,
    /// Why.
    pub reason: String,
    /// The class of the failure (what exit it makes).
    pub class: ErrorClass,
}

/// What a run will do.
#[derive(Debug)]
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
}

impl RotationPlan {
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
            .filter(|c| c.production)
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
            production: sandbox.is_production(),
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
    Ok(RotationPlan {
        resumed,
        already,
        read_back,
        connections,
        unsearched,
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
#[derive(Debug)]
pub struct StorageCheck {
    /// The bucket (`None`: the connection reaches every bucket; only listing them is checked).
    pub bucket: Option<String>,
    /// The folder.
    pub folder_path: Option<String>,
    /// What S3 said.
    pub report: S3CheckReport,
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

/// What happened to one connection.
#[derive(Debug)]
pub enum ItemResult {
    /// Rotated now.
    Rotated(Box<RotateSuccess>),
    /// An earlier run rotated it (its answer lost, the read-back shows the new key).
    AlreadyRotated,
    /// Not rotated.
    Failed(RotateError),
    /// Not rotated, on purpose: what AEP shows is not what the plan expected (another key now,
    /// a version that kept changing). Said in words.
    LeftAlone(String),
    /// Not started: the run was cancelled first.
    NotStarted,
}

impl ItemResult {
    /// How it failed, when it did (what exit it makes).
    pub fn failure_class(&self) -> Option<ErrorClass> {
        match self {
            Self::Failed(e) => Some(e.class()),
            Self::LeftAlone(_) => Some(ErrorClass::Rejected),
            Self::NotStarted => Some(ErrorClass::Unavailable),
            Self::Rotated(_) | Self::AlreadyRotated => None,
        }
    }

    /// Why it was not rotated, in words.
    pub fn failure(&self) -> Option<String> {
        match self {
            Self::Failed(e) => Some(e.to_string()),
            Self::LeftAlone(why) => Some(why.clone()),
            Self::NotStarted => Some("not started: the run was cancelled".to_owned()),
            Self::Rotated(_) | Self::AlreadyRotated => None,
        }
    }
}

/// One connection's result.
#[derive(Debug)]
pub struct RotatedItem {
    /// Its sandbox.
    pub sandbox: String,
    /// Production, by the sandbox's type.
    pub production: bool,
    /// Connection ID.
    pub connection_id: String,
    /// Its name.
    pub name: String,
    /// What happened.
    pub result: ItemResult,
}

impl RotatedItem {
    /// The state the journal keeps for it.
    pub fn state(&self) -> ItemState {
        match &self.result {
            ItemResult::Rotated(_) | ItemResult::AlreadyRotated => ItemState::Rotated,
            ItemResult::NotStarted => ItemState::Planned,
            ItemResult::Failed(
                RotateError::OutcomeUnknown { .. } | RotateError::Unverified { .. },
            ) => ItemState::Unknown,
            ItemResult::Failed(_) | ItemResult::LeftAlone(_) => ItemState::Failed,
        }
    }
}

/// A finished (or cancelled) run.
#[derive(Debug)]
pub struct RotationOutcome {
    /// The run's ID in the journal.
    pub run: String,
    /// Each connection, in the plan's order (read-backs first).
    pub items: Vec<RotatedItem>,
    /// Connections an earlier run had rotated.
    pub already: usize,
    /// Ctrl-C (or *Cancel*) came: the connections not started are left for the next run.
    pub cancelled: bool,
}

impl RotationOutcome {
    /// True when every connection of the plan has the new key.
    pub fn complete(&self) -> bool {
        self.items.iter().all(|i| i.state() == ItemState::Rotated)
    }

    /// The class of the failure that decides the exit: unavailable (worth running again)
    /// before any other, else the first.
    pub fn worst_failure(&self) -> Option<ErrorClass> {
        let classes = || self.items.iter().filter_map(|i| i.result.failure_class());
        classes()
            .find(|c| *c == ErrorClass::Unavailable)
            .or_else(|| classes().next())
    }
}

/// What a run needs besides the plan.
#[derive(Clone, Copy)]
pub struct RotationRequest<'a> {
    /// The app profile.
    pub profile: &'a str,
    /// The key replaced.
    pub old_key: &'a str,
    /// The new credentials.
    pub credentials: &'a NewCredentials,
    /// How many connections at once (at least 1).
    pub parallel: usize,
    /// Replace only the session token (`credentials` holds the old key's ID and the new token).
    pub session_token_only: bool,
    /// Set to stop starting new PATCHes (those in flight finish and are recorded).
    pub cancel: &'a AtomicBool,
}

/// Rotates the plan's connections, journaled: the run (or the one resumed) and its items are
/// written before the first PATCH, each item's state before its own PATCH and after it.
pub async fn run_rotation(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    request: &RotationRequest<'_>,
    plan: &RotationPlan,
    progress: &dyn Fn(&RotatedItem),
) -> Result<RotationOutcome, HistoryError> {
    let run = journal_run(history, client, request, plan).await?;
    let mut items = Vec::new();
    for item in &plan.read_back {
        let done = read_back(history, client, &run, request, item).await;
        progress(&done);
        items.push(done);
    }
    let rotated = futures_util::stream::iter(&plan.connections)
        .map(|planned| rotate_one(history, client, &run, request, planned))
        .buffered(request.parallel.max(1))
        .inspect(|done| progress(done))
        .collect::<Vec<_>>()
        .await;
    items.extend(rotated);
    let outcome = RotationOutcome {
        run: run.clone(),
        items,
        already: plan.already.len(),
        cancelled: request.cancel.load(Ordering::SeqCst),
    };
    let complete = outcome.complete();
    history
        .try_run(move |h| h.finish_rotation(&run, complete))
        .await?;
    Ok(outcome)
}

/// The run's ID: the resumed run (with the connections found since added), or a new run.
async fn journal_run(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    request: &RotationRequest<'_>,
    plan: &RotationPlan,
) -> Result<String, HistoryError> {
    let items: Vec<RotationItem> = plan
        .connections
        .iter()
        .map(|c| RotationItem {
            connection_id: c.connection.id.clone(),
            sandbox: c.sandbox.clone(),
            name: c.connection.name.clone(),
            state: ItemState::Planned,
            message: None,
        })
        .collect();
    if let Some(run) = &plan.resumed {
        let id = run.id.clone();
        let run_id = id.clone();
        history
            .try_run(move |h| h.add_rotation_items(&run_id, &items))
            .await?;
        return Ok(id);
    }
    let t = client.target();
    let new = NewRotationRun {
        id: uuid::Uuid::new_v4().to_string(),
        profile: request.profile.to_owned(),
        org_id: t.org_id.clone(),
        platform_url: t.platform_url.clone(),
        old_access_key_id: request.old_key.trim().to_owned(),
        new_access_key_id: request.credentials.access_key_id.clone(),
        session_token_only: request.session_token_only,
    };
    let id = new.id.clone();
    history
        .try_run(move |h| h.begin_rotation(&new, &items))
        .await?;
    Ok(id)
}

/// Records `state` for one item; a store failure is logged (the PATCH's outcome is what
/// matters, and the history's own event for it is kept apart).
async fn note(
    history: &impl HistoryAccess,
    run: &str,
    id: &str,
    state: ItemState,
    message: Option<String>,
) {
    let (run, id) = (run.to_owned(), id.to_owned());
    if let Err(e) = history
        .try_run(move |h| h.set_rotation_item(&run, &id, state, message.as_deref()))
        .await
    {
        tracing::warn!(error = %e, "could not record a rotation step in the journal");
    }
}

/// Rotates one connection: journaled as sending first; a 412 where only the version moved is
/// tried again against the current version, one where something else changed is reported.
async fn rotate_one(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    run: &str,
    request: &RotationRequest<'_>,
    planned: &PlannedConnection,
) -> RotatedItem {
    let c = &planned.connection;
    let item = |result| RotatedItem {
        sandbox: planned.sandbox.clone(),
        production: planned.production,
        connection_id: c.id.clone(),
        name: c.name.clone(),
        result,
    };
    if request.cancel.load(Ordering::SeqCst) {
        return item(ItemResult::NotStarted);
    }
    note(history, run, &c.id, ItemState::Sending, None).await;
    let client = client.in_sandbox(&planned.sandbox);
    let mut seen = c.clone();
    let mut result = None;
    for _ in 0..=STALE_RETRIES {
        let (profile, credentials) = (request.profile, request.credentials);
        let attempt = if request.session_token_only {
            rotate_session_token(history, &client, profile, &c.id, Some(&seen), credentials).await
        } else {
            rotate(history, &client, profile, &c.id, Some(&seen), credentials).await
        };
        match attempt {
            Ok(done) => {
                result = Some(ItemResult::Rotated(Box::new(done)));
                break;
            }
            // Only the version moved (someone saved it unchanged, or AEP bumped it): again.
            Err(RotateError::Stale {
                current, changes, ..
            }) if changes.is_empty() && current.shows_access_key(request.old_key.trim()) => {
                seen = *current;
            }
            Err(e) => {
                result = Some(ItemResult::Failed(e));
                break;
            }
        }
    }
    let result = result.unwrap_or_else(|| {
        ItemResult::LeftAlone(format!(
            "the connection's version kept changing ({} tries): not rotated",
            STALE_RETRIES + 1
        ))
    });
    let done = item(result);
    let message = done.result.failure();
    note(history, run, &c.id, done.state(), message).await;
    done
}

/// One connection an earlier run sent without an answer, no longer showing the old key: it has
/// the new one (rotated) or something else (left alone, said).
async fn read_back(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    run: &str,
    request: &RotationRequest<'_>,
    item: &RotationItem,
) -> RotatedItem {
    let client = client.in_sandbox(&item.sandbox);
    if request.session_token_only {
        // AEP never shows the token: a lost answer cannot be read back (found again by the key,
        // the connection is sent the token again, which is safe).
        return RotatedItem {
            sandbox: item.sandbox.clone(),
            production: false,
            connection_id: item.connection_id.clone(),
            name: item.name.clone(),
            result: ItemResult::LeftAlone(
                "an earlier run's PATCH got no answer, and the connection no longer shows the key: left alone".to_owned(),
            ),
        };
    }
    let result = match client.get_connection(&item.connection_id).await {
        Ok(c) if c.shows_access_key(&request.credentials.access_key_id) => {
            ItemResult::AlreadyRotated
        }
        Ok(c) => ItemResult::LeftAlone(format!(
            "an earlier run's PATCH got no answer, and the connection now shows access key {}: neither the old nor the new one. Left alone.",
            c.auth_param("s3AccessKey").unwrap_or("(none)")
        )),
        Err(e) => ItemResult::Failed(RotateError::Client(e)),
    };
    let done = RotatedItem {
        sandbox: item.sandbox.clone(),
        production: false,
        connection_id: item.connection_id.clone(),
        name: item.name.clone(),
        result,
    };
    let message = done.result.failure();
    note(history, run, &item.connection_id, done.state(), message).await;
    done
}
