//! The new-connection form: its state, live validation (a view-model tested as data) and drawing.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::app::{AepApp, Command, CreateState};
use super::dialogs::FileRequest;
use super::widgets::{SecretText, labelled_text};
use crate::import::aws::AwsCredential;
use crate::model::S3ConnectionInput;
use crate::secret::Secret;
use crate::validate::{self, Field};
use crate::worker::Job;

/// What the user typed. Secret buffers are zeroized when replaced or dropped.
#[derive(Default)]
pub struct FormState {
    /// Connection name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Access key ID.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_key: Zeroizing<String>,
    /// Show the secret key.
    pub reveal_secret: bool,
    /// Session token.
    pub session_token: Zeroizing<String>,
    /// Show the session token field even for AKIA keys.
    pub want_session_token: bool,
    /// Bucket.
    pub bucket: String,
    /// Folder path.
    pub folder_path: String,
    /// Service URL.
    pub service_url: String,
    /// Remember the AWS key in the keyring.
    pub remember: bool,
    /// Name to remember it under.
    pub remember_as: String,
    /// Keys offered after an import with several.
    pub import_choices: Vec<AwsCredential>,
}

/// The validation of every field, as shown under the fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormValidation {
    /// Field → the rule it breaks.
    pub errors: BTreeMap<&'static str, String>,
    /// Field → a warning.
    pub warnings: BTreeMap<&'static str, String>,
}

impl FormState {
    /// True when the session token field should show.
    pub fn shows_session_token(&self) -> bool {
        self.want_session_token
            || self.access_key_id.trim().starts_with("ASIA")
            || !self.session_token.is_empty()
    }

    /// Validates every field that has been typed in (empty required fields are reported by
    /// [`Self::blocking_reason`] instead, so a fresh form is not all red).
    pub fn validation(&self) -> FormValidation {
        let mut v = FormValidation::default();
        let mut check = |key: &'static str, value: &str, r: Result<(), validate::FieldError>| {
            if !value.trim().is_empty()
                && let Err(e) = r
            {
                v.errors.insert(key, e.rule);
            }
        };
        check(
            "name",
            &self.name,
            validate::connection_name(self.name.trim()),
        );
        check(
            "description",
            &self.description,
            validate::description(&self.description),
        );
        check(
            "bucket",
            &self.bucket,
            validate::bucket_name(self.bucket.trim()),
        );
        check(
            "folder",
            &self.folder_path,
            validate::folder_path(self.folder_path.trim()),
        );
        check(
            "service_url",
            &self.service_url,
            validate::service_url(self.service_url.trim()),
        );
        let key = self.access_key_id.trim();
        if !key.is_empty() {
            match validate::access_key_id(key) {
                Ok(warnings) => {
                    if let Some(w) = warnings.first() {
                        v.warnings.insert("access_key_id", w.message.clone());
                    }
                }
                Err(e) => {
                    v.errors.insert("access_key_id", e.rule);
                }
            }
        }
        if !self.secret_key.is_empty() {
            match validate::secret_key(&Secret::new(self.secret_key.as_str())) {
                Ok(warnings) => {
                    if let Some(w) = warnings.first() {
                        v.warnings.insert("secret_key", w.message.clone());
                    }
                }
                Err(e) => {
                    v.errors.insert("secret_key", e.rule);
                }
            }
        }
        if !key.is_empty() {
            let token =
                (!self.session_token.is_empty()).then(|| Secret::new(self.session_token.as_str()));
            if let Err(e) = validate::session_token(key, token.as_ref()) {
                v.errors.insert("session_token", e.rule);
            }
        }
        v
    }

    /// Why Create is disabled, or None when it can be pressed.
    pub fn blocking_reason(&self) -> Option<String> {
        let missing: Vec<&str> = [
            ("a name", self.name.trim().is_empty()),
            ("an access key ID", self.access_key_id.trim().is_empty()),
            ("a secret key", self.secret_key.is_empty()),
        ]
        .into_iter()
        .filter_map(|(what, missing)| missing.then_some(what))
        .collect();
        if !missing.is_empty() {
            return Some(format!("Enter {}.", missing.join(", ")));
        }
        let v = self.validation();
        if v.errors.is_empty() {
            None
        } else {
            let fields: Vec<String> = v.errors.keys().map(|k| field_label(k).to_owned()).collect();
            Some(format!("Fix: {}.", fields.join(", ")))
        }
    }

    /// The input to send, or why not.
    pub fn to_input(&self) -> Result<S3ConnectionInput, String> {
        if let Some(reason) = self.blocking_reason() {
            return Err(reason);
        }
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(S3ConnectionInput {
            name: self.name.trim().to_owned(),
            description: opt(&self.description),
            access_key_id: self.access_key_id.trim().to_owned(),
            secret_key: Secret::new(self.secret_key.as_str()),
            session_token: (self.shows_session_token() && !self.session_token.is_empty())
                .then(|| Secret::new(self.session_token.as_str())),
            bucket_name: opt(&self.bucket),
            folder_path: opt(&self.folder_path),
            service_url: opt(&self.service_url),
        })
    }

    /// The label to remember the AWS key under, when asked.
    pub fn remember_label(&self) -> Option<String> {
        (self.remember && !self.remember_as.trim().is_empty())
            .then(|| self.remember_as.trim().to_owned())
    }

    /// Fills the key fields from an import (one key) or offers a choice (several).
    pub fn on_aws_import(&mut self, mut keys: Vec<AwsCredential>) {
        if keys.len() == 1 {
            let key = keys.remove(0);
            self.fill_key(&key);
        } else {
            self.import_choices = keys;
        }
    }

    /// Puts one key into the fields.
    pub fn fill_key(&mut self, key: &AwsCredential) {
        self.access_key_id = key.access_key_id.clone();
        self.secret_key = Zeroizing::new(key.secret_key.expose().to_owned());
        self.session_token = Zeroizing::new(
            key.session_token
                .as_ref()
                .map(|t| t.expose().to_owned())
                .unwrap_or_default(),
        );
        self.import_choices.clear();
    }
}

/// The label of a validation key, as the form shows it.
pub fn field_label(key: &str) -> &'static str {
    match key {
        "name" => Field::Name.label(),
        "description" => Field::Description.label(),
        "access_key_id" => Field::AccessKeyId.label(),
        "secret_key" => Field::SecretKey.label(),
        "session_token" => Field::SessionToken.label(),
        "bucket" => Field::BucketName.label(),
        "folder" => Field::FolderPath.label(),
        "service_url" => Field::ServiceUrl.label(),
        _ => "field",
    }
}

/// The form and, beside it, the result of the last create.
pub fn form_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    let validation = app.form.validation();
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("New S3 connection");
        ui.add_space(6.0);
        egui::Grid::new("form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let f = &mut app.form;
                row(
                    ui,
                    "Name",
                    &mut f.name,
                    false,
                    "e.g. Landing bucket (prod)",
                    &validation,
                    "name",
                );
                row(
                    ui,
                    "Description",
                    &mut f.description,
                    false,
                    "optional",
                    &validation,
                    "description",
                );
                row(
                    ui,
                    "Access key ID",
                    &mut f.access_key_id,
                    false,
                    "AKIA… or ASIA…",
                    &validation,
                    "access_key_id",
                );
                let reveal = f.reveal_secret;
                row(
                    ui,
                    "Secret access key",
                    &mut SecretText(&mut f.secret_key),
                    !reveal,
                    "",
                    &validation,
                    "secret_key",
                );
                ui.label("");
                ui.checkbox(&mut f.reveal_secret, "Show secret key");
                ui.end_row();
                if f.shows_session_token() {
                    row(
                        ui,
                        "Session token",
                        &mut SecretText(&mut f.session_token),
                        !reveal,
                        "required for ASIA keys",
                        &validation,
                        "session_token",
                    );
                } else {
                    ui.label("");
                    if ui.link("Add a session token").clicked() {
                        f.want_session_token = true;
                    }
                    ui.end_row();
                }
                row(
                    ui,
                    "Bucket name",
                    &mut f.bucket,
                    false,
                    "optional: restrict to one bucket",
                    &validation,
                    "bucket",
                );
                row(
                    ui,
                    "Folder path",
                    &mut f.folder_path,
                    false,
                    "optional: restrict to one folder",
                    &validation,
                    "folder",
                );
            });
        egui::CollapsingHeader::new("Advanced")
            .default_open(!app.form.service_url.is_empty())
            .show(ui, |ui| {
                egui::Grid::new("advanced")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        row(
                            ui,
                            "Service URL",
                            &mut app.form.service_url,
                            false,
                            "https://s3.eu-west-1.amazonaws.com",
                            &validation,
                            "service_url",
                        );
                    });
            });
        ui.horizontal(|ui| {
            if ui.button("Import AWS credentials…").clicked() {
                app.push(Command::Pick(FileRequest::AwsCredentials));
            }
            let saved: Vec<String> = app
                .config
                .as_ref()
                .map(|c| c.aws_keys.iter().map(|k| k.label.clone()).collect())
                .unwrap_or_default();
            if !saved.is_empty() {
                egui::ComboBox::from_id_salt("saved-aws")
                    .selected_text("Remembered keys")
                    .show_ui(ui, |ui| {
                        for label in saved {
                            if ui.selectable_label(false, &label).clicked() {
                                app.push(Command::Job(Job::LoadSavedAwsKey(label)));
                            }
                        }
                    });
            }
        });
        if !app.form.import_choices.is_empty() {
            ui.group(|ui| {
                ui.label("The file has several keys; pick one:");
                let choices = app.form.import_choices.clone();
                for key in &choices {
                    if ui
                        .button(format!("{} ({})", key.label, key.access_key_id))
                        .clicked()
                    {
                        app.form.fill_key(key);
                    }
                }
            });
        }
        ui.horizontal(|ui| {
            ui.checkbox(&mut app.form.remember, "Remember these AWS credentials");
            let label = ui.label("as");
            ui.add_enabled(
                app.form.remember,
                egui::TextEdit::singleline(&mut app.form.remember_as)
                    .hint_text("a name, e.g. landing-key")
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
        });
        ui.add_space(8.0);
        create_row_ui(app, ui);
        ui.add_space(12.0);
        super::result::result_ui(app, ui);
    });
}

fn create_row_ui(app: &mut AepApp, ui: &mut egui::Ui) {
    let blocking = app.form.blocking_reason();
    let no_profile = app.active_profile().is_none();
    ui.horizontal(|ui| match &app.create {
        CreateState::Running { since, cancelling } => {
            ui.add(egui::Spinner::new());
            ui.label(format!("Creating… {:.0} s", since.elapsed().as_secs_f32()));
            let cancelling = *cancelling;
            if ui
                .add_enabled(!cancelling, egui::Button::new("Cancel"))
                .clicked()
            {
                app.create = CreateState::Running {
                    since: std::time::Instant::now(),
                    cancelling: true,
                };
                app.push(Command::Job(Job::Cancel));
            }
        }
        _ => {
            let enabled = blocking.is_none() && !no_profile;
            let button = ui
                .add_enabled(enabled, egui::Button::new("Create connection"))
                .on_hover_text("Ctrl+Enter");
            if button.clicked() {
                app.push(Command::Create);
            }
            let why = if no_profile {
                Some("Add a profile first (Profiles tab).".to_owned())
            } else {
                blocking
            };
            if let Some(why) = why {
                ui.weak(why);
            }
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut dyn egui::TextBuffer,
    password: bool,
    hint: &str,
    validation: &FormValidation,
    key: &str,
) {
    let label_response = ui.label(label);
    ui.vertical(|ui| {
        labelled_text(ui, &label_response, value, password, hint);
        if let Some(error) = validation.errors.get(key) {
            ui.colored_label(ui.visuals().error_fg_color, error);
        } else if let Some(warning) = validation.warnings.get(key) {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
    });
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> FormState {
        FormState {
            name: "n".into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: Zeroizing::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into()),
            ..Default::default()
        }
    }

    #[test]
    fn empty_form_says_what_is_missing_without_red_fields() {
        let f = FormState::default();
        assert!(f.validation().errors.is_empty());
        assert_eq!(
            f.blocking_reason().as_deref(),
            Some("Enter a name, an access key ID, a secret key.")
        );
    }

    #[test]
    fn bad_bucket_blocks_and_says_why() {
        let mut f = filled();
        f.bucket = "ab".into();
        let v = f.validation();
        assert!(v.errors.contains_key("bucket"));
        assert!(f.blocking_reason().unwrap().contains("bucket"));
        assert!(f.to_input().is_err());
    }

    #[test]
    fn asia_key_shows_and_needs_a_session_token() {
        let mut f = filled();
        f.access_key_id = "ASIAIOSFODNN7EXAMPLE".into();
        assert!(f.shows_session_token());
        assert!(f.validation().errors.contains_key("session_token"));
        f.session_token = Zeroizing::new("tok".into());
        let input = f.to_input().unwrap();
        assert_eq!(input.session_token.unwrap().expose(), "tok");
    }
}
