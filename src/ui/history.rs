//! The history table: search as you type, filters, sortable columns, and pages loaded on demand
//! from the worker so 100,000 rows scroll as smoothly as ten.

use std::collections::{HashMap, HashSet};

use egui_extras::{Column, TableBuilder};

use super::action::Action;
use super::dialogs::FileRequest;
use crate::store::config::Profile;
use crate::store::history::{Attempt, AttemptStatus, HistoryOrder, HistoryQuery};
use crate::worker::Job;

/// Rows per page asked of the worker.
pub const PAGE: usize = 200;

/// Rows beyond those in view whose pages are asked for ahead (about ten wheel steps).
const LOOK_AHEAD: usize = 50;

/// The history screen's state: filters, order, the pages loaded, and the open windows.
#[derive(Default)]
pub struct HistoryScreen {
    /// Search text.
    search: String,
    /// Status filter.
    status: Option<AttemptStatus>,
    /// Profile filter.
    profile: Option<String>,
    /// Sandbox filter.
    sandbox: Option<String>,
    /// Sort order.
    pub(crate) order: HistoryOrder,
    generation: u64,
    /// Rows matching, once known.
    total: Option<usize>,
    pages: HashMap<usize, Vec<Attempt>>,
    requested: HashSet<usize>,
    /// The record whose details are open.
    details: Option<Attempt>,
    /// The record waiting for a delete confirmation.
    confirm_delete: Option<Attempt>,
    /// The last removed record, for undo.
    undo: Option<Attempt>,
    /// Focus the search box next frame (Ctrl+F).
    focus_search: bool,
}

/// What the screen shows from outside it.
#[derive(Clone, Copy)]
pub struct HistoryView<'a> {
    /// The profiles (for the profile and sandbox filters).
    pub profiles: &'a [Profile],
}

impl HistoryScreen {
    /// A screen in `order`, with nothing loaded.
    pub fn new(order: HistoryOrder) -> Self {
        Self {
            order,
            ..Self::default()
        }
    }

    /// The filters and order as a query (no paging).
    pub fn query(&self) -> HistoryQuery {
        HistoryQuery {
            search: Some(self.search.trim().to_owned()).filter(|s| !s.is_empty()),
            status: self.status,
            profile: self.profile.clone(),
            sandbox: self.sandbox.clone(),
            limit: None,
            offset: 0,
            order: self.order,
        }
    }

    /// Forgets the loaded pages (the data or the query changed).
    pub fn invalidate(&mut self) {
        self.generation += 1;
        self.pages.clear();
        self.requested.clear();
    }

    /// Takes a page from the worker, unless it answers an older query.
    pub fn on_page(
        &mut self,
        query: &HistoryQuery,
        generation: u64,
        rows: Vec<Attempt>,
        total: usize,
    ) {
        if generation != self.generation {
            return;
        }
        self.total = Some(total);
        self.pages.insert(query.offset / PAGE, rows);
    }

    /// Row `i` in the current order, if its page is loaded.
    pub fn row(&self, i: usize) -> Option<&Attempt> {
        self.pages.get(&(i / PAGE))?.get(i % PAGE)
    }

    /// Jobs for the pages covering `rows` that are neither loaded nor asked for.
    pub fn jobs_for(&mut self, rows: std::ops::Range<usize>) -> Vec<Job> {
        let first = rows.start / PAGE;
        let last = rows.end.saturating_sub(1) / PAGE;
        let mut jobs = Vec::new();
        for page in first..=last {
            if self.pages.contains_key(&page) || !self.requested.insert(page) {
                continue;
            }
            jobs.push(Job::LoadHistory {
                query: HistoryQuery {
                    limit: Some(PAGE),
                    offset: page * PAGE,
                    ..self.query()
                },
                generation: self.generation,
            });
        }
        jobs
    }

    /// True when every page asked for has arrived.
    pub fn is_settled(&self) -> bool {
        self.requested.iter().all(|p| self.pages.contains_key(p))
    }

    /// A record was removed: offer to undo.
    pub(crate) fn on_deleted(&mut self, attempt: Attempt) {
        self.undo = Some(attempt);
    }

    /// Focuses the search box next frame (Ctrl+F).
    pub(crate) fn focus_search(&mut self) {
        self.focus_search = true;
    }

    /// Closes the details window and the delete confirmation (Esc).
    pub(crate) fn close_windows(&mut self) {
        self.details = None;
        self.confirm_delete = None;
    }
}

/// Draws the history tab.
pub fn history_ui(
    ui: &mut egui::Ui,
    screen: &mut HistoryScreen,
    view: HistoryView<'_>,
    actions: &mut Vec<Action>,
) {
    let mut changed = false;
    ui.horizontal(|ui| {
        let label = ui.label("Search:");
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut screen.search)
                    .hint_text("name, ID, bucket, key ID, error… (Ctrl+F)")
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
        if screen.focus_search {
            search.request_focus();
            screen.focus_search = false;
        }
        changed |= search.changed();
        changed |= filters_ui(ui, screen, view);
        ui.separator();
        for (label, ext) in [("Export CSV…", "csv"), ("Export JSON…", "json")] {
            if ui.button(label).clicked() {
                actions.push(Action::Pick(FileRequest::Export {
                    default_name: format!("aep-s3-connect-history.{ext}"),
                }));
            }
        }
    });
    if let Some(undo) = &screen.undo {
        let (mut restore, mut dismiss) = (false, false);
        ui.horizontal(|ui| {
            ui.label(format!("Removed \"{}\" from the history.", undo.name));
            restore = ui.button("Undo").clicked();
            dismiss = ui.small_button("Dismiss").clicked();
        });
        if restore && let Some(undo) = screen.undo.take() {
            actions.push(Action::RestoreAttempt(Box::new(undo)));
        } else if dismiss {
            screen.undo = None;
        }
    }
    if changed {
        screen.invalidate();
    }
    let total = screen.total.unwrap_or(0);
    ui.weak(match screen.total {
        None => "Loading…".to_owned(),
        Some(0) if screen.query().search.is_some() => "No records match.".to_owned(),
        Some(0) => "No connections yet: create one in the New connection tab.".to_owned(),
        Some(n) => format!("{n} records"),
    });
    // The first page is always wanted: it also brings the count, which sizes the table.
    actions.push(Action::ShowHistoryRows(0..1));
    table_ui(ui, screen, total, actions);
    confirm_delete_ui(ui.ctx(), screen, actions);
}

fn filters_ui(ui: &mut egui::Ui, h: &mut HistoryScreen, view: HistoryView<'_>) -> bool {
    let mut changed = false;
    let label = ui.label("Status:");
    egui::ComboBox::from_id_salt("status-filter")
        .selected_text(h.status.map_or("any", AttemptStatus::as_str))
        .show_ui(ui, |ui| {
            changed |= ui.selectable_value(&mut h.status, None, "any").changed();
            for s in AttemptStatus::ALL {
                changed |= ui
                    .selectable_value(&mut h.status, Some(s), s.as_str())
                    .changed();
            }
        })
        .response
        .labelled_by(label.id);
    let mut sandboxes: Vec<String> = view.profiles.iter().map(|p| p.sandbox.clone()).collect();
    sandboxes.sort();
    sandboxes.dedup();
    for (label_text, value, options, id) in [
        (
            "Profile:",
            &mut h.profile,
            view.profiles
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>(),
            "profile-filter",
        ),
        ("Sandbox:", &mut h.sandbox, sandboxes, "sandbox-filter"),
    ] {
        let label = ui.label(label_text);
        egui::ComboBox::from_id_salt(id)
            .selected_text(value.as_deref().unwrap_or("any"))
            .show_ui(ui, |ui| {
                changed |= ui.selectable_value(value, None, "any").changed();
                for o in options {
                    changed |= ui.selectable_value(value, Some(o.clone()), o).changed();
                }
            })
            .response
            .labelled_by(label.id);
    }
    changed
}

/// What a row's buttons asked for (applied after the table, which borrows the screen).
enum RowAction {
    Copy(String, String),
    Curl(Box<Attempt>),
    Details(Box<Attempt>),
    Remove(Box<Attempt>),
}

fn table_ui(
    ui: &mut egui::Ui,
    screen: &mut HistoryScreen,
    total: usize,
    actions: &mut Vec<Action>,
) {
    let mut row_actions = Vec::new();
    let mut visible: Option<std::ops::Range<usize>> = None;
    let mut new_order = None;
    let order = screen.order;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let view = &*screen;
    TableBuilder::new(ui)
        .id_salt("history-table")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(150.0).at_least(90.0))
        .column(Column::initial(70.0).at_least(60.0))
        .column(Column::initial(200.0).at_least(80.0).clip(true))
        .column(Column::initial(90.0).at_least(60.0))
        .column(Column::initial(290.0).at_least(80.0).clip(true))
        .column(Column::initial(120.0).at_least(60.0).clip(true))
        .column(Column::remainder().at_least(150.0))
        .header(row_height, |mut header| {
            for (title, asc, desc) in [
                (
                    "Started",
                    HistoryOrder::OldestFirst,
                    HistoryOrder::NewestFirst,
                ),
                ("Status", HistoryOrder::StatusAsc, HistoryOrder::StatusDesc),
                ("Name", HistoryOrder::NameAsc, HistoryOrder::NameDesc),
                (
                    "Sandbox",
                    HistoryOrder::SandboxAsc,
                    HistoryOrder::SandboxDesc,
                ),
            ] {
                header.col(|ui| {
                    let arrow = if order == asc {
                        " (ascending)"
                    } else if order == desc {
                        " (descending)"
                    } else {
                        ""
                    };
                    if ui
                        .button(format!("{title}{arrow}"))
                        .on_hover_text("Sort")
                        .clicked()
                    {
                        new_order = Some(if order == desc { asc } else { desc });
                    }
                });
            }
            for title in ["Connection ID", "Bucket", "Actions"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, total, |mut row| {
                let i = row.index();
                visible = Some(match visible.take() {
                    Some(r) => r.start.min(i)..r.end.max(i + 1),
                    None => i..i + 1,
                });
                let Some(a) = view.row(i) else {
                    row.col(|ui| {
                        ui.weak("…");
                    });
                    return;
                };
                row.col(|ui| {
                    ui.label(crate::model::EpochMs(a.started_at_ms).local());
                });
                row.col(|ui| {
                    let color = match a.status {
                        AttemptStatus::Created => egui::Color32::from_rgb(40, 160, 70),
                        AttemptStatus::Failed => ui.visuals().error_fg_color,
                        AttemptStatus::Pending => ui.visuals().warn_fg_color,
                    };
                    ui.colored_label(color, a.status.as_str());
                });
                row.col(|ui| {
                    ui.label(a.name.as_str());
                });
                row.col(|ui| {
                    ui.label(a.sandbox.as_str());
                });
                row.col(|ui| match &a.connection_id {
                    Some(id) => {
                        ui.monospace(id.as_str());
                    }
                    None => {
                        let short = a
                            .error_message
                            .as_deref()
                            .unwrap_or("")
                            .lines()
                            .next()
                            .unwrap_or("");
                        ui.weak(short)
                            .on_hover_text(a.error_message.as_deref().unwrap_or(""));
                    }
                });
                row.col(|ui| {
                    ui.label(a.bucket_name.as_deref().unwrap_or(""));
                });
                row.col(|ui| {
                    if let Some(id) = &a.connection_id
                        && ui.small_button("Copy ID").clicked()
                    {
                        row_actions.push(RowAction::Copy(id.clone(), "connection ID".to_owned()));
                    }
                    ui.menu_button("More", |ui| {
                        if let Some(etag) = &a.etag
                            && ui.button("Copy etag").clicked()
                        {
                            row_actions.push(RowAction::Copy(etag.clone(), "etag".to_owned()));
                        }
                        if ui.button("Copy as cURL").clicked() {
                            row_actions.push(RowAction::Curl(Box::new(a.clone())));
                        }
                        if ui.button("Details").clicked() {
                            row_actions.push(RowAction::Details(Box::new(a.clone())));
                        }
                        if ui.button("Remove from history").clicked() {
                            row_actions.push(RowAction::Remove(Box::new(a.clone())));
                        }
                    });
                });
            });
        });
    if let Some(order) = new_order {
        screen.order = order;
        screen.invalidate();
    }
    if let Some(range) = visible {
        // Rows a little beyond the view too, so a page has usually arrived by the time its rows
        // scroll in, rather than showing "…" for a frame or two.
        let wanted = range.start.saturating_sub(LOOK_AHEAD)..(range.end + LOOK_AHEAD).min(total);
        actions.push(Action::ShowHistoryRows(wanted));
    }
    for action in row_actions {
        match action {
            RowAction::Copy(text, what) => actions.push(Action::Copy { text, what }),
            RowAction::Curl(a) => actions.push(Action::CopyCurl(a)),
            RowAction::Details(a) => screen.details = Some(*a),
            RowAction::Remove(a) => screen.confirm_delete = Some(*a),
        }
    }
}

fn confirm_delete_ui(ctx: &egui::Context, screen: &mut HistoryScreen, actions: &mut Vec<Action>) {
    let Some(attempt) = &screen.confirm_delete else {
        return;
    };
    let (mut remove, mut keep) = (false, false);
    let modal = egui::Modal::new(egui::Id::unique("confirm-delete")).show(ctx, |ui| {
        ui.heading("Remove from history?");
        ui.label(format!(
            "\"{}\" is removed from this app's history only; the connection in AEP is not touched.",
            attempt.name
        ));
        ui.horizontal(|ui| {
            remove = ui.button("Remove").clicked();
            keep = ui.button("Keep").clicked();
        });
    });
    if remove {
        actions.push(Action::RemoveAttempt(attempt.id));
    }
    if remove || keep || modal.should_close() {
        screen.confirm_delete = None;
    }
}

/// The details window of one record: everything recorded, the request body redacted.
pub fn details_window_ui(ctx: &egui::Context, screen: &mut HistoryScreen) {
    let Some(a) = &screen.details else {
        return;
    };
    let mut open = true;
    egui::Window::new(format!("Attempt #{}", a.id.0))
        .open(&mut open)
        .default_width(560.0)
        .show(ctx, |ui| {
            egui::Grid::new("details")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    let rows: Vec<(&str, String)> = vec![
                        ("Status", a.status.as_str().to_owned()),
                        ("Name", a.name.clone()),
                        ("Description", a.description.clone().unwrap_or_default()),
                        ("Profile", a.profile.clone()),
                        ("Org", a.org_id.clone()),
                        ("Sandbox", a.sandbox.clone()),
                        ("Platform", a.platform_url.clone()),
                        ("Connection ID", a.connection_id.clone().unwrap_or_default()),
                        ("Etag", a.etag.clone().unwrap_or_default()),
                        ("Request ID", a.request_id.clone().unwrap_or_default()),
                        ("Access key ID", a.access_key_id.clone()),
                        (
                            "Session token",
                            if a.has_session_token {
                                "yes (not stored)"
                            } else {
                                "no"
                            }
                            .to_owned(),
                        ),
                        ("Bucket", a.bucket_name.clone().unwrap_or_default()),
                        ("Folder", a.folder_path.clone().unwrap_or_default()),
                        ("Service URL", a.service_url.clone().unwrap_or_default()),
                        ("Started", crate::model::EpochMs(a.started_at_ms).local()),
                        (
                            "Finished",
                            a.finished_at_ms
                                .map(|t| crate::model::EpochMs(t).local())
                                .unwrap_or_default(),
                        ),
                        (
                            "Duration",
                            a.duration_ms.map(|d| format!("{d} ms")).unwrap_or_default(),
                        ),
                        (
                            "HTTP status",
                            a.http_status.map(|s| s.to_string()).unwrap_or_default(),
                        ),
                        ("Adobe code", a.error_code.clone().unwrap_or_default()),
                        ("Error", a.error_message.clone().unwrap_or_default()),
                        (
                            "Found by name",
                            if a.reconciled { "yes" } else { "no" }.to_owned(),
                        ),
                    ];
                    for (k, v) in rows {
                        ui.strong(k);
                        ui.label(v);
                        ui.end_row();
                    }
                });
            ui.label("Request body (secrets redacted):");
            let pretty = serde_json::from_str::<serde_json::Value>(&a.request_body_redacted)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_else(|_| a.request_body_redacted.clone());
            ui.add(egui::TextEdit::multiline(&mut pretty.as_str()).code_editor());
        });
    if !open {
        screen.details = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_asked_once_and_stale_answers_dropped() {
        let mut v = HistoryScreen::default();
        assert_eq!(v.jobs_for(0..50).len(), 1);
        assert!(v.jobs_for(0..50).is_empty(), "not asked twice");
        assert_eq!(v.jobs_for(150..450).len(), 2, "pages 1 and 2");
        assert!(!v.is_settled());
        let q = v.query();
        v.invalidate();
        v.on_page(&q, 0, vec![], 10);
        assert_eq!(v.total, None, "answer to an older generation ignored");
    }
}
