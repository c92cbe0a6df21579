//! A profile: which organisation, credential and sandbox, at which endpoints.

use serde::{Deserialize, Serialize};

use crate::model::{DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES, Target};
use crate::validate::{self, Field, FieldError};

fn default_platform_url() -> String {
    DEFAULT_PLATFORM_URL.to_owned()
}
fn default_ims_url() -> String {
    DEFAULT_IMS_URL.to_owned()
}
fn default_scopes() -> String {
    DEFAULT_SCOPES.to_owned()
}

/// One IMS org + client + sandbox + endpoints. Its client secret is in the keyring, not here.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Profile {
    /// Profile name (also names its keyring entries).
    pub name: String,
    /// IMS organisation ID, `...@AdobeOrg`.
    pub org_id: String,
    /// OAuth client ID (also the `x-api-key`).
    pub client_id: String,
    /// Sandbox name, e.g. `prod`.
    pub sandbox: String,
    /// Platform gateway URL.
    #[serde(default = "default_platform_url")]
    pub platform_url: String,
    /// IMS URL.
    #[serde(default = "default_ims_url")]
    pub ims_url: String,
    /// Comma-separated OAuth scopes.
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// The credential's technical account, shown to help users recognise it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_account_email: Option<String>,
}

impl Profile {
    /// A profile with the default URLs and scopes.
    pub fn new(
        name: impl Into<String>,
        org_id: impl Into<String>,
        client_id: impl Into<String>,
        sandbox: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            org_id: org_id.into(),
            client_id: client_id.into(),
            sandbox: sandbox.into(),
            platform_url: default_platform_url(),
            ims_url: default_ims_url(),
            scopes: default_scopes(),
            technical_account_email: None,
        }
    }

    /// Checks every field with [`crate::validate`]; returns all errors at once.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let errors: Vec<FieldError> = [
            validate::profile_name(&self.name),
            validate::org_id(&self.org_id),
            validate::client_id(&self.client_id),
            validate::sandbox(&self.sandbox),
            validate::base_url(Field::PlatformUrl, &self.platform_url),
            validate::base_url(Field::ImsUrl, &self.ims_url),
            validate::scopes(&self.scopes),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Where and as whom this profile makes Platform calls.
    pub fn target(&self) -> Target {
        Target {
            org_id: self.org_id.clone(),
            client_id: self.client_id.clone(),
            sandbox: self.sandbox.clone(),
            platform_url: self.platform_url.clone(),
            ims_url: self.ims_url.clone(),
            scopes: self.scopes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_validate_reports_all_fields() {
        let mut p = Profile::new("bad name", "nope", "", "Prod");
        p.ims_url = "http://ims.example.com".into();
        let fields: Vec<Field> = p.validate().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                Field::ProfileName,
                Field::OrgId,
                Field::ClientId,
                Field::Sandbox,
                Field::ImsUrl
            ]
        );
        let good = Profile::new(
            "acme",
            "5C1328435BF324E90A49402A@AdobeOrg",
            "0123456789abcdef0123456789abcdef",
            "prod",
        );
        assert!(good.validate().is_ok());
        assert_eq!(good.target().sandbox, "prod");
    }
}
