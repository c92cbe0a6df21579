//! The result card of the last create: IDs to copy on success, Adobe's message and hint on failure.

use super::app::{AepApp, Command, CreateState};
use super::widgets::copy_row;

/// Draws the card for the last create, if any.
pub fn result_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    if let Some(existing) = app.duplicate.clone() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.heading(format!(
                "\"{}\" already exists in this sandbox",
                existing.name
            ));
            ui.label(format!(
                "Connection {} has the same name. A second one would be hard to tell apart.",
                existing.id
            ));
            ui.horizontal(|ui| {
                if ui.button("Open the existing one").clicked() {
                    app.duplicate = None;
                    let job = app.connections.open_explorer(&existing.id, &existing.name);
                    app.push(Command::Job(job));
                }
                if ui.button("Create anyway").clicked() {
                    app.push(Command::CreateAnyway);
                }
            });
        });
    }
    match &app.create {
        CreateState::Created(created) => {
            let created = created.clone();
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.heading(format!("Created \"{}\" in {}", created.name, created.sandbox));
                copy_row(app, ui, "Connection ID", &created.connection.id);
                copy_row(app, ui, "Etag", &created.connection.etag);
                if let Some(id) = &created.connection.request_id {
                    copy_row(app, ui, "Request ID", id);
                }
                if created.connection.reconciled {
                    ui.label("Adobe's answer was lost; the connection was found by name. Nothing was created twice.");
                }
                for w in &created.warnings {
                    ui.colored_label(ui.visuals().warn_fg_color, w.as_str());
                }
                ui.horizontal(|ui| {
                    if ui.button("Copy as cURL").clicked() {
                        app.push(Command::Copy {
                            text: created.curl.clone(),
                            what: "cURL command (secrets as $ENV references)".to_owned(),
                        });
                    }
                    if ui
                        .button("Explore")
                        .on_hover_text("Browse the bucket through the new connection: the proof it works")
                        .clicked()
                    {
                        let job = app
                            .connections
                            .open_explorer(&created.connection.id, &created.name);
                        app.push(Command::Job(job));
                    }
                });
            });
        }
        CreateState::Failed(error) => {
            let error = error.clone();
            egui::Frame::group(ui.style()).show(ui, |ui| {
                let title = match (error.status, &error.code) {
                    (Some(status), Some(code)) => format!("Failed: HTTP {status}, {code}"),
                    (Some(status), None) => format!("Failed: HTTP {status}"),
                    _ => "Failed".to_owned(),
                };
                ui.heading(title);
                ui.label(error.message.as_str());
                if let Some(hint) = &error.hint {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("What to do: {hint}"));
                }
                if let Some(id) = &error.request_id {
                    copy_row(app, ui, "Request ID", id);
                }
                if error.offer_create_anyway
                    && ui
                        .button("Create anyway")
                        .on_hover_text("Create without checking for a connection of the same name")
                        .clicked()
                {
                    app.push(Command::CreateAnyway);
                }
                if let Some(curl) = &error.curl
                    && ui.button("Copy as cURL").clicked()
                {
                    app.push(Command::Copy {
                        text: curl.clone(),
                        what: "cURL command (secrets as $ENV references)".to_owned(),
                    });
                }
                if let Some(raw) = error.raw_body.as_ref().filter(|r| !r.is_empty()) {
                    egui::CollapsingHeader::new("Raw response").show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut raw.as_str())
                                .code_editor()
                                .desired_rows(6),
                        );
                    });
                }
            });
        }
        CreateState::Idle | CreateState::Running { .. } => {}
    }
}
