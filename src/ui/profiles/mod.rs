//! Profiles and settings: add, edit, test and remove profiles; the keyring in use.

mod editor;

use zeroize::Zeroizing;

pub use editor::ProfileDraft;
use editor::editor_ui;

use super::action::Action;
use super::dialogs::FileRequest;
use super::{icons, style};
use crate::import::console::ConsoleCredential;
use crate::store::config::{Config, Profile};
use crate::store::secrets::KeyringStatus;
use crate::worker::ErrorView;

/// The active profile's sandbox for this session, when it is not the one saved in its profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSandbox {
    /// The active profile.
    pub profile: String,
    /// Its sandbox in the config file.
    pub saved: String,
    /// The sandbox it uses this session.
    pub session: String,
}

/// The profiles screen's state: the editor and the last test.
#[derive(Default)]
pub struct ProfilesScreen {
    /// The editor, when open.
    editing: Option<ProfileDraft>,
    /// The last test: profile name and expiry or error.
    tested: Option<(String, Result<i64, ErrorView>)>,
    /// A test is running.
    testing: bool,
    /// The active profile's sandbox for this session, when not its saved one.
    session: Option<SessionSandbox>,
    /// The profile waiting for a remove confirmation.
    confirm_remove: Option<String>,
}

/// What the screen shows from outside it.
#[derive(Clone, Copy)]
pub struct ProfilesView<'a> {
    /// The profiles.
    pub profiles: &'a [Profile],
    /// The active profile's name.
    pub active: Option<&'a str>,
    /// The keyring in use, once known.
    pub keyring: Option<&'a KeyringStatus>,
}

impl ProfilesScreen {
    /// Closes an editor whose profile was saved.
    pub fn on_config(&mut self, config: &Config) {
        if let Some(draft) = &self.editing
            && draft.original_name.is_none()
            && config.profile(draft.name.trim()).is_some()
            && self.tested.is_none()
        {
            self.editing = None;
        }
    }

    /// The active profile uses a sandbox for this session only (or, `None`, its saved one).
    pub fn on_session_sandbox(&mut self, session: Option<SessionSandbox>) {
        self.session = session;
    }

    /// A test finished.
    pub fn on_tested(&mut self, name: String, result: Result<i64, ErrorView>) {
        self.testing = false;
        self.tested = Some((name, result));
    }

    /// Opens the editor on the console JSON's values.
    pub fn on_console_import(&mut self, c: ConsoleCredential) {
        let mut draft = ProfileDraft::new();
        // Of two secrets (a rotation) one is about to stop working: the user picks, none is
        // filled in (issue 9e).
        match c.client_secret(None) {
            Ok(secret) => draft.client_secret = Zeroizing::new(secret.expose().to_owned()),
            Err(e) => {
                draft.import_note = Some(format!(
                    "{e}. Paste the one to use into Client secret: the Developer Console shows both under the project's OAuth Server-to-Server credential."
                ));
            }
        }
        draft.name = c
            .project_name
            .as_deref()
            .map(|n| {
                n.chars()
                    .filter(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(*ch))
                    .collect()
            })
            .filter(|n: &String| !n.is_empty())
            .unwrap_or_else(|| "adobe".to_owned());
        draft.org_id = c.org_id;
        draft.client_id = c.client_id;
        if !c.scopes.is_empty() {
            draft.scopes = c.scopes;
        }
        draft.technical_account_email = c.technical_account_email;
        self.editing = Some(draft);
        self.tested = None;
    }

    /// Opens the editor on a new profile.
    pub fn start_new(&mut self) {
        self.editing = Some(ProfileDraft::new());
        self.tested = None;
    }

    /// A test was sent.
    pub(crate) fn test_started(&mut self) {
        self.testing = true;
    }
}

/// Draws the profiles tab.
pub fn profiles_ui(
    ui: &mut egui::Ui,
    screen: &mut ProfilesScreen,
    view: ProfilesView<'_>,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Profiles");
        keyring_ui(ui, view.keyring);
        ui.add_space(6.0);
        for p in view.profiles {
            profile_card_ui(ui, screen, p, view.active == Some(p.name.as_str()), actions);
        }
        ui.horizontal(|ui| {
            if ui.button("Add profile").clicked() {
                screen.start_new();
            }
            if ui
                .button("Import from Adobe Developer Console JSON…")
                .clicked()
            {
                actions.push(Action::Pick(FileRequest::ConsoleJson));
            }
        });
        ui.add_space(10.0);
        editor_ui(ui, screen, actions);
    });
    confirm_remove_ui(ui.ctx(), screen, actions);
}

/// One profile: its name, sandbox and org, and what can be done with it. A card rather than a
/// table row, so its buttons wrap under it in a narrow window instead of leaving it.
fn profile_card_ui(
    ui: &mut egui::Ui,
    screen: &mut ProfilesScreen,
    p: &Profile,
    is_active: bool,
    actions: &mut Vec<Action>,
) {
    let session = screen.session.as_ref().filter(|s| s.profile == p.name);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.strong(p.name.as_str());
            if is_active {
                ui.label(icons::with(icons::CHECK, "active"));
            }
            if p.sandbox == "prod" {
                style::production_badge(ui, &p.sandbox);
            } else {
                ui.label(format!("sandbox {}", p.sandbox));
            }
            if let Some(s) = session {
                ui.weak(format!("(this session only; saved: {})", s.saved));
            }
        });
        ui.add(egui::Label::new(egui::RichText::new(p.org_id.as_str()).weak()).truncate());
        ui.horizontal_wrapped(|ui| {
            if !is_active
                && ui
                    .button("Use")
                    .accessible_name(format!("Use {}", p.name))
                    .on_hover_text("Make it the active profile")
                    .clicked()
            {
                actions.push(Action::SwitchProfile(p.name.clone()));
            }
            if ui
                .button("Edit")
                .accessible_name(format!("Edit {}", p.name))
                .clicked()
            {
                let mut draft = ProfileDraft::from_profile(p);
                // The editor edits the profile as saved, not this session's choice.
                if let Some(s) = session {
                    draft.sandbox.clone_from(&s.saved);
                }
                screen.editing = Some(draft);
                screen.tested = None;
            }
            if ui
                .add(style::danger_button(ui, icons::TRASH, "Remove…"))
                .accessible_name(format!("Remove {}", p.name))
                .clicked()
            {
                screen.confirm_remove = Some(p.name.clone());
            }
        });
    });
}

/// Asks before a profile and its keyring entries are removed.
fn confirm_remove_ui(ctx: &egui::Context, screen: &mut ProfilesScreen, actions: &mut Vec<Action>) {
    let Some(name) = &screen.confirm_remove else {
        return;
    };
    let (mut remove, mut keep) = (false, false);
    let modal = egui::Modal::new(egui::Id::unique("confirm-remove-profile")).show(ctx, |ui| {
        ui.set_max_width(440.0);
        ui.heading(format!("Remove profile \"{name}\"?"));
        ui.label(
            "Its settings and its client secret and cached token in the keyring are deleted. \
             Connections in AEP and the history are not touched.",
        );
        ui.horizontal(|ui| {
            remove = ui
                .add(style::danger_button(ui, icons::TRASH, "Remove profile"))
                .accessible_name("Remove profile")
                .clicked();
            keep = ui.button("Keep").clicked();
        });
    });
    if remove {
        actions.push(Action::RemoveProfile(name.clone()));
    }
    if remove || keep || modal.should_close() {
        screen.confirm_remove = None;
    }
}

fn keyring_ui(ui: &mut egui::Ui, keyring: Option<&KeyringStatus>) {
    match keyring {
        Some(KeyringStatus::Available { backend }) => {
            ui.label(format!("Secrets are kept in: {backend}"));
        }
        Some(status @ KeyringStatus::Unavailable { .. }) => {
            ui.colored_label(ui.visuals().error_fg_color, status.to_string());
        }
        None => {}
    }
}
