//! Running a rotation plan: each connection PATCHed a few at a time, journaled before each
//! PATCH and after it, so a run cut short resumes without a second PATCH.

use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt as _;

use std::path::Path;

use super::{PlannedConnection, RotationPlan};
use crate::api::PlatformClient;
use crate::error::{ErrorClass, Problem};
use crate::ops::HistoryAccess;
use crate::ops::connections::rotate::{
    NewCredentials, RotateError, RotateSuccess, rotate, rotate_session_token,
};
use crate::store::config::Config;
use crate::store::history::{HistoryError, ItemState, NewRotationRun, RotationItem};
use crate::store::secrets::SecretStore;

/// How often a connection whose version alone moved (412, nothing visible changed) is tried
/// again against its current version.
const STALE_RETRIES: usize = 3;

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

    /// Its result in a word or two, as the command line and the window show it.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Rotated(_) => "rotated",
            Self::AlreadyRotated => "rotated earlier",
            Self::Failed(RotateError::OutcomeUnknown { .. } | RotateError::Unverified { .. }) => {
                "unknown"
            }
            Self::Failed(_) | Self::LeftAlone(_) => "failed",
            Self::NotStarted => "not started",
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
    /// How many connections of the plan have the new key (now or in an earlier, cut-short run).
    fn rotated(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.state() == ItemState::Rotated)
            .count()
    }

    /// True when every connection of the plan has the new key.
    pub fn complete(&self) -> bool {
        self.rotated() == self.items.len()
    }

    /// The class of the failure that decides the exit: unavailable (worth running again)
    /// before any other, else the first.
    pub fn worst_failure(&self) -> Option<ErrorClass> {
        let classes = || self.items.iter().filter_map(|i| i.result.failure_class());
        classes()
            .find(|c| *c == ErrorClass::Unavailable)
            .or_else(|| classes().next())
    }

    /// True when the old key may be retired: every connection of the plan has the new key and
    /// every sandbox was searched. The remembered key follows the new one only then.
    pub fn finished(&self, plan: &RotationPlan) -> bool {
        self.complete() && plan.unsearched.is_empty()
    }

    /// The run in a sentence, the same on every front end: "Rotated 3 of 4 connection(s) to
    /// NEW; 2 more in an earlier run."
    pub fn summary(&self, new_key: &str) -> String {
        let rotated = self.rotated();
        let earlier = if self.already > 0 {
            format!("; {} more in an earlier run", self.already)
        } else {
            String::new()
        };
        format!(
            "Rotated {rotated} of {} connection(s) to {new_key}{earlier}.",
            self.items.len()
        )
    }

    /// What is left and how to finish it, when connections were not rotated (`None` when all
    /// were). `finish` is the front end's way to run it again ("Run the same command again",
    /// "Find again with the same keys").
    pub fn left_to_do(&self, old_key: &str, finish: &str) -> Option<String> {
        let left = self.items.len() - self.rotated();
        (left > 0).then(|| {
            let how = if self.cancelled {
                "Cancelled"
            } else {
                "Not finished"
            };
            format!(
                "{how}: {left} connection(s) still to do. {finish} to finish: connections already rotated are not sent again, and those whose answer was lost are read back. Keep {old_key} active until then."
            )
        })
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
        let done = read_back(
            history,
            client,
            &run,
            request,
            (item, plan.is_production(&item.sandbox)),
        )
        .await;
        progress(&done);
        items.push(done);
    }
    let rotated = futures_util::stream::iter(&plan.connections)
        .map(|planned| {
            let production = plan.is_production(&planned.sandbox);
            rotate_one(history, client, &run, request, (planned, production))
        })
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
        let id = run.start.id.clone();
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
    (planned, production): (&PlannedConnection, bool),
) -> RotatedItem {
    let c = &planned.connection;
    let item = |result| RotatedItem {
        sandbox: planned.sandbox.clone(),
        production,
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
    (item, production): (&RotationItem, bool),
) -> RotatedItem {
    let client = client.in_sandbox(&item.sandbox);
    if request.session_token_only {
        // AEP never shows the token: a lost answer cannot be read back (found again by the key,
        // the connection is sent the token again, which is safe).
        return RotatedItem {
            sandbox: item.sandbox.clone(),
            production,
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
        production,
        connection_id: item.connection_id.clone(),
        name: item.name.clone(),
        result,
    };
    let message = done.result.failure();
    note(history, run, &item.connection_id, done.state(), message).await;
    done
}

/// What became of the keys remembered with the old ID after a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RememberedKey {
    /// No key is remembered with the old ID.
    NotRemembered,
    /// Some connections may still use the old key (not all rotated, or a sandbox not
    /// searched): the remembered key keeps it.
    KeptOld(String),
    /// These labels now hold the new key.
    Updated(Vec<String>),
    /// Every connection has the new key, but the remembered one could not be changed.
    NotUpdated(String),
}

impl RememberedKey {
    /// What to tell the user, if anything: one sentence, the same on every front end.
    pub fn message(&self) -> Option<String> {
        match self {
            Self::NotRemembered => None,
            Self::KeptOld(old) => Some(format!(
                "The key remembered with ID {old} keeps the old key: some connections may still use it. Finish the rotation to update it."
            )),
            Self::Updated(labels) => Some(
                labels
                    .iter()
                    .map(|l| format!("The remembered key \"{l}\" now holds the new key."))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Self::NotUpdated(why) => Some(format!(
                "Every connection was rotated, but the remembered key could not be updated to the new one: {why}"
            )),
        }
    }

    /// The labels now holding the new key.
    pub fn updated(&self) -> &[String] {
        match self {
            Self::Updated(labels) => labels,
            _ => &[],
        }
    }
}

/// After a run (or a plan with nothing left to rotate): when every connection has the new key
/// and every sandbox was searched (`complete`), the keys remembered with the old ID get the new
/// one; until then they keep the old one, which the connections not rotated still use.
pub fn settle_remembered(
    config: &mut Config,
    config_file: &Path,
    secrets: &SecretStore,
    old: &str,
    credentials: &NewCredentials,
    complete: bool,
) -> RememberedKey {
    let old = old.trim();
    if !config.aws_keys.iter().any(|k| k.access_key_id == old) {
        return RememberedKey::NotRemembered;
    }
    if !complete {
        return RememberedKey::KeptOld(old.to_owned());
    }
    match crate::ops::aws_keys::replace_rotated(config, config_file, secrets, old, credentials) {
        Ok(labels) => RememberedKey::Updated(labels),
        Err(e) => RememberedKey::NotUpdated(e.to_string()),
    }
}
