//! Creating a connection: the duplicate guard, the name lock that keeps two creates of one name
//! apart, and the history record written `pending` before the request leaves; [`batch`]: the same
//! connection in several sandboxes.

pub mod batch;
mod error;

pub use error::CreateError;

use std::time::Duration;

use crate::api::{ClientError, Connection, PlatformClient, redacted_create_body};
use crate::model::{CreatedConnection, EpochMs, S3ConnectionInput};
use crate::store::history::{
    AttemptId, CreatedOutcome, FailedOutcome, HistoryError, InFlight, NameLock, NewAttempt,
};
use crate::validate::{self, FieldWarning};

use super::connections::reconcile::{Clock, settles_after_ms};
use super::history::HistoryAccess;

/// A successful create.
#[derive(Debug)]
pub struct CreateSuccess {
    /// History record.
    pub attempt: AttemptId,
    /// The connection.
    pub connection: CreatedConnection,
    /// Field warnings (unusual key lengths...), for the user to see.
    pub warnings: Vec<FieldWarning>,
    /// Set when the connection exists but completing its history record failed.
    pub history_error: Option<HistoryError>,
    /// What looking the name up again after the create found.
    pub after: AfterCreate,
}

/// What a second lookup of the name, right after the create, found. The name lock keeps the
/// creates of one data dir apart; one on another machine (or in another tool) can still race
/// this one, and this is how the user learns of it.
#[derive(Debug)]
pub enum AfterCreate {
    /// Not looked up: the user asked for a duplicate (`--allow-duplicate`, *Create anyway*).
    NotChecked,
    /// AEP has no other S3 connection of this name in the sandbox.
    Alone,
    /// AEP has these other S3 connections of this name in the sandbox, newest first.
    Duplicates(Vec<Connection>),
    /// The lookup failed: the create stands, but whether another one raced it is not known.
    CheckFailed(ClientError),
}

impl AfterCreate {
    /// The warning to show, if there is one (both front ends word it so).
    pub fn warning(&self, name: &str, sandbox: &str) -> Option<String> {
        match self {
            Self::NotChecked | Self::Alone => None,
            Self::Duplicates(others) => Some(format!(
                "AEP now has {} other S3 connection(s) named \"{name}\" in sandbox {sandbox} besides this one: {}. Probably made at the same time on another machine or in another tool: keep both, or delete one.",
                others.len(),
                others
                    .iter()
                    .map(describe_other)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Self::CheckFailed(e) => Some(format!(
                "the connection was created, but looking its name up again afterwards failed, so whether another machine made one of the same name at the same time is not known: {e}"
            )),
        }
    }
}

/// `ID (created TIME by WHO, client C)`, as much as AEP tells.
pub fn describe_other(c: &Connection) -> String {
    let when = c
        .created_at
        .map_or_else(|| "at an unknown time".to_owned(), EpochMs::utc);
    let by = c.created_by.as_deref().unwrap_or("someone");
    let client = c
        .created_client
        .as_deref()
        .map(|cc| format!(", client {cc}"))
        .unwrap_or_default();
    format!("{} (created {when} by {by}{client})", c.id)
}

/// How long [`create_connection`] waits between tries of the name lock another process holds.
const NAME_LOCK_POLL: Duration = Duration::from_millis(25);

/// Validates; unless `allow_duplicate`, takes the name lock and refuses when the sandbox has a
/// connection of that name (or when that cannot be checked); records `pending`, creates, and
/// completes the record.
///
/// Creates of one (platform, org, sandbox, name) are serialised across processes by a lock file
/// beside the history, held from before the check until the record is settled: the next
/// process checks again only once the first one's connection exists, so N parallel creates of
/// one name make exactly one connection.
pub async fn create_connection(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    profile: &str,
    input: &S3ConnectionInput,
    allow_duplicate: bool,
) -> Result<CreateSuccess, CreateError> {
    let request = Request {
        profile,
        input,
        allow_duplicate,
        batch: None,
    };
    create(history, client, &request).await
}

/// What one create is asked to do.
#[derive(Clone, Copy)]
struct Request<'a> {
    /// The app profile that makes it.
    profile: &'a str,
    /// The connection.
    input: &'a S3ConnectionInput,
    /// Skip the duplicate guard.
    allow_duplicate: bool,
    /// The batch it belongs to, when it is one sandbox's part of a create in several.
    batch: Option<&'a str>,
}

/// [`create_connection`] for one request, in a batch or not.
async fn create(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    request: &Request<'_>,
) -> Result<CreateSuccess, CreateError> {
    let Request {
        input,
        allow_duplicate,
        ..
    } = *request;
    let warnings = validate::s3_input(input).map_err(CreateError::Invalid)?;
    // The token first: when IMS is down nothing is sent, so the attempt has certainly failed
    // (inside the create, the same failure would count as ambiguous and leave it pending), and
    // the duplicate check could not run anyway.
    let token = client.tokens().token().await;
    let (_name_lock, check) = if allow_duplicate || token.is_err() {
        (None, Ok(()))
    } else {
        let lock = lock_name(history, client, &input.name).await?;
        match refuse_duplicate(history, client, &input.name).await {
            // Recorded below as a failed attempt: nothing was sent, and the user asked.
            Err(e @ CreateError::DuplicateCheck { .. }) => (lock, Err(e)),
            Err(e) => return Err(e),
            Ok(()) => (lock, Ok(())),
        }
    };
    // Until the in-flight guard is dropped (settled, cancelled or the process ends),
    // reconciliation elsewhere leaves the record alone.
    let (attempt, in_flight) = record_pending(history, client, request).await?;
    if let Err(error) = token {
        let message = format!(
            "could not get an access token from IMS ({}), so nothing was sent to AEP: {error}",
            client.target().ims_url
        );
        record_failed(history, attempt, &error, message).await;
        return Err(CreateError::Token { attempt, error });
    }
    if let Err(e) = check {
        if let CreateError::DuplicateCheck { error, .. } = &e {
            record_failed(history, attempt, error, e.to_string()).await;
        }
        return Err(e);
    }
    let note = |lands_by_ms: EpochMs| {
        if let Some(in_flight) = &in_flight {
            in_flight.note_lands_by(lands_by_ms);
        }
    };
    let connection = match client.create_s3_connection_observed(input, &note).await {
        Ok(connection) => connection,
        // Unknown outcome: the record stays pending and the next start settles it.
        Err(error @ ClientError::OutcomeUnknown { .. }) => {
            return Err(CreateError::Client { attempt, error });
        }
        Err(error) => {
            let message = if error.is_ambiguous() {
                format!(
                    "{error}\nAEP had no connection named \"{}\" from this attempt when it was looked up afterwards.",
                    input.name
                )
            } else {
                error.to_string()
            };
            record_failed(history, attempt, &error, message).await;
            return Err(CreateError::Client { attempt, error });
        }
    };
    let after = if allow_duplicate {
        AfterCreate::NotChecked
    } else {
        look_again(client, &input.name, &connection.id).await
    };
    let outcome = CreatedOutcome {
        connection_id: connection.id.clone(),
        etag: connection.etag.clone(),
        request_id: connection.request_id.clone(),
        finished_at_ms: EpochMs::now(),
        reconciled: connection.reconciled,
    };
    let history_error = history
        .try_run(move |h| h.complete_created(attempt, &outcome))
        .await
        .err();
    Ok(CreateSuccess {
        attempt,
        connection,
        warnings,
        history_error,
        after,
    })
}

/// Writes the attempt `pending` and marks it in flight, in one call to the store so that nothing
/// settles the record in between.
async fn record_pending(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    request: &Request<'_>,
) -> Result<(AttemptId, Option<InFlight>), CreateError> {
    let target = client.target();
    let input = request.input;
    let batch = request.batch.map(str::to_owned);
    let new = NewAttempt {
        profile: request.profile.to_owned(),
        org_id: target.org_id.clone(),
        sandbox: target.sandbox.clone(),
        platform_url: target.platform_url.clone(),
        name: input.name.clone(),
        description: input.description.clone(),
        access_key_id: input.access_key_id.clone(),
        bucket_name: input.bucket_name.clone(),
        folder_path: input.folder_path.clone(),
        service_url: input.service_url.clone(),
        has_session_token: input.session_token.is_some(),
        request_body_redacted: redacted_create_body(input).to_string(),
        started_at_ms: EpochMs::now(),
    };
    Ok(history
        .try_run(move |h| {
            let attempt = h.insert_pending_in(&new, batch.as_deref())?;
            Ok((attempt, h.hold_in_flight(attempt)))
        })
        .await?)
}

/// Looks `name` up again right after `created` was made: another machine may have made one too.
async fn look_again(client: &PlatformClient, name: &str, created: &str) -> AfterCreate {
    match client.connections_named(name).await {
        Ok(mut found) => {
            found.retain(|c| c.id != created);
            found.sort_by_key(|c| std::cmp::Reverse(c.created_at));
            if found.is_empty() {
                AfterCreate::Alone
            } else {
                AfterCreate::Duplicates(found)
            }
        }
        Err(e) => AfterCreate::CheckFailed(e),
    }
}

/// Completes `attempt` as failed with `error`'s status, code and request ID and `message`; a
/// store failure is logged (the caller's error is what the user must see).
async fn record_failed(
    history: &impl HistoryAccess,
    attempt: AttemptId,
    error: &ClientError,
    message: String,
) {
    let failed = FailedOutcome {
        http_status: error.status(),
        error_code: error.code().map(str::to_owned),
        message,
        request_id: error.request_id().map(str::to_owned),
        finished_at_ms: EpochMs::now(),
    };
    if let Err(store) = history
        .try_run(move |h| h.complete_failed(attempt, &failed))
        .await
    {
        tracing::warn!(error = %store, "could not record the failure in the history");
    }
}

/// Waits for the lock of `name` in the client's target (another process creating the same name
/// holds it until its attempt is settled). Cancel-safe: dropping the future stops the wait.
async fn lock_name(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    name: &str,
) -> Result<Option<NameLock>, CreateError> {
    let t = client.target();
    let mut said = false;
    loop {
        let (platform, org, sandbox, n) = (
            t.platform_url.clone(),
            t.org_id.clone(),
            t.sandbox.clone(),
            name.to_owned(),
        );
        let tried = history
            .run(move |h| {
                h.try_lock_name(&platform, &org, &sandbox, &n).map_err(|e| {
                    let path = h.path().map(|p| p.with_extension("in-flight"));
                    (e, path.map(|p| p.display().to_string()).unwrap_or_default())
                })
            })
            .await?;
        match tried {
            Ok(Some(lock)) => return Ok(lock),
            Ok(None) => {
                if !said {
                    tracing::info!(
                        name,
                        "another process is creating this name; waiting for it"
                    );
                    said = true;
                }
                tokio::time::sleep(NAME_LOCK_POLL).await;
            }
            Err((source, path)) => {
                return Err(CreateError::Lock {
                    name: name.to_owned(),
                    path,
                    source,
                });
            }
        }
    }
}

/// The duplicate guard, run with the name lock held: refuses when AEP has an S3 connection of
/// that name, when an earlier attempt of that name may still land, or when AEP cannot be asked.
async fn refuse_duplicate(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    name: &str,
) -> Result<(), CreateError> {
    let t = client.target().clone();
    let clock = Clock::of(client);
    let n = name.to_owned();
    let now = EpochMs::now();
    // Pending attempts of this name that a dead process left and that may still land: settled
    // by reconciliation once their time has passed, or found in AEP by the check below.
    let earlier = history
        .try_run(move |h| {
            Ok(h.pending()?
                .into_iter()
                .filter(|a| a.name == n && a.is_of(&t))
                .filter_map(|a| {
                    let until = settles_after_ms(h, clock, a.id, a.started_at_ms)?;
                    (until > now).then_some((a.id, until))
                })
                .max_by_key(|(_, until)| *until))
        })
        .await?;
    let sandbox = &client.target().sandbox;
    if let Some((attempt, until_ms)) = earlier {
        // One that AEP already lists is a plain duplicate, reported as such below.
        if client
            .connections_named(name)
            .await
            .is_ok_and(|found| found.is_empty())
        {
            return Err(CreateError::EarlierAttemptPending {
                sandbox: sandbox.clone(),
                name: name.to_owned(),
                attempt,
                until_ms,
            });
        }
    }
    match super::connections::duplicate_guard(client, name).await {
        Ok(None) => Ok(()),
        Ok(Some(existing)) => Err(CreateError::Duplicate {
            sandbox: sandbox.clone(),
            existing: Box::new(existing),
        }),
        Err(error) => Err(CreateError::DuplicateCheck {
            sandbox: sandbox.clone(),
            name: name.to_owned(),
            error,
        }),
    }
}
