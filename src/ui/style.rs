//! The window's visual language, in one place: text sizes, spacing, field borders, the colours
//! of statuses, and how destructive and production actions look.

use egui::{Color32, FontFamily, FontId, RichText, Stroke, TextStyle};

use super::icons;

/// Sets text sizes, spacing and field borders for both themes, and adds the icon font.
pub fn install(ctx: &egui::Context) {
    icons::install(ctx);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Small,
                FontId::new(11.5, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(14.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(14.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Heading,
                FontId::new(19.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(13.0, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 24.0;
        let dark = style.visuals.dark_mode;
        // Fields and buttons get a visible border in both themes: egui's default light theme
        // draws a white field on a near-white panel with none, so a form reads as blank space.
        style.visuals.widgets.inactive.bg_stroke =
            Stroke::new(1.0, Color32::from_gray(if dark { 85 } else { 150 }));
        if !dark {
            // A little contrast between the panel and the fields on it.
            style.visuals.panel_fill = Color32::from_gray(246);
            style.visuals.window_fill = Color32::from_gray(250);
        }
    });
}

/// Green for "created", readable in both themes.
pub fn created_color(visuals: &egui::Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_rgb(90, 200, 110)
    } else {
        Color32::from_rgb(20, 130, 50)
    }
}

/// The red fill of destructive buttons and the production badge.
pub fn danger_fill(visuals: &egui::Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_rgb(170, 35, 35)
    } else {
        Color32::from_rgb(190, 30, 30)
    }
}

/// A destructive action's button: white on red, with its icon.
pub fn danger_button(ui: &egui::Ui, icon: &str, text: &str) -> egui::Button<'static> {
    egui::Button::new(RichText::new(icons::with(icon, text)).color(Color32::WHITE))
        .fill(danger_fill(ui.visuals()))
}

/// The screen's main action: filled with the accent colour, with its icon.
pub fn primary_button(ui: &egui::Ui, icon: &str, text: &str) -> egui::Button<'static> {
    let visuals = ui.visuals();
    egui::Button::new(
        RichText::new(icons::with(icon, text))
            .strong()
            .color(visuals.selection.stroke.color),
    )
    .fill(visuals.selection.bg_fill)
}

/// A button with an icon before its text, named by the text alone for screen readers (the
/// icon is a private-use character a reader would spell out or skip).
pub fn icon_button(ui: &mut egui::Ui, icon: &str, text: &str) -> egui::Response {
    ui.button(icons::with(icon, text)).accessible_name(text)
}

/// A small icon-only button, named for screen readers and with `name` as its tooltip.
pub fn icon_only(ui: &mut egui::Ui, icon: &str, name: &str) -> egui::Response {
    ui.small_button(icon)
        .accessible_name(name)
        .on_hover_text(name)
}

/// The badge that marks a production sandbox, wherever the sandbox is named.
pub fn production_badge(
    ui: &mut egui::Ui,
    sandbox: &str,
    kind: crate::api::sandboxes::SandboxKind,
) -> egui::Response {
    let fill = danger_fill(ui.visuals());
    egui::Frame::new()
        .fill(fill)
        .inner_margin(egui::Margin::symmetric(4, 1))
        .corner_radius(3.0)
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing.x = 0.0;
            super::widgets::icon(ui, icons::PRODUCTION, Color32::WHITE);
            ui.label(
                RichText::new(format!("PRODUCTION: {sandbox}"))
                    .strong()
                    .color(Color32::WHITE),
            )
        })
        .inner
        .on_hover_text(format!(
            "Connections made here land in a production sandbox: {}.",
            kind.basis_text()
        ))
}

/// The sandbox's name, with the production badge when [`SandboxKind`] says so.
///
/// [`SandboxKind`]: crate::api::sandboxes::SandboxKind
pub fn sandbox_label(
    ui: &mut egui::Ui,
    sandbox: &str,
    kind: crate::api::sandboxes::SandboxKind,
) -> egui::Response {
    if kind.production {
        production_badge(ui, sandbox, kind)
    } else {
        ui.label(format!("sandbox {sandbox}"))
            .on_hover_text(kind.basis_text())
    }
}
