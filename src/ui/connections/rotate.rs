//! The rotate dialog: a new access key for a connection, and on a conflict what changed.

use zeroize::Zeroizing;

use super::ConnectionRow;
use crate::api::Connection;
use crate::ops::connections::NewCredentials;
use crate::secret::Secret;
use crate::ui::action::Action;
use crate::ui::widgets::new_key_rows;
use crate::worker::RotateFailure;

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

impl RotateDialog {
    /// The dialog for a row of the list.
    pub fn new(row: ConnectionRow) -> Self {
        Self {
            seen: row.remote,
            id: row.id,
            name: row.name,
            ..Self::default()
        }
    }

    /// The rotation failed: say why; on a conflict, a retry applies to the current version.
    pub(super) fn failed(&mut self, failure: RotateFailure) {
        self.busy = false;
        if let Some((current, _)) = &failure.stale {
            self.seen = Some(current.clone());
        }
        self.failure = Some(failure);
    }
}

/// The new key's fields.
fn key_fields_ui(ui: &mut egui::Ui, dialog: &mut RotateDialog) {
    egui::Grid::new("rotate-grid")
        .num_columns(2)
        .show(ui, |ui| {
            new_key_rows(
                ui,
                &mut dialog.access_key_id,
                &mut dialog.secret_key,
                &mut dialog.session_token,
            );
        });
}

/// Draws the dialog, if open.
pub(super) fn rotate_dialog_ui(
    ctx: &egui::Context,
    rotate: &mut Option<RotateDialog>,
    actions: &mut Vec<Action>,
) {
    let Some(dialog) = rotate else {
        return;
    };
    let mut submit = false;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("rotate-dialog")).show(ctx, |ui| {
        ui.heading(format!("Rotate credentials of \"{}\"", dialog.name));
        ui.label(
            "The new key replaces the old one in AEP; bucket, folder and service URL are kept.",
        );
        key_fields_ui(ui, dialog);
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
                    ui.label(format!("- {c}"));
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
        actions.push(Action::Rotate {
            id: dialog.id.clone(),
            seen: dialog.seen.clone(),
            credentials: modal.inner,
        });
    } else if close || modal.should_close() {
        *rotate = None;
    }
}
