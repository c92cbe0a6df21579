//! The create job, its cancellation, and settling pending records: the worker's side of
//! [`crate::ops::create_connection`] and [`crate::ops::reconcile_pending`].

use std::rc::Rc;

use super::{CreatedView, ErrorView, Event, TokenState, Worker, profiles, spawn};
use crate::api::{PlatformClient, redacted_create_body};
use crate::model::S3ConnectionInput;
use crate::ops::history::not_recorded;
use crate::ops::{self, AfterCreate, CreateError, CreateSuccess};

/// Starts a create, unless one runs: a second click while one runs is ignored.
pub(super) fn start(
    w: &Rc<Worker>,
    input: S3ConnectionInput,
    allow_duplicate: bool,
    remember_aws_as: Option<String>,
) {
    in_create_slot(w, |w| async move {
        create(&w, input, allow_duplicate, remember_aws_as).await;
    });
}

/// Runs `job` as the create (a single one or a batch), unless one runs: a second click while
/// one runs is ignored, and Cancel stops the one there is.
pub(super) fn in_create_slot<Fut: Future<Output = ()> + 'static>(
    w: &Rc<Worker>,
    job: impl FnOnce(Rc<Worker>) -> Fut,
) {
    if w.create_task
        .borrow()
        .as_ref()
        .is_some_and(|t| !t.is_finished())
    {
        return;
    }
    let task = spawn(w, job);
    *w.create_task.borrow_mut() = Some(task);
}

async fn create(
    w: &Worker,
    input: S3ConnectionInput,
    allow_duplicate: bool,
    remember_aws_as: Option<String>,
) {
    let (scope, client) = match w.active_client().await {
        Ok(c) => c,
        Err(e) => return w.send(Event::CreateFinished(Err(e))),
    };
    if let Some(label) = remember_aws_as.filter(|l| !l.trim().is_empty()) {
        profiles::remember_aws_key(w, label.trim().to_owned(), input.clone()).await;
    }
    let Some(history) = w.history().await else {
        return w.send(Event::CreateFinished(Err(super::history_not_open())));
    };
    let target = client.target();
    let curl = crate::records::curl::create_connection_curl(
        &target.platform_url,
        Some(&target.client_id),
        &target.org_id,
        &target.sandbox,
        &redacted_create_body(&input),
    );
    let outcome =
        ops::create_connection(&history, &client, &scope.profile, &input, allow_duplicate).await;
    let result = match outcome {
        Ok(done) => Ok(created_view(done, &input, &target.sandbox, curl)),
        Err(CreateError::Duplicate { existing, .. }) => {
            return w.send(Event::DuplicateFound(existing));
        }
        Err(e) => Err(create_error_view(&e, curl)),
    };
    w.send(Event::CreateFinished(result));
    w.send(Event::HistoryChanged);
    if let Ok(t) = client.tokens().token().await {
        w.send(Event::Token {
            profile: Some(scope.profile.clone()),
            state: TokenState::Valid(t.expires_at),
        });
    }
}

fn created_view(
    done: CreateSuccess,
    input: &S3ConnectionInput,
    sandbox: &str,
    curl: String,
) -> CreatedView {
    let warning = done.after.warning(&input.name, sandbox);
    let (duplicates, check_warning) = match done.after {
        AfterCreate::Duplicates(others) => (warning.map(|w| (others, sentence(&w))), None),
        _ => (None, warning),
    };
    CreatedView {
        duplicates,
        attempt: done.attempt,
        name: input.name.clone(),
        sandbox: sandbox.to_owned(),
        warnings: done
            .warnings
            .iter()
            .map(ToString::to_string)
            .chain(
                done.history_error
                    .map(|e| sentence(&not_recorded("the connection was created", &e))),
            )
            .chain(check_warning.map(|w| sentence(&w)))
            .collect(),
        connection: done.connection,
        curl,
    }
}

/// A create's failure as the result card shows it: the error's own message and hint; its way
/// out (Create anyway) is its remedy, drawn as a button.
fn create_error_view(e: &CreateError, curl: String) -> ErrorView {
    let view = ErrorView::of(e);
    match e {
        // Adobe's (or the network's) answer to the request itself: offer its cURL.
        CreateError::Client { .. } => ErrorView {
            curl: Some(curl),
            ..view
        },
        _ => ErrorView {
            message: sentence(&view.message),
            ..view
        },
    }
}

/// `text` with its first letter in upper case, as the window writes messages.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Cancels the running create, then settles its pending record by looking its name up.
pub(super) async fn cancel(w: &Worker) {
    let task = w.create_task.borrow_mut().take();
    let Some(task) = task.filter(|t| !t.is_finished()) else {
        return;
    };
    task.abort();
    // Once it has stopped, its in-flight guard is gone and reconciliation may settle it.
    let _ = task.await;
    w.send(Event::CreateFinished(Err(ErrorView {
        message: "Cancelled.".to_owned(),
        hint: Some(
            "If Adobe had already received the request, the connection is found by name and the history updated."
                .to_owned(),
        ),
        ..ErrorView::default()
    })));
    reconcile_active(w).await;
}

/// Settles pending records of the active profile's target (at start, and after a cancel).
pub(super) async fn reconcile_active(w: &Worker) {
    if let Ok((_, client)) = w.active_client().await {
        reconcile(w, &client).await;
    }
}

/// Settles pending records of the client's target and reports what changed.
async fn reconcile(w: &Worker, client: &PlatformClient) {
    let Some(history) = w.history().await else {
        return;
    };
    match ops::reconcile_pending(&history, client).await {
        Ok(r) if r.is_empty() => {}
        Ok(r) => {
            w.send(Event::Reconciled(r));
            w.send(Event::HistoryChanged);
        }
        Err(e) => w.error("checking interrupted attempts", e),
    }
}
