//! User operations that combine the client and the stores: used by the CLI and the window's worker.

use std::collections::HashSet;
use std::time::Duration;

use crate::api::flow::Connection;
use crate::api::{ClientError, PlatformClient, redacted_create_body};
use crate::model::{CreatedConnection, S3ConnectionInput, now_ms};
use crate::store::history::{
    AttemptId, CreatedOutcome, FailedOutcome, HistoryError, HistoryQuery, HistoryStore,
    InFlightState, NameLock, NewAttempt,
};
use crate::validate::{self, FieldError, FieldWarning};

/// Process exit codes of PRODUCT.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Bad usage or input.
    Usage = 2,
    /// Rejected by Adobe (4xx).
    Rejected = 3,
    /// Network, timeout or 5xx.
    Network = 4,
    /// Local store or keyring failure.
    Store = 5,
}

impl Exit {
    /// From a client error's own classification.
    pub fn of(e: &ClientError) -> Self {
        match e.exit_code() {
            3 => Self::Rejected,
            4 => Self::Network,
            _ => Self::Usage,
        }
    }
}

/// Why a create did not produce a connection.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// One or more fields break a rule; nothing was sent or recorded.
    #[error("{}", join_field_errors(.0))]
    Invalid(Vec<FieldError>),
    /// The history could not record the attempt, so nothing was sent.
    #[error("could not record the attempt in the history, so nothing was sent: {0}")]
    Store(#[from] HistoryError),
    /// No access token could be had from IMS, so nothing was sent to AEP (the attempt is
    /// recorded as failed).
    #[error("could not get an access token from IMS, so nothing was sent to AEP: {error}")]
    Token {
        /// History record of the attempt.
        attempt: AttemptId,
        /// Why IMS gave no token.
        error: ClientError,
    },
    /// The sandbox already has an S3 connection of this name; nothing was sent or recorded.
    #[error(
        "sandbox {sandbox} already has an S3 connection named \"{}\": {} (created {}). Nothing was created.",
        .existing.name, .existing.id, crate::manage::format_utc(.existing.created_at.unwrap_or_default())
    )]
    Duplicate {
        /// The sandbox.
        sandbox: String,
        /// The newest connection of that name.
        existing: Box<Connection>,
    },
    /// Whether the sandbox already has a connection of this name could not be checked, so
    /// nothing was created (a second connection of the same name is worse than a retry).
    #[error(
        "could not check whether sandbox {sandbox} already has an S3 connection named \"{name}\", so nothing was created: {error}"
    )]
    DuplicateCheck {
        /// The sandbox.
        sandbox: String,
        /// The name.
        name: String,
        /// Why the check failed.
        error: ClientError,
    },
    /// An earlier attempt to create this name may still land at Adobe; nothing was sent.
    #[error(
        "an earlier attempt (#{}) to create \"{name}\" in sandbox {sandbox} may still be created by Adobe until {}, so nothing was created. Run `aep-s3-connect history` after that time to settle it.",
        .attempt.0, crate::manage::format_utc(*.until_ms)
    )]
    EarlierAttemptPending {
        /// The sandbox.
        sandbox: String,
        /// The name.
        name: String,
        /// The pending record.
        attempt: AttemptId,
        /// When it can no longer land (clock slack included), epoch ms.
        until_ms: i64,
    },
    /// The lock that serialises creates of one name could not be taken (the data dir is not
    /// writable, say); nothing was sent.
    #[error(
        "could not take the lock that keeps two creates of \"{name}\" apart ({path}): {source}"
    )]
    Lock {
        /// The name.
        name: String,
        /// The lock's directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Adobe or the network said no (the attempt is recorded as failed, or left pending when
    /// the outcome is unknown).
    #[error("{error}")]
    Client {
        /// History record of the attempt.
        attempt: AttemptId,
        /// What failed.
        error: ClientError,
    },
}

impl CreateError {
    /// The exit code for this failure.
    pub fn exit(&self) -> Exit {
        match self {
            Self::Invalid(_) | Self::Duplicate { .. } => Exit::Usage,
            Self::Store(_) | Self::Lock { .. } => Exit::Store,
            Self::EarlierAttemptPending { .. } => Exit::Network,
            // 4 when AEP could not answer (5xx, timeout); 3 when it refused the credential.
            Self::DuplicateCheck { error, .. }
            | Self::Client { error, .. }
            | Self::Token { error, .. } => Exit::of(error),
        }
    }
}

fn join_field_errors(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

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
    history: &HistoryStore,
    client: &PlatformClient,
    profile: &str,
    input: &S3ConnectionInput,
    allow_duplicate: bool,
) -> Result<CreateSuccess, CreateError> {
    let warnings = validate::s3_input(input).map_err(CreateError::Invalid)?;
    let target = client.target();
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
    let started_at_ms = now_ms();
    let attempt = history.insert_pending(&NewAttempt {
        profile: profile.to_owned(),
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
        started_at_ms,
    })?;
    // Until this is dropped (settled, cancelled or the process ends), reconciliation elsewhere
    // leaves the record alone.
    let in_flight = history.hold_in_flight(attempt);
    if let Err(error) = token {
        let message = format!(
            "could not get an access token from IMS ({}), so nothing was sent to AEP: {error}",
            target.ims_url
        );
        record_failed(history, attempt, &error, message);
        return Err(CreateError::Token { attempt, error });
    }
    if let Err(e) = check {
        if let CreateError::DuplicateCheck { error, .. } = &e {
            record_failed(history, attempt, error, e.to_string());
        }
        return Err(e);
    }
    let note = |lands_by_ms: i64| {
        if let Some(in_flight) = &in_flight {
            in_flight.note_lands_by(lands_by_ms);
        }
    };
    match client.create_s3_connection_observed(input, &note).await {
        Ok(connection) => {
            let history_error = history
                .complete_created(
                    attempt,
                    &CreatedOutcome {
                        connection_id: connection.id.clone(),
                        etag: connection.etag.clone(),
                        request_id: connection.request_id.clone(),
                        finished_at_ms: now_ms(),
                        reconciled: connection.reconciled,
                    },
                )
                .err();
            Ok(CreateSuccess {
                attempt,
                connection,
                warnings,
                history_error,
            })
        }
        // Unknown outcome: the record stays pending and the next start settles it.
        Err(error @ ClientError::OutcomeUnknown { .. }) => {
            Err(CreateError::Client { attempt, error })
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
            record_failed(history, attempt, &error, message);
            Err(CreateError::Client { attempt, error })
        }
    }
}

/// Completes `attempt` as failed with `error`'s status, code and request ID and `message`; a
/// store failure is logged (the caller's error is what the user must see).
fn record_failed(history: &HistoryStore, attempt: AttemptId, error: &ClientError, message: String) {
    let failed = FailedOutcome {
        http_status: error.status(),
        error_code: error.code().map(str::to_owned),
        message,
        request_id: error.request_id().map(str::to_owned),
        finished_at_ms: now_ms(),
    };
    if let Err(store) = history.complete_failed(attempt, &failed) {
        tracing::warn!(error = %store, "could not record the failure in the history");
    }
}

/// Waits for the lock of `name` in the client's target (another process creating the same name
/// holds it until its attempt is settled). Cancel-safe: dropping the future stops the wait.
async fn lock_name(
    history: &HistoryStore,
    client: &PlatformClient,
    name: &str,
) -> Result<Option<NameLock>, CreateError> {
    let t = client.target();
    let mut said = false;
    loop {
        match history.try_lock_name(&t.platform_url, &t.org_id, &t.sandbox, name) {
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
            Err(source) => {
                return Err(CreateError::Lock {
                    name: name.to_owned(),
                    path: history
                        .path()
                        .map(|p| p.with_extension("in-flight").display().to_string())
                        .unwrap_or_default(),
                    source,
                });
            }
        }
    }
}

/// The duplicate guard, run with the name lock held: refuses when AEP has an S3 connection of
/// that name, when an earlier attempt of that name may still land, or when AEP cannot be asked.
async fn refuse_duplicate(
    history: &HistoryStore,
    client: &PlatformClient,
    name: &str,
) -> Result<(), CreateError> {
    let t = client.target();
    let now = now_ms();
    // Pending attempts of this name that a dead process left and that may still land: settled
    // by reconciliation once their time has passed, or found in AEP by the check below.
    if let Some((attempt, until_ms)) = history
        .pending()?
        .into_iter()
        .filter(|a| {
            a.name == name
                && a.org_id == t.org_id
                && a.sandbox == t.sandbox
                && a.platform_url == t.platform_url
        })
        .filter_map(|a| {
            let until = settles_after_ms(history, client, a.id, a.started_at_ms)?;
            (until > now).then_some((a.id, until))
        })
        .max_by_key(|(_, until)| *until)
    {
        // One that AEP already lists is a plain duplicate, reported as such below.
        if client
            .connections_named(name)
            .await
            .is_ok_and(|found| found.is_empty())
        {
            return Err(CreateError::EarlierAttemptPending {
                sandbox: t.sandbox.clone(),
                name: name.to_owned(),
                attempt,
                until_ms,
            });
        }
    }
    match crate::manage::duplicate_guard(client, name).await {
        Ok(None) => Ok(()),
        Ok(Some(existing)) => Err(CreateError::Duplicate {
            sandbox: t.sandbox.clone(),
            existing: Box::new(existing),
        }),
        Err(error) => Err(CreateError::DuplicateCheck {
            sandbox: t.sandbox.clone(),
            name: name.to_owned(),
            error,
        }),
    }
}

/// When pending attempt `id` may be called "not created": once the last request it sent can no
/// longer reach Adobe, plus clock slack. `None` while its owner is alive (it settles it).
fn settles_after_ms(
    history: &HistoryStore,
    client: &PlatformClient,
    id: AttemptId,
    started_at_ms: i64,
) -> Option<i64> {
    match history.in_flight_state(id) {
        InFlightState::Live => None,
        InFlightState::Gone { lands_by_ms } => {
            let lands_by = lands_by_ms
                .unwrap_or_else(|| started_at_ms.saturating_add(client.lands_within_ms()));
            Some(lands_by.saturating_add(client.clock_slack_ms()))
        }
    }
}

/// What reconciliation did with one pending record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reconciled {
    /// Adobe has the connection: the record is now `created`.
    Created {
        /// Record.
        attempt: AttemptId,
        /// Connection ID.
        connection_id: String,
    },
    /// Adobe has no such connection: the record is now `failed`.
    NotCreated {
        /// Record.
        attempt: AttemptId,
    },
    /// AEP has no such connection yet, but the attempt's request could still land: the record
    /// stays pending until then.
    Waiting {
        /// Record.
        attempt: AttemptId,
        /// When it may be settled as not created, epoch ms.
        until_ms: i64,
    },
    /// The lookup failed; the record stays pending.
    Unknown {
        /// Record.
        attempt: AttemptId,
        /// Why.
        reason: String,
    },
}

/// How long after an attempt's start its connection may appear and still be its own.
pub const RECONCILE_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Settles `pending` records of `client`'s target (org, sandbox, platform) left by a crash or an
/// unknown outcome, by looking each name up in AEP. Records of other targets are left alone.
pub async fn reconcile_pending(
    history: &HistoryStore,
    client: &PlatformClient,
) -> Result<Vec<Reconciled>, HistoryError> {
    let target = client.target();
    let pending: Vec<_> = history
        .pending()?
        .into_iter()
        .filter(|a| {
            a.org_id == target.org_id
                && a.sandbox == target.sandbox
                && a.platform_url == target.platform_url
        })
        // Still being made by a live process (maybe this one): its owner settles it.
        .filter_map(|a| {
            let until = settles_after_ms(history, client, a.id, a.started_at_ms)?;
            Some((a, until))
        })
        .collect();
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    // A connection already recorded by another attempt is not this one's.
    let mut claimed: HashSet<String> = HashSet::new();
    let mut results = Vec::new();
    for (attempt, settles_after) in pending {
        let found = client
            .find_created(
                &attempt.name,
                attempt.started_at_ms,
                Some(attempt.started_at_ms + RECONCILE_WINDOW_MS),
            )
            .await;
        let outcome = match found {
            Ok(Some(found)) if !claimed.contains(&found.connection.id) => {
                let id = found.connection.id.clone();
                let known = history
                    .count(&HistoryQuery {
                        search: Some(id.clone()),
                        ..Default::default()
                    })
                    .unwrap_or(0)
                    > 0;
                if known {
                    not_created_or_waiting(history, attempt.id, settles_after)?
                } else {
                    claimed.insert(id.clone());
                    history.complete_created(
                        attempt.id,
                        &CreatedOutcome {
                            connection_id: id.clone(),
                            etag: found.connection.etag.clone().unwrap_or_default(),
                            request_id: found.request_id.clone(),
                            finished_at_ms: now_ms(),
                            reconciled: true,
                        },
                    )?;
                    history.forget_in_flight(attempt.id);
                    Reconciled::Created {
                        attempt: attempt.id,
                        connection_id: id,
                    }
                }
            }
            Ok(_) => not_created_or_waiting(history, attempt.id, settles_after)?,
            Err(e) => Reconciled::Unknown {
                attempt: attempt.id,
                reason: e.to_string(),
            },
        };
        results.push(outcome);
    }
    Ok(results)
}

/// Settles `attempt` as not created, unless its request could still land (then it waits).
fn not_created_or_waiting(
    history: &HistoryStore,
    attempt: AttemptId,
    settles_after_ms: i64,
) -> Result<Reconciled, HistoryError> {
    if now_ms() <= settles_after_ms {
        return Ok(Reconciled::Waiting {
            attempt,
            until_ms: settles_after_ms,
        });
    }
    history.complete_failed(
        attempt,
        &FailedOutcome {
            http_status: None,
            error_code: None,
            message: "Interrupted before Adobe answered; AEP has no connection of this name from that time, so it was not created.".to_owned(),
            request_id: None,
            finished_at_ms: now_ms(),
        },
    )?;
    history.forget_in_flight(attempt);
    Ok(Reconciled::NotCreated { attempt })
}
