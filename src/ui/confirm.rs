//! The confirmation asked before a create lands in a production sandbox.

use super::action::Action;
use super::{icons, style};

/// Asks before creating `name` in the production sandbox `sandbox`; `pending` holds the create
/// waiting (whether it may duplicate) and is emptied by either answer, Esc or a click outside.
pub fn production_confirm_ui(
    ctx: &egui::Context,
    pending: &mut Option<bool>,
    sandbox: &str,
    kind: crate::api::sandboxes::SandboxKind,
    name: &str,
    actions: &mut Vec<Action>,
) {
    let Some(allow_duplicate) = *pending else {
        return;
    };
    let (mut create, mut cancel) = (false, false);
    let modal = egui::Modal::new(egui::Id::unique("confirm-production")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.horizontal(|ui| {
            crate::ui::widgets::icon(ui, icons::PRODUCTION, ui.visuals().warn_fg_color);
            ui.heading("Create in production?");
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("\"{name}\" will be created in"));
            style::production_badge(ui, sandbox, kind);
        });
        ui.label("Sources and dataflows in production can read from it as soon as it exists.");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            create = ui
                .add(style::danger_button(
                    ui,
                    icons::PLUS,
                    "Create in production",
                ))
                .accessible_name("Create in production")
                .clicked();
            cancel = ui.button("Cancel").clicked();
        });
    });
    if create {
        actions.push(Action::CreateConfirmed { allow_duplicate });
    }
    if create || cancel || modal.should_close() {
        *pending = None;
    }
}
