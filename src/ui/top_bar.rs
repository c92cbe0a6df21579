//! The top bar: tabs, the active profile (with `prod` unmistakable), token state, theme.

use super::app::{AepApp, Command, Tab, ThemeChoice};
use crate::worker::{Job, TokenState};

/// Draws the top bar.
pub fn top_bar_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    egui::Panel::top("top").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            if app.demo {
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
                if ui
                    .selectable_label(app.persisted.tab == tab, label)
                    .clicked()
                {
                    app.push(Command::Tab(tab));
                }
            }
            ui.separator();
            theme_ui(app, ui);
        });
        ui.horizontal_wrapped(|ui| {
            profile_switcher_ui(app, ui);
            ui.separator();
            token_ui(app, ui);
        });
    });
}

fn profile_switcher_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    let Some(config) = &app.config else { return };
    let active = config.active().cloned();
    let names: Vec<String> = config.profiles.iter().map(|p| p.name.clone()).collect();
    let label = ui.label("Profile:");
    let selected = active
        .as_ref()
        .map_or("none", |p| p.name.as_str())
        .to_owned();
    let mut switch_to = None;
    egui::ComboBox::from_id_salt("profile-switcher")
        .selected_text(selected.as_str())
        .show_ui(ui, |ui| {
            for name in &names {
                if ui
                    .selectable_label(*name == selected, name.as_str())
                    .clicked()
                {
                    switch_to = Some(name.clone());
                }
            }
        })
        .response
        .labelled_by(label.id);
    if let Some(name) = switch_to.filter(|n| *n != selected) {
        app.push(Command::Job(Job::SwitchProfile(name)));
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
        sandbox_picker_ui(app, ui, &p);
    }
}

/// Lists the sandboxes the credential may use and switches the profile to one of them.
fn sandbox_picker_ui(app: &mut AepApp, ui: &mut egui::Ui, profile: &crate::store::config::Profile) {
    use super::connections::Loadable;
    match &app.sandboxes {
        Loadable::Idle | Loadable::Failed(_) => {
            let button = ui
                .small_button("Sandboxes…")
                .on_hover_text("List the sandboxes this credential can use");
            if let Loadable::Failed(e) = &app.sandboxes {
                button.clone().on_hover_text(e.message.as_str());
            }
            if button.clicked() {
                app.sandboxes = Loadable::Loading;
                app.push(Command::Job(Job::ListSandboxes));
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
                let mut changed = profile.clone();
                changed.sandbox = sandbox;
                app.connections.list = super::connections::Loadable::Idle;
                app.push(Command::Job(Job::SaveProfile {
                    profile: changed,
                    client_secret: None,
                    previous_name: None,
                }));
            }
        }
    }
}

fn token_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    match &app.token {
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
    if app.active_profile().is_some()
        && ui
            .small_button("Refresh token")
            .on_hover_text("Get a token now")
            .clicked()
    {
        app.push(Command::Job(Job::FetchToken));
    }
}

fn theme_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    let label = ui.label("Theme:");
    let names = |t: ThemeChoice| match t {
        ThemeChoice::System => "System",
        ThemeChoice::Light => "Light",
        ThemeChoice::Dark => "Dark",
    };
    let mut chosen = None;
    egui::ComboBox::from_id_salt("theme")
        .selected_text(names(app.persisted.theme))
        .show_ui(ui, |ui| {
            for choice in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
                if ui
                    .selectable_label(app.persisted.theme == choice, names(choice))
                    .clicked()
                {
                    chosen = Some(choice);
                }
            }
        })
        .response
        .labelled_by(label.id);
    if let Some(choice) = chosen {
        app.push(Command::Theme(choice));
    }
}

/// Local `HH:MM` of an epoch-ms time.
pub fn hh_mm(ms: i64) -> String {
    let Ok(utc) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
    else {
        return "?".to_owned();
    };
    let local = time::UtcOffset::current_local_offset()
        .map(|o| utc.to_offset(o))
        .unwrap_or(utc);
    format!("{:02}:{:02}", local.hour(), local.minute())
}
