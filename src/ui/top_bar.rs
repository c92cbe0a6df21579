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
/// as it is wherever the row would not fit with it.
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
            // Too narrow for the whole row (a session sandbox, the badge, a long name): profile,
            // sandbox and token fold into one chip with a menu rather than run off the edge.
            // The org ID goes first (the profile's tooltip has it).
            let room = ui.available_width();
            let fits = |with_org| {
                view.active
                    .is_none_or(|p| full_row_width(ui, p, view, with_org) <= room)
            };
            let with_org = ui.ctx().content_rect().width() >= ORG_ID_FROM && fits(true);
            let chip = !fits(false);
            if let Some(config) = view.config {
                if chip {
                    chip_ui(ui, bar, config, view, actions);
                } else {
                    profile_switcher_ui(ui, bar, config, view, with_org, actions);
                }
            }
            ui.separator();
            token_ui(ui, view.token, view.active.is_some(), chip, actions);
        });
        ui.add_space(2.0);
    });
}

/// How wide the second row is when drawn whole: its words measured in the body font, its
/// combos and buttons at their fixed widths.
fn full_row_width(ui: &egui::Ui, p: &Profile, view: TopBarView<'_>, with_org: bool) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text = |s: &str| {
        ui.ctx().fonts_mut(|f| {
            f.layout_no_wrap(s.to_owned(), font.clone(), egui::Color32::PLACEHOLDER)
                .size()
                .x
        })
    };
    let spacing = ui.spacing().item_spacing.x;
    let button = 2.0 * ui.spacing().button_padding.x;
    // Profile, its combo, Sandbox, its combo, the separator, the token's refresh button.
    let mut width = text("Profile") + 140.0 + text("Sandbox") + 110.0 + 8.0 + 30.0 + 6.0 * spacing;
    if with_org {
        width += text(&p.org_id) + spacing;
    }
    if SessionSandbox::of(view.session, p).is_some() {
        width += text("(this session only)") + text("Save to profile") + button + 2.0 * spacing;
    }
    if view.kind.is_some_and(|k| k.production) {
        width += text(&format!("PRODUCTION: {}", p.sandbox)) + 30.0 + spacing;
    }
    width + text(&token_text(view.token).0) + spacing
}

/// The narrow form of the second row: one chip naming the profile and sandbox, whose menu holds
/// what the wide row shows (the switchers, the session's sandbox, the token); the production
/// badge stays beside it, always in sight.
fn chip_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    config: &Config,
    view: TopBarView<'_>,
    actions: &mut Vec<Action>,
) {
    let Some(p) = view.active else {
        return;
    };
    let session = SessionSandbox::of(view.session, p).is_some();
    let text = format!(
        "{} · {}{}",
        p.name,
        p.sandbox,
        if session { " (this session only)" } else { "" }
    );
    let menu = ui.menu_button(icons::with(icons::USER, &text), |ui| {
        ui.set_min_width(320.0);
        ui.strong("Profile");
        profile_list_ui(ui, config, &p.name, actions);
        ui.weak(format!("Org {}", p.org_id));
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            ui.strong("Sandbox");
            session_note_ui(ui, p, view.session, actions);
        });
        let saved =
            SessionSandbox::of(view.session, p).map_or(p.sandbox.as_str(), |s| s.saved.as_str());
        if let Some(action) = sandbox_list_ui(ui, bar, p, saved) {
            actions.push(action);
        }
        ui.separator();
        ui.horizontal(|ui| token_ui(ui, view.token, true, false, actions));
    });
    menu.response
        .accessible_name(format!(
            "Profile {}, sandbox {}{}",
            p.name,
            p.sandbox,
            if session { " (this session only)" } else { "" }
        ))
        .on_hover_text(format!(
            "Org {}. Open to switch profile or sandbox, or to see the token",
            p.org_id
        ));
    if let Some(kind) = view.kind.filter(|k| k.production) {
        style::production_badge(ui, &p.sandbox, kind);
    }
}

fn profile_switcher_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    config: &Config,
    view: TopBarView<'_>,
    with_org: bool,
    actions: &mut Vec<Action>,
) {
    let active = view.active;
    let combo = profile_combo_ui(ui, config, active, actions);
    if let Some(p) = active {
        combo.on_hover_text(format!("Org {}", p.org_id));
        if with_org {
            ui.weak(p.org_id.as_str());
        }
        sandbox_picker_ui(ui, bar, p, view.session, actions);
        if let Some(kind) = view.kind.filter(|k| k.production) {
            style::production_badge(ui, &p.sandbox, kind);
        }
    }
}

/// "Profile" and the combo that switches it.
fn profile_combo_ui(
    ui: &mut egui::Ui,
    config: &Config,
    active: Option<&Profile>,
    actions: &mut Vec<Action>,
) -> egui::Response {
    let label = ui.label("Profile");
    let selected = active.map_or("none", |p| p.name.as_str());
    egui::ComboBox::from_id_salt("profile-switcher")
        .selected_text(selected)
        .truncate()
        .width(140.0)
        .show_ui(ui, |ui| profile_list_ui(ui, config, selected, actions))
        .response
        .labelled_by(label.id)
}

/// The profiles, each a choice that switches to it.
fn profile_list_ui(ui: &mut egui::Ui, config: &Config, selected: &str, actions: &mut Vec<Action>) {
    for p in &config.profiles {
        if ui
            .selectable_label(p.name == selected, p.name.as_str())
            .clicked()
            && p.name != selected
        {
            actions.push(Action::SwitchProfile(p.name.clone()));
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
    let session = SessionSandbox::of(session, profile);
    let saved = session.map_or(profile.sandbox.as_str(), |s| s.saved.as_str());
    session_note_ui(ui, profile, session, actions);
    let label = ui.label("Sandbox");
    let mut chosen = None;
    let combo = egui::ComboBox::from_id_salt("sandbox-picker")
        .selected_text(profile.sandbox.as_str())
        .truncate()
        .width(110.0)
        .show_ui(ui, |ui| chosen = sandbox_list_ui(ui, bar, profile, saved))
        .response
        .labelled_by(label.id);
    combo.on_hover_text("The sandbox in use; open to switch, for this session or for good");
    if let Some(action) = chosen {
        actions.push(action);
    }
}

/// The token's state in a few words, its tooltip, and whether it is an error.
/// "(this session only)" and *Save to profile*, when the profile uses a sandbox for this session.
fn session_note_ui(
    ui: &mut egui::Ui,
    profile: &Profile,
    session: Option<&SessionSandbox>,
    actions: &mut Vec<Action>,
) {
    let Some(session) = SessionSandbox::of(session, profile) else {
        return;
    };
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

/// The sandboxes the credential may use, each with *Use for this session* and *Save to profile*;
/// returns the one chosen.
fn sandbox_list_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    profile: &Profile,
    saved: &str,
) -> Option<Action> {
    let mut chosen = None;
    match &bar.sandboxes {
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
    }
    chosen
}

fn token_text(token: &TokenState) -> (String, Option<String>, bool) {
    match token {
        TokenState::None => ("token: none".to_owned(), None, false),
        TokenState::Valid(None) => ("token: pasted".to_owned(), None, false),
        TokenState::Valid(Some(expires)) => {
            // The bar stays short (the day, when not today); the tooltip adds how long is left.
            let (expires, now) = (*expires, EpochMs::now());
            let text = if expires <= now {
                format!("token expired at {}", expires.local_hh_mm_near(now))
            } else {
                format!("token valid until {}", expires.local_hh_mm_near(now))
            };
            let hover = format!(
                "The token is {}; it expires {}",
                crate::ui::widgets::validity_text(expires, now),
                expires.local()
            );
            (text, Some(hover), false)
        }
        TokenState::Error(e) => ("token: error".to_owned(), Some(e.clone()), true),
    }
}

/// The token's state and its refresh button; `folded`, the state is the button's tooltip only.
fn token_ui(
    ui: &mut egui::Ui,
    token: &TokenState,
    has_profile: bool,
    folded: bool,
    actions: &mut Vec<Action>,
) {
    let (text, hover, error) = token_text(token);
    if !folded {
        let label = if error {
            ui.colored_label(ui.visuals().error_fg_color, text.as_str())
        } else if matches!(token, TokenState::None) {
            ui.weak(text.as_str())
        } else {
            ui.label(text.as_str())
        };
        if let Some(hover) = &hover {
            label.on_hover_text(hover.as_str());
        }
    }
    if let TokenState::Valid(Some(_)) = token {
        // The text counts minutes: draw it again when the next one starts.
        let to_next_minute = 60_000 - EpochMs::now().0.rem_euclid(60_000);
        ui.ctx()
            .request_repaint_after(Duration::from_millis(to_next_minute.unsigned_abs()));
    }
    if has_profile {
        let refresh = style::icon_only(ui, icons::REFRESH, "Refresh token");
        let refresh = if folded {
            refresh.on_hover_text(format!("Refresh token ({text})"))
        } else {
            refresh
        };
        if refresh.clicked() {
            actions.push(Action::RefreshToken);
        }
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
