//! The form's grid drawn: each field with its label, its hint and its validation message, read
//! together by a screen reader.

use super::fields::{FormState, FormValidation};
use crate::ui::widgets::{SecretText, labelled_text};

/// A text field of the form: its label, its hint and the key of its validation messages.
struct Field<'a> {
    label: &'a str,
    hint: &'a str,
    key: &'a str,
}

const fn field<'a>(label: &'a str, hint: &'a str, key: &'a str) -> Field<'a> {
    Field { label, hint, key }
}

/// Plain text rows of the grid; returns the first one's field.
fn text_rows<const N: usize>(
    ui: &mut egui::Ui,
    rows: [(Field<'_>, &mut String); N],
    validation: &FormValidation,
) -> Option<egui::Response> {
    rows.into_iter()
        .map(|(f, value)| row(ui, f.label, value, false, f.hint, validation, f.key))
        .reduce(|first, _| first)
}

/// An empty first cell of a grid row (no widget: nothing for a screen reader to announce).
fn empty_cell(ui: &mut egui::Ui) {
    ui.allocate_space(egui::Vec2::ZERO);
}

/// The grid of fields and the collapsed "Advanced" one.
pub(super) fn fields_ui(ui: &mut egui::Ui, f: &mut FormState, validation: &FormValidation) {
    egui::Grid::new("form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let name = text_rows(
                ui,
                [
                    (
                        field("Name", "e.g. Landing bucket (prod)", "name"),
                        &mut f.name,
                    ),
                    (
                        field("Description", "optional", "description"),
                        &mut f.description,
                    ),
                    (
                        field("Access key ID", "AKIA… or ASIA…", "access_key_id"),
                        &mut f.access_key_id,
                    ),
                ],
                validation,
            );
            // Ctrl+N: the form, ready to type a name.
            if std::mem::take(&mut f.focus_name)
                && let Some(name) = name
            {
                name.request_focus();
            }
            secret_rows_ui(ui, f, validation);
            let _ = text_rows(
                ui,
                [
                    (
                        field("Bucket name", "optional: restrict to one bucket", "bucket"),
                        &mut f.bucket,
                    ),
                    (
                        field("Folder path", "optional: restrict to one folder", "folder"),
                        &mut f.folder_path,
                    ),
                ],
                validation,
            );
        });
    egui::CollapsingHeader::new("Advanced")
        .default_open(!f.service_url.is_empty())
        .show(ui, |ui| {
            egui::Grid::new("advanced")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    let _ = text_rows(
                        ui,
                        [(
                            field(
                                "Service URL",
                                "https://s3.eu-west-1.amazonaws.com",
                                "service_url",
                            ),
                            &mut f.service_url,
                        )],
                        validation,
                    );
                });
        });
}

/// The secret key (masked unless shown), and the session token or the link that adds one.
fn secret_rows_ui(ui: &mut egui::Ui, f: &mut FormState, validation: &FormValidation) {
    let reveal = f.reveal_secret;
    row(
        ui,
        "Secret access key",
        &mut SecretText(&mut f.secret_key),
        !reveal,
        "",
        validation,
        "secret_key",
    );
    empty_cell(ui);
    ui.checkbox(&mut f.reveal_secret, "Show secret key");
    ui.end_row();
    if f.shows_session_token() {
        row(
            ui,
            "Session token",
            &mut SecretText(&mut f.session_token),
            !reveal,
            "required for ASIA keys",
            validation,
            "session_token",
        );
    } else {
        empty_cell(ui);
        if ui.link("Add a session token").clicked() {
            f.want_session_token = true;
        }
        ui.end_row();
    }
}

fn row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut dyn egui::TextBuffer,
    password: bool,
    hint: &str,
    validation: &FormValidation,
    key: &str,
) -> egui::Response {
    let label_response = ui.label(label);
    let field = ui
        .vertical(|ui| {
            let field = labelled_text(ui, &label_response, value, password, hint);
            if let Some(error) = validation.errors.get(key) {
                let message = ui.colored_label(ui.visuals().error_fg_color, error);
                describe_field(ui, &field, &message, error);
            } else if let Some(warning) = validation.warnings.get(key) {
                let message = ui.colored_label(ui.visuals().warn_fg_color, warning);
                describe_field(ui, &field, &message, warning);
            }
            field
        })
        .inner;
    ui.end_row();
    field
}

/// Ties a validation message to its field for screen readers: the message becomes the field's
/// accessible description, read with its name and value, and the message's label is named as
/// what describes it (AccessKit `described_by`). The field's name stays its label's text.
pub fn describe_field(ui: &egui::Ui, field: &egui::Response, message: &egui::Response, text: &str) {
    ui.ctx().accesskit_node_builder(field.id, |node| {
        node.set_description(text);
        node.push_described_by(message.id.accesskit_id());
    });
}
