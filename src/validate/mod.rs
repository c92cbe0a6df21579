//! Input validation for every field a user types or imports: one rule, one plain-language message.
//!
//! Rules reject only what is certainly wrong (AWS's and Adobe's documented rules, or what would
//! break the request or the keyring). What merely looks unusual, such as a 19-character access key
//! ID, is a [`FieldWarning`]: AWS documents key lengths only by example, so new formats keep working.
//! No message ever repeats a secret value.

mod adobe;
mod aws;
mod url;

use std::fmt;

use crate::model::S3ConnectionInput;

pub use self::url::{base_url, is_loopback_host, service_url};
pub use adobe::{client_id, connection_name, description, org_id, profile_name, sandbox, scopes};
pub use aws::{access_key_id, bucket_name, folder_path, secret_key, session_token};

/// A field a user fills in; messages name it by [`Field::label`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// IMS organisation ID (`...@AdobeOrg`).
    OrgId,
    /// OAuth client ID (also the `x-api-key`).
    ClientId,
    /// Sandbox name.
    Sandbox,
    /// Connection name.
    Name,
    /// Connection description.
    Description,
    /// AWS access key ID.
    AccessKeyId,
    /// AWS secret access key.
    SecretKey,
    /// AWS session token.
    SessionToken,
    /// S3 bucket name.
    BucketName,
    /// Folder path inside the bucket.
    FolderPath,
    /// S3 service (endpoint) URL.
    ServiceUrl,
    /// Platform gateway URL.
    PlatformUrl,
    /// IMS URL.
    ImsUrl,
    /// OAuth scopes.
    Scopes,
    /// Profile name.
    ProfileName,
}

impl Field {
    /// The field's name as users see it in forms and messages.
    pub fn label(self) -> &'static str {
        match self {
            Field::OrgId => "organization ID",
            Field::ClientId => "client ID",
            Field::Sandbox => "sandbox",
            Field::Name => "connection name",
            Field::Description => "description",
            Field::AccessKeyId => "access key ID",
            Field::SecretKey => "secret access key",
            Field::SessionToken => "session token",
            Field::BucketName => "bucket name",
            Field::FolderPath => "folder path",
            Field::ServiceUrl => "service URL",
            Field::PlatformUrl => "Platform URL",
            Field::ImsUrl => "IMS URL",
            Field::Scopes => "scopes",
            Field::ProfileName => "profile name",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Several broken rules, one a line (how a refused input is told).
pub fn join_errors(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A value that breaks a rule: the field and the rule, in words a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct FieldError {
    /// The field whose value is wrong.
    pub field: Field,
    /// The rule it breaks, e.g. "must be 3–63 characters (got 2)".
    pub rule: String,
}

impl FieldError {
    /// An error for `field` breaking `rule`.
    pub fn new(field: Field, rule: impl Into<String>) -> Self {
        Self {
            field,
            rule: rule.into(),
        }
    }
}

/// A value that is accepted but looks unusual; shown next to the field, it never blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldWarning {
    /// The field the warning is about.
    pub field: Field,
    /// What looks unusual and what to check.
    pub message: String,
}

impl fmt::Display for FieldWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn fail<T>(field: Field, rule: impl Into<String>) -> Result<T, FieldError> {
    Err(FieldError::new(field, rule))
}

fn has_whitespace(v: &str) -> bool {
    v.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn has_control(v: &str) -> bool {
    v.chars().any(char::is_control)
}

/// Characters that change the direction text is shown in (U+202A–U+202E, U+2066–U+2069, the
/// marks U+200E, U+200F, U+061C): a name holding one is shown otherwise than it is (the
/// "Trojan Source" trick), so a list could show `safe<U+202E>gnp.exe` as `safeexe.png`.
fn has_direction_control(v: &str) -> bool {
    v.chars().any(|c| {
        matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    })
}

const NO_DIRECTION_CONTROL: &str = "must not contain invisible characters that change the direction of text (such as U+202E): they make it display as something it is not";

const NO_SPACES: &str = "must not contain spaces or line breaks";
const NO_CONTROL: &str = "must not contain line breaks, tabs or other control characters";

/// An optional text field counts as absent when empty, exactly as the request body leaves it
/// out ([`crate::api::create_body`]): a value of spaces is sent, so it is checked (and refused
/// where it cannot be meant, such as a folder path of spaces, which would not be the whole bucket).
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// Checks everything needed to create a connection; returns every field error at once.
///
/// Empty optional fields (description, bucket, folder, service URL) count as absent: callers must
/// leave them out of the request too.
pub fn s3_input(input: &S3ConnectionInput) -> Result<Vec<FieldWarning>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut check = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    check(connection_name(&input.name));
    if let Some(d) = present(&input.description) {
        check(description(d));
    }
    check(access_key_id(&input.access_key_id).map(|w| warnings.extend(w)));
    check(secret_key(&input.secret_key).map(|w| warnings.extend(w)));
    check(session_token(
        &input.access_key_id,
        input.session_token.as_ref(),
    ));
    if let Some(b) = present(&input.bucket_name) {
        check(bucket_name(b));
    }
    if let Some(p) = present(&input.folder_path) {
        check(folder_path(p));
    }
    if let Some(u) = present(&input.service_url) {
        check(service_url(u));
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    #[test]
    fn inputs_that_cannot_be_meant_are_refused() {
        assert!(rule(connection_name("safe\u{202e}gnp.exe")).contains("direction"));
        assert!(rule(description("a\u{2066}b")).contains("direction"));
        assert!(rule(folder_path(" ")).contains("only spaces"));
        assert!(folder_path("in box/").is_ok());
        assert!(rule(service_url("https://169.254.169.254")).contains("link-local"));
        assert!(rule(service_url("https://[fe80::1]")).contains("link-local"));
        assert!(service_url("https://s3.eu-west-1.amazonaws.com").is_ok());
        let huge = Secret::new("A".repeat(1 << 20));
        let r = rule(secret_key(&huge));
        assert!(r.contains("far too long") && !r.contains("AAAA"), "{r}");
        let token = Secret::new("t".repeat(65 * 1024));
        assert!(rule(session_token("ASIAIOSFODNN7EXAMPLE", Some(&token))).contains("far too long"));
    }

    pub(super) const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
    pub(super) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    pub(super) fn rule<T: fmt::Debug>(r: Result<T, FieldError>) -> String {
        r.unwrap_err().rule
    }

    #[test]
    fn error_display_names_field_and_rule() {
        let e = bucket_name("ab").unwrap_err();
        assert_eq!(
            e.to_string(),
            "bucket name: must be 3–63 characters (got 2)"
        );
        assert_eq!(e.field, Field::BucketName);
    }

    #[test]
    fn every_field_has_a_label() {
        use Field::*;
        for f in [
            OrgId,
            ClientId,
            Sandbox,
            Name,
            Description,
            AccessKeyId,
            SecretKey,
            SessionToken,
            BucketName,
            FolderPath,
            ServiceUrl,
            PlatformUrl,
            ImsUrl,
            Scopes,
            ProfileName,
        ] {
            assert!(!f.label().is_empty());
            assert_eq!(f.to_string(), f.label());
        }
    }

    fn good_input() -> S3ConnectionInput {
        S3ConnectionInput {
            name: "S3 Connection".into(),
            description: Some("Connection for an Amazon S3 account".into()),
            access_key_id: KEY.into(),
            secret_key: Secret::new(SECRET),
            session_token: None,
            bucket_name: Some("my-bucket".into()),
            folder_path: Some("/incoming/".into()),
            service_url: Some("https://s3.us-east-1.amazonaws.com".into()),
        }
    }

    #[test]
    fn s3_input_accepts_a_good_input() {
        assert_eq!(s3_input(&good_input()).unwrap(), vec![]);
        let minimal = S3ConnectionInput {
            name: "n".into(),
            access_key_id: KEY.into(),
            secret_key: Secret::new(SECRET),
            description: Some(String::new()),
            bucket_name: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(s3_input(&minimal).unwrap(), vec![]);
        // Spaces are sent as they are, so they are checked: a bucket of spaces is no bucket.
        let spaces = S3ConnectionInput {
            bucket_name: Some("  ".into()),
            ..minimal
        };
        assert_eq!(s3_input(&spaces).unwrap_err()[0].field, Field::BucketName);
    }

    #[test]
    fn s3_input_reports_every_error_at_once() {
        let input = S3ConnectionInput {
            name: String::new(),
            access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
            secret_key: Secret::new(""),
            bucket_name: Some("AB".into()),
            folder_path: Some("../x".into()),
            service_url: Some("http://s3.amazonaws.com".into()),
            ..good_input()
        };
        let errors = s3_input(&input).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                Field::Name,
                Field::SecretKey,
                Field::SessionToken,
                Field::BucketName,
                Field::FolderPath,
                Field::ServiceUrl
            ]
        );
    }

    #[test]
    fn s3_input_collects_warnings() {
        let input = S3ConnectionInput {
            access_key_id: "AKIAIOSFODNN7EXAMPLEXY".into(),
            secret_key: Secret::new("short"),
            ..good_input()
        };
        let warnings = s3_input(&input).unwrap();
        let fields: Vec<Field> = warnings.iter().map(|w| w.field).collect();
        assert_eq!(fields, vec![Field::AccessKeyId, Field::SecretKey]);
    }
}
