//! Managing what exists in AEP: the merged connections view, inspection, credential rotation,
//! deletion, the duplicate guard and "which connections use this key". UI-free: the CLI and the
//! window's worker both call these.
//!
//! Rotations and deletions are recorded in the history as events, written `pending` before the
//! request leaves and completed after, like create attempts. `PATCH` and `DELETE` are not
//! repeated blindly: after an ambiguous failure the connection is read back to tell what happened.

pub mod delete;
pub mod keys;
pub mod org;
pub mod reconcile;
pub mod rotate;
pub mod rotate_key;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::api::{ClientError, Connection, PlatformClient};
use crate::error::{ErrorClass, Problem};
use crate::model::{EpochMs, Target};
use crate::ops::HistoryAccess;
use crate::store::history::{
    Attempt, AttemptId, AttemptStatus, ConnectionEvent, EventId, EventKind, EventOutcome,
    EventResult, HistoryError, HistoryQuery, HistoryStore, NewEvent,
};

pub use delete::{DeleteError, DeleteSuccess, delete, in_use_message, is_in_use};
pub use keys::{KeyUse, KeyUseSource, find_key};
pub use org::{KeyInAep, OrgConnections, SandboxConnections, org_connections};
pub use rotate::{NewCredentials, RotateError, RotateSuccess, describe_changes, is_stale, rotate};

/// How a connection of the merged view is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MergedKind {
    /// In AEP, and made here (a created record in the history).
    BothSides,
    /// In AEP, with no record here: made elsewhere (AEP UI, Postman, another machine).
    RemoteOnly,
    /// Recorded here as created, but no longer in AEP: deleted there.
    LocalDeleted,
}

impl MergedKind {
    /// A short label for lists.
    pub fn label(self) -> &'static str {
        match self {
            Self::BothSides => "made here",
            Self::RemoteOnly => "made elsewhere",
            Self::LocalDeleted => "deleted in AEP",
        }
    }
}

/// One row of the connections view: AEP's side and the history's side of one connection ID.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedConnection {
    /// How it is known.
    pub kind: MergedKind,
    /// Connection ID.
    pub id: String,
    /// Name (AEP's current one; the recorded one when deleted).
    pub name: String,
    /// `enabled` / `disabled`; `None` when deleted.
    pub state: Option<String>,
    /// Created, epoch ms (AEP's; the record's when deleted).
    pub created_at_ms: Option<EpochMs>,
    /// Who created it (AEP's `createdBy`).
    pub created_by: Option<String>,
    /// Last updated, epoch ms.
    pub updated_at_ms: Option<EpochMs>,
    /// Who updated it last.
    pub updated_by: Option<String>,
    /// Current etag (AEP's; the recorded one when deleted).
    pub etag: Option<String>,
    /// Bucket it is restricted to, if any.
    pub bucket_name: Option<String>,
    /// The history record that created it, when made here.
    pub attempt: Option<AttemptId>,
    /// When it was deleted from this app, if it was (a `LocalDeleted` row may also have gone
    /// some other way).
    pub deleted_at_ms: Option<EpochMs>,
    /// The connection as AEP listed it (secrets masked); `None` when deleted.
    #[serde(skip)]
    pub remote: Option<Connection>,
}

/// The sandbox's S3 connections merged with the history: what both front ends show.
#[derive(Debug)]
pub struct ConnectionsView {
    /// The rows, newest first.
    pub rows: Vec<MergedConnection>,
    /// Why AEP's list could not be read to its end, when it could not: the rows are then only
    /// the part read, and no record is called deleted in AEP.
    pub cut_short: Option<ClientError>,
}

/// Lists the client's sandbox's S3 connections (every page) and merges them with the history
/// ([`merged_connections`]). A list that stopped early is returned as the part read, with
/// [`ConnectionsView::cut_short`] saying why; only a first page that fails is an error.
pub async fn connections_view(
    history: &impl HistoryAccess,
    client: &PlatformClient,
) -> Result<ConnectionsView, InspectError> {
    let listing = client.s3_connections_listing().await?;
    let complete = listing.is_complete();
    let target = client.target().clone();
    let remote = listing.items;
    let rows = history
        .try_run(move |h| merged_connections(remote, complete, h, &target))
        .await?;
    Ok(ConnectionsView {
        rows,
        cut_short: listing.cut_short,
    })
}

/// Joins AEP's list of the target sandbox's S3 connections with the history's created records
/// of the same org, sandbox and platform, by connection ID. Newest first. A record missing from
/// AEP's list is called deleted there only when the list is `complete`; from a partial list it
/// is left out.
pub fn merged_connections(
    remote: Vec<Connection>,
    complete: bool,
    history: &HistoryStore,
    target: &Target,
) -> Result<Vec<MergedConnection>, HistoryError> {
    let local = created_records(history, target)?;
    let mut by_id: HashMap<&str, &Attempt> = HashMap::new();
    for attempt in &local {
        if let Some(id) = attempt.connection_id.as_deref() {
            // Newest first, so the first record of an ID is kept.
            by_id.entry(id).or_insert(attempt);
        }
    }
    let remote_ids: HashSet<String> = remote.iter().map(|c| c.id.clone()).collect();
    let mut rows: Vec<MergedConnection> = remote
        .into_iter()
        .map(|c| {
            let attempt = by_id.get(c.id.as_str()).copied();
            MergedConnection {
                kind: if attempt.is_some() {
                    MergedKind::BothSides
                } else {
                    MergedKind::RemoteOnly
                },
                id: c.id.clone(),
                name: c.name.clone(),
                state: c.state.clone(),
                created_at_ms: c.created_at,
                created_by: c.created_by.clone(),
                updated_at_ms: c.updated_at,
                updated_by: c.updated_by.clone(),
                etag: c.etag.clone(),
                bucket_name: c
                    .auth_param("bucketName")
                    .map(str::to_owned)
                    .or_else(|| attempt.and_then(|a| a.bucket_name.clone())),
                attempt: attempt.map(|a| a.id),
                deleted_at_ms: None,
                remote: Some(c),
            }
        })
        .collect();
    let mut seen_local: HashSet<&str> = HashSet::new();
    for attempt in local.iter().filter(|_| complete) {
        let Some(id) = attempt.connection_id.as_deref() else {
            continue;
        };
        if remote_ids.contains(id) || !seen_local.insert(id) {
            continue;
        }
        let deleted_at_ms = history
            .events_for(id)?
            .into_iter()
            .find(|e| e.kind == EventKind::Delete && e.outcome == EventOutcome::Ok)
            .map(|e| e.at_ms);
        rows.push(MergedConnection {
            kind: MergedKind::LocalDeleted,
            id: id.to_owned(),
            name: attempt.name.clone(),
            state: None,
            created_at_ms: Some(attempt.finished_at_ms.unwrap_or(attempt.started_at_ms)),
            created_by: None,
            updated_at_ms: None,
            updated_by: None,
            etag: attempt.etag.clone(),
            bucket_name: attempt.bucket_name.clone(),
            attempt: Some(attempt.id),
            deleted_at_ms,
            remote: None,
        });
    }
    rows.sort_by(|a, b| {
        b.created_at_ms
            .cmp(&a.created_at_ms)
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(rows)
}

/// The history's created records of `target` (org, sandbox, platform), newest first.
fn created_records(history: &HistoryStore, target: &Target) -> Result<Vec<Attempt>, HistoryError> {
    let records = history.search(&HistoryQuery {
        status: Some(AttemptStatus::Created),
        sandbox: Some(target.sandbox.clone()),
        ..HistoryQuery::default()
    })?;
    Ok(records.into_iter().filter(|a| a.is_of(target)).collect())
}

/// One connection with what the history knows of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspected {
    /// As `GET /connections/{id}` returns it (secrets masked by AEP).
    pub connection: Connection,
    /// The history record that created it, when made here.
    pub attempt: Option<Attempt>,
    /// Rotations and deletions recorded for it, newest first.
    pub events: Vec<ConnectionEvent>,
}

/// Why [`inspect`] failed.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// Adobe or the network said no.
    #[error("{0}")]
    Client(#[from] ClientError),
    /// The history could not be read.
    #[error("{0}")]
    Store(#[from] HistoryError),
}

impl Problem for InspectError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Client(e) => e.class(),
            Self::Store(_) => ErrorClass::Local,
        }
    }

    fn behind(&self) -> Option<&dyn Problem> {
        match self {
            Self::Client(e) => Some(e),
            Self::Store(e) => Some(e),
        }
    }
}

/// `GET /connections/{id}` plus the history's record and events of it.
pub async fn inspect(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    id: &str,
) -> Result<Inspected, InspectError> {
    let connection = client.get_connection(id).await?;
    let id = id.to_owned();
    let (attempt, events) = history
        .try_run(move |h| {
            let attempt = h
                .search(&HistoryQuery {
                    search: Some(id.clone()),
                    status: Some(AttemptStatus::Created),
                    ..HistoryQuery::default()
                })?
                .into_iter()
                .find(|a| a.connection_id.as_deref() == Some(id.as_str()));
            Ok((attempt, h.events_for(&id)?))
        })
        .await?;
    Ok(Inspected {
        connection,
        attempt,
        events,
    })
}

/// An existing S3 connection named exactly `name` in the client's sandbox (the newest, if
/// several), so that a create can warn before making a second one.
pub async fn duplicate_guard(
    client: &PlatformClient,
    name: &str,
) -> Result<Option<Connection>, ClientError> {
    let found = client.connections_named(name).await?;
    Ok(found.into_iter().max_by_key(|c| c.created_at))
}

/// True when Adobe's `code` (`FLOW-1418-400`, or a bare `1418`) carries `number`.
fn has_flow_number(code: &str, number: &str) -> bool {
    code == number || code.split('-').nth(1) == Some(number)
}

fn new_event(
    client: &PlatformClient,
    profile: &str,
    id: &str,
    kind: EventKind,
    name: Option<&str>,
    access_key_id: Option<&str>,
) -> NewEvent {
    let target = client.target();
    NewEvent {
        connection_id: id.to_owned(),
        kind,
        profile: profile.to_owned(),
        org_id: target.org_id.clone(),
        sandbox: target.sandbox.clone(),
        platform_url: target.platform_url.clone(),
        connection_name: name.map(str::to_owned),
        access_key_id: access_key_id.map(str::to_owned),
        at_ms: EpochMs::now(),
    }
}

fn ok_result(etag: &str, request_id: &Option<String>) -> EventResult {
    EventResult {
        outcome: EventOutcome::Ok,
        request_id: request_id.clone(),
        etag: (!etag.is_empty()).then(|| etag.to_owned()),
        http_status: None,
        error_code: None,
        message: None,
        finished_at_ms: EpochMs::now(),
    }
}

/// Records `event` as `pending`, before its request leaves.
async fn record(history: &impl HistoryAccess, event: NewEvent) -> Result<EventId, HistoryError> {
    history.try_run(move |h| h.record_event(&event)).await
}

/// Completes `event`; a failure is returned for the caller to mention, never fatal: the
/// change already happened in AEP.
async fn complete(
    history: &impl HistoryAccess,
    event: EventId,
    result: EventResult,
) -> Option<HistoryError> {
    history
        .try_run(move |h| h.complete_event(event, &result))
        .await
        .err()
}

async fn complete_failed(
    history: &impl HistoryAccess,
    event: EventId,
    error: &ClientError,
    note: &str,
) {
    let mut message = error.to_string();
    if !note.is_empty() {
        message = format!("{message}\n({note})");
    }
    let result = EventResult {
        outcome: EventOutcome::Failed,
        request_id: error.request_id().map(str::to_owned),
        etag: None,
        http_status: error.status(),
        error_code: error.code().map(str::to_owned),
        message: Some(message),
        finished_at_ms: EpochMs::now(),
    };
    if let Some(e) = complete(history, event, result).await {
        tracing::warn!(error = %e, "could not record the failure in the history");
    }
}

/// Why a change's outcome is unknown when its answer was lost and the read-back failed.
fn lookup_failed(error: &ClientError, lookup: &ClientError) -> String {
    format!("{error}\nThe answer was lost and reading the connection back failed too ({lookup}).")
}

/// Completes `event` as of unknown outcome, `message` saying why it cannot be known.
async fn complete_unknown(
    history: &impl HistoryAccess,
    event: EventId,
    error: &ClientError,
    message: String,
) {
    let result = EventResult {
        outcome: EventOutcome::Unknown,
        request_id: error.request_id().map(str::to_owned),
        etag: None,
        http_status: error.status(),
        error_code: error.code().map(str::to_owned),
        message: Some(message),
        finished_at_ms: EpochMs::now(),
    };
    if let Some(e) = complete(history, event, result).await {
        tracing::warn!(error = %e, "could not record the outcome in the history");
    }
}
