//! The table of connections: a row view-model built once per list, filtered and drawn each frame.

use egui_extras::{Column, TableBuilder};

use super::ConnectionsView;
use crate::api::Connection;
use crate::manage::{MergedConnection, MergedKind};
use crate::ui::action::Action;
use crate::ui::loadable::Loadable;

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
                .map(|t| crate::model::EpochMs(t).local())
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

/// Draws the heading, the filter and the table; returns what the rows' buttons asked for.
pub(super) fn list_ui(
    ui: &mut egui::Ui,
    list: &Loadable<Vec<ConnectionRow>>,
    filter: &mut String,
    view: ConnectionsView<'_>,
    actions: &mut Vec<Action>,
) -> Vec<(RowIntent, ConnectionRow)> {
    ui.horizontal(|ui| {
        ui.heading(format!(
            "S3 connections in {}",
            view.sandbox.unwrap_or_default()
        ));
        if ui.button("Refresh").clicked() {
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
    ui.weak(format!("{} connections", rows.len()));
    let mut asked = Vec::new();
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
                let r = rows[row.index()];
                row.col(|ui| {
                    ui.label(r.name.as_str());
                });
                row.col(|ui| {
                    ui.monospace(r.id.as_str());
                });
                row.col(|ui| {
                    ui.label(r.state.as_str());
                });
                row.col(|ui| {
                    if r.deleted {
                        ui.colored_label(ui.visuals().warn_fg_color, r.known_as);
                    } else {
                        ui.label(r.known_as);
                    }
                });
                row.col(|ui| {
                    ui.label(r.updated.as_str()).on_hover_text(r.who.as_str());
                });
                row.col(|ui| {
                    if ui.small_button("Copy ID").clicked() {
                        asked.push((RowIntent::Copy, r.clone()));
                    }
                    if !r.deleted {
                        ui.menu_button("Manage", |ui| {
                            for (label, intent) in [
                                ("Inspect", RowIntent::Inspect),
                                ("Explore", RowIntent::Explore),
                                ("Rotate credentials…", RowIntent::Rotate),
                                ("Delete…", RowIntent::Delete),
                            ] {
                                if ui.button(label).clicked() {
                                    asked.push((intent, r.clone()));
                                }
                            }
                        });
                    }
                });
            });
        });
    asked
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
            created_at_ms: Some(1_767_225_600_000),
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
        assert_eq!(
            row.updated,
            crate::model::EpochMs(1_767_225_600_000).local()
        );
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
