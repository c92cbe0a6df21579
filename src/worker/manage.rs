//! Connection-management jobs (list, inspect, explore, rotate, delete, sandboxes), run in the
//! background so a slow listing never holds up the history or the form.

use std::cell::RefCell;
use std::rc::Rc;

use super::{ErrorView, Event, Job, Notifier, RotateFailure, State, active_client};
use crate::api::ClientError;
use crate::api::explore::{ExploreTarget, FileType};

/// Runs a connection-management job in the background (a slow listing must not hold up the
/// history or the form) and reports its event.
pub(super) fn spawn_manage(state: &Rc<RefCell<State>>, n: &Rc<Notifier>, job: Job) {
    let (profile, client) = match active_client(state) {
        Ok(c) => c,
        Err(e) => {
            n.error("talking to AEP", &e.message);
            return;
        }
    };
    let history = state.borrow().history.clone();
    let n = Rc::clone(n);
    tokio::task::spawn_local(async move {
        let view = |e: &ClientError| ErrorView::from_client(e);
        let event = match job {
            Job::ListConnections => Event::Connections(
                match (client.list_s3_connections().await, &history) {
                    (Ok(remote), Some(h)) => {
                        crate::manage::merged_connections(remote, h, client.target())
                            .map_err(|e| ErrorView::message(e.to_string()))
                    }
                    (Ok(_), None) => Err(ErrorView::message("the history is not open")),
                    (Err(e), _) => Err(view(&e)),
                },
            ),
            Job::Inspect(id) => Event::Inspected(match &history {
                Some(h) => crate::manage::inspect(h, &client, &id)
                    .await
                    .map(Box::new)
                    .map_err(|e| match e {
                        crate::manage::InspectError::Client(c) => view(&c),
                        other => ErrorView::message(other.to_string()),
                    }),
                None => Err(ErrorView::message("the history is not open")),
            }),
            Job::Explore { id, path } => {
                let target = path
                    .clone()
                    .map_or(ExploreTarget::Root, ExploreTarget::Folder);
                let result = client.explore(&id, &target).await.map_err(|e| view(&e));
                Event::Explored { id, path, result }
            }
            Job::Preview { id, path } => {
                let file_type = FileType::from_path(&path).unwrap_or(FileType::Delimited);
                let result = client
                    .preview(&id, &path, file_type)
                    .await
                    .map_err(|e| view(&e));
                Event::Previewed { id, path, result }
            }
            Job::Rotate {
                id,
                seen,
                credentials,
            } => Event::Rotated(match &history {
                Some(h) => {
                    crate::manage::rotate(h, &client, &profile, &id, seen.as_deref(), &credentials)
                        .await
                        .map(|done| done.etag)
                        .map_err(|e| match e {
                            crate::manage::RotateError::Stale {
                                current, changes, ..
                            } => RotateFailure {
                                error: ErrorView::message(
                                    "Someone changed this connection since you opened it; nothing was applied.",
                                ),
                                stale: Some((current, changes)),
                            },
                            crate::manage::RotateError::Client(c) => RotateFailure {
                                error: view(&c),
                                stale: None,
                            },
                            other => RotateFailure {
                                error: ErrorView::message(other.to_string()),
                                stale: None,
                            },
                        })
                }
                None => Err(RotateFailure {
                    error: ErrorView::message("the history is not open"),
                    stale: None,
                }),
            }),
            Job::DeleteConnection { id, name } => Event::ConnectionDeleted(match &history {
                Some(h) => crate::manage::delete(h, &client, &profile, &id, name.as_deref())
                    .await
                    .map(|_| id)
                    .map_err(|e| ErrorView {
                        message: e.to_string(),
                        ..e.client_error().map(view).unwrap_or_default()
                    }),
                None => Err(ErrorView::message("the history is not open")),
            }),
            Job::ListSandboxes => {
                Event::Sandboxes(client.list_sandboxes().await.map_err(|e| view(&e)))
            }
            _ => return,
        };
        n.send(event);
    });
}
