//! Connection-management jobs (list, inspect, explore, rotate, delete, sandboxes): each calls
//! the shared operation of [`crate::manage`] or the client, and reports its event.

use super::{ConnectionsList, ErrorView, Event, Job, RotateFailure, Worker};
use crate::api::explore::{ExploreTarget, FileType};
use crate::manage::{self, RotateError};

/// Runs one connection-management job.
pub(super) async fn run(w: &Worker, job: Job) {
    let (profile, client) = match w.active_client().await {
        Ok(c) => c,
        Err(e) => return w.error("talking to AEP", &e.message),
    };
    let history = w.history().await;
    let not_open = || ErrorView::message("the history is not open");
    let event = match job {
        Job::ListConnections => Event::Connections(match &history {
            Some(h) => manage::connections_view(h, &client)
                .await
                .map(|view| ConnectionsList {
                    rows: view.rows,
                    cut_short: view.cut_short.as_ref().map(ErrorView::of),
                })
                .map_err(|e| ErrorView::of(&e)),
            None => Err(not_open()),
        }),
        Job::Inspect(id) => Event::Inspected(match &history {
            Some(h) => manage::inspect(h, &client, &id)
                .await
                .map(Box::new)
                .map_err(|e| ErrorView::of(&e)),
            None => Err(not_open()),
        }),
        Job::Explore { id, path } => {
            let target = path
                .clone()
                .map_or(ExploreTarget::Root, ExploreTarget::Folder);
            let result = client
                .explore(&id, &target)
                .await
                .map_err(|e| ErrorView::of(&e));
            Event::Explored { id, path, result }
        }
        Job::Preview { id, path } => {
            let file_type = FileType::from_path(&path).unwrap_or(FileType::Delimited);
            let result = client
                .preview(&id, &path, file_type)
                .await
                .map_err(|e| ErrorView::of(&e));
            Event::Previewed { id, path, result }
        }
        Job::Rotate {
            id,
            seen,
            credentials,
        } => Event::Rotated(match &history {
            Some(h) => manage::rotate(h, &client, &profile, &id, seen.as_deref(), &credentials)
                .await
                .map(|done| done.etag)
                .map_err(rotate_failure),
            None => Err(RotateFailure {
                error: not_open(),
                stale: None,
            }),
        }),
        Job::DeleteConnection { id, name } => Event::ConnectionDeleted(match &history {
            Some(h) => manage::delete(h, &client, &profile, &id, name.as_deref())
                .await
                .map(|_| id)
                .map_err(|e| ErrorView::of(&e)),
            None => Err(not_open()),
        }),
        Job::ListSandboxes => {
            Event::Sandboxes(client.list_sandboxes().await.map_err(|e| ErrorView::of(&e)))
        }
        _ => return,
    };
    w.send(event);
}

/// A rotation that did not apply: on a conflict, the current version and what changed, for the
/// user to look at and retry.
fn rotate_failure(e: RotateError) -> RotateFailure {
    match e {
        RotateError::Stale {
            current, changes, ..
        } => RotateFailure {
            error: ErrorView::message(
                "Someone changed this connection since you opened it; nothing was applied.",
            ),
            stale: Some((current, changes)),
        },
        other => RotateFailure {
            error: ErrorView::of(&other),
            stale: None,
        },
    }
}
