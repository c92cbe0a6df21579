//! The table of connections: a row view-model built once per list, filtered and drawn each frame.

use egui_extras::{Column, TableBuilder};

use super::ConnectionsView;
use crate::api::Connection;
use crate::model::EpochMs;
use crate::ops::connections::{MergedConnection, MergedKind};
use crate::ui::action::Action;
use crate::ui::loadable::Loadable;
use crate::ui::{a11y_table, icons, style};
use crate::worker::ErrorView;

/// The table's name for screen readers.
pub const CONNECTIONS_TABLE: &str = "Connections in AEP";

/// One connection as the table shows it.
#[derive(Clone, Debug)]
pub struct ConnectionRow {
    /// Connection ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// `enabled`, `disabled`, or `-` when deleted.
    pub state: String,
    /// How it is known ("AEP + history", ...).
    pub known_as: &'static str,
    /// Deleted, known from the history only: shown in the warning colour, nothing to manage.
    pub deleted: bool,
    /// Last updated (or created), local time.
    pub updated: String,
    /// Who created and updated it, on hover.
    pub who: String,
    /// The connection as AEP listed it: what the user saw, for the rotate dialog.
    pub remote: Option<Box<Connection>>,
}

impl ConnectionRow {
    /// The row of a merged connection.
    pub fn new(c: MergedConnection) -> Self {
        Self {
            known_as: c.kind.label(),
            deleted: c.kind == MergedKind::LocalDeleted,
            state: c.state.unwrap_or_else(|| "-".to_owned()),
            updated: c
                .updated_at_ms
                .or(c.created_at_ms)
                .map(EpochMs::local)
                .unwrap_or_default(),
            who: format!(
                "created by {}, updated by {}",
                c.created_by.as_deref().unwrap_or("?"),
                c.updated_by.as_deref().unwrap_or("?")
            ),
            remote: c.remote.map(Box::new),
            id: c.id,
            name: c.name,
        }
    }

    /// True when the row matches a lowercase filter (by name, or by ID).
    pub fn matches(&self, filter: &str) -> bool {
        filter.is_empty() || self.name.to_lowercase().contains(filter) || self.id.contains(filter)
    }
}

/// What a row's buttons ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RowIntent {
    Copy,
    Inspect,
    Explore,
    Rotate,
    Delete,
}

/// Says that the list is only the part AEP's pages gave before they stopped, and why.
fn incomplete_banner_ui(ui: &mut egui::Ui, e: &ErrorView) {
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, ui.visuals().warn_fg_color))
        .inner_margin(8.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            crate::ui::widgets::icon_label(
                ui,
                icons::WARNING,
                "Incomplete list: only part of this sandbox's connections could be read.",
                ui.visuals().warn_fg_color,
            );
            ui.label(e.message.as_str());
            ui.label("Connections made here that are not in this part are not shown, and none is called deleted. Refresh to try again.");
        });
}

/// Draws the heading, the filter and the table; returns what the rows' buttons asked for.
pub(super) fn list_ui(
    ui: &mut egui::Ui,
    list: &Loadable<Vec<ConnectionRow>>,
    cut_short: Option<&ErrorView>,
    filter: &mut String,
    view: ConnectionsView<'_>,
    actions: &mut Vec<Action>,
) -> Vec<(RowIntent, ConnectionRow)> {
    ui.horizontal(|ui| {
        ui.heading(format!(
            "S3 connections in {}",
            view.sandbox.unwrap_or_default()
        ));
        if style::icon_button(ui, icons::REFRESH, "Refresh").clicked() {
            actions.push(Action::RefreshConnections);
        }
        let label = ui.label("Filter:");
        ui.add(egui::TextEdit::singleline(filter).desired_width(200.0))
            .labelled_by(label.id);
    });
    let has_profile = view.sandbox.is_some();
    if matches!(list, Loadable::Idle) && has_profile {
        actions.push(Action::RefreshConnections);
    }
    let rows: Vec<&ConnectionRow> = match list {
        Loadable::Idle if !has_profile => Vec::new(),
        // Asked for this frame (or before): the answer is on its way.
        Loadable::Idle | Loadable::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading connections from AEP…");
            });
            return Vec::new();
        }
        Loadable::Failed(e) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Could not list connections: {}", e.message),
            );
            if let Some(hint) = &e.hint {
                ui.label(hint.as_str());
            }
            return Vec::new();
        }
        Loadable::Ready(rows) => {
            let f = filter.to_lowercase();
            rows.iter().filter(|r| r.matches(&f)).collect()
        }
    };
    if let Some(e) = cut_short {
        incomplete_banner_ui(ui, e);
    }
    ui.weak(match rows.len() {
        0 if !filter.trim().is_empty() => "No connection matches the filter.".to_owned(),
        0 => "No S3 connections in this sandbox yet: create one under New connection.".to_owned(),
        1 => "1 connection".to_owned(),
        n => format!("{n} connections"),
    });
    if rows.is_empty() {
        return Vec::new();
    }
    table_ui(ui, &rows)
}

/// "Copy ID" and "Manage", named with the row's connection for screen readers.
fn row_buttons_ui(
    ui: &mut egui::Ui,
    r: &ConnectionRow,
    asked: &mut Vec<(RowIntent, ConnectionRow)>,
) {
    if ui
        .small_button(icons::with(icons::COPY, "Copy ID"))
        .accessible_name(format!("Copy ID of {}", r.name))
        .clicked()
    {
        asked.push((RowIntent::Copy, r.clone()));
    }
    if r.deleted {
        return;
    }
    let menu = ui.menu_button("Manage", |ui| {
        for (icon, label, intent) in [
            (icons::INFO, "Inspect", RowIntent::Inspect),
            (icons::FOLDER_OPEN, "Explore", RowIntent::Explore),
            (icons::KEY, "Rotate credentials…", RowIntent::Rotate),
        ] {
            if style::icon_button(ui, icon, label).clicked() {
                asked.push((intent, r.clone()));
                ui.close();
            }
        }
        ui.separator();
        if ui
            .add(style::danger_button(ui, icons::TRASH, "Delete…"))
            .accessible_name("Delete…")
            .clicked()
        {
            asked.push((RowIntent::Delete, r.clone()));
            ui.close();
        }
    });
    menu.response.accessible_name(format!("Manage {}", r.name));
}

/// The table of `rows`; returns what their buttons asked for. Its columns are laid out afresh
/// whenever the space for it changes, so the name takes what is left at every width.
fn table_ui(ui: &mut egui::Ui, rows: &[&ConnectionRow]) -> Vec<(RowIntent, ConnectionRow)> {
    let mut asked = Vec::new();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
    // Below this width "Known as" and "Updated" move into the name's tooltip, so the table
    // fits an 800 px window without a horizontal scroll.
    let wide = ui.available_width() >= 1000.0;
    let bucket = width_bucket(ui);
    let mut titles = vec!["Name", "Connection ID", "State"];
    if wide {
        titles.extend(["Known as", "Updated"]);
    }
    titles.push("Actions");
    a11y_table::table(
        ui,
        CONNECTIONS_TABLE,
        rows.len(),
        titles.len(),
        |ui, table_id| {
            let mut table = TableBuilder::new(ui)
                .id_salt(("connections-table", bucket))
                .striped(true)
                .resizable(false)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::remainder().at_least(140.0).clip(true))
                .column(Column::initial(300.0).at_least(90.0).clip(true))
                .column(Column::initial(70.0).at_least(50.0));
            if wide {
                table = table
                    .column(Column::initial(120.0).at_least(60.0).clip(true))
                    .column(Column::initial(160.0).at_least(80.0).clip(true));
            }
            table
                .column(Column::exact(170.0))
                .header(row_height, |mut h| {
                    let mut cells = a11y_table::Row::header(table_id);
                    for title in &titles {
                        h.col(|ui| {
                            cells.cell(ui, |ui| ui.strong(*title));
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, rows.len(), |mut row| {
                        let mut cells = a11y_table::Row::body(table_id, row.index());
                        let r = rows[row.index()];
                        row.col(|ui| cells.cell(ui, |ui| name_cell_ui(ui, r, wide)));
                        row.col(|ui| {
                            cells.cell(ui, |ui| ui.monospace(r.id.as_str()));
                        });
                        row.col(|ui| {
                            cells.cell(ui, |ui| ui.label(r.state.as_str()));
                        });
                        if wide {
                            row.col(|ui| cells.cell(ui, |ui| known_as_ui(ui, r)));
                            row.col(|ui| {
                                cells.cell(ui, |ui| {
                                    ui.label(r.updated.as_str()).on_hover_text(r.who.as_str())
                                });
                            });
                        }
                        row.col(|ui| cells.cell(ui, |ui| row_buttons_ui(ui, r, &mut asked)));
                    });
                });
        },
    );
    asked
}

/// The name, with how it is known and who touched it in its tooltip when the table is narrow.
fn name_cell_ui(ui: &mut egui::Ui, r: &ConnectionRow, wide: bool) {
    let name = ui.label(r.name.as_str());
    if !wide {
        name.on_hover_text(format!(
            "{}; updated {} by {}",
            r.known_as, r.updated, r.who
        ));
    }
}

/// How the connection is known, in the warning colour when AEP no longer has it.
fn known_as_ui(ui: &mut egui::Ui, r: &ConnectionRow) {
    if r.deleted {
        ui.colored_label(ui.visuals().warn_fg_color, r.known_as);
    } else {
        ui.label(r.known_as);
    }
}

/// The available width in steps of 16 px: a table keyed by it lays its columns out again when
/// the window or the divider changes the room it has.
pub(crate) fn width_bucket(ui: &egui::Ui) -> i64 {
    // A width is a few thousand pixels at most: nothing to lose in the cast.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a width in pixels, well within i64"
    )]
    let bucket = (ui.available_width() / 16.0).round() as i64;
    bucket
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(kind: MergedKind) -> MergedConnection {
        MergedConnection {
            kind,
            id: "4cb0c374-d3bb-4557-b139-5712880adc50".into(),
            name: "Landing Bucket".into(),
            state: (kind != MergedKind::LocalDeleted).then(|| "enabled".into()),
            created_at_ms: Some(EpochMs(1_767_225_600_000)),
            created_by: Some("acme@techacct.adobe.com".into()),
            updated_at_ms: None,
            updated_by: None,
            etag: None,
            bucket_name: None,
            attempt: None,
            deleted_at_ms: None,
            remote: None,
        }
    }

    #[test]
    fn a_row_says_how_it_is_known_and_who_touched_it() {
        let row = ConnectionRow::new(merged(MergedKind::BothSides));
        assert_eq!(row.state, "enabled");
        assert_eq!(row.known_as, MergedKind::BothSides.label());
        assert!(!row.deleted);
        assert_eq!(row.updated, EpochMs(1_767_225_600_000).local());
        assert_eq!(row.who, "created by acme@techacct.adobe.com, updated by ?");

        let gone = ConnectionRow::new(merged(MergedKind::LocalDeleted));
        assert!(gone.deleted, "no Manage menu for a deleted one");
        assert_eq!(gone.state, "-");
    }

    #[test]
    fn the_filter_matches_names_without_case_and_ids() {
        let row = ConnectionRow::new(merged(MergedKind::RemoteOnly));
        assert!(row.matches(""));
        assert!(row.matches("landing b"));
        assert!(row.matches("adc50"));
        assert!(!row.matches("partner"));
    }
}
