//! Profiles and settings: add, edit, test and remove profiles; the keyring in use.

mod editor;

use zeroize::Zeroizing;

pub use editor::ProfileDraft;
use editor::editor_ui;

use super::action::Action;
use super::dialogs::FileRequest;
use super::{icons, style};
use crate::import::console::ConsoleCredential;
use crate::model::EpochMs;
use crate::ops::profiles;
use crate::store::config::Profile;
use crate::store::sandboxes::KnownSandboxes;
use crate::store::secrets::KeyringStatus;
use crate::worker::{ErrorView, SessionSandbox};

/// The profiles screen's state: the editor and the last test.
#[derive(Default)]
pub struct ProfilesScreen {
    /// The editor, when open.
    editing: Option<ProfileDraft>,
    /// The last test: profile name and expiry or error.
    tested: Option<(String, Result<Option<EpochMs>, ErrorView>)>,
    /// A test is running.
    testing: bool,
    /// A save is on its way: the editor stays open until it is answered.
    saving: bool,
    /// Why the last save failed: shown in the editor, which keeps what was typed.
    save_error: Option<ErrorView>,
    /// The editor has just opened: scroll it into view (below the cards in a small window).
    reveal_editor: bool,
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
    /// The active profile's sandbox for this session, when not its saved one.
    pub session: Option<&'a SessionSandbox>,
    /// The sandbox lists read from AEP: whether a profile's sandbox is production.
    pub known_sandboxes: &'a KnownSandboxes,
    /// The profiles whose client secret is kept for this session only.
    pub session_secrets: &'a [String],
    /// The keyring in use, once known.
    pub keyring: Option<&'a KeyringStatus>,
}

impl ProfilesScreen {
    /// True while the profile editor is open.
    pub fn is_editing(&self) -> bool {
        self.editing.is_some()
    }

    /// A save was sent.
    pub(crate) fn save_started(&mut self) {
        self.saving = true;
        self.save_error = None;
    }

    /// A save was answered: the editor closes on success and keeps what was typed on a
    /// failure, with the reason and the ways out.
    pub fn on_saved(&mut self, name: &str, result: Result<(), ErrorView>) {
        self.saving = false;
        match result {
            Ok(()) => {
                if self.editing.as_ref().is_some_and(|d| d.name.trim() == name) {
                    self.editing = None;
                }
            }
            Err(e) => self.save_error = Some(e),
        }
    }

    /// A test finished.
    pub fn on_tested(&mut self, name: String, result: Result<Option<EpochMs>, ErrorView>) {
        self.testing = false;
        self.tested = Some((name, result));
    }

    /// Opens the editor on the profile the console JSON makes ([`profiles::console_profile`],
    /// as `profile add --from-console-json` makes it), named after its project.
    pub fn on_console_import(&mut self, c: ConsoleCredential) {
        // What a new profile starts with (the AEP_* variables, else the defaults), under what
        // the file says.
        let base = ProfileDraft::new().profile();
        let profile = profiles::console_profile(&c, &c.suggested_profile_name(), Some(&base));
        let mut draft = ProfileDraft::from_profile(&profile);
        draft.original_name = None;
        // Of two secrets (a rotation) one is about to stop working: the user picks, none is
        // filled in.
        match c.client_secret(None) {
            Ok(secret) => draft.client_secret = Zeroizing::new(secret.expose().to_owned()),
            Err(e) => {
                draft.import_note = Some(format!(
                    "{e}. Paste the one to use into Client secret: the Developer Console shows both under the project's OAuth Server-to-Server credential."
                ));
            }
        }
        self.editing = Some(draft);
        self.tested = None;
    }

    /// Opens the editor on a new profile.
    pub fn start_new(&mut self) {
        self.editing = Some(ProfileDraft::new());
        self.reveal_editor = true;
        self.tested = None;
        self.save_error = None;
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
            profile_card_ui(ui, screen, p, view, actions);
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
    view: ProfilesView<'_>,
    actions: &mut Vec<Action>,
) {
    let is_active = view.active == Some(p.name.as_str());
    let session = view.session.filter(|s| s.profile == p.name);
    // The sandbox in use: this session's, when the profile has one.
    let sandbox = session.map_or(p.sandbox.as_str(), |s| s.session.as_str());
    let kind = view
        .known_sandboxes
        .kind(&p.platform_url, &p.org_id, sandbox);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.strong(p.name.as_str());
            if is_active {
                let color = ui.visuals().text_color();
                crate::ui::widgets::icon_label(ui, icons::CHECK, "active", color);
            }
            style::sandbox_label(ui, sandbox, kind);
            if let Some(s) = session {
                ui.weak(format!("(this session only; saved: {})", s.saved));
            }
            if view.session_secrets.contains(&p.name) {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "client secret: this session only (not stored; gone when the app closes)",
                );
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
                // The editor edits the profile as saved, not this session's choice.
                screen.editing = Some(ProfileDraft::from_profile(p));
                screen.reveal_editor = true;
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
