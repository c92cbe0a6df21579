//! The details window of one connection: as AEP returns it, and what the history knows.

use crate::ops::connections::Inspected;
use crate::ui::action::Action;
use crate::ui::loadable::Loadable;
use crate::ui::widgets::copy_row;
use crate::ui::{icons, style};

/// Draws the details window, if open; closing it forgets it.
pub(super) fn inspect_window_ui(
    ctx: &egui::Context,
    inspected: &mut Option<Loadable<Box<Inspected>>>,
    actions: &mut Vec<Action>,
) {
    let Some(shown) = inspected else {
        return;
    };
    let mut open = true;
    crate::ui::widgets::window(ctx, "Connection details", 600.0)
        .open(&mut open)
        .show(ctx, |ui| match shown {
            Loadable::Idle | Loadable::Loading => {
                ui.spinner();
            }
            Loadable::Failed(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
            }
            Loadable::Ready(i) => {
                ui.heading(i.connection.name.as_str());
                copy_row(ui, "Connection ID", &i.connection.id, actions);
                if style::icon_button(ui, icons::FOLDER_OPEN, "Explore")
                    .on_hover_text("Browse the bucket through this connection")
                    .clicked()
                {
                    actions.push(Action::Explore {
                        id: i.connection.id.clone(),
                        name: i.connection.name.clone(),
                    });
                }
                ui.label("As AEP returns it (secrets masked by AEP):");
                let json = serde_json::to_string_pretty(&i.connection).unwrap_or_default();
                ui.add(
                    egui::TextEdit::multiline(&mut json.as_str())
                        .code_editor()
                        .desired_width(f32::INFINITY),
                );
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
                        e.at_ms.local(),
                        e.outcome
                    ));
                }
            }
        });
    if !open {
        *inspected = None;
    }
}
