//! The connections view: the active sandbox's S3 connections in AEP merged with the history,
//! with inspect, explore (a lazily loaded tree with file previews), rotate and delete.

use std::collections::HashMap;

use egui_extras::{Column, TableBuilder};
use zeroize::Zeroizing;

use super::app::{AepApp, Command};
use super::widgets::{SecretText, labelled_text};
use crate::api::Connection;
use crate::api::explore::{ExploreItem, ExploreItemType, Preview};
use crate::manage::NewCredentials;
use crate::manage::{Inspected, MergedConnection, MergedKind};
use crate::secret::Secret;
use crate::worker::{ErrorView, Job, RotateFailure};

/// Something loading, loaded or failed.
#[derive(Clone, Debug, Default)]
pub enum Loadable<T> {
    /// Not asked for.
    #[default]
    Idle,
    /// Asked for.
    Loading,
    /// Here.
    Ready(T),
    /// Failed.
    Failed(ErrorView),
}

/// The explorer of one connection: each folder's items once loaded.
#[derive(Default)]
pub struct Explorer {
    /// Connection ID.
    pub id: String,
    /// Connection name.
    pub name: String,
    /// Folder path ("" = root) → items.
    pub folders: HashMap<String, Loadable<Vec<ExploreItem>>>,
    /// The file being previewed.
    pub preview: Option<(String, Loadable<Preview>)>,
}

/// The rotate dialog.
#[derive(Default)]
pub struct RotateDialog {
    /// The connection as the user saw it.
    pub seen: Option<Box<Connection>>,
    /// Connection ID.
    pub id: String,
    /// Connection name.
    pub name: String,
    /// New access key ID.
    pub access_key_id: String,
    /// New secret.
    pub secret_key: Zeroizing<String>,
    /// New session token.
    pub session_token: Zeroizing<String>,
    /// Running.
    pub busy: bool,
    /// The last failure.
    pub failure: Option<RotateFailure>,
}

/// The delete dialog.
#[derive(Default)]
pub struct DeleteDialog {
    /// Connection ID.
    pub id: String,
    /// Connection name.
    pub name: String,
    /// What the user typed (production sandboxes need the name).
    pub typed: String,
    /// Running.
    pub busy: bool,
    /// The last failure.
    pub error: Option<ErrorView>,
}

/// The connections tab's state.
#[derive(Default)]
pub struct ConnectionsState {
    /// The merged list.
    pub list: Loadable<Vec<MergedConnection>>,
    /// Filter text.
    pub filter: String,
    /// The details window.
    pub inspected: Option<Loadable<Box<Inspected>>>,
    /// The explorer window.
    pub explorer: Option<Explorer>,
    /// The rotate dialog.
    pub rotate: Option<RotateDialog>,
    /// The delete dialog.
    pub delete: Option<DeleteDialog>,
}

impl ConnectionsState {
    /// Opens the explorer on a connection and asks for its root.
    pub fn open_explorer(&mut self, id: &str, name: &str) -> Job {
        let mut explorer = Explorer {
            id: id.to_owned(),
            name: name.to_owned(),
            ..Explorer::default()
        };
        explorer.folders.insert(String::new(), Loadable::Loading);
        self.explorer = Some(explorer);
        Job::Explore {
            id: id.to_owned(),
            path: None,
        }
    }

    /// A level of the explorer arrived.
    pub fn on_explored(
        &mut self,
        id: &str,
        path: Option<String>,
        result: Result<Vec<ExploreItem>, ErrorView>,
    ) {
        if let Some(explorer) = self.explorer.as_mut().filter(|e| e.id == id) {
            explorer.folders.insert(
                path.unwrap_or_default(),
                match result {
                    Ok(items) => Loadable::Ready(items),
                    Err(e) => Loadable::Failed(e),
                },
            );
        }
    }

    /// A preview arrived.
    pub fn on_previewed(&mut self, id: &str, path: String, result: Result<Preview, ErrorView>) {
        if let Some(explorer) = self.explorer.as_mut().filter(|e| e.id == id) {
            explorer.preview = Some((
                path,
                match result {
                    Ok(p) => Loadable::Ready(p),
                    Err(e) => Loadable::Failed(e),
                },
            ));
        }
    }

    /// A rotation finished: close the dialog on success, keep it with the reason otherwise.
    pub fn on_rotated(&mut self, result: Result<String, RotateFailure>) -> bool {
        match result {
            Ok(_) => {
                self.rotate = None;
                true
            }
            Err(failure) => {
                if let Some(dialog) = &mut self.rotate {
                    dialog.busy = false;
                    if let Some((current, _)) = &failure.stale {
                        // Retrying applies on top of what is there now.
                        dialog.seen = Some(current.clone());
                    }
                    dialog.failure = Some(failure);
                }
                false
            }
        }
    }
}

/// Draws the connections tab.
pub fn connections_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    let sandbox = app
        .active_profile()
        .map(|p| p.sandbox.clone())
        .unwrap_or_default();
    ui.horizontal(|ui| {
        ui.heading(format!("S3 connections in {sandbox}"));
        if ui.button("Refresh").clicked() {
            app.connections.list = Loadable::Loading;
            app.push(Command::Job(Job::ListConnections));
        }
        let label = ui.label("Filter:");
        ui.add(egui::TextEdit::singleline(&mut app.connections.filter).desired_width(200.0))
            .labelled_by(label.id);
    });
    if matches!(app.connections.list, Loadable::Idle) && app.active_profile().is_some() {
        app.connections.list = Loadable::Loading;
        app.push(Command::Job(Job::ListConnections));
    }
    let rows: Vec<MergedConnection> = match &app.connections.list {
        Loadable::Idle => Vec::new(),
        Loadable::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading connections from AEP…");
            });
            return;
        }
        Loadable::Failed(e) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Could not list connections: {}", e.message),
            );
            if let Some(hint) = &e.hint {
                ui.label(hint.as_str());
            }
            return;
        }
        Loadable::Ready(rows) => {
            let f = app.connections.filter.to_lowercase();
            rows.iter()
                .filter(|r| f.is_empty() || r.name.to_lowercase().contains(&f) || r.id.contains(&f))
                .cloned()
                .collect()
        }
    };
    ui.weak(format!("{} connections", rows.len()));
    let mut actions: Vec<(RowAction, MergedConnection)> = Vec::new();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    TableBuilder::new(ui)
        .id_salt("connections-table")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(200.0).clip(true))
        .column(Column::initial(290.0).clip(true))
        .column(Column::initial(70.0))
        .column(Column::initial(110.0))
        .column(Column::initial(150.0))
        .column(Column::remainder().at_least(150.0))
        .header(row_height, |mut h| {
            for title in [
                "Name",
                "Connection ID",
                "State",
                "Known as",
                "Updated",
                "Actions",
            ] {
                h.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let r = &rows[row.index()];
                row.col(|ui| {
                    ui.label(r.name.as_str());
                });
                row.col(|ui| {
                    ui.monospace(r.id.as_str());
                });
                row.col(|ui| {
                    ui.label(r.state.as_deref().unwrap_or("-"));
                });
                row.col(|ui| {
                    let text = r.kind.label();
                    if r.kind == MergedKind::LocalDeleted {
                        ui.colored_label(ui.visuals().warn_fg_color, text);
                    } else {
                        ui.label(text);
                    }
                });
                row.col(|ui| {
                    let when = r
                        .updated_at_ms
                        .or(r.created_at_ms)
                        .map(crate::cli::format_time)
                        .unwrap_or_default();
                    ui.label(when).on_hover_text(format!(
                        "created by {}, updated by {}",
                        r.created_by.as_deref().unwrap_or("?"),
                        r.updated_by.as_deref().unwrap_or("?")
                    ));
                });
                row.col(|ui| {
                    if ui.small_button("Copy ID").clicked() {
                        actions.push((RowAction::Copy, r.clone()));
                    }
                    if r.kind != MergedKind::LocalDeleted {
                        ui.menu_button("Manage", |ui| {
                            for (label, action) in [
                                ("Inspect", RowAction::Inspect),
                                ("Explore", RowAction::Explore),
                                ("Rotate credentials…", RowAction::Rotate),
                                ("Delete…", RowAction::Delete),
                            ] {
                                if ui.button(label).clicked() {
                                    actions.push((action, r.clone()));
                                }
                            }
                        });
                    }
                });
            });
        });
    for (action, r) in actions {
        match action {
            RowAction::Copy => app.push(Command::Copy {
                text: r.id.clone(),
                what: "connection ID".to_owned(),
            }),
            RowAction::Inspect => {
                app.connections.inspected = Some(Loadable::Loading);
                app.push(Command::Job(Job::Inspect(r.id.clone())));
            }
            RowAction::Explore => {
                let job = app.connections.open_explorer(&r.id, &r.name);
                app.push(Command::Job(job));
            }
            RowAction::Rotate => {
                app.connections.rotate = Some(RotateDialog {
                    seen: r.remote.clone().map(Box::new),
                    id: r.id.clone(),
                    name: r.name.clone(),
                    ..RotateDialog::default()
                });
            }
            RowAction::Delete => {
                app.connections.delete = Some(DeleteDialog {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    ..DeleteDialog::default()
                });
            }
        }
    }
}

#[derive(Clone, Copy)]
enum RowAction {
    Copy,
    Inspect,
    Explore,
    Rotate,
    Delete,
}

/// The windows and dialogs of the connections view (drawn whatever the tab).
pub fn connection_windows_ui(app: &mut AepApp, ctx: &egui::Context) {
    inspect_window_ui(app, ctx);
    explorer_window_ui(app, ctx);
    rotate_dialog_ui(app, ctx);
    delete_dialog_ui(app, ctx);
}

fn inspect_window_ui(app: &mut AepApp, ctx: &egui::Context) {
    let Some(inspected) = &app.connections.inspected else {
        return;
    };
    let mut open = true;
    egui::Window::new("Connection details")
        .open(&mut open)
        .default_width(600.0)
        .show(ctx, |ui| match inspected {
            Loadable::Idle | Loadable::Loading => {
                ui.spinner();
            }
            Loadable::Failed(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
            }
            Loadable::Ready(i) => {
                ui.label(format!("{} ({})", i.connection.name, i.connection.id));
                ui.label("As AEP returns it (secrets masked by AEP):");
                let json = serde_json::to_string_pretty(&i.connection).unwrap_or_default();
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        ui.add(egui::TextEdit::multiline(&mut json.as_str()).code_editor());
                    });
                if let Some(a) = &i.attempt {
                    ui.label(format!(
                        "Created here by profile {} (history #{}).",
                        a.profile, a.id.0
                    ));
                }
                for e in &i.events {
                    ui.label(format!(
                        "{:?} at {}: {:?}",
                        e.kind,
                        crate::cli::format_time(e.at_ms),
                        e.outcome
                    ));
                }
            }
        });
    if !open {
        app.connections.inspected = None;
    }
}

fn explorer_window_ui(app: &mut AepApp, ctx: &egui::Context) {
    let Some(explorer) = &app.connections.explorer else {
        return;
    };
    let mut jobs = Vec::new();
    let mut open = true;
    egui::Window::new(format!("Explore {}", explorer.name))
        .open(&mut open)
        .default_size([640.0, 480.0])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(260.0)
                .show(ui, |ui| {
                    folder_ui(ui, explorer, "", &mut jobs);
                });
            if let Some((path, preview)) = &explorer.preview {
                ui.separator();
                ui.strong(format!("Preview of {path}"));
                preview_ui(ui, preview);
            }
        });
    if !open {
        app.connections.explorer = None;
        return;
    }
    for job in jobs {
        if let Some(explorer) = &mut app.connections.explorer {
            match &job {
                Job::Explore { path, .. } => {
                    explorer
                        .folders
                        .insert(path.clone().unwrap_or_default(), Loadable::Loading);
                }
                Job::Preview { path, .. } => {
                    explorer.preview = Some((path.clone(), Loadable::Loading))
                }
                _ => {}
            }
        }
        app.push(Command::Job(job));
    }
}

/// One folder's items; subfolders load when opened.
fn folder_ui(ui: &mut egui::Ui, explorer: &Explorer, path: &str, jobs: &mut Vec<Job>) {
    match explorer.folders.get(path) {
        None | Some(Loadable::Idle) => {}
        Some(Loadable::Loading) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading…");
            });
        }
        Some(Loadable::Failed(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
        }
        Some(Loadable::Ready(items)) if items.is_empty() => {
            ui.weak("(empty)");
        }
        Some(Loadable::Ready(items)) => {
            for item in items {
                match item.item_type {
                    ExploreItemType::Folder => {
                        let header = egui::CollapsingHeader::new(format!("[folder] {}", item.name))
                            .id_salt(&item.path)
                            .show(ui, |ui| folder_ui(ui, explorer, &item.path, jobs));
                        if (header.fully_open() || header.header_response.clicked())
                            && !explorer.folders.contains_key(&item.path)
                        {
                            jobs.push(Job::Explore {
                                id: explorer.id.clone(),
                                path: Some(item.path.clone()),
                            });
                        }
                    }
                    _ => {
                        ui.horizontal(|ui| {
                            ui.label(format!("[file] {}", item.name));
                            if item.can_preview
                                && ui.small_button(format!("Preview {}", item.name)).clicked()
                            {
                                jobs.push(Job::Preview {
                                    id: explorer.id.clone(),
                                    path: item.path.clone(),
                                });
                            }
                        });
                    }
                }
            }
        }
    }
}

fn preview_ui(ui: &mut egui::Ui, preview: &Loadable<Preview>) {
    match preview {
        Loadable::Idle | Loadable::Loading => {
            ui.spinner();
        }
        Loadable::Failed(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
        }
        Loadable::Ready(p) => {
            egui::ScrollArea::both().id_salt("preview").show(ui, |ui| {
                egui::Grid::new("preview-grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for (name, kind) in &p.columns {
                            ui.strong(format!("{name} ({kind})"));
                        }
                        ui.end_row();
                        for row in &p.rows {
                            for (name, _) in &p.columns {
                                let cell = match row.get(name) {
                                    Some(serde_json::Value::String(s)) => s.clone(),
                                    Some(v) => v.to_string(),
                                    None => String::new(),
                                };
                                ui.label(cell);
                            }
                            ui.end_row();
                        }
                    });
            });
        }
    }
}

fn rotate_dialog_ui(app: &mut AepApp, ctx: &egui::Context) {
    let Some(dialog) = &mut app.connections.rotate else {
        return;
    };
    let mut submit = false;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("rotate-dialog")).show(ctx, |ui| {
        ui.heading(format!("Rotate credentials of \"{}\"", dialog.name));
        ui.label(
            "The new key replaces the old one in AEP; bucket, folder and service URL are kept.",
        );
        egui::Grid::new("rotate-grid")
            .num_columns(2)
            .show(ui, |ui| {
                let l = ui.label("New access key ID");
                labelled_text(ui, &l, &mut dialog.access_key_id, false, "AKIA… or ASIA…");
                ui.end_row();
                let l = ui.label("New secret access key");
                labelled_text(ui, &l, &mut SecretText(&mut dialog.secret_key), true, "");
                ui.end_row();
                let l = ui.label("New session token");
                labelled_text(
                    ui,
                    &l,
                    &mut SecretText(&mut dialog.session_token),
                    true,
                    "only for ASIA keys",
                );
                ui.end_row();
            });
        let credentials = NewCredentials {
            access_key_id: dialog.access_key_id.trim().to_owned(),
            secret_key: Secret::new(dialog.secret_key.as_str()),
            session_token: (!dialog.session_token.is_empty())
                .then(|| Secret::new(dialog.session_token.as_str())),
        };
        let errors = credentials.validate().err().unwrap_or_default();
        for e in &errors {
            if !dialog.access_key_id.is_empty() || !dialog.secret_key.is_empty() {
                ui.colored_label(ui.visuals().error_fg_color, e.to_string());
            }
        }
        if let Some(failure) = &dialog.failure {
            ui.colored_label(ui.visuals().error_fg_color, failure.error.message.as_str());
            if let Some(hint) = &failure.error.hint {
                ui.label(hint.as_str());
            }
            if let Some((_, changes)) = &failure.stale {
                ui.label("What changed:");
                for c in changes {
                    // egui's bundled fonts have no arrow glyph.
                    ui.label(format!("- {}", c.replace('→', "->")));
                }
                ui.label("Apply the new key to the current version with the button below.");
            }
        }
        ui.horizontal(|ui| {
            let label = if dialog.failure.as_ref().is_some_and(|f| f.stale.is_some()) {
                "Retry with the current version"
            } else {
                "Rotate"
            };
            if ui
                .add_enabled(errors.is_empty() && !dialog.busy, egui::Button::new(label))
                .clicked()
            {
                submit = true;
            }
            if ui.button("Close").clicked() {
                close = true;
            }
            if dialog.busy {
                ui.spinner();
            }
        });
        credentials
    });
    if submit {
        dialog.busy = true;
        dialog.failure = None;
        let job = Job::Rotate {
            id: dialog.id.clone(),
            seen: dialog.seen.clone(),
            credentials: modal.inner,
        };
        app.push(Command::Job(job));
    } else if close || modal.should_close() {
        app.connections.rotate = None;
    }
}

fn delete_dialog_ui(app: &mut AepApp, ctx: &egui::Context) {
    let production = app.active_profile().is_some_and(|p| p.sandbox == "prod");
    let Some(dialog) = &mut app.connections.delete else {
        return;
    };
    let mut confirm = false;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("delete-dialog")).show(ctx, |ui| {
        ui.heading(format!("Delete \"{}\" in AEP?", dialog.name));
        ui.label(format!(
            "Connection {} is deleted in Adobe Experience Platform. This cannot be undone.",
            dialog.id
        ));
        let ready = if production {
            ui.label("This is the production sandbox: type the connection's name to confirm.");
            let l = ui.label("Connection name");
            labelled_text(ui, &l, &mut dialog.typed, false, dialog.name.as_str());
            dialog.typed.trim() == dialog.name
        } else {
            true
        };
        if let Some(e) = &dialog.error {
            ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
            if let Some(hint) = &e.hint {
                ui.label(hint.as_str());
            }
        }
        ui.horizontal(|ui| {
            confirm = ui
                .add_enabled(ready && !dialog.busy, egui::Button::new("Delete in AEP"))
                .clicked();
            close = ui.button("Keep").clicked();
            if dialog.busy {
                ui.spinner();
            }
        });
    });
    if confirm {
        dialog.busy = true;
        dialog.error = None;
        let job = Job::DeleteConnection {
            id: dialog.id.clone(),
            name: Some(dialog.name.clone()),
        };
        app.push(Command::Job(job));
    } else if close || modal.should_close() {
        app.connections.delete = None;
    }
}
