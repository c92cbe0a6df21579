//! The connections screen: the active sandbox's S3 connections in AEP merged with the history
//! ([`list`]), and the windows opened from a row: details ([`inspect`]), a lazily loaded tree
//! with file previews ([`explorer`]), key rotation ([`rotate`]) and deletion ([`delete`]).

mod banners;
mod delete;
mod explorer;
mod inspect;
mod list;
mod rotate;

use delete::DeleteDialog;
use explorer::Explorer;
pub use list::ConnectionRow;
pub(crate) use list::width_bucket;
use rotate::RotateDialog;

use super::action::Action;
use super::loadable::Loadable;
use crate::api::explore::{ExploreItem, Preview};
use crate::ops::connections::Inspected;
use crate::worker::{ConnectionsList, ErrorView, RotateFailure, SandboxList};

/// The connections screen's state: the list, its filter and the open windows.
#[derive(Default)]
pub struct ConnectionsScreen {
    /// The merged list, as the table shows it.
    list: Loadable<Vec<ConnectionRow>>,
    /// The request of the list shown or on its way: an older answer is dropped.
    list_request: u64,
    /// Why the list is only part of the sandbox's connections, when AEP's list stopped early.
    cut_short: Option<ErrorView>,
    /// Every sandbox the credential can use, not only the active one.
    all_sandboxes: bool,
    /// With all sandboxes: those not listed in full, each with why.
    failed_sandboxes: Vec<(String, ErrorView)>,
    /// Filter text.
    filter: String,
    /// The details window.
    inspected: Option<Loadable<Box<Inspected>>>,
    /// The request whose answer the details window waits for.
    inspect_request: u64,
    /// The explorer window.
    explorer: Option<Explorer>,
    /// The rotate dialog.
    rotate: Option<RotateDialog>,
    /// The delete dialog.
    delete: Option<DeleteDialog>,
}

/// What the screen shows from outside it.
#[derive(Clone, Copy)]
pub struct ConnectionsView<'a> {
    /// The active profile's sandbox; `None` without a profile.
    pub sandbox: Option<&'a str>,
    /// The sandbox is a production one (deleting asks for the name).
    pub production: bool,
}

impl ConnectionsScreen {
    /// The list was asked for, as `request`.
    pub(crate) fn list_loading(&mut self, request: u64) {
        self.list = Loadable::Loading;
        self.list_request = request;
    }

    /// Esc: closes the top-most open window or dialog; true when one was open.
    pub(crate) fn close_one(&mut self) -> bool {
        self.delete.take().is_some()
            || self.rotate.take().is_some()
            || self.explorer.take().is_some()
            || self.inspected.take().is_some()
    }

    /// Closes every window and dialog (their connection belongs to another sandbox now).
    pub(crate) fn close_all(&mut self) {
        while self.close_one() {}
    }

    /// Forgets the list (another sandbox): it loads again when shown.
    pub(crate) fn forget_list(&mut self) {
        self.list = Loadable::Idle;
    }

    /// The request of the list shown or on its way.
    pub(crate) fn list_request(&self) -> u64 {
        self.list_request
    }

    /// True when the list covers every sandbox the credential can use.
    pub(crate) fn all_sandboxes(&self) -> bool {
        self.all_sandboxes
    }

    /// Every sandbox's list of `request` arrived. Each row names its sandbox; the sandboxes
    /// not listed in full are kept with why.
    pub fn on_org_list(&mut self, request: u64, result: Result<Vec<SandboxList>, ErrorView>) {
        if request != self.list_request {
            return;
        }
        self.cut_short = None;
        let sandboxes = result.as_ref().map(Vec::as_slice).unwrap_or_default();
        self.failed_sandboxes = sandboxes
            .iter()
            .filter_map(|s| Some((s.sandbox.clone(), s.failure.clone()?)))
            .collect();
        self.list = Loadable::from_result(result.map(|sandboxes| {
            sandboxes
                .into_iter()
                .flat_map(|s| {
                    let (sandbox, production) = (s.sandbox, s.production);
                    s.rows
                        .into_iter()
                        .map(move |c| ConnectionRow::new(c).in_sandbox(&sandbox, production))
                })
                .collect()
        }));
    }

    /// The list of `request` arrived (the worker's answer; tests hand it fixed rows). The
    /// answer to an older request than the last one is dropped.
    pub fn on_list(&mut self, request: u64, result: Result<ConnectionsList, ErrorView>) {
        if request != self.list_request {
            return;
        }
        self.cut_short = result.as_ref().ok().and_then(|l| l.cut_short.clone());
        self.failed_sandboxes.clear();
        self.list = Loadable::from_result(
            result.map(|list| list.rows.into_iter().map(ConnectionRow::new).collect()),
        );
    }

    /// A connection's details were asked for (`request`): the window opens, loading.
    pub(crate) fn inspect_loading(&mut self, request: u64) {
        self.inspected = Some(Loadable::Loading);
        self.inspect_request = request;
    }

    /// A connection's details arrived: shown when the window still waits for them, dropped
    /// when it was closed (Esc) or asked for another connection since.
    pub(crate) fn on_inspected(&mut self, request: u64, result: Result<Box<Inspected>, ErrorView>) {
        if self.inspected.is_some() && request == self.inspect_request {
            self.inspected = Some(Loadable::from_result(result));
        }
    }

    /// Opens the explorer on a connection, its root loading.
    pub(crate) fn open_explorer(&mut self, id: &str, name: &str) {
        self.explorer = Some(Explorer::new(id, name));
    }

    /// A folder of the explorer was asked for.
    pub(crate) fn folder_loading(&mut self, id: &str, path: &str) {
        if let Some(explorer) = self.explorer.as_mut().filter(|e| e.id == id) {
            explorer.folders.insert(path.to_owned(), Loadable::Loading);
        }
    }

    /// A file preview was asked for.
    pub(crate) fn preview_loading(&mut self, id: &str, path: &str) {
        if let Some(explorer) = self.explorer.as_mut().filter(|e| e.id == id) {
            explorer.preview = Some((path.to_owned(), Loadable::Loading));
        }
    }

    /// A level of the explorer arrived.
    pub(crate) fn on_explored(
        &mut self,
        id: &str,
        path: Option<String>,
        result: Result<Vec<ExploreItem>, ErrorView>,
    ) {
        if let Some(explorer) = self.explorer.as_mut().filter(|e| e.id == id) {
            explorer
                .folders
                .insert(path.unwrap_or_default(), Loadable::from_result(result));
        }
    }

    /// A preview arrived.
    pub(crate) fn on_previewed(
        &mut self,
        id: &str,
        path: String,
        result: Result<Preview, ErrorView>,
    ) {
        if let Some(explorer) = self.explorer.as_mut().filter(|e| e.id == id) {
            explorer.preview = Some((path, Loadable::from_result(result)));
        }
    }

    /// A rotation was sent.
    pub(crate) fn rotate_started(&mut self) {
        if let Some(dialog) = &mut self.rotate {
            dialog.busy = true;
            dialog.failure = None;
        }
    }

    /// A rotation finished: close the dialog on success (true), keep it with the reason
    /// otherwise.
    pub(crate) fn on_rotated(&mut self, result: Result<String, RotateFailure>) -> bool {
        match result {
            Ok(_) => {
                self.rotate = None;
                true
            }
            Err(failure) => {
                if let Some(dialog) = &mut self.rotate {
                    dialog.failed(failure);
                }
                false
            }
        }
    }

    /// A deletion was sent.
    pub(crate) fn delete_started(&mut self) {
        if let Some(dialog) = &mut self.delete {
            dialog.busy = true;
            dialog.error = None;
        }
    }

    /// A deletion finished: close the dialog and give the ID on success, keep it with the
    /// reason otherwise.
    pub(crate) fn on_deleted(&mut self, result: Result<String, ErrorView>) -> Option<String> {
        match result {
            Ok(id) => {
                self.delete = None;
                Some(id)
            }
            Err(e) => {
                if let Some(dialog) = &mut self.delete {
                    dialog.busy = false;
                    dialog.error = Some(e);
                }
                None
            }
        }
    }
}

/// Draws the connections tab: the list, and opens a row's dialogs.
pub fn connections_ui(
    ui: &mut egui::Ui,
    screen: &mut ConnectionsScreen,
    view: ConnectionsView<'_>,
    actions: &mut Vec<Action>,
) {
    let all_sandboxes = screen.all_sandboxes;
    let asked = list::list_ui(
        ui,
        &list::ListState {
            list: &screen.list,
            cut_short: screen.cut_short.as_ref(),
            failed_sandboxes: &screen.failed_sandboxes,
        },
        &mut list::ListControls {
            filter: &mut screen.filter,
            all_sandboxes: &mut screen.all_sandboxes,
        },
        view,
        actions,
    );
    if screen.all_sandboxes != all_sandboxes {
        // Loads again, for the sandboxes now asked for.
        screen.forget_list();
    }
    for (intent, row) in asked {
        match intent {
            list::RowIntent::Copy => actions.push(Action::copy(row.id, "connection ID")),
            list::RowIntent::Inspect => actions.push(Action::Inspect(row.id)),
            list::RowIntent::Explore => actions.push(Action::Explore {
                id: row.id,
                name: row.name,
            }),
            // Opening a dialog needs nothing from the worker: the screen does it itself.
            list::RowIntent::Rotate => screen.rotate = Some(RotateDialog::new(row)),
            list::RowIntent::RotateEverywhere => {
                let key = row
                    .remote
                    .as_ref()
                    .and_then(|c| c.auth_param("s3AccessKey"));
                actions.push(Action::RotateKeyEverywhere(
                    key.unwrap_or_default().to_owned(),
                ));
            }
            list::RowIntent::Delete => screen.delete = Some(DeleteDialog::new(row)),
            // A row of another sandbox is managed there: the list stays on all sandboxes.
            list::RowIntent::GoToSandbox => {
                if let Some(sandbox) = row.sandbox {
                    actions.push(Action::SwitchSandbox(sandbox));
                }
            }
        }
    }
}

/// The windows and dialogs of the connections screen (drawn whatever the tab).
pub fn connection_windows_ui(
    ctx: &egui::Context,
    screen: &mut ConnectionsScreen,
    view: ConnectionsView<'_>,
    actions: &mut Vec<Action>,
) {
    inspect::inspect_window_ui(ctx, &mut screen.inspected, actions);
    explorer::explorer_window_ui(ctx, &mut screen.explorer, actions);
    rotate::rotate_dialog_ui(ctx, &mut screen.rotate, actions);
    delete::delete_dialog_ui(ctx, &mut screen.delete, view.production, actions);
}
