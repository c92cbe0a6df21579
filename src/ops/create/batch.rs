//! One connection created in several sandboxes: an attempt per sandbox, each through the rules of
//! a single create (duplicate guard, name lock, `pending` before the request), tied by a batch ID
//! in the history.
//!
//! Running the same batch again finishes only what is missing: a sandbox whose connection exists
//! (made by the first run, also one a `kill -9` cut short and reconciliation found) reports it
//! as `exists` and sends nothing; one whose earlier attempt may still land reports `pending` and
//! sends nothing; only the others are created.

use futures_util::StreamExt as _;

use crate::api::{ClientError, Connection, PlatformClient};
use crate::error::{ErrorClass, Problem};
use crate::model::S3ConnectionInput;
use crate::store::history::HistoryError;

use super::{CreateError, CreateSuccess, Request, create};
use crate::ops::connections::org::SANDBOXES_AT_ONCE;
use crate::ops::history::HistoryAccess;
use crate::ops::{Reconciled, reconcile_pending};

/// Where one sandbox's part of a batch stands, as both front ends show it while the batch runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SandboxStep {
    /// Not started: the few sandboxes at a time are busy.
    Waiting,
    /// Settling earlier attempts, checking the name, sending the create.
    Creating,
    /// Created by this run.
    Created,
    /// The sandbox already has this connection (same name, key, bucket and folder): nothing sent.
    Exists,
    /// An earlier attempt may still land, or this one's answer was lost: run again later.
    Pending,
    /// Failed; nothing was created.
    Failed,
}

impl SandboxStep {
    /// The word for it, as the CLI's progress, its `--json` and the window show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Creating => "creating",
            Self::Created => "created",
            Self::Exists => "exists",
            Self::Pending => "pending",
            Self::Failed => "failed",
        }
    }

    /// True once the sandbox has its connection.
    pub fn done(self) -> bool {
        matches!(self, Self::Created | Self::Exists)
    }
}

/// What one sandbox's part of a batch came to.
#[derive(Debug)]
pub enum SandboxResult {
    /// Created now.
    Created(Box<CreateSuccess>),
    /// The sandbox already had this connection.
    Exists(Box<Connection>),
    /// Nothing was created (or whether it was is not known yet: [`SandboxStep::Pending`]).
    Failed(CreateError),
}

impl SandboxResult {
    /// The step it ended at.
    pub fn step(&self) -> SandboxStep {
        match self {
            Self::Created(_) => SandboxStep::Created,
            Self::Exists(_) => SandboxStep::Exists,
            Self::Failed(e) if may_still_land(e) => SandboxStep::Pending,
            Self::Failed(_) => SandboxStep::Failed,
        }
    }

    /// The connection's ID and etag, when the sandbox has it.
    pub fn connection(&self) -> Option<(&str, Option<&str>)> {
        match self {
            Self::Created(done) => Some((&done.connection.id, Some(&done.connection.etag))),
            Self::Exists(c) => Some((&c.id, c.etag.as_deref())),
            Self::Failed(_) => None,
        }
    }

    /// The failure, if it failed.
    pub fn error(&self) -> Option<&CreateError> {
        match self {
            Self::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// Whether a failed create may still produce its connection (so it is `pending`, not `failed`).
fn may_still_land(e: &CreateError) -> bool {
    matches!(
        e,
        CreateError::EarlierAttemptPending { .. }
            | CreateError::Client {
                error: ClientError::OutcomeUnknown { .. },
                ..
            }
    )
}

/// One sandbox of a batch.
#[derive(Debug)]
pub struct SandboxOutcome {
    /// The sandbox.
    pub sandbox: String,
    /// Pending records of this name settled before the create (a run cut short earlier).
    pub reconciled: Vec<Reconciled>,
    /// What it came to.
    pub result: SandboxResult,
}

/// A whole batch, its sandboxes in the order asked.
#[derive(Debug)]
pub struct BatchOutcome {
    /// The batch ID in the history.
    pub batch: String,
    /// Each sandbox's part.
    pub sandboxes: Vec<SandboxOutcome>,
}

impl BatchOutcome {
    /// True when every sandbox has its connection.
    pub fn complete(&self) -> bool {
        self.sandboxes.iter().all(|s| s.result.step().done())
    }

    /// The failure that decides the exit: AEP or the network unavailable (worth a retry) before
    /// any other, else the first.
    pub fn worst_failure(&self) -> Option<(&str, &CreateError)> {
        let failures = || {
            self.sandboxes
                .iter()
                .filter_map(|s| Some((s.sandbox.as_str(), s.result.error()?)))
        };
        failures()
            .find(|(_, e)| e.class() == ErrorClass::Unavailable)
            .or_else(|| failures().next())
    }

    /// What to warn about, once for the batch: the field warnings (the same in every sandbox),
    /// each record the history could not complete, and each connection of the name another
    /// machine made meanwhile (or that could not be looked for).
    pub fn warnings(&self, name: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        let created = || {
            self.sandboxes.iter().filter_map(|s| match &s.result {
                SandboxResult::Created(done) => Some((s.sandbox.as_str(), done)),
                _ => None,
            })
        };
        if let Some((_, done)) = created().next() {
            warnings.extend(done.warnings.iter().map(ToString::to_string));
        }
        for (sandbox, done) in created() {
            warnings.extend(
                done.history_error
                    .as_ref()
                    .map(|e| crate::ops::history::not_recorded("the connection was created", e)),
            );
            warnings.extend(done.after.warning(name, sandbox));
        }
        warnings
    }

    /// True when AEP showed another connection of the name, made meanwhile elsewhere, in a
    /// sandbox where this batch created one.
    pub fn duplicates_elsewhere(&self) -> bool {
        self.sandboxes.iter().any(|s| {
            matches!(&s.result, SandboxResult::Created(done)
                if matches!(done.after, super::AfterCreate::Duplicates(_)))
        })
    }

    /// The sandboxes that do not have their connection yet: what *Retry failed* sends again.
    pub fn missing(&self) -> Vec<String> {
        self.sandboxes
            .iter()
            .filter(|s| !s.result.step().done())
            .map(|s| s.sandbox.clone())
            .collect()
    }
}

/// A create of one connection in several sandboxes.
#[derive(Clone, Copy, Debug)]
pub struct BatchRequest<'a> {
    /// The app profile that makes it.
    pub profile: &'a str,
    /// The connection.
    pub input: &'a S3ConnectionInput,
    /// The sandboxes, in the order to show them (repeats are dropped).
    pub sandboxes: &'a [String],
    /// Skip the duplicate guard (then a second run makes second connections).
    pub allow_duplicate: bool,
}

/// The sandboxes of `sandboxes` once each, in order, without empty names.
pub fn distinct_sandboxes(sandboxes: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    sandboxes
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && seen.insert(s.clone()))
        .collect()
}

/// The batch ID for creating `name` in `sandboxes`: the newest batch of that name on the
/// client's platform and org when every sandbox it reached is among them (the same command run
/// again, or *Retry failed*), else a new one.
pub async fn batch_id_for(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    name: &str,
    sandboxes: &[String],
) -> Result<String, HistoryError> {
    let t = client.target().clone();
    let name = name.to_owned();
    let latest = history
        .try_run(move |h| h.latest_batch_of(&t.platform_url, &t.org_id, &name))
        .await?;
    Ok(match latest {
        Some((batch, attempts)) if attempts.iter().all(|a| sandboxes.contains(&a.sandbox)) => batch,
        _ => uuid::Uuid::new_v4().to_string(),
    })
}

/// Creates `request.input` in each sandbox, [`SANDBOXES_AT_ONCE`] at a time, as batch `batch`,
/// telling `progress` each step. A sandbox that fails does not stop the others. Fails as a
/// whole only when the input is invalid (nothing sent anywhere).
pub async fn create_in_sandboxes(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    request: &BatchRequest<'_>,
    batch: &str,
    progress: &dyn Fn(&str, SandboxStep),
) -> Result<BatchOutcome, CreateError> {
    crate::validate::s3_input(request.input).map_err(CreateError::Invalid)?;
    let sandboxes = distinct_sandboxes(request.sandboxes);
    for sandbox in &sandboxes {
        progress(sandbox, SandboxStep::Waiting);
    }
    let one = Request {
        profile: request.profile,
        input: request.input,
        allow_duplicate: request.allow_duplicate,
        batch: Some(batch),
    };
    let outcomes = futures_util::stream::iter(sandboxes)
        .map(|sandbox| async move {
            progress(&sandbox, SandboxStep::Creating);
            let client = client.in_sandbox(&sandbox);
            let (reconciled, result) = create_in_one(history, &client, &one).await;
            progress(&sandbox, result.step());
            SandboxOutcome {
                sandbox,
                reconciled,
                result,
            }
        })
        .buffered(SANDBOXES_AT_ONCE)
        .collect()
        .await;
    Ok(BatchOutcome {
        batch: batch.to_owned(),
        sandboxes: outcomes,
    })
}

/// One sandbox: settles what an earlier run left pending there, then creates; the sandbox's
/// connection of this name that shows what this create would send counts as its own.
async fn create_in_one(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    request: &Request<'_>,
) -> (Vec<Reconciled>, SandboxResult) {
    let reconciled = match reconcile_pending(history, client).await {
        Ok(done) => done,
        Err(e) => {
            tracing::warn!(error = %e, sandbox = %client.target().sandbox, "could not settle pending records");
            Vec::new()
        }
    };
    let result = match create(history, client, request).await {
        Ok(done) => SandboxResult::Created(Box::new(done)),
        Err(CreateError::Duplicate { existing, .. })
            if existing.shows_sent(&request.input.sent()) =>
        {
            SandboxResult::Exists(existing)
        }
        Err(e) => SandboxResult::Failed(e),
    };
    (reconciled, result)
}
