//! Connection-management jobs (list, inspect, explore, rotate, delete, sandboxes): each calls
//! the shared operation of [`crate::ops::connections`] or the client, and reports its event.

use super::{
    ConnectionsList, ErrorView, Event, ManageAnswer, ManageJob, RotateFailure, Scope, Worker,
};
use crate::api::PlatformClient;
use crate::api::explore::{ExploreTarget, FileType};
use crate::ops::connections::{self as manage, RotateError};

/// Runs one connection-management job and answers with its scope and request.
pub(super) async fn run(w: &Worker, request: u64, job: ManageJob) {
    let (scope, client) = match w.active_client().await {
        Ok(c) => c,
        Err(e) => {
            return w.send(Event::Manage {
                scope: None,
                request,
                answer: ManageAnswer::NotStarted(e),
            });
        }
    };
    let answer = answer(w, &scope, &client, job).await;
    w.send(Event::Manage {
        scope: Some(scope),
        request,
        answer,
    });
}

async fn answer(
    w: &Worker,
    scope: &Scope,
    client: &PlatformClient,
    job: ManageJob,
) -> ManageAnswer {
    let history = w.history().await;
    let not_open = || ErrorView::message("the history is not open");
    let profile = &scope.profile;
    match job {
        ManageJob::ListConnections => ManageAnswer::Connections(match &history {
            Some(h) => manage::connections_view(h, client)
                .await
                .map(|view| ConnectionsList {
                    rows: view.rows,
                    cut_short: view.cut_short.as_ref().map(ErrorView::of),
                })
                .map_err(|e| ErrorView::of(&e)),
            None => Err(not_open()),
        }),
        ManageJob::Inspect(id) => ManageAnswer::Inspected(match &history {
            Some(h) => manage::inspect(h, client, &id)
                .await
                .map(Box::new)
                .map_err(|e| ErrorView::of(&e)),
            None => Err(not_open()),
        }),
        ManageJob::Explore { id, path } => {
            let target = path
                .clone()
                .map_or(ExploreTarget::Root, ExploreTarget::Folder);
            let result = client
                .explore(&id, &target)
                .await
                .map_err(|e| ErrorView::of(&e));
            ManageAnswer::Explored { id, path, result }
        }
        ManageJob::Preview { id, path } => {
            let file_type = FileType::from_path(&path).unwrap_or(FileType::Delimited);
            let result = client
                .preview(&id, &path, file_type)
                .await
                .map_err(|e| ErrorView::of(&e));
            ManageAnswer::Previewed { id, path, result }
        }
        ManageJob::Rotate {
            id,
            seen,
            credentials,
        } => ManageAnswer::Rotated(match &history {
            Some(h) => manage::rotate(h, client, profile, &id, seen.as_deref(), &credentials)
                .await
                .map(|done| done.etag)
                .map_err(rotate_failure),
            None => Err(RotateFailure {
                error: not_open(),
                stale: None,
            }),
        }),
        ManageJob::DeleteConnection { id, name } => {
            ManageAnswer::ConnectionDeleted(match &history {
                Some(h) => manage::delete(h, client, profile, &id, name.as_deref())
                    .await
                    .map(|_| id)
                    .map_err(|e| ErrorView::of(&e)),
                None => Err(not_open()),
            })
        }
        ManageJob::ListSandboxes => {
            let file = w.settings.paths.sandboxes_file();
            ManageAnswer::Sandboxes(
                crate::ops::sandboxes::list(client, &file)
                    .await
                    .map_err(|e| ErrorView::of(&e)),
            )
        }
    }
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
