//! The profile editor: a profile being edited ([`ProfileDraft`], prefilled from the `AEP_*`
//! variables for a new one), its fields with their errors, Save and Test.

use crate::error::Remedy;
use crate::worker::ErrorView;
use std::collections::HashSet;

use zeroize::Zeroizing;

use super::ProfilesScreen;
use crate::model::{
    DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_PRODUCTION_SANDBOX, DEFAULT_SCOPES, EpochMs,
};
use crate::secret::Secret;
use crate::store::config::Profile;
use crate::ui::action::Action;
use crate::ui::widgets::{SecretText, labelled_text};
use crate::validate::Field;

/// The environment variables a new profile starts from, as `profile add` reads them (the
/// command line's `--org-id`, `--client-id`, `--sandbox`, `--platform-url` and `--ims-url`).
const PREFILL_VARS: [&str; 5] = [
    "AEP_ORG_ID",
    "AEP_CLIENT_ID",
    "AEP_SANDBOX",
    "AEP_PLATFORM_URL",
    "AEP_IMS_URL",
];

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
    /// The `AEP_*` variables the fields were filled from.
    pub prefilled_from: Vec<&'static str>,
    /// The fields the user changed: only these show what is wrong with them, until a save or a
    /// test is tried (a new form does not open all red).
    pub touched: HashSet<Field>,
    /// Save or Test was pressed: every field shows what is wrong with it.
    pub attempted: bool,
}

impl ProfileDraft {
    /// A new profile, filled from the `AEP_*` variables set, else the defaults.
    pub(super) fn new() -> Self {
        Self::new_from(|name| std::env::var(name).ok())
    }

    /// A new profile, filled from the variables `var` gives, else the defaults.
    fn new_from(var: impl Fn(&str) -> Option<String>) -> Self {
        let mut draft = Self {
            sandbox: DEFAULT_PRODUCTION_SANDBOX.to_owned(),
            platform_url: DEFAULT_PLATFORM_URL.to_owned(),
            ims_url: DEFAULT_IMS_URL.to_owned(),
            scopes: DEFAULT_SCOPES.to_owned(),
            ..Self::default()
        };
        for name in PREFILL_VARS {
            let Some(value) = var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            let field = match name {
                "AEP_ORG_ID" => &mut draft.org_id,
                "AEP_CLIENT_ID" => &mut draft.client_id,
                "AEP_SANDBOX" => &mut draft.sandbox,
                "AEP_PLATFORM_URL" => &mut draft.platform_url,
                _ => &mut draft.ims_url,
            };
            *field = value;
            draft.prefilled_from.push(name);
        }
        draft
    }

    pub(super) fn from_profile(p: &Profile) -> Self {
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
            ..Self::default()
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

/// What the editor's buttons asked for this frame.
#[derive(Default)]
struct Asked {
    save: bool,
    save_for_session: bool,
    test: bool,
    cancel: bool,
}

pub(super) fn editor_ui(ui: &mut egui::Ui, screen: &mut ProfilesScreen, actions: &mut Vec<Action>) {
    let (testing, saving) = (screen.testing, screen.saving);
    let reveal = std::mem::take(&mut screen.reveal_editor);
    let Some(draft) = &mut screen.editing else {
        return;
    };
    let profile = draft.profile();
    let errors = profile.validate().err().unwrap_or_default();
    let mut asked = Asked::default();
    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.heading(match &draft.original_name {
            Some(name) => format!("Edit profile {name}"),
            None => "New profile".to_owned(),
        });
        if !draft.prefilled_from.is_empty() {
            ui.weak(format!(
                "Filled in from {}, as the command line would be.",
                draft.prefilled_from.join(", ")
            ));
        }
        fields_ui(ui, draft, &errors);
        if let Some(note) = draft
            .import_note
            .as_deref()
            .filter(|_| draft.client_secret.is_empty())
        {
            ui.colored_label(ui.visuals().warn_fg_color, note);
        }
        ui.horizontal(|ui| {
            asked.save = ui
                .add_enabled(!saving, egui::Button::new("Save profile"))
                .clicked();
            asked.test = ui
                .add_enabled(!testing, egui::Button::new("Test"))
                .on_hover_text("Ask Adobe IMS for a token with these credentials")
                .clicked();
            asked.cancel = ui.button("Cancel").clicked();
            if testing || saving {
                ui.spinner();
            }
        });
        if draft.attempted && !errors.is_empty() {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.label()).collect();
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Fix: {}.", fields.join(", ")),
            );
        }
        if let Some(e) = &screen.save_error {
            let typed = !draft.client_secret.is_empty();
            asked.save_for_session = save_error_ui(ui, e, typed, actions);
        }
        if let Some((name, result)) = &screen.tested
            && *name == profile.name
        {
            test_result_ui(ui, result);
        }
    });
    if reveal {
        ui.scroll_to_rect(frame.response.rect, Some(egui::Align::Min));
    }
    if (asked.save || asked.save_for_session || asked.test) && !errors.is_empty() {
        // Nothing is sent: every field now says what is wrong with it.
        draft.attempted = true;
    } else if asked.save || asked.save_for_session {
        // The editor stays open until the save is answered: a failure keeps what was typed.
        actions.push(Action::SaveProfile {
            profile,
            client_secret: draft.secret(),
            previous_name: draft.original_name.clone(),
            secret_for_session_only: asked.save_for_session,
        });
    } else if asked.test {
        actions.push(Action::TestProfile {
            profile,
            client_secret: draft.secret(),
        });
    } else if asked.cancel {
        screen.editing = None;
        screen.save_error = None;
    }
}

/// Why the save failed and, when the keyring is the cause, the ways out that need none: keep
/// the typed secret for this session only, or try the demo. True when the first was chosen.
fn save_error_ui(
    ui: &mut egui::Ui,
    e: &ErrorView,
    typed_secret: bool,
    actions: &mut Vec<Action>,
) -> bool {
    ui.colored_label(
        ui.visuals().error_fg_color,
        format!("Not saved: {}", e.message),
    );
    if let Some(hint) = e.hint.as_ref().filter(|h| !e.message.contains(h.as_str())) {
        ui.label(format!("To fix: {hint}."));
    }
    if e.remedy != Some(Remedy::SecretsWithoutKeyring) {
        return false;
    }
    ui.label(crate::ui::widgets::KEYRING_EXPLAINED);
    let mut keep = false;
    ui.horizontal_wrapped(|ui| {
        keep = ui
            .add_enabled(
                typed_secret,
                egui::Button::new("Keep the secret for this session only"),
            )
            .on_hover_text(
                "The profile is saved without it; the secret stays in memory until the app closes, and is never written",
            )
            .on_disabled_hover_text("Type the client secret first")
            .clicked();
        if ui.button("Try the demo").clicked() {
            actions.push(Action::LaunchDemo);
        }
    });
    keep
}

/// The last Test's answer: the token's expiry, or why there is none.
fn test_result_ui(ui: &mut egui::Ui, result: &Result<Option<EpochMs>, ErrorView>) {
    match result {
        Ok(expiry) => {
            let validity = expiry.map_or_else(
                || "its end is not known".to_owned(),
                |end| crate::ui::widgets::validity_text(end, EpochMs::now()),
            );
            ui.colored_label(
                egui::Color32::from_rgb(40, 160, 70),
                format!("Token obtained, {validity}"),
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

/// One field of the editor: label, text, is it a secret, hint, and the rule it is checked by.
type EditorField<'a> = (
    &'static str,
    &'a mut dyn egui::TextBuffer,
    bool,
    &'static str,
    Option<Field>,
);

/// The editor's fields, each with what is wrong with it once it was edited (or a save or test
/// was tried), tied to the field for screen readers.
fn fields_ui(ui: &mut egui::Ui, draft: &mut ProfileDraft, errors: &[crate::validate::FieldError]) {
    let ProfileDraft {
        name,
        org_id,
        client_id,
        client_secret,
        sandbox,
        platform_url,
        ims_url,
        scopes,
        touched,
        attempted,
        ..
    } = draft;
    let mut client_secret = SecretText(client_secret);
    let fields: [EditorField<'_>; 8] = [
        (
            "Profile name",
            name,
            false,
            "e.g. acme-dev",
            Some(Field::ProfileName),
        ),
        (
            "Organization ID",
            org_id,
            false,
            "…@AdobeOrg",
            Some(Field::OrgId),
        ),
        (
            "Client ID",
            client_id,
            false,
            "from the Developer Console",
            Some(Field::ClientId),
        ),
        (
            "Client secret",
            &mut client_secret,
            true,
            "stored in the keyring; empty keeps the stored one",
            None,
        ),
        (
            "Sandbox",
            sandbox,
            false,
            DEFAULT_PRODUCTION_SANDBOX,
            Some(Field::Sandbox),
        ),
        ("Scopes", scopes, false, DEFAULT_SCOPES, Some(Field::Scopes)),
        (
            "Platform URL",
            platform_url,
            false,
            DEFAULT_PLATFORM_URL,
            Some(Field::PlatformUrl),
        ),
        (
            "IMS URL",
            ims_url,
            false,
            DEFAULT_IMS_URL,
            Some(Field::ImsUrl),
        ),
    ];
    egui::Grid::new("profile-editor")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for f in fields {
                field_row_ui(ui, f, errors, touched, *attempted);
            }
        });
}

/// One row of the editor: the label, the field, and what is wrong with it once it matters.
fn field_row_ui(
    ui: &mut egui::Ui,
    (label, value, password, hint, field): EditorField<'_>,
    errors: &[crate::validate::FieldError],
    touched: &mut HashSet<Field>,
    attempted: bool,
) {
    let l = ui.label(label);
    ui.vertical(|ui| {
        let response = labelled_text(ui, &l, value, password, hint);
        let Some(field) = field else { return };
        if response.changed() {
            touched.insert(field);
        }
        if let Some(e) = errors
            .iter()
            .find(|e| e.field == field)
            .filter(|_| attempted || touched.contains(&field))
        {
            let message = ui.colored_label(ui.visuals().error_fg_color, &e.rule);
            crate::ui::form::describe_field(ui, &response, &message, &e.rule);
        }
    });
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::console::ConsoleCredential;

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

    /// Regression: the new-profile form ignored the `AEP_*` variables.
    #[test]
    fn a_new_profile_starts_from_the_aep_variables() {
        let env = |name: &str| match name {
            "AEP_PLATFORM_URL" => Some("http://127.0.0.1:8099".to_owned()),
            "AEP_IMS_URL" => Some(" http://127.0.0.1:8099 ".to_owned()),
            "AEP_SANDBOX" => Some("dev".to_owned()),
            "AEP_ORG_ID" => Some(String::new()),
            _ => None,
        };
        let draft = ProfileDraft::new_from(env);
        assert_eq!(draft.platform_url, "http://127.0.0.1:8099");
        assert_eq!(draft.ims_url, "http://127.0.0.1:8099");
        assert_eq!(draft.sandbox, "dev");
        assert_eq!(draft.org_id, "", "an empty variable counts as unset");
        assert_eq!(draft.scopes, DEFAULT_SCOPES);
        assert_eq!(
            draft.prefilled_from,
            ["AEP_SANDBOX", "AEP_PLATFORM_URL", "AEP_IMS_URL"]
        );
        let plain = ProfileDraft::new_from(|_| None);
        assert_eq!(plain.platform_url, DEFAULT_PLATFORM_URL);
        assert_eq!(plain.ims_url, DEFAULT_IMS_URL);
        assert_eq!(plain.sandbox, "prod");
        assert!(plain.prefilled_from.is_empty());
    }

    /// Regression: of two client secrets the first was filled in silently.
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
