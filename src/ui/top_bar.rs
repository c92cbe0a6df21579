//! The top bar: tabs, the active profile (with `prod` unmistakable), sandboxes, token state, theme.

use std::time::Duration;

use super::action::Action;
use super::loadable::Loadable;
use super::persisted::{Tab, ThemeChoice};
use super::{icons, style};
use crate::api::sandboxes::{Sandbox, SandboxKind};
use crate::model::EpochMs;
use crate::store::config::{Config, Profile};
use crate::worker::{ErrorView, SessionSandbox, TokenState};

/// The top bar's own state: the sandboxes, once asked for.
#[derive(Default)]
pub struct TopBar {
    /// The sandboxes the active credential may use.
    sandboxes: Loadable<Vec<Sandbox>>,
}

impl TopBar {
    /// The sandboxes were asked for.
    pub(crate) fn sandboxes_loading(&mut self) {
        self.sandboxes = Loadable::Loading;
    }

    /// The sandboxes arrived.
    pub(crate) fn on_sandboxes(&mut self, result: Result<Vec<Sandbox>, ErrorView>) {
        self.sandboxes = Loadable::from_result(result);
    }
}

/// What the bar shows from outside it.
#[derive(Clone, Copy)]
pub struct TopBarView<'a> {
    /// Demo mode.
    pub demo: bool,
    /// The tab shown.
    pub tab: Tab,
    /// The theme chosen.
    pub theme: ThemeChoice,
    /// The config, once loaded.
    pub config: Option<&'a Config>,
    /// The active profile as this session uses it.
    pub active: Option<&'a Profile>,
    /// Whether its sandbox is production.
    pub kind: Option<SandboxKind>,
    /// Its sandbox for this session, when not the saved one.
    pub session: Option<&'a SessionSandbox>,
    /// The active profile's token.
    pub token: &'a TokenState,
}

/// Below this window width the org ID is left out of the bar (the profile's tooltip has it),
/// so the bar never wraps.
const ORG_ID_FROM: f32 = 1000.0;

/// Draws the top bar: the views and the theme on the first line; the profile, its sandbox and
/// its token on the second. Each line is one row that fits 800 px.
pub fn top_bar_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    view: TopBarView<'_>,
    actions: &mut Vec<Action>,
) {
    egui::Panel::top("top").show(ui, |ui| {
        ui.add_space(2.0);
        ui.horizontal(|ui| {
            if view.demo {
                ui.label(
                    egui::RichText::new(" DEMO ")
                        .strong()
                        .color(egui::Color32::BLACK)
                        .background_color(egui::Color32::from_rgb(255, 200, 0)),
                )
                .on_hover_text(
                    "Built-in emulator: nothing reaches Adobe, data is thrown away on exit",
                );
            }
            for (tab, icon, label, hover) in [
                (
                    Tab::NewConnection,
                    icons::PLUS,
                    "New connection",
                    "The connection form, with the history beside it",
                ),
                (
                    Tab::Connections,
                    icons::PLUGS,
                    "Connections",
                    "The S3 connections that exist in the sandbox now",
                ),
                (
                    Tab::Profiles,
                    icons::USER,
                    "Profiles",
                    "Adobe credentials, sandboxes and settings",
                ),
            ] {
                if ui
                    .selectable_label(view.tab == tab, icons::with(icon, label))
                    .accessible_name(label)
                    .on_hover_text(hover)
                    .clicked()
                {
                    actions.push(Action::Tab(tab));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                theme_ui(ui, view.theme, actions);
            });
        });
        ui.horizontal(|ui| {
            if let Some(config) = view.config {
                profile_switcher_ui(ui, bar, config, view, actions);
            }
            ui.separator();
            token_ui(ui, view.token, view.active.is_some(), actions);
        });
        ui.add_space(2.0);
    });
}

fn profile_switcher_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    config: &Config,
    view: TopBarView<'_>,
    actions: &mut Vec<Action>,
) {
    let active = view.active;
    let label = ui.label("Profile");
    let selected = active.map_or("none", |p| p.name.as_str());
    let mut switch_to = None;
    let combo = egui::ComboBox::from_id_salt("profile-switcher")
        .selected_text(selected)
        .truncate()
        .width(140.0)
        .show_ui(ui, |ui| {
            for p in &config.profiles {
                if ui
                    .selectable_label(p.name == selected, p.name.as_str())
                    .clicked()
                {
                    switch_to = Some(p.name.clone());
                }
            }
        })
        .response
        .labelled_by(label.id);
    if let Some(name) = switch_to.filter(|n| *n != selected) {
        actions.push(Action::SwitchProfile(name));
    }
    if let Some(p) = active {
        combo.on_hover_text(format!("Org {}", p.org_id));
        if ui.ctx().content_rect().width() >= ORG_ID_FROM {
            ui.weak(p.org_id.as_str());
        }
        sandbox_picker_ui(ui, bar, p, view.session, actions);
        if let Some(kind) = view.kind.filter(|k| k.production) {
            style::production_badge(ui, &p.sandbox, kind);
        }
    }
}

/// The sandbox in use and how to change it. Each sandbox the credential may use can be used for
/// this session (the profile keeps its saved sandbox) or saved to the profile: two buttons, so
/// the config is never changed by the one meant for the session. A session's sandbox says so,
/// with a way to save it (its tooltip says how to go back to the saved one).
fn sandbox_picker_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    profile: &Profile,
    session: Option<&SessionSandbox>,
    actions: &mut Vec<Action>,
) {
    let session = session.filter(|s| s.profile == profile.name && s.session == profile.sandbox);
    let saved = session.map_or(profile.sandbox.as_str(), |s| s.saved.as_str());
    if let Some(session) = session {
        ui.label(egui::RichText::new("(this session only)").italics())
            .on_hover_text(format!(
                "Profile {} keeps its saved sandbox {}: nothing was written to the config. \
                 Pick {} under Switch sandbox to go back to it.",
                profile.name, session.saved, session.saved
            ));
        if ui
            .small_button("Save to profile")
            .on_hover_text(format!(
                "Make {} the saved sandbox of profile {}",
                session.session, profile.name
            ))
            .clicked()
        {
            actions.push(Action::SaveSandbox(session.session.clone()));
        }
    }
    let label = ui.label("Sandbox");
    let mut chosen = None;
    let combo = egui::ComboBox::from_id_salt("sandbox-picker")
        .selected_text(profile.sandbox.as_str())
        .truncate()
        .width(110.0)
        .show_ui(ui, |ui| match &bar.sandboxes {
            Loadable::Ready(list) => {
                egui::Grid::new("sandbox-picker-rows")
                    .num_columns(3)
                    .show(ui, |ui| {
                        for s in list {
                            if let Some(choice) = sandbox_row_ui(ui, s, &profile.sandbox, saved) {
                                chosen = Some(choice);
                            }
                            ui.end_row();
                        }
                    });
            }
            Loadable::Idle | Loadable::Loading => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading the sandboxes from AEP…");
                });
            }
            Loadable::Failed(e) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Could not list the sandboxes: {}", e.message),
                );
                if ui.button("Try again").clicked() {
                    chosen = Some(Action::ListSandboxes);
                }
            }
        })
        .response
        .labelled_by(label.id);
    combo.on_hover_text("The sandbox in use; open to switch, for this session or for good");
    if let Some(action) = chosen {
        actions.push(action);
    }
}

fn token_ui(ui: &mut egui::Ui, token: &TokenState, has_profile: bool, actions: &mut Vec<Action>) {
    match token {
        TokenState::None => {
            ui.weak("token: none");
        }
        TokenState::Valid(None) => {
            ui.label("token: pasted");
        }
        TokenState::Valid(Some(expires)) => {
            // The bar stays short (the day, when not today); the tooltip adds how long is left.
            let (expires, now) = (*expires, EpochMs::now());
            let text = if expires <= now {
                format!("token expired at {}", expires.local_hh_mm_near(now))
            } else {
                format!("token valid until {}", expires.local_hh_mm_near(now))
            };
            ui.label(text).on_hover_text(format!(
                "The token is {}; it expires {}",
                crate::ui::widgets::validity_text(expires, now),
                expires.local()
            ));
            // The text counts minutes: draw it again when the next one starts.
            let to_next_minute = 60_000 - now.0.rem_euclid(60_000);
            ui.ctx()
                .request_repaint_after(Duration::from_millis(to_next_minute.unsigned_abs()));
        }
        TokenState::Error(e) => {
            ui.colored_label(ui.visuals().error_fg_color, "token: error")
                .on_hover_text(e.as_str());
        }
    }
    if has_profile && style::icon_only(ui, icons::REFRESH, "Refresh token").clicked() {
        actions.push(Action::RefreshToken);
    }
}

/// Three small toggles (system, light, dark), named for screen readers.
fn theme_ui(ui: &mut egui::Ui, theme: ThemeChoice, actions: &mut Vec<Action>) {
    // Right to left: the last drawn is leftmost.
    for (choice, icon, name) in [
        (ThemeChoice::Dark, icons::MOON, "Dark theme"),
        (ThemeChoice::Light, icons::SUN, "Light theme"),
        (
            ThemeChoice::System,
            icons::SYSTEM_THEME,
            "Theme as the system",
        ),
    ] {
        if ui
            .selectable_label(theme == choice, icon)
            .accessible_name(name)
            .on_hover_text(name)
            .clicked()
        {
            actions.push(Action::Theme(choice));
        }
    }
}

/// One sandbox of the picker: its name (production said in words), and two buttons, "Use for
/// this session" and "Save to profile", named with the sandbox for screen readers.
fn sandbox_row_ui(ui: &mut egui::Ui, s: &Sandbox, in_use: &str, saved: &str) -> Option<Action> {
    ui.label(format!(
        "{}{} ({}, {})",
        s.name,
        if s.is_production() { " PRODUCTION" } else { "" },
        s.title.as_deref().unwrap_or(""),
        s.state.as_deref().unwrap_or("?")
    ));
    let mut chosen = None;
    if ui
        .add_enabled(
            s.is_active() && s.name != in_use,
            egui::Button::selectable(s.name == in_use, "Use for this session"),
        )
        .accessible_name(format!("Use {} for this session", s.name))
        .on_hover_text("The profile keeps its saved sandbox")
        .clicked()
    {
        chosen = Some(Action::SwitchSandbox(s.name.clone()));
    }
    if ui
        .add_enabled(
            s.is_active() && s.name != saved,
            egui::Button::new("Save to profile"),
        )
        .accessible_name(format!("Save {} to profile", s.name))
        .on_hover_text("Make it the profile's sandbox, in the config file")
        .clicked()
    {
        chosen = Some(Action::SaveSandbox(s.name.clone()));
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: "token valid until 00:09" was tomorrow's 00:09.
    #[test]
    fn the_token_says_how_long_and_until_which_day() {
        // 2026-04-12 00:10 UTC (unit tests show times in UTC).
        let now = EpochMs(1_775_952_600_000);
        let minute = 60_000;
        assert_eq!(
            crate::ui::widgets::validity_text(EpochMs(now.0 + (23 * 60 + 59) * minute), now),
            "valid until 00:09 tomorrow (23 h 59 min left)"
        );
        assert_eq!(
            crate::ui::widgets::validity_text(EpochMs(now.0 + 50 * minute), now),
            "valid until 01:00 (50 min left)"
        );
        assert_eq!(
            crate::ui::widgets::validity_text(EpochMs(now.0 - 8 * minute), now),
            "expired at 00:02"
        );
    }
}
