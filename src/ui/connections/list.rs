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

/// The width of the Sandbox column (with all sandboxes listed).
const SANDBOX_COLUMN: f32 = 130.0;
/// The least width of the Name column, which takes what the others leave.
const NAME_AT_LEAST: f32 = 140.0;
/// The State column's width.
const STATE_COLUMN: f32 = 70.0;
/// The "Known as" and "Updated" columns' widths (wide layout).
const KNOWN_AS_COLUMN: f32 = 120.0;
const UPDATED_COLUMN: f32 = 160.0;
/// The Actions column's width ("Copy ID" and "Manage" or "Go to sandbox").
const ACTIONS_COLUMN: f32 = 170.0;

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
    /// Its sandbox, when the list covers several.
    pub sandbox: Option<String>,
    /// Its sandbox is a production one (with `sandbox`).
    pub production: bool,
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
            sandbox: None,
            production: false,
        }
    }

    /// The row as one of several sandboxes' lists shows it.
    pub fn in_sandbox(self, sandbox: &str, production: bool) -> Self {
        Self {
            sandbox: Some(sandbox.to_owned()),
            production,
            ..self
        }
    }

    /// Its sandbox as the table shows it (production in capitals).
    fn sandbox_label(&self) -> String {
        self.sandbox
            .as_deref()
            .map(|s| crate::api::sandboxes::sandbox_label(s, self.production))
            .unwrap_or_default()
    }

    /// True when the row matches the filter: by name (any case) or ID, or, when the filter is
    /// an access key ID, by the key the connection uses (as AEP shows it: masked).
    pub fn matches(&self, filter: &str) -> bool {
        let filter = filter.trim();
        if filter.is_empty() || self.id.contains(filter) {
            return true;
        }
        if is_access_key_id(filter) {
            return self
                .remote
                .as_ref()
                .is_some_and(|c| c.shows_access_key(filter));
        }
        self.name.to_lowercase().contains(&filter.to_lowercase())
    }
}

/// What a row's buttons ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RowIntent {
    Copy,
    Inspect,
    Explore,
    Rotate,
    /// Rotate the row's access key on every connection that uses it.
    RotateEverywhere,
    Delete,
    /// Switch to the row's sandbox, where it can be managed.
    GoToSandbox,
}

/// What the list shows: the rows and why they may not be all.
pub(super) struct ListState<'a> {
    pub list: &'a Loadable<Vec<ConnectionRow>>,
    pub cut_short: Option<&'a ErrorView>,
    pub failed_sandboxes: &'a [(String, ErrorView)],
}

/// What the user sets above the table.
pub(super) struct ListControls<'a> {
    pub filter: &'a mut String,
    pub all_sandboxes: &'a mut bool,
}

/// Draws the heading, the filter and the table; returns what the rows' buttons asked for.
pub(super) fn list_ui(
    ui: &mut egui::Ui,
    state: &ListState<'_>,
    controls: &mut ListControls<'_>,
    view: ConnectionsView<'_>,
    actions: &mut Vec<Action>,
) -> Vec<(RowIntent, ConnectionRow)> {
    let all = *controls.all_sandboxes;
    ui.horizontal_wrapped(|ui| {
        ui.heading(if all {
            "S3 connections in all sandboxes".to_owned()
        } else {
            format!("S3 connections in {}", view.sandbox.unwrap_or_default())
        });
        if style::icon_button(ui, icons::REFRESH, "Refresh").clicked() {
            actions.push(Action::RefreshConnections);
        }
        ui.checkbox(controls.all_sandboxes, "All sandboxes")
            .on_hover_text("Every sandbox this credential can use, each with a Sandbox column");
        let label = ui.label("Filter:");
        ui.add(egui::TextEdit::singleline(controls.filter).desired_width(200.0))
            .labelled_by(label.id);
    });
    let (list, cut_short, filter) = (state.list, state.cut_short, &*controls.filter);
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
        Loadable::Ready(rows) => rows.iter().filter(|r| r.matches(filter)).collect(),
    };
    if is_access_key_id(filter.trim()) {
        super::banners::key_found_ui(ui, filter.trim(), all, actions);
    }
    if let Some(e) = cut_short {
        super::banners::incomplete_banner_ui(ui, e);
    }
    if !state.failed_sandboxes.is_empty() {
        super::banners::failed_sandboxes_banner_ui(ui, state.failed_sandboxes);
    }
    ui.weak(match rows.len() {
        0 if !filter.trim().is_empty() => "No connection matches the filter.".to_owned(),
        0 if all => "No S3 connections in the sandboxes listed.".to_owned(),
        0 => "No S3 connections in this sandbox yet: create one under New connection.".to_owned(),
        1 => "1 connection".to_owned(),
        n => format!("{n} connections"),
    });
    if rows.is_empty() {
        return Vec::new();
    }
    table_ui(ui, &rows, view.sandbox)
}

/// True when `text` is an access key ID (the filter then finds the connections using it).
fn is_access_key_id(text: &str) -> bool {
    crate::validate::access_key_id(text).is_ok()
}

/// "Copy ID" and "Manage", named with the row's connection for screen readers.
fn row_buttons_ui(
    ui: &mut egui::Ui,
    r: &ConnectionRow,
    current: Option<&str>,
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
    // Managed where it lives: every dialog works on the active sandbox (and its production
    // rule), so a row of another sandbox offers to switch there first.
    if let Some(sandbox) = r.sandbox.as_deref().filter(|s| Some(*s) != current) {
        if ui
            .small_button("Go to sandbox")
            .on_hover_text(format!(
                "Use {sandbox} for this session, to manage this connection"
            ))
            .accessible_name(format!("Go to sandbox {sandbox} to manage {}", r.name))
            .clicked()
        {
            asked.push((RowIntent::GoToSandbox, r.clone()));
        }
        return;
    }
    let menu = ui.menu_button("Manage", |ui| {
        for (icon, label, intent) in [
            (icons::INFO, "Inspect", RowIntent::Inspect),
            (icons::FOLDER_OPEN, "Explore", RowIntent::Explore),
            (icons::KEY, "Rotate credentials…", RowIntent::Rotate),
            (
                icons::KEY,
                "Rotate this key everywhere…",
                RowIntent::RotateEverywhere,
            ),
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

/// Which columns the table has at the width it is given, and the ID column's width.
struct Columns {
    /// A Sandbox column (rows of several sandboxes).
    by_sandbox: bool,
    /// "Known as" and "Updated" have columns of their own.
    wide: bool,
    /// The ID column: it gives up width first (it clips), so the name keeps its least and
    /// every column stays inside the panel.
    id_width: f32,
}

impl Columns {
    fn for_width(ui: &egui::Ui, rows: &[&ConnectionRow]) -> Self {
        let by_sandbox = rows.iter().any(|r| r.sandbox.is_some());
        // Below this width "Known as" and "Updated" move into the name's tooltip, so the table
        // fits an 800 px window without a horizontal scroll (a Sandbox column needs its room).
        let sandbox_width = if by_sandbox { SANDBOX_COLUMN } else { 0.0 };
        let wide = ui.available_width() >= 1000.0 + sandbox_width;
        let wide_columns = if wide {
            KNOWN_AS_COLUMN + UPDATED_COLUMN
        } else {
            0.0
        };
        let fixed = sandbox_width + STATE_COLUMN + ACTIONS_COLUMN + wide_columns;
        let spacing = ui.spacing().item_spacing.x * 7.0;
        Self {
            by_sandbox,
            wide,
            id_width: (ui.available_width() - NAME_AT_LEAST - fixed - spacing).clamp(90.0, 300.0),
        }
    }

    /// The column titles, in order.
    fn titles(&self) -> Vec<&'static str> {
        let mut titles = vec!["Name"];
        if self.by_sandbox {
            titles.push("Sandbox");
        }
        titles.extend(["Connection ID", "State"]);
        if self.wide {
            titles.extend(["Known as", "Updated"]);
        }
        titles.push("Actions");
        titles
    }
}

/// The table of `rows`; returns what their buttons asked for. Its columns are laid out afresh
/// whenever the space for it changes, so the name takes what is left at every width.
fn table_ui(
    ui: &mut egui::Ui,
    rows: &[&ConnectionRow],
    current: Option<&str>,
) -> Vec<(RowIntent, ConnectionRow)> {
    let mut asked = Vec::new();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
    let columns = Columns::for_width(ui, rows);
    let titles = columns.titles();
    let Columns {
        by_sandbox,
        wide,
        id_width,
    } = columns;
    let bucket = width_bucket(ui);
    a11y_table::table(
        ui,
        CONNECTIONS_TABLE,
        rows.len(),
        titles.len(),
        |ui, table_id| {
            let mut table = TableBuilder::new(ui)
                .id_salt(("connections-table", bucket, by_sandbox))
                .striped(true)
                .resizable(false)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::remainder().at_least(NAME_AT_LEAST).clip(true));
            if by_sandbox {
                table = table.column(Column::exact(SANDBOX_COLUMN).clip(true));
            }
            table = table
                .column(Column::initial(id_width).at_least(90.0).clip(true))
                .column(Column::initial(STATE_COLUMN).at_least(50.0));
            if wide {
                table = table
                    .column(Column::initial(KNOWN_AS_COLUMN).at_least(60.0).clip(true))
                    .column(Column::initial(UPDATED_COLUMN).at_least(80.0).clip(true));
            }
            table
                .column(Column::exact(ACTIONS_COLUMN))
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
                        if by_sandbox {
                            row.col(|ui| {
                                cells.cell(ui, |ui| ui.label(r.sandbox_label()));
                            });
                        }
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
                        row.col(|ui| {
                            cells.cell(ui, |ui| row_buttons_ui(ui, r, current, &mut asked));
                        });
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

    #[test]
    fn an_access_key_in_the_filter_finds_the_connections_using_it() {
        let mut merged = merged(MergedKind::RemoteOnly);
        let remote = serde_json::from_value::<crate::api::Connection>(serde_json::json!({
            "id": "c1", "name": "Landing",
            "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AKIA************MPLE"}},
        }))
        .unwrap();
        merged.remote = Some(remote);
        let row = ConnectionRow::new(merged);
        assert!(row.matches("AKIAIOSFODNN7EXAMPLE"));
        assert!(row.matches(" AKIAIOSFODNN7EXAMPLE "));
        assert!(!row.matches("AKIAI44QH8DHBEXAMPL3"));
    }
}
