//! What the Connections view says above its rows: a list read in part, the sandboxes that could
//! not be listed, and the connections of an access key typed in the filter.

use crate::ui::action::Action;
use crate::ui::{icons, style};
use crate::worker::ErrorView;

/// A warning box: a headline, the reasons (one line each) and what the list does about them.
fn warning_banner_ui(ui: &mut egui::Ui, headline: &str, reasons: &[String], after: &str) {
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, ui.visuals().warn_fg_color))
        .inner_margin(8.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            crate::ui::widgets::icon_label(
                ui,
                icons::WARNING,
                headline,
                ui.visuals().warn_fg_color,
            );
            for reason in reasons {
                ui.label(reason.as_str());
            }
            ui.label(after);
        });
}

/// Says that the list is only the part AEP's pages gave before they stopped, and why.
pub(super) fn incomplete_banner_ui(ui: &mut egui::Ui, e: &ErrorView) {
    warning_banner_ui(
        ui,
        "Incomplete list: only part of this sandbox's connections could be read.",
        std::slice::from_ref(&e.message),
        "Connections made here that are not in this part are not shown, and none is called deleted. Refresh to try again.",
    );
}

/// Says which sandboxes could not be listed in full, and why: their rows are missing or partial.
pub(super) fn failed_sandboxes_banner_ui(ui: &mut egui::Ui, failed: &[(String, ErrorView)]) {
    let reasons: Vec<String> = failed
        .iter()
        .map(|(sandbox, e)| format!("{sandbox}: {}", e.message))
        .collect();
    warning_banner_ui(
        ui,
        "Not every sandbox could be listed in full: their connections are missing or partial.",
        &reasons,
        "The other sandboxes are listed. Refresh to try again.",
    );
}

/// Over the rows of a key typed in the filter: where they were looked for, and the key's
/// rotation everywhere it is used.
pub(super) fn key_found_ui(ui: &mut egui::Ui, key: &str, all: bool, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(if all {
            "The connections below use this key."
        } else {
            "The connections below use this key in this sandbox (tick All sandboxes for the others)."
        });
        if style::icon_button(ui, icons::KEY, "Rotate this key everywhere…")
            .on_hover_text("Replace this key on every connection that uses it")
            .clicked()
        {
            actions.push(Action::RotateKeyEverywhere(key.to_owned()));
        }
    });
}
