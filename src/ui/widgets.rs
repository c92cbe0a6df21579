//! Small shared widgets: labelled inputs, copy buttons, the status bar and error windows.

use super::app::{AepApp, Command};

/// A single-line input tied to its label for screen readers (AccessKit `labelled_by`).
pub fn labelled_text(
    ui: &mut egui::Ui,
    label: &egui::Response,
    value: &mut String,
    password: bool,
    hint: &str,
) -> egui::Response {
    ui.add(
        egui::TextEdit::singleline(value)
            .password(password)
            .hint_text(hint)
            .desired_width(420.0),
    )
    .labelled_by(label.id)
}

/// One `label: value [Copy]` line.
pub fn copy_row(app: &mut AepApp, ui: &mut egui::Ui, label: &str, value: &str) {
    ui.horizontal(|ui| {
        ui.label(format!("{label}:"));
        ui.monospace(value);
        let button = ui.small_button(format!("Copy {label}"));
        if button.clicked() {
            app.push(Command::Copy {
                text: value.to_owned(),
                what: label.to_owned(),
            });
        }
    });
}

/// The bottom bar: toasts and notices.
pub fn status_bar_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some((text, _)) = app.toasts.last() {
                ui.label(text.as_str());
            } else if let Some(notice) = app.notices.last() {
                ui.colored_label(ui.visuals().warn_fg_color, notice.as_str());
            } else {
                ui.weak(format!("aep-s3-connect {}", crate::version::VERSION));
            }
        });
    });
}

/// Errors from the worker, in a window the user closes (Esc or the button).
pub fn errors_ui(app: &mut AepApp, ctx: &egui::Context) {
    if app.errors.is_empty() {
        return;
    }
    let mut open = true;
    egui::Window::new("Something failed")
        .collapsible(false)
        .open(&mut open)
        .show(ctx, |ui| {
            for (context, message) in &app.errors {
                ui.strong(format!("While {context}:"));
                ui.label(message.as_str());
                ui.add_space(6.0);
            }
            if ui.button("Close").clicked() {
                app.errors.clear();
            }
        });
    if !open {
        app.errors.clear();
    }
}
