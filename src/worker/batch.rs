//! The batch job: one connection created in several sandboxes, the worker's side of
//! [`crate::ops::create_in_sandboxes`]. It runs in the create slot: one create or batch at a
//! time, and Cancel stops it.

use std::rc::Rc;

use super::{BatchRow, BatchView, ErrorView, Event, Worker, profiles};
use crate::model::S3ConnectionInput;
use crate::ops::{self, BatchOutcome, BatchRequest, CreateError};

/// Starts a batch, unless a create runs.
pub(super) fn start(
    w: &Rc<Worker>,
    input: S3ConnectionInput,
    sandboxes: Vec<String>,
    batch: Option<String>,
    remember_aws_as: Option<String>,
) {
    super::create::in_create_slot(w, |w| async move {
        let result = run(&w, &input, &sandboxes, batch, remember_aws_as).await;
        w.send(Event::BatchFinished(result));
        w.send(Event::HistoryChanged);
    });
}

async fn run(
    w: &Worker,
    input: &S3ConnectionInput,
    sandboxes: &[String],
    batch: Option<String>,
    remember_aws_as: Option<String>,
) -> Result<BatchView, ErrorView> {
    let (scope, client) = w.active_client().await?;
    if let Some(label) = remember_aws_as.filter(|l| !l.trim().is_empty()) {
        profiles::remember_aws_key(w, label.trim().to_owned(), input.clone()).await;
    }
    let Some(history) = w.history().await else {
        return Err(super::history_not_open());
    };
    let batch = match batch {
        Some(batch) => batch,
        None => ops::batch_id_for(&history, &client, &input.name, sandboxes)
            .await
            .map_err(|e| ErrorView::of(&CreateError::Store(e)))?,
    };
    let request = BatchRequest {
        profile: &scope.profile,
        input,
        sandboxes,
        allow_duplicate: false,
    };
    let progress = |sandbox: &str, step| {
        w.send(Event::BatchStep {
            batch: batch.clone(),
            sandbox: sandbox.to_owned(),
            step,
        });
    };
    let outcome = ops::create_in_sandboxes(&history, &client, &request, &batch, &progress)
        .await
        .map_err(|e| ErrorView::of(&e))?;
    Ok(view(&outcome, &input.name))
}

/// The card's view of a finished batch.
fn view(outcome: &BatchOutcome, name: &str) -> BatchView {
    let warnings = outcome
        .sandboxes
        .iter()
        .flat_map(|s| s.reconciled.iter().map(crate::ops::Reconciled::describe))
        .chain(outcome.warnings(name))
        .collect();
    BatchView {
        batch: outcome.batch.clone(),
        rows: outcome
            .sandboxes
            .iter()
            .map(|s| BatchRow {
                sandbox: s.sandbox.clone(),
                step: s.result.step(),
                connection_id: s.result.connection().map(|(id, _)| id.to_owned()),
                error: s.result.error().map(ErrorView::of),
            })
            .collect(),
        warnings,
    }
}
