//! Creating a connection on the worker: the duplicate guard, the create itself with its history
//! record, remembering the AWS key, cancelling, and settling pending records.

use std::cell::RefCell;
use std::rc::Rc;

use super::{
    CreatedView, ErrorView, Event, Notifier, State, TokenState, active_client, send_setup,
};
use crate::api::PlatformClient;
use crate::model::S3ConnectionInput;
use crate::ops::{self, CreateError};
use crate::store::config::SavedAwsKey;
use crate::store::secrets::SecretKind;

pub(super) fn start_create(
    state: &Rc<RefCell<State>>,
    n: &Rc<Notifier>,
    input: S3ConnectionInput,
    allow_duplicate: bool,
    remember_aws_as: Option<String>,
) {
    // One create at a time: a second click while one runs is ignored.
    if state
        .borrow()
        .create_task
        .as_ref()
        .is_some_and(|t| !t.is_finished())
    {
        return;
    }
    let (profile, client) = match active_client(state) {
        Ok(c) => c,
        Err(e) => {
            n.send(Event::CreateFinished(Err(*e)));
            return;
        }
    };
    if let Some(label) = remember_aws_as.filter(|l| !l.trim().is_empty()) {
        remember_aws(state, n, label.trim(), &input);
    }
    n.send(Event::CreateStarted);
    let state2 = Rc::clone(state);
    let n2 = Rc::clone(n);
    let task = tokio::task::spawn_local(async move {
        let outcome = {
            // Never hold the state's RefCell across an await: other jobs run meanwhile.
            let history = state2.borrow().history.clone();
            let Some(history) = history else {
                n2.send(Event::CreateFinished(Err(ErrorView::message(
                    "The history could not be opened, so nothing was sent (see the message above).",
                ))));
                return;
            };
            let target = client.target().clone();
            let curl = crate::curl::create_connection_curl(
                &target.platform_url,
                Some(&target.client_id),
                &target.org_id,
                &target.sandbox,
                &crate::api::redacted_create_body(&input),
            );
            match ops::create_connection(&history, &client, &profile, &input, allow_duplicate)
                .await
            {
                Err(CreateError::Duplicate { existing, .. }) => {
                    n2.send(Event::DuplicateFound(existing));
                    return;
                }
                Err(ref e @ CreateError::DuplicateCheck { ref error, .. }) => Err(ErrorView {
                    message: sentence(&e.to_string()),
                    hint: Some(
                        "Nothing was created. Try again when AEP answers, or use Create anyway to skip the check."
                            .to_owned(),
                    ),
                    offer_create_anyway: true,
                    ..ErrorView::from_client(error)
                }),
                Ok(done) => Ok(CreatedView {
                    attempt: done.attempt,
                    name: input.name.clone(),
                    sandbox: target.sandbox.clone(),
                    warnings: done
                        .warnings
                        .iter()
                        .map(ToString::to_string)
                        .chain(done.history_error.map(|e| {
                            format!("Created, but the history record could not be completed: {e}")
                        }))
                        .collect(),
                    connection: done.connection,
                    curl,
                }),
                Err(CreateError::Client { error, .. }) => Err(ErrorView {
                    curl: Some(curl),
                    ..ErrorView::from_client(&error)
                }),
                Err(CreateError::Token { error, .. }) => {
                    let view = ErrorView::from_client(&error);
                    Err(ErrorView {
                        message: format!(
                            "Could not get an access token from IMS, so nothing was sent to AEP: {}",
                            view.message
                        ),
                        ..view
                    })
                }
                Err(e @ CreateError::EarlierAttemptPending { .. }) => Err(ErrorView {
                    offer_create_anyway: true,
                    ..ErrorView::message(sentence(&e.to_string()))
                }),
                Err(e) => Err(ErrorView::message(sentence(&e.to_string()))),
            }
        };
        n2.send(Event::CreateFinished(outcome));
        n2.send(Event::HistoryChanged);
        if let Ok(t) = client.tokens().token().await {
            n2.send(Event::Token(TokenState::Valid(t.expires_at_ms)));
        }
    });
    state.borrow_mut().create_task = Some(task);
}

/// `text` with its first letter in upper case, as the window writes messages.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn remember_aws(
    state: &Rc<RefCell<State>>,
    n: &Rc<Notifier>,
    label: &str,
    input: &S3ConnectionInput,
) {
    let mut s = state.borrow_mut();
    let secrets = s.settings.secrets.clone();
    let stored = secrets
        .set(label, SecretKind::AwsSecretKey, &input.secret_key)
        .and_then(|()| match &input.session_token {
            Some(token) => secrets.set(label, SecretKind::AwsSessionToken, token),
            None => secrets.delete(label, SecretKind::AwsSessionToken),
        });
    if let Err(e) = stored {
        n.error("remembering the AWS credentials", e);
        return;
    }
    s.config.aws_keys.retain(|k| k.label != label);
    s.config.aws_keys.push(SavedAwsKey {
        label: label.to_owned(),
        access_key_id: input.access_key_id.clone(),
        has_session_token: input.session_token.is_some(),
    });
    let path = s.settings.paths.config_file();
    if let Err(e) = s.config.save(&path) {
        n.error("remembering the AWS credentials", e);
    }
    drop(s);
    send_setup(state, n, None);
}

pub(super) async fn cancel_create(state: &Rc<RefCell<State>>, n: &Rc<Notifier>) {
    let task = state.borrow_mut().create_task.take();
    let Some(task) = task.filter(|t| !t.is_finished()) else {
        return;
    };
    task.abort();
    let _ = task.await;
    n.send(Event::CreateFinished(Err(ErrorView {
        message: "Cancelled.".to_owned(),
        hint: Some(
            "If Adobe had already received the request, the connection is found by name and the history updated."
                .to_owned(),
        ),
        ..ErrorView::default()
    })));
    // The aborted attempt is pending: settle it now by looking its name up.
    let Ok((_, client)) = active_client(state) else {
        return;
    };
    reconcile(state, n, client).await;
}

/// Settles pending records of the client's target and reports what changed.
pub(super) async fn reconcile(
    state: &Rc<RefCell<State>>,
    n: &Rc<Notifier>,
    client: PlatformClient,
) {
    let history = state.borrow().history.clone();
    let Some(history) = history else { return };
    match ops::reconcile_pending(&history, &client).await {
        Ok(r) if r.is_empty() => {}
        Ok(r) => {
            n.send(Event::Reconciled(r));
            n.send(Event::HistoryChanged);
        }
        Err(e) => n.error("checking interrupted attempts", e),
    }
}
