//! The confirmation asked before a create lands in production sandboxes.

use super::action::Action;
use super::form::Destination;
use super::{icons, style};

/// Asks before creating `name` in the production sandboxes of `destination` (each named);
/// `pending` holds the create waiting (whether it may duplicate) and is emptied by either
/// answer, Esc or a click outside.
pub fn production_confirm_ui(
    ctx: &egui::Context,
    pending: &mut Option<bool>,
    destination: &Destination,
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
            for (sandbox, kind) in &destination.production {
                style::production_badge(ui, sandbox, *kind);
            }
        });
        let others = destination.sandboxes.len() - destination.production.len();
        if others > 0 {
            ui.label(format!(
                "and in {others} other sandbox{} ({}).",
                if others == 1 { "" } else { "es" },
                destination
                    .sandboxes
                    .iter()
                    .filter(|s| !destination.production.iter().any(|(p, _)| p == *s))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
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
