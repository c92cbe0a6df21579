//! Connection-management jobs (list, inspect, explore, rotate, delete, sandboxes): each calls
//! the shared operation of [`crate::ops::connections`] or the client, and reports its event.

use super::history::HistoryThread;
use super::{
    Changed, ConnectionsList, ErrorView, Event, ManageAnswer, ManageJob, RotateFailure,
    SandboxList, Scope, Worker,
};
use crate::api::explore::{ExploreTarget, FileType};
use crate::api::{Connection, PlatformClient};
use crate::ops::connections::{self as manage, NewCredentials, RotateError};
use crate::ops::history::not_recorded;

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

/// Every sandbox's connections, each with what went wrong in it.
async fn org_list(
    history: &HistoryThread,
    client: &PlatformClient,
) -> Result<Vec<SandboxList>, ErrorView> {
    let org = manage::org_connections(history, client)
        .await
        .map_err(|e| ErrorView::of(&e))?;
    Ok(org
        .sandboxes
        .into_iter()
        .map(|s| SandboxList {
            production: s.sandbox.is_production(),
            sandbox: s.sandbox.name,
            rows: s.rows,
            failure: s.failure.as_ref().map(ErrorView::of),
        })
        .collect())
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
        ManageJob::ListOrgConnections => ManageAnswer::OrgConnections(match &history {
            Some(h) => org_list(h, client).await,
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
            Some(h) => rotate(h, client, profile, id, seen.as_deref(), &credentials).await,
            None => Err(RotateFailure {
                error: not_open(),
                stale: None,
            }),
        }),
        ManageJob::DeleteConnection { id, name } => {
            ManageAnswer::ConnectionDeleted(match &history {
                Some(h) => delete(h, client, profile, id, name.as_deref()).await,
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

/// Rotates `id`'s credentials; a history that could not record it is said beside the success.
async fn rotate(
    history: &HistoryThread,
    client: &PlatformClient,
    profile: &str,
    id: String,
    seen: Option<&Connection>,
    credentials: &NewCredentials,
) -> Result<Changed, RotateFailure> {
    let done = manage::rotate(history, client, profile, &id, seen, credentials)
        .await
        .map_err(rotate_failure)?;
    Ok(Changed {
        unrecorded: done
            .history_error
            .map(|e| not_recorded("the credentials were rotated", &e)),
        id,
    })
}

/// Deletes `id` in AEP; a history that could not record it is said beside the success.
async fn delete(
    history: &HistoryThread,
    client: &PlatformClient,
    profile: &str,
    id: String,
    name: Option<&str>,
) -> Result<Changed, ErrorView> {
    let done = manage::delete(history, client, profile, &id, name)
        .await
        .map_err(|e| ErrorView::of(&e))?;
    Ok(Changed {
        unrecorded: done
            .history_error
            .map(|e| not_recorded("the connection was deleted", &e)),
        id,
    })
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
