//! Settling `pending` records that a crash, a kill or an unknown outcome left: each name is
//! looked up in AEP, and a record is called "not created" only once its request can no longer
//! land.

use std::collections::HashSet;

use crate::api::PlatformClient;
use crate::api::flow::CreatedLookup;
use crate::model::EpochMs;
use crate::store::history::{
    AttemptId, CreatedOutcome, FailedOutcome, HistoryError, HistoryQuery, HistoryStore,
    InFlightState,
};

use crate::ops::history::HistoryAccess;

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
        /// A connection of that name from that time that another request made (not this
        /// attempt's: another client, or settings other than the ones it sent), if AEP has one.
        made_by_another: Option<String>,
    },
    /// AEP has no such connection yet, but the attempt's request could still land: the record
    /// stays pending until then.
    Waiting {
        /// Record.
        attempt: AttemptId,
        /// When it may be settled as not created.
        until_ms: EpochMs,
    },
    /// The lookup failed; the record stays pending.
    Unknown {
        /// Record.
        attempt: AttemptId,
        /// Why.
        reason: String,
    },
}

impl Reconciled {
    /// What happened, in one sentence for the user (both front ends show this).
    pub fn describe(&self) -> String {
        match self {
            Self::Created {
                attempt,
                connection_id,
            } => format!(
                "Interrupted attempt #{} did create connection {connection_id}; the history is updated.",
                attempt.0
            ),
            Self::NotCreated {
                attempt,
                made_by_another: None,
            } => format!(
                "Interrupted attempt #{} created no connection; it is marked failed.",
                attempt.0
            ),
            Self::NotCreated {
                attempt,
                made_by_another: Some(id),
            } => format!(
                "Interrupted attempt #{} created no connection; it is marked failed. Connection {id} of the same name was made by another request.",
                attempt.0
            ),
            Self::Waiting { attempt, until_ms } => format!(
                "Interrupted attempt #{} is still pending: AEP has no connection of its name yet, and its request could still be created until {}.",
                attempt.0,
                until_ms.utc()
            ),
            Self::Unknown { attempt, reason } => format!(
                "Interrupted attempt #{} is still pending: looking it up failed ({reason}).",
                attempt.0
            ),
        }
    }
}

/// How long after an attempt's start its connection may appear and still be its own.
pub const RECONCILE_WINDOW_MS: i64 = 10 * 60 * 1000;

/// The client's timing bounds, copied so they can travel to the history's thread.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    /// How long after leaving a request may still reach Adobe, ms.
    lands_within_ms: i64,
    /// How far Adobe's clock and ours may differ, ms.
    clock_slack_ms: i64,
}

impl Clock {
    pub(crate) fn of(client: &PlatformClient) -> Self {
        Self {
            lands_within_ms: client.lands_within_ms(),
            clock_slack_ms: client.clock_slack_ms(),
        }
    }
}

/// When pending attempt `id` may be called "not created": once the last request it sent can no
/// longer reach Adobe, plus clock slack. `None` while its owner is alive (it settles it).
pub(crate) fn settles_after_ms(
    history: &HistoryStore,
    clock: Clock,
    id: AttemptId,
    started_at_ms: EpochMs,
) -> Option<EpochMs> {
    match history.in_flight_state(id) {
        InFlightState::Live => None,
        InFlightState::Gone { lands_by_ms } => {
            let lands_by =
                lands_by_ms.unwrap_or_else(|| started_at_ms.plus_ms(clock.lands_within_ms));
            Some(lands_by.plus_ms(clock.clock_slack_ms))
        }
    }
}

/// Settles `pending` records of `client`'s target (org, sandbox, platform) left by a crash or an
/// unknown outcome, by looking each name up in AEP. Records of other targets are left alone.
pub async fn reconcile_pending(
    history: &impl HistoryAccess,
    client: &PlatformClient,
) -> Result<Vec<Reconciled>, HistoryError> {
    let target = client.target().clone();
    let clock = Clock::of(client);
    let pending = history
        .try_run(move |h| {
            Ok(h.pending()?
                .into_iter()
                .filter(|a| a.is_of(&target))
                // Still being made by a live process (maybe this one): its owner settles it.
                .filter_map(|a| {
                    let until = settles_after_ms(h, clock, a.id, a.started_at_ms)?;
                    Some((a, until))
                })
                .collect::<Vec<_>>())
        })
        .await?;
    // A connection already recorded by another attempt is not this one's.
    let mut claimed: HashSet<String> = HashSet::new();
    let mut results = Vec::new();
    for (attempt, settles_after) in pending {
        let found = client
            .find_created(
                &attempt.name,
                attempt.started_at_ms,
                Some(attempt.started_at_ms.plus_ms(RECONCILE_WINDOW_MS)),
                &attempt.sent(),
            )
            .await;
        let id = attempt.id;
        let outcome = match found {
            Ok(CreatedLookup {
                ours: Some(found), ..
            }) if !claimed.contains(&found.connection.id) => {
                let connection_id = found.connection.id.clone();
                let created = CreatedOutcome {
                    connection_id: connection_id.clone(),
                    etag: found.connection.etag.clone().unwrap_or_default(),
                    request_id: found.request_id.clone(),
                    finished_at_ms: EpochMs::now(),
                    reconciled: true,
                };
                let settled = history
                    .try_run(move |h| {
                        let query = HistoryQuery {
                            search: Some(created.connection_id.clone()),
                            ..Default::default()
                        };
                        if h.count(&query).unwrap_or(0) > 0 {
                            return not_created_or_waiting(h, id, settles_after, None);
                        }
                        h.complete_created(id, &created)?;
                        h.forget_in_flight(id);
                        Ok(Reconciled::Created {
                            attempt: id,
                            connection_id: created.connection_id,
                        })
                    })
                    .await?;
                if matches!(settled, Reconciled::Created { .. }) {
                    claimed.insert(connection_id);
                }
                settled
            }
            Ok(lookup) => {
                let another = lookup.others.first().map(|c| c.id.clone());
                history
                    .try_run(move |h| not_created_or_waiting(h, id, settles_after, another))
                    .await?
            }
            Err(e) => Reconciled::Unknown {
                attempt: id,
                reason: e.to_string(),
            },
        };
        results.push(outcome);
    }
    Ok(results)
}

/// Settles `attempt` as not created, unless its request could still land (then it waits).
/// `made_by_another` is a connection of the attempt's name and time that is not its own.
fn not_created_or_waiting(
    history: &HistoryStore,
    attempt: AttemptId,
    settles_after_ms: EpochMs,
    made_by_another: Option<String>,
) -> Result<Reconciled, HistoryError> {
    if EpochMs::now() <= settles_after_ms {
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
            message: not_created_message(made_by_another.as_deref()),
            request_id: None,
            finished_at_ms: EpochMs::now(),
        },
    )?;
    history.forget_in_flight(attempt);
    Ok(Reconciled::NotCreated {
        attempt,
        made_by_another,
    })
}

/// Why an interrupted attempt is settled as not created, worded once for the history.
pub fn not_created_message(made_by_another: Option<&str>) -> String {
    match made_by_another {
        None => "Interrupted before Adobe answered; AEP has no connection of this name from that time, so it was not created.".to_owned(),
        Some(id) => format!(
            "Interrupted before Adobe answered; it was not created. AEP has a connection of this name from that time ({id}), but it was made by another request: another client, or settings other than the ones this attempt sent."
        ),
    }
}
