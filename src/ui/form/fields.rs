//! What the new-connection form holds, and its live validation: a view-model tested as data.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use crate::import::aws::AwsCredential;
use crate::model::S3ConnectionInput;
use crate::secret::Secret;
use crate::validate::{self, Field};

/// What the user typed. Secret buffers are zeroized when replaced or dropped.
#[derive(Default)]
pub struct FormState {
    /// Connection name.
    pub name: String,
    /// Give the name field the keyboard focus on the next frame (Ctrl+N).
    pub focus_name: bool,
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
