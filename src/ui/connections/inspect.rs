//! The details window of one connection: as AEP returns it, and what the history knows.

use crate::manage::Inspected;
use crate::ui::loadable::Loadable;

/// Draws the details window, if open; closing it forgets it.
pub(super) fn inspect_window_ui(
    ctx: &egui::Context,
    inspected: &mut Option<Loadable<Box<Inspected>>>,
) {
    let Some(shown) = inspected else {
        return;
    };
    let mut open = true;
    egui::Window::new("Connection details")
        .open(&mut open)
        .default_width(600.0)
        .show(ctx, |ui| match shown {
            Loadable::Idle | Loadable::Loading => {
                ui.spinner();
            }
            Loadable::Failed(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
            }
            Loadable::Ready(i) => {
                ui.label(format!("{} ({})", i.connection.name, i.connection.id));
                ui.label("As AEP returns it (secrets masked by AEP):");
                let json = serde_json::to_string_pretty(&i.connection).unwrap_or_default();
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        ui.add(egui::TextEdit::multiline(&mut json.as_str()).code_editor());
                    });
                if let Some(a) = &i.attempt {
                    ui.label(format!(
                        "Created here by profile {} (history #{}).",
                        a.profile, a.id.0
                    ));
                }
                for e in &i.events {
                    ui.label(format!(
                        "{:?} at {}: {:?}",
                        e.kind,
                        crate::model::EpochMs(e.at_ms).local(),
                        e.outcome
                    ));
                }
            }
        });
    if !open {
        *inspected = None;
    }
}
