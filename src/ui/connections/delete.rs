//! The delete dialog: deleting a connection in AEP, with the name typed in production.

use super::ConnectionRow;
use crate::ui::action::Action;
use crate::ui::widgets::labelled_text;
use crate::ui::{icons, style};
use crate::worker::ErrorView;

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
    /// The name field was given the keyboard focus (once, when the dialog opened).
    focused: bool,
}

impl DeleteDialog {
    /// The dialog for a row of the list.
    pub fn new(row: ConnectionRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            ..Self::default()
        }
    }
}

/// Draws the dialog, if open. In `production` the name must be typed to confirm.
pub(super) fn delete_dialog_ui(
    ctx: &egui::Context,
    delete: &mut Option<DeleteDialog>,
    production: bool,
    actions: &mut Vec<Action>,
) {
    let Some(dialog) = delete else {
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
            let field = labelled_text(ui, &l, &mut dialog.typed, false, dialog.name.as_str());
            // Typing the name is the next thing to do: the field has the focus from the start.
            if !std::mem::replace(&mut dialog.focused, true) {
                field.request_focus();
            }
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
                .add_enabled(
                    ready && !dialog.busy,
                    style::danger_button(ui, icons::TRASH, "Delete in AEP"),
                )
                .accessible_name("Delete in AEP")
                .clicked();
            close = ui.button("Keep").clicked();
            if dialog.busy {
                ui.spinner();
            }
        });
    });
    if confirm {
        actions.push(Action::DeleteConnection {
            id: dialog.id.clone(),
            name: dialog.name.clone(),
        });
    } else if close || modal.should_close() {
        *delete = None;
    }
}
