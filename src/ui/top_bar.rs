//! The top bar: tabs, the active profile (with `prod` unmistakable), sandboxes, token state, theme.

use super::action::Action;
use super::loadable::Loadable;
use super::persisted::{Tab, ThemeChoice};
use crate::api::sandboxes::Sandbox;
use crate::store::config::{Config, Profile};
use crate::worker::{ErrorView, TokenState};

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
    /// The active profile's token.
    pub token: &'a TokenState,
}

/// Draws the top bar.
pub fn top_bar_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    view: TopBarView<'_>,
    actions: &mut Vec<Action>,
) {
    egui::Panel::top("top").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
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
            for (tab, label) in [
                (Tab::NewConnection, "New connection"),
                (Tab::History, "History"),
                (Tab::Connections, "Connections"),
                (Tab::Profiles, "Profiles"),
            ] {
                if ui.selectable_label(view.tab == tab, label).clicked() {
                    actions.push(Action::Tab(tab));
                }
            }
            ui.separator();
            theme_ui(ui, view.theme, actions);
        });
        ui.horizontal_wrapped(|ui| {
            if let Some(config) = view.config {
                profile_switcher_ui(ui, bar, config, actions);
            }
            ui.separator();
            token_ui(
                ui,
                view.token,
                view.config.and_then(Config::active).is_some(),
                actions,
            );
        });
    });
}

fn profile_switcher_ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    config: &Config,
    actions: &mut Vec<Action>,
) {
    let active = config.active();
    let label = ui.label("Profile:");
    let selected = active.map_or("none", |p| p.name.as_str());
    let mut switch_to = None;
    egui::ComboBox::from_id_salt("profile-switcher")
        .selected_text(selected)
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
        ui.weak(p.org_id.as_str());
        if p.sandbox == "prod" {
            ui.label(
                egui::RichText::new(" PRODUCTION: prod ")
                    .strong()
                    .color(egui::Color32::WHITE)
                    .background_color(egui::Color32::from_rgb(200, 30, 30)),
            )
            .on_hover_text("Connections made here land in the production sandbox");
        } else {
            ui.label(format!("sandbox {}", p.sandbox));
        }
        sandbox_picker_ui(ui, &bar.sandboxes, p, actions);
    }
}

/// Lists the sandboxes the credential may use and switches the profile to one of them.
fn sandbox_picker_ui(
    ui: &mut egui::Ui,
    sandboxes: &Loadable<Vec<Sandbox>>,
    profile: &Profile,
    actions: &mut Vec<Action>,
) {
    match sandboxes {
        Loadable::Idle | Loadable::Failed(_) => {
            let button = ui
                .small_button("Sandboxes…")
                .on_hover_text("List the sandboxes this credential can use");
            if let Loadable::Failed(e) = sandboxes {
                button.clone().on_hover_text(e.message.as_str());
            }
            if button.clicked() {
                actions.push(Action::ListSandboxes);
            }
        }
        Loadable::Loading => {
            ui.spinner();
        }
        Loadable::Ready(list) => {
            let mut chosen = None;
            let label = ui.label("Switch sandbox:");
            egui::ComboBox::from_id_salt("sandbox-picker")
                .selected_text(profile.sandbox.as_str())
                .show_ui(ui, |ui| {
                    for s in list {
                        let text = format!(
                            "{}{} ({}, {})",
                            s.name,
                            if s.is_production() { " PRODUCTION" } else { "" },
                            s.title.as_deref().unwrap_or(""),
                            s.state.as_deref().unwrap_or("?")
                        );
                        let enabled = s.is_active() && s.name != profile.sandbox;
                        if ui
                            .add_enabled(
                                enabled,
                                egui::Button::selectable(s.name == profile.sandbox, text),
                            )
                            .clicked()
                        {
                            chosen = Some(s.name.clone());
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            if let Some(sandbox) = chosen {
                actions.push(Action::SwitchSandbox(sandbox));
            }
        }
    }
}

fn token_ui(ui: &mut egui::Ui, token: &TokenState, has_profile: bool, actions: &mut Vec<Action>) {
    match token {
        TokenState::None => {
            ui.weak("token: none");
        }
        TokenState::Valid(ms) if *ms == i64::MAX => {
            ui.label("token: pasted");
        }
        TokenState::Valid(ms) => {
            ui.label(format!("token valid until {}", hh_mm(*ms)));
        }
        TokenState::Error(e) => {
            ui.colored_label(ui.visuals().error_fg_color, "token: error")
                .on_hover_text(e.as_str());
        }
    }
    if has_profile
        && ui
            .small_button("Refresh token")
            .on_hover_text("Get a token now")
            .clicked()
    {
        actions.push(Action::RefreshToken);
    }
}

fn theme_ui(ui: &mut egui::Ui, theme: ThemeChoice, actions: &mut Vec<Action>) {
    let label = ui.label("Theme:");
    let names = |t: ThemeChoice| match t {
        ThemeChoice::System => "System",
        ThemeChoice::Light => "Light",
        ThemeChoice::Dark => "Dark",
    };
    let mut chosen = None;
    egui::ComboBox::from_id_salt("theme")
        .selected_text(names(theme))
        .show_ui(ui, |ui| {
            for choice in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
                if ui
                    .selectable_label(theme == choice, names(choice))
                    .clicked()
                {
                    chosen = Some(choice);
                }
            }
        })
        .response
        .labelled_by(label.id);
    if let Some(choice) = chosen {
        actions.push(Action::Theme(choice));
    }
}

/// Local `HH:MM` of an epoch-ms time.
pub fn hh_mm(ms: i64) -> String {
    crate::model::EpochMs(ms).local_hh_mm()
}
