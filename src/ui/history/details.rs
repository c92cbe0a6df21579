//! The details of the record selected in the history, in the centre: the IDs to copy first,
//! then everything recorded, and the request body with its secrets redacted.

use super::HistoryScreen;
use crate::model::EpochMs;
use crate::store::history::{Attempt, AttemptStatus};
use crate::store::sandboxes::KnownSandboxes;
use crate::ui::action::Action;
use crate::ui::widgets::copy_row;
use crate::ui::{icons, style};

/// Draws the selected record; does nothing when none is.
pub fn details_ui(
    ui: &mut egui::Ui,
    screen: &mut HistoryScreen,
    known_sandboxes: &KnownSandboxes,
    actions: &mut Vec<Action>,
) {
    let Some(a) = &screen.selected else {
        return;
    };
    let mut back = false;
    let mut remove = false;
    egui::ScrollArea::vertical()
        .id_salt("record-details")
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                back = style::icon_button(ui, icons::BACK, "New connection")
                    .on_hover_text("Back to the form (Esc)")
                    .clicked();
            });
            ui.add_space(4.0);
            ui.heading(a.name.as_str());
            ui.horizontal_wrapped(|ui| {
                let (icon, color) = match a.status {
                    AttemptStatus::Created => (icons::CHECK, style::created_color(ui.visuals())),
                    AttemptStatus::Failed => (icons::FAILED, ui.visuals().error_fg_color),
                    AttemptStatus::Pending => (icons::PENDING, ui.visuals().warn_fg_color),
                };
                crate::ui::widgets::icon_label(ui, icon, a.status.as_str(), color);
                ui.label(format!("in {} · {}", a.sandbox, a.started_at_ms.local()));
                let kind = known_sandboxes.kind(&a.platform_url, &a.org_id, &a.sandbox);
                if kind.production {
                    style::production_badge(ui, &a.sandbox, kind);
                }
            });
            ui.add_space(6.0);
            if let Some(id) = &a.connection_id {
                copy_row(ui, "Connection ID", id, actions);
            }
            if let Some(etag) = &a.etag {
                copy_row(ui, "Etag", etag, actions);
            }
            if let Some(id) = &a.request_id {
                copy_row(ui, "Request ID", id, actions);
            }
            if let Some(message) = &a.error_message {
                ui.colored_label(ui.visuals().error_fg_color, message.as_str());
            }
            ui.horizontal_wrapped(|ui| {
                if style::icon_button(ui, icons::TERMINAL, "Copy as cURL").clicked() {
                    actions.push(Action::CopyCurl(Box::new(a.clone())));
                }
                if let Some(id) = &a.connection_id
                    && style::icon_button(ui, icons::INFO, "Inspect in AEP")
                        .on_hover_text("Read the connection as AEP has it now")
                        .clicked()
                {
                    actions.push(Action::Inspect(id.clone()));
                }
                remove = ui
                    .add(style::danger_button(
                        ui,
                        icons::TRASH,
                        "Remove from history",
                    ))
                    .accessible_name("Remove from history")
                    .clicked();
            });
            ui.add_space(8.0);
            fields_ui(ui, a);
            ui.add_space(8.0);
            request_body_ui(ui, a);
        });
    if remove {
        screen.confirm_delete = screen.selected.clone();
    }
    if back {
        screen.selected = None;
    }
}

/// The request as sent, its secrets replaced.
fn request_body_ui(ui: &mut egui::Ui, a: &Attempt) {
    ui.strong("Request body (secrets redacted)");
    let pretty = serde_json::from_str::<serde_json::Value>(&a.request_body_redacted)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| a.request_body_redacted.clone());
    ui.add(
        egui::TextEdit::multiline(&mut pretty.as_str())
            .code_editor()
            .desired_width(f32::INFINITY),
    )
    .accessible_name("Request body");
}

/// Everything recorded, as a two-column grid.
fn fields_ui(ui: &mut egui::Ui, a: &Attempt) {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows: Vec<(&str, String)> = vec![
        ("Description", opt(&a.description)),
        ("Profile", a.profile.clone()),
        ("Org", a.org_id.clone()),
        ("Sandbox", a.sandbox.clone()),
        ("Platform", a.platform_url.clone()),
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
        ("Bucket", opt(&a.bucket_name)),
        ("Folder", opt(&a.folder_path)),
        ("Service URL", opt(&a.service_url)),
        ("Started", a.started_at_ms.local()),
        (
            "Finished",
            a.finished_at_ms.map(EpochMs::local).unwrap_or_default(),
        ),
        (
            "Duration",
            a.duration_ms.map(|d| format!("{d} ms")).unwrap_or_default(),
        ),
        (
            "HTTP status",
            a.http_status.map(|s| s.to_string()).unwrap_or_default(),
        ),
        ("Adobe code", opt(&a.error_code)),
        (
            "Found by name",
            if a.reconciled { "yes" } else { "no" }.to_owned(),
        ),
        ("Record", format!("#{}", a.id.0)),
    ];
    egui::Grid::new("record-fields")
        .num_columns(2)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for (k, v) in rows.into_iter().filter(|(_, v)| !v.is_empty()) {
                ui.strong(k);
                ui.add(egui::Label::new(v).wrap());
                ui.end_row();
            }
        });
}
