//! Rotating one key everywhere it is used, from the window: the worker's side of
//! [`crate::ops::connections::rotate_key`], the same plan, pre-flight, journaled run and
//! remembered-key rule as `connections rotate-key`. One run at a time; Cancel stops new PATCHes
//! (those in flight finish and are recorded); the org's unfinished runs are offered on start.

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{ErrorView, Event, Worker, profiles, spawn};
use crate::api::http::Http;
use crate::ops::HistoryAccess as _;
use crate::ops::connections::NewCredentials;
use crate::ops::connections::rotate_key::{
    DEFAULT_PARALLEL, PreflightVerdict, RotatedItem, RotationPlan, RotationRequest, SandboxScope,
    StorageCheck, plan_rotation, preflight, preflight_verdict, run_rotation, settle_remembered,
};
use crate::store::history::{ItemState, RotationRun};

/// What the key-rotation dialog asks of the worker.
#[derive(Debug)]
pub enum RotateKeyJob {
    /// Find every connection using `old_key` in `scope`, and check the new key with S3 on each
    /// distinct bucket and folder (unless `skip_s3_check`, or the new key cannot sign).
    Plan {
        /// Echoed in the answer: only the newest request's answer is shown.
        request: u64,
        /// The key replaced.
        old_key: String,
        /// The new key (with `session_token_only`, the old key's ID and the new token).
        credentials: NewCredentials,
        /// Where to look.
        scope: SandboxScope,
        /// Do not ask S3 first.
        skip_s3_check: bool,
    },
    /// Rotate the connections of `plan`, journaled; each result is reported as it comes.
    Run {
        /// Echoed in every step and in the end.
        request: u64,
        /// The key replaced.
        old_key: String,
        /// The new key.
        credentials: NewCredentials,
        /// Replace only the session token.
        session_token_only: bool,
        /// The plan the user confirmed.
        plan: Box<RotationPlan>,
    },
    /// Stop starting new PATCHes in the run there is.
    Cancel,
    /// The active profile's organisation's runs that did not finish.
    ListUnfinished,
}

/// What the worker answers.
#[derive(Debug)]
pub enum RotationEvent {
    /// The plan (and the pre-flight), or why there is none.
    Planned {
        /// The request answered.
        request: u64,
        /// The plan.
        result: Result<Box<PlannedRotation>, ErrorView>,
    },
    /// One connection's result.
    Step {
        /// The run's request.
        request: u64,
        /// The result.
        row: RotationRow,
    },
    /// The run ended (or could not start).
    Finished {
        /// The run's request.
        request: u64,
        /// The summary.
        result: Result<RotationDone, ErrorView>,
    },
    /// The runs of the active organisation that did not finish, newest first.
    Unfinished(Vec<UnfinishedRun>),
}

/// A plan, with the new key's pre-flight.
#[derive(Clone, Debug)]
pub struct PlannedRotation {
    /// The plan.
    pub plan: RotationPlan,
    /// Each bucket and folder checked (empty when skipped).
    pub checks: Vec<StorageCheck>,
    /// Why the new key did not pass: nothing may be rotated then.
    pub verdict: Option<PreflightVerdict>,
}

/// One connection's result, as the dialog shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationRow {
    /// Its sandbox.
    pub sandbox: String,
    /// Production, by the sandbox's type.
    pub production: bool,
    /// Connection ID.
    pub connection_id: String,
    /// Its name.
    pub name: String,
    /// Its result in a word or two ([`crate::ops::connections::rotate_key::ItemResult::status`]).
    pub status: &'static str,
    /// It has the new key.
    pub rotated: bool,
    /// Why not, when it failed.
    pub error: Option<String>,
}

impl RotationRow {
    fn of(item: &RotatedItem) -> Self {
        Self {
            sandbox: item.sandbox.clone(),
            production: item.production,
            connection_id: item.connection_id.clone(),
            name: item.name.clone(),
            status: item.result.status(),
            rotated: item.state() == ItemState::Rotated,
            error: item.result.failure(),
        }
    }
}

/// A run's end.
#[derive(Clone, Debug)]
pub struct RotationDone {
    /// Each connection.
    pub rows: Vec<RotationRow>,
    /// The run in a sentence (`RotationOutcome::summary`).
    pub summary: String,
    /// What is left and how to finish it, when connections were not rotated.
    pub left_to_do: Option<String>,
    /// Every connection has the new key and every sandbox was searched.
    pub complete: bool,
    /// The sandboxes that could not be searched, each in a sentence.
    pub unsearched: Vec<String>,
    /// What became of the keys remembered with the old ID, in a sentence.
    pub remembered: Option<String>,
}

/// A run that did not finish, offered on start.
#[derive(Clone, Debug)]
pub struct UnfinishedRun {
    /// The run.
    pub run: RotationRun,
    /// Its connections not rotated yet.
    pub left: usize,
    /// The sandboxes of its connections: where finishing it looks.
    pub sandboxes: Vec<String>,
}

/// Runs a key-rotation job.
pub(super) fn dispatch(w: &Rc<Worker>, job: RotateKeyJob) {
    match job {
        RotateKeyJob::Plan {
            request,
            old_key,
            credentials,
            scope,
            skip_s3_check,
        } => {
            spawn(w, move |w| async move {
                let result = plan(&w, &old_key, &credentials, &scope, skip_s3_check).await;
                w.send(Event::Rotation(RotationEvent::Planned { request, result }));
            });
        }
        RotateKeyJob::Run {
            request,
            old_key,
            credentials,
            session_token_only,
            plan,
        } => {
            if w.rotation_cancel.borrow().is_some() {
                return; // one run at a time: the dialog shows the one there is
            }
            let cancel = Arc::new(AtomicBool::new(false));
            *w.rotation_cancel.borrow_mut() = Some(Arc::clone(&cancel));
            spawn(w, move |w| async move {
                let ask = RunAsk {
                    request,
                    old_key: &old_key,
                    credentials: &credentials,
                    session_token_only,
                    cancel: &cancel,
                };
                let result = run(&w, &ask, &plan).await;
                *w.rotation_cancel.borrow_mut() = None;
                w.send(Event::Rotation(RotationEvent::Finished { request, result }));
                w.send(Event::HistoryChanged);
                list_unfinished(&w).await;
            });
        }
        RotateKeyJob::Cancel => {
            if let Some(cancel) = w.rotation_cancel.borrow().as_ref() {
                cancel.store(true, Ordering::SeqCst);
            }
        }
        RotateKeyJob::ListUnfinished => {
            spawn(w, |w| async move { list_unfinished(&w).await });
        }
    }
}

/// The plan and the pre-flight.
async fn plan(
    w: &Worker,
    old_key: &str,
    credentials: &NewCredentials,
    scope: &SandboxScope,
    skip_s3_check: bool,
) -> Result<Box<PlannedRotation>, ErrorView> {
    let (_, client) = w.active_client().await?;
    let history = w.history().await.ok_or_else(super::history_not_open)?;
    let plan = plan_rotation(
        &history,
        &client,
        old_key,
        &credentials.access_key_id,
        scope,
    )
    .await
    .map_err(|e| ErrorView::of(&e))?;
    // A token alone cannot sign the pre-flight's requests.
    let checks = if skip_s3_check || credentials.secret_key.expose().is_empty() {
        Vec::new()
    } else {
        let settings = w.session.lock().await.config.timeouts.http_settings();
        let http = Http::new(settings).map_err(|e| ErrorView::of(&e))?;
        preflight(&http, credentials, &plan).await
    };
    Ok(Box::new(PlannedRotation {
        verdict: preflight_verdict(&checks),
        plan,
        checks,
    }))
}

/// What a run needs besides the plan.
struct RunAsk<'a> {
    request: u64,
    old_key: &'a str,
    credentials: &'a NewCredentials,
    session_token_only: bool,
    cancel: &'a AtomicBool,
}

/// Rotates the plan's connections, then settles the remembered keys of the old ID.
async fn run(w: &Worker, ask: &RunAsk<'_>, plan: &RotationPlan) -> Result<RotationDone, ErrorView> {
    let (scope, client) = w.active_client().await?;
    let history = w.history().await.ok_or_else(super::history_not_open)?;
    let request = RotationRequest {
        profile: &scope.profile,
        old_key: ask.old_key,
        credentials: ask.credentials,
        parallel: DEFAULT_PARALLEL,
        session_token_only: ask.session_token_only,
        cancel: ask.cancel,
    };
    let progress = |item: &RotatedItem| {
        w.send(Event::Rotation(RotationEvent::Step {
            request: ask.request,
            row: RotationRow::of(item),
        }));
    };
    let outcome = run_rotation(&history, &client, &request, plan, &progress)
        .await
        .map_err(|e| ErrorView::of(&e))?;
    let complete = outcome.finished(plan);
    let (file, secrets) = (w.settings.paths.config_file(), w.settings.secrets.clone());
    let (old, credentials) = (ask.old_key.to_owned(), ask.credentials.clone());
    let settled = profiles::change_config(w, move |config| {
        settle_remembered(config, &file, &secrets, &old, &credentials, complete)
    })
    .await;
    if !settled.updated().is_empty() {
        w.send_setup().await;
    }
    Ok(RotationDone {
        rows: outcome.items.iter().map(RotationRow::of).collect(),
        summary: outcome.summary(&ask.credentials.access_key_id),
        left_to_do: outcome.left_to_do(ask.old_key, "Find again with the same keys"),
        complete,
        unsearched: plan
            .unsearched
            .iter()
            .map(|u| u.describe(ask.old_key))
            .collect(),
        remembered: settled.message(),
    })
}

/// Tells the window the active organisation's unfinished runs (none without a profile or a
/// history).
async fn list_unfinished(w: &Worker) {
    let Some(profile) = w.session.lock().await.active_profile() else {
        return;
    };
    let Some(history) = w.history().await else {
        return;
    };
    let runs = history
        .try_run(move |h| {
            let mut unfinished = Vec::new();
            for run in h.unfinished_rotations()? {
                if run.start.org_id != profile.org_id
                    || crate::model::platform_key(&run.start.platform_url)
                        != crate::model::platform_key(&profile.platform_url)
                {
                    continue;
                }
                let items = h.rotation_items(&run.start.id)?;
                let mut sandboxes: Vec<String> = items.iter().map(|i| i.sandbox.clone()).collect();
                sandboxes.sort();
                sandboxes.dedup();
                unfinished.push(UnfinishedRun {
                    left: items
                        .iter()
                        .filter(|i| i.state != ItemState::Rotated)
                        .count(),
                    sandboxes,
                    run,
                });
            }
            Ok(unfinished)
        })
        .await;
    match runs {
        Ok(runs) => w.send(Event::Rotation(RotationEvent::Unfinished(runs))),
        Err(e) => w.error("reading the unfinished key rotations", e),
    }
}
