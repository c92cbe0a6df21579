//! Profiles and settings: add, edit, test and remove profiles; the keyring in use.

use zeroize::Zeroizing;

use super::action::Action;
use super::dialogs::FileRequest;
use super::widgets::{SecretText, labelled_text};
use crate::import::console::ConsoleCredential;
use crate::model::{DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES};
use crate::secret::Secret;
use crate::store::config::{Config, Profile};
use crate::store::secrets::KeyringStatus;
use crate::worker::ErrorView;

/// A profile being edited. The client secret buffer is zeroized on drop.
// No `Debug`: it would print the typed client secret.
#[derive(Clone, Default)]
pub struct ProfileDraft {
    /// Name before editing (None for a new profile).
    pub original_name: Option<String>,
    /// Fields.
    pub name: String,
    /// Org ID.
    pub org_id: String,
    /// Client ID.
    pub client_id: String,
    /// Typed client secret (empty keeps the stored one).
    pub client_secret: Zeroizing<String>,
    /// Sandbox.
    pub sandbox: String,
    /// Platform URL.
    pub platform_url: String,
    /// IMS URL.
    pub ims_url: String,
    /// Scopes.
    pub scopes: String,
    /// Technical account email.
    pub technical_account_email: Option<String>,
    /// What the import of a console JSON could not decide (two client secrets), shown by the
    /// client secret field until one is typed.
    pub import_note: Option<String>,
}

impl ProfileDraft {
    fn new() -> Self {
        Self {
            sandbox: "prod".to_owned(),
            platform_url: DEFAULT_PLATFORM_URL.to_owned(),
            ims_url: DEFAULT_IMS_URL.to_owned(),
            scopes: DEFAULT_SCOPES.to_owned(),
            ..Self::default()
        }
    }

    fn from_profile(p: &Profile) -> Self {
        Self {
            original_name: Some(p.name.clone()),
            name: p.name.clone(),
            org_id: p.org_id.clone(),
            client_id: p.client_id.clone(),
            client_secret: Zeroizing::default(),
            sandbox: p.sandbox.clone(),
            platform_url: p.platform_url.clone(),
            ims_url: p.ims_url.clone(),
            scopes: p.scopes.clone(),
            technical_account_email: p.technical_account_email.clone(),
            import_note: None,
        }
    }

    /// The profile as it would be saved.
    pub fn profile(&self) -> Profile {
        Profile {
            name: self.name.trim().to_owned(),
            org_id: self.org_id.trim().to_owned(),
            client_id: self.client_id.trim().to_owned(),
            sandbox: self.sandbox.trim().to_owned(),
            platform_url: self.platform_url.trim().to_owned(),
            ims_url: self.ims_url.trim().to_owned(),
            scopes: self.scopes.trim().to_owned(),
            technical_account_email: self.technical_account_email.clone(),
        }
    }

    fn secret(&self) -> Option<Secret> {
        (!self.client_secret.is_empty()).then(|| Secret::new(self.client_secret.as_str()))
    }
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
        egui::Grid::new("profiles")
            .num_columns(5)
            .striped(true)
            .show(ui, |ui| {
                for p in view.profiles {
                    let is_active = view.active == Some(p.name.as_str());
                    ui.strong(if is_active {
                        format!("{} (active)", p.name)
                    } else {
                        p.name.clone()
                    });
                    ui.label(p.org_id.as_str());
                    ui.label(if p.sandbox == "prod" {
                        "prod (PRODUCTION)".to_owned()
                    } else {
                        p.sandbox.clone()
                    });
                    ui.horizontal(|ui| {
                        if !is_active && ui.button(format!("Use {}", p.name)).clicked() {
                            actions.push(Action::SwitchProfile(p.name.clone()));
                        }
                        if ui.button(format!("Edit {}", p.name)).clicked() {
                            screen.editing = Some(ProfileDraft::from_profile(p));
                            screen.tested = None;
                        }
                        if ui.button(format!("Remove {}", p.name)).clicked() {
                            actions.push(Action::RemoveProfile(p.name.clone()));
                        }
                    });
                    ui.end_row();
                }
            });
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

fn editor_ui(ui: &mut egui::Ui, screen: &mut ProfilesScreen, actions: &mut Vec<Action>) {
    let testing = screen.testing;
    let Some(draft) = &mut screen.editing else {
        return;
    };
    let mut save = false;
    let mut test = false;
    let mut cancel = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.heading(match &draft.original_name {
            Some(name) => format!("Edit profile {name}"),
            None => "New profile".to_owned(),
        });
        let profile = draft.profile();
        let errors = profile.validate().err().unwrap_or_default();
        egui::Grid::new("profile-editor")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let mut client_secret = SecretText(&mut draft.client_secret);
                let fields: [(
                    &str,
                    &mut dyn egui::TextBuffer,
                    bool,
                    &str,
                    crate::validate::Field,
                ); 8] = [
                    (
                        "Profile name",
                        &mut draft.name,
                        false,
                        "e.g. acme-dev",
                        crate::validate::Field::ProfileName,
                    ),
                    (
                        "Organization ID",
                        &mut draft.org_id,
                        false,
                        "…@AdobeOrg",
                        crate::validate::Field::OrgId,
                    ),
                    (
                        "Client ID",
                        &mut draft.client_id,
                        false,
                        "from the Developer Console",
                        crate::validate::Field::ClientId,
                    ),
                    (
                        "Client secret",
                        &mut client_secret,
                        true,
                        "stored in the keyring; empty keeps the stored one",
                        crate::validate::Field::ClientId,
                    ),
                    (
                        "Sandbox",
                        &mut draft.sandbox,
                        false,
                        "prod",
                        crate::validate::Field::Sandbox,
                    ),
                    (
                        "Scopes",
                        &mut draft.scopes,
                        false,
                        DEFAULT_SCOPES,
                        crate::validate::Field::Scopes,
                    ),
                    (
                        "Platform URL",
                        &mut draft.platform_url,
                        false,
                        DEFAULT_PLATFORM_URL,
                        crate::validate::Field::PlatformUrl,
                    ),
                    (
                        "IMS URL",
                        &mut draft.ims_url,
                        false,
                        DEFAULT_IMS_URL,
                        crate::validate::Field::ImsUrl,
                    ),
                ];
                for (label, value, password, hint, field) in fields {
                    let l = ui.label(label);
                    ui.vertical(|ui| {
                        labelled_text(ui, &l, value, password, hint);
                        if !password && let Some(e) = errors.iter().find(|e| e.field == field) {
                            ui.colored_label(ui.visuals().error_fg_color, e.rule.as_str());
                        }
                    });
                    ui.end_row();
                }
            });
        if let Some(note) = draft
            .import_note
            .as_deref()
            .filter(|_| draft.client_secret.is_empty())
        {
            ui.colored_label(ui.visuals().warn_fg_color, note);
        }
        ui.horizontal(|ui| {
            save = ui
                .add_enabled(errors.is_empty(), egui::Button::new("Save profile"))
                .clicked();
            test = ui
                .add_enabled(errors.is_empty() && !testing, egui::Button::new("Test"))
                .on_hover_text("Get a token with these credentials")
                .clicked();
            cancel = ui.button("Cancel").clicked();
            if testing {
                ui.spinner();
            }
        });
        if let Some((name, result)) = &screen.tested
            && *name == profile.name
        {
            match result {
                Ok(expiry) => {
                    ui.colored_label(
                        egui::Color32::from_rgb(40, 160, 70),
                        format!(
                            "Token obtained, valid until {}",
                            super::top_bar::hh_mm(*expiry)
                        ),
                    );
                }
                Err(e) => {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("Test failed: {}", e.message),
                    );
                    if let Some(hint) = &e.hint {
                        ui.label(hint.as_str());
                    }
                }
            }
        }
    });
    if save {
        actions.push(Action::SaveProfile {
            profile: draft.profile(),
            client_secret: draft.secret(),
            previous_name: draft.original_name.clone(),
        });
        screen.editing = None;
    } else if test {
        actions.push(Action::TestProfile {
            profile: draft.profile(),
            client_secret: draft.secret(),
        });
    } else if cancel {
        screen.editing = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console(secrets: &[&str]) -> ConsoleCredential {
        ConsoleCredential {
            source_name: "project.json".into(),
            project_name: Some("aep sources".into()),
            org_id: "5C1328435BF324E90A49402A@AdobeOrg".into(),
            client_id: "abc123".into(),
            client_secrets: secrets.iter().map(|s| Secret::new(*s)).collect(),
            client_secrets_line: Some(5),
            scopes: String::new(),
            technical_account_email: None,
        }
    }

    /// Regression (issue 9e): of two client secrets the first was filled in silently.
    #[test]
    fn a_console_json_with_two_secrets_fills_none_and_says_why() {
        let mut state = ProfilesScreen::default();
        state.on_console_import(console(&["p8e-ONE", "p8e-TWO"]));
        let draft = state.editing.as_ref().unwrap();
        assert!(draft.client_secret.is_empty());
        let note = draft.import_note.as_deref().unwrap_or_default();
        assert!(
            note.starts_with("project.json, line 5: the OAuth credential holds 2 client secrets"),
            "{note}"
        );
        assert!(!note.contains("p8e-"), "{note}");
        assert_eq!(draft.name, "aepsources");
        assert_eq!(draft.client_id, "abc123");

        state.on_console_import(console(&["p8e-ONE"]));
        let draft = state.editing.as_ref().unwrap();
        assert_eq!(draft.client_secret.as_str(), "p8e-ONE");
        assert_eq!(draft.import_note, None);
    }
}
