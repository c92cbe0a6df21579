//! What the check takes, and the rules it must meet before anything is sent.

use crate::secret::Secret;
use crate::validate::{self, FieldError, FieldWarning};

/// What to check: the same credentials and scope a connection would get.
#[derive(Clone, Debug, Default)]
pub struct S3CheckInput {
    /// AWS access key ID.
    pub access_key_id: String,
    /// AWS secret access key (only used to sign).
    pub secret_key: Secret,
    /// Session token of temporary (`ASIA`) credentials.
    pub session_token: Option<Secret>,
    /// The bucket the connection is for; without it only `s3:ListAllMyBuckets` is checked.
    pub bucket: Option<String>,
    /// The folder inside the bucket (listed, and read from).
    pub folder_path: Option<String>,
    /// AWS regional endpoint or S3-compatible store, as given to the connection.
    pub service_url: Option<String>,
    /// Region to sign for at first (default: the service URL's, else us-east-1).
    pub region: Option<String>,
}

/// A wrong value in [`S3CheckInput`]; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// A field shared with connection creation breaks its rule.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// The region is not a region name.
    #[error("region: {0}")]
    Region(String),
}

/// Checks the input with the rules `create` uses (plus the region); every error at once.
pub fn validate_input(input: &S3CheckInput) -> Result<Vec<FieldWarning>, Vec<InputError>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    match validate::access_key_id(&input.access_key_id) {
        Ok(w) => warnings.extend(w),
        Err(e) => errors.push(e.into()),
    }
    match validate::secret_key(&input.secret_key) {
        Ok(w) => warnings.extend(w),
        Err(e) => errors.push(e.into()),
    }
    let mut check = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.push(InputError::Field(e));
        }
    };
    check(validate::session_token(
        &input.access_key_id,
        input.session_token.as_ref(),
    ));
    if let Some(b) = present(&input.bucket) {
        check(validate::bucket_name(b));
    }
    if let Some(p) = present(&input.folder_path) {
        check(validate::folder_path(p));
    }
    if let Some(u) = present(&input.service_url) {
        check(validate::service_url(u));
    }
    if let Some(r) = present(&input.region)
        && let Err(rule) = region_rule(r)
    {
        errors.push(InputError::Region(rule));
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(errors)
    }
}

/// AWS region names: lowercase letters, digits and hyphens, like `eu-west-1`.
pub(super) fn region_rule(v: &str) -> Result<(), String> {
    let ok = v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !v.starts_with('-')
        && !v.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("must be a region name like eu-west-1 (lowercase letters, digits and hyphens)".into())
    }
}

pub(super) fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_rules() {
        assert!(region_rule("eu-west-1").is_ok());
        assert!(region_rule("EU-west-1").is_err());
        assert!(region_rule("-x").is_err());
        assert!(region_rule("a b").is_err());
    }

    #[test]
    fn validation_names_each_wrong_field() {
        let input = S3CheckInput {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            bucket: Some("Bad_Bucket".into()),
            region: Some("Mars 1".into()),
            service_url: Some("http://example.com".into()),
            ..S3CheckInput::default()
        };
        let errors = validate_input(&input).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 3, "{text:?}");
        assert!(
            text.iter().any(|t| t.starts_with("bucket name")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.starts_with("region")), "{text:?}");
        assert!(
            text.iter().any(|t| t.starts_with("service URL")),
            "{text:?}"
        );
        assert!(text.iter().all(|t| !t.contains("EXAMPLEKEY")));
    }
}
