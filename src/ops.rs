//! User operations that combine the client and the stores: used by the CLI and the window's worker.

use std::collections::HashSet;

use crate::api::{ClientError, PlatformClient, redacted_create_body};
use crate::model::{CreatedConnection, S3ConnectionInput, now_ms};
use crate::store::history::{
    AttemptId, CreatedOutcome, FailedOutcome, HistoryError, HistoryQuery, HistoryStore, NewAttempt,
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
            Self::Invalid(_) => Exit::Usage,
            Self::Store(_) => Exit::Store,
            Self::Client { error, .. } | Self::Token { error, .. } => Exit::of(error),
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

/// Validates, records `pending`, creates, and completes the record.
pub async fn create_connection(
    history: &HistoryStore,
    client: &PlatformClient,
    profile: &str,
    input: &S3ConnectionInput,
) -> Result<CreateSuccess, CreateError> {
    let warnings = validate::s3_input(input).map_err(CreateError::Invalid)?;
    let target = client.target();
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
    let _in_flight = history.hold_in_flight(attempt);
    // The token first: when IMS is down nothing is sent, so the attempt has certainly failed.
    // (Inside the create, the same failure would count as ambiguous and leave it pending.)
    if let Err(error) = client.tokens().token().await {
        let failed = FailedOutcome {
            http_status: error.status(),
            error_code: error.code().map(str::to_owned),
            message: format!(
                "could not get an access token from IMS ({}), so nothing was sent to AEP: {error}",
                target.ims_url
            ),
            request_id: error.request_id().map(str::to_owned),
            finished_at_ms: now_ms(),
        };
        if let Err(store) = history.complete_failed(attempt, &failed) {
            tracing::warn!(error = %store, "could not record the failure in the history");
        }
        return Err(CreateError::Token { attempt, error });
    }
    match client.create_s3_connection(input).await {
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
            let failed = FailedOutcome {
                http_status: error.status(),
                error_code: error.code().map(str::to_owned),
                message: if error.is_ambiguous() {
                    format!(
                        "{error}\nAEP had no connection named \"{}\" from this attempt when it was looked up afterwards.",
                        input.name
                    )
                } else {
                    error.to_string()
                },
                request_id: error.request_id().map(str::to_owned),
                finished_at_ms: now_ms(),
            };
            if let Err(store) = history.complete_failed(attempt, &failed) {
                tracing::warn!(error = %store, "could not record the failure in the history");
            }
            Err(CreateError::Client { attempt, error })
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
                // Still being made by a live process (maybe this one): its owner settles it.
                && !history.is_in_flight(a.id)
        })
        .collect();
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    // A connection already recorded by another attempt is not this one's.
    let mut claimed: HashSet<String> = HashSet::new();
    let mut results = Vec::new();
    for attempt in pending {
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
                    not_created(history, attempt.id)?
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
                    Reconciled::Created {
                        attempt: attempt.id,
                        connection_id: id,
                    }
                }
            }
            Ok(_) => not_created(history, attempt.id)?,
            Err(e) => Reconciled::Unknown {
                attempt: attempt.id,
                reason: e.to_string(),
            },
        };
        results.push(outcome);
    }
    Ok(results)
}

fn not_created(history: &HistoryStore, attempt: AttemptId) -> Result<Reconciled, HistoryError> {
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
    Ok(Reconciled::NotCreated { attempt })
}
