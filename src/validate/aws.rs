//! The rules for the AWS side of a connection: the access key, its secret and session token, and
//! the bucket and folder it is limited to. No message repeats a secret or its length.

use super::{
    Field, FieldError, FieldWarning, NO_CONTROL, NO_SPACES, fail, has_control, has_whitespace,
};
use crate::secret::Secret;

/// AWS's other unique-ID prefixes: users paste these from the IAM console by mistake.
const NOT_ACCESS_KEY_PREFIXES: &[(&str, &str)] = &[
    ("ABIA", "an AWS STS service bearer token"),
    ("ACCA", "a context-specific credential"),
    ("AGPA", "an IAM user group ID"),
    ("AIDA", "an IAM user ID"),
    ("AIPA", "an EC2 instance profile ID"),
    ("ANPA", "a managed policy ID"),
    ("ANVA", "a managed policy version ID"),
    ("APKA", "a public key ID"),
    ("AROA", "an IAM role ID"),
    ("ASCA", "a certificate ID"),
];
/// The length AWS's `AccessKeyId` type allows (IAM API reference), not the usual 20.
const ACCESS_KEY_ID_LEN: std::ops::RangeInclusive<usize> = 16..=128;
const USUAL_ACCESS_KEY_ID_LEN: usize = 20;
const USUAL_SECRET_KEY_LEN: usize = 40;
/// AWS secret keys are 40 characters; no documented format comes near this. Longer is a file or
/// a page pasted by mistake, and would go into the keyring and every request body.
const SECRET_KEY_MAX: usize = 1024;
/// AWS says not to assume a session token's size (they run to a few kilobytes); longer than this
/// is no session token.
const SESSION_TOKEN_MAX: usize = 64 * 1024;

/// Checks an AWS access key ID; warns when its length is not the usual 20.
pub fn access_key_id(v: &str) -> Result<Vec<FieldWarning>, FieldError> {
    let f = Field::AccessKeyId;
    if v.is_empty() {
        return fail(f, "is required");
    }
    if has_whitespace(v) {
        return fail(f, NO_SPACES);
    }
    if !v.chars().all(|c| c.is_ascii_alphanumeric()) {
        return fail(f, "may contain only letters A–Z and digits 0–9");
    }
    if v.chars().any(|c| c.is_ascii_lowercase()) {
        return fail(
            f,
            "must be uppercase (AWS access key IDs look like AKIAIOSFODNN7EXAMPLE)",
        );
    }
    if let Some(prefix) = v.get(..4)
        && prefix != "AKIA"
        && prefix != "ASIA"
    {
        if let Some((_, what)) = NOT_ACCESS_KEY_PREFIXES.iter().find(|(p, _)| *p == prefix) {
            return fail(
                f,
                format!(
                    "starts with {prefix}, which marks {what}, not an access key: use the access key ID \
                     (it starts with AKIA, or ASIA for temporary keys)"
                ),
            );
        }
        return fail(
            f,
            "must start with AKIA (long-term key) or ASIA (temporary key)",
        );
    }
    let len = v.len();
    if !ACCESS_KEY_ID_LEN.contains(&len) {
        return fail(
            f,
            format!(
                "must be {}–{} characters (got {len})",
                ACCESS_KEY_ID_LEN.start(),
                ACCESS_KEY_ID_LEN.end()
            ),
        );
    }
    let mut warnings = Vec::new();
    if len != USUAL_ACCESS_KEY_ID_LEN {
        warnings.push(FieldWarning {
            field: f,
            message: format!(
                "is {len} characters long; AWS access key IDs are usually {USUAL_ACCESS_KEY_ID_LEN}: check it was copied whole"
            ),
        });
    }
    Ok(warnings)
}

/// Checks an AWS secret access key; warns when it does not look like one. Never echoes it.
pub fn secret_key(v: &Secret) -> Result<Vec<FieldWarning>, FieldError> {
    let f = Field::SecretKey;
    let v = v.expose();
    if v.is_empty() {
        return fail(f, "is required");
    }
    if has_whitespace(v) {
        return fail(
            f,
            "must not contain spaces or line breaks (check the copy picked up nothing extra)",
        );
    }
    // The limit is stated, never the secret's own length.
    if v.len() > SECRET_KEY_MAX {
        return fail(
            f,
            format!(
                "is far too long for an AWS secret access key (more than {SECRET_KEY_MAX} characters): check what was pasted"
            ),
        );
    }
    let mut warnings = Vec::new();
    // Neither message states the length or any character: even that narrows a secret down.
    if v.chars().count() != USUAL_SECRET_KEY_LEN {
        warnings.push(FieldWarning {
            field: f,
            message: format!(
                "is not {USUAL_SECRET_KEY_LEN} characters long, the usual length of AWS secret access keys: check it was copied whole"
            ),
        });
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
    {
        warnings.push(FieldWarning {
            field: f,
            message: "contains characters AWS secret access keys usually lack (they use letters, digits, + and /): check it is the secret key"
                .to_owned(),
        });
    }
    Ok(warnings)
}

/// Checks that a session token is given exactly when the access key is temporary (`ASIA`).
pub fn session_token(access_key_id: &str, token: Option<&Secret>) -> Result<(), FieldError> {
    let f = Field::SessionToken;
    let token = token.filter(|t| !t.is_empty());
    match token {
        None if access_key_id.starts_with("ASIA") => fail(
            f,
            "is required with a temporary access key (one starting with ASIA): paste the token issued with the key",
        ),
        Some(_) if access_key_id.starts_with("AKIA") => fail(
            f,
            "goes only with temporary (ASIA) access keys: remove it, or use the ASIA key it was issued with",
        ),
        Some(t) if has_whitespace(t.expose()) => fail(f, NO_SPACES),
        Some(t) if t.expose().len() > SESSION_TOKEN_MAX => fail(
            f,
            format!(
                "is far too long for an AWS session token (more than {SESSION_TOKEN_MAX} bytes): check what was pasted"
            ),
        ),
        _ => Ok(()),
    }
}

const BUCKET_LEN: std::ops::RangeInclusive<usize> = 3..=63;
const BUCKET_RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const BUCKET_RESERVED_SUFFIXES: &[(&str, &str)] = &[
    ("-s3alias", "access point aliases"),
    ("--ol-s3", "Object Lambda access point aliases"),
    (".mrap", "Multi-Region Access Points"),
    ("--x-s3", "directory buckets"),
    ("--table-s3", "S3 table buckets"),
];

/// Checks a bucket name against AWS's rules for general purpose buckets, one message per rule.
pub fn bucket_name(v: &str) -> Result<(), FieldError> {
    let f = Field::BucketName;
    let len = v.chars().count();
    if !BUCKET_LEN.contains(&len) {
        return fail(
            f,
            format!(
                "must be {}–{} characters (got {len})",
                BUCKET_LEN.start(),
                BUCKET_LEN.end()
            ),
        );
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
    if v.chars().any(|c| c.is_ascii_uppercase()) {
        return fail(
            f,
            "must be lowercase (S3 bucket names have no capital letters)",
        );
    }
    if !v.chars().all(allowed) {
        return fail(
            f,
            "may contain only lowercase letters, digits, hyphens (-) and dots (.)",
        );
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(v.chars().next()) {
        return fail(f, "must start with a letter or digit");
    }
    if !alnum(v.chars().last()) {
        return fail(f, "must end with a letter or digit");
    }
    if v.contains("..") {
        return fail(f, "must not contain two dots in a row");
    }
    if looks_like_ipv4(v) {
        return fail(
            f,
            "must not be formatted like an IP address (such as 192.168.5.4)",
        );
    }
    if let Some(prefix) = BUCKET_RESERVED_PREFIXES.iter().find(|p| v.starts_with(**p)) {
        return fail(
            f,
            format!("must not start with \"{prefix}\" (reserved by AWS)"),
        );
    }
    if let Some((suffix, what)) = BUCKET_RESERVED_SUFFIXES
        .iter()
        .find(|(s, _)| v.ends_with(*s))
    {
        return fail(
            f,
            format!("must not end with \"{suffix}\" (reserved by AWS for {what})"),
        );
    }
    Ok(())
}

/// AWS refuses names "formatted as an IP address": four dot-separated groups of 1–3 digits.
fn looks_like_ipv4(v: &str) -> bool {
    let groups: Vec<&str> = v.split('.').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| (1..=3).contains(&g.len()) && g.chars().all(|c| c.is_ascii_digit()))
}

/// S3's object key limit: a folder path longer than this can never match an object.
const FOLDER_PATH_MAX_BYTES: usize = 1024;

/// Checks a folder path inside the bucket; leading and trailing `/` are fine.
pub fn folder_path(v: &str) -> Result<(), FieldError> {
    let f = Field::FolderPath;
    if v.is_empty() {
        return fail(
            f,
            "must not be empty; leave it out to allow the whole bucket",
        );
    }
    if v.trim().is_empty() {
        return fail(
            f,
            "must not be only spaces; leave it out to allow the whole bucket",
        );
    }
    if has_control(v) {
        return fail(f, NO_CONTROL);
    }
    if v.split('/').any(|segment| segment == "..") {
        return fail(
            f,
            "must not contain \"..\" as a folder name (S3 has no parent folders)",
        );
    }
    let bytes = v.len();
    if bytes > FOLDER_PATH_MAX_BYTES {
        return fail(
            f,
            format!(
                "must be at most {FOLDER_PATH_MAX_BYTES} bytes, S3's key length limit (got {bytes})"
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tests::{KEY, SECRET, rule};

    #[test]
    fn access_key_id_accepts_aws_example_without_warning() {
        assert_eq!(access_key_id(KEY).unwrap(), vec![]);
        assert_eq!(access_key_id("ASIAIOSFODNN7EXAMPLE").unwrap(), vec![]);
    }

    #[test]
    fn access_key_id_rules() {
        assert!(rule(access_key_id("")).contains("required"));
        assert!(rule(access_key_id(" AKIAIOSFODNN7EXAMPLE")).contains("spaces"));
        assert!(rule(access_key_id("AKIAIOSFODNN7EXAMPL-")).contains("A–Z"));
        assert!(rule(access_key_id("akiaiosfodnn7example")).contains("uppercase"));
        assert!(rule(access_key_id("AIDAJQABLZS4A3QDU576Q")).contains("IAM user ID"));
        assert!(rule(access_key_id("AROADBQP57FF2AEXAMPLE")).contains("IAM role ID"));
        assert!(rule(access_key_id("XKIAIOSFODNN7EXAMPLE")).contains("must start with AKIA"));
        assert!(rule(access_key_id("AKIA12345")).contains("16–128 characters (got 9)"));
        assert!(rule(access_key_id(&format!("AKIA{}", "A".repeat(125)))).contains("got 129"));
    }

    #[test]
    fn access_key_id_warns_on_unusual_length() {
        let w = access_key_id("AKIAIOSFODNN7EXAMPLEX").unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].field, Field::AccessKeyId);
        assert!(w[0].message.contains("21 characters"));
        assert_eq!(access_key_id("AKIA123456789012").unwrap().len(), 1);
    }

    #[test]
    fn secret_key_rules_never_echo_the_value() {
        assert_eq!(secret_key(&Secret::new(SECRET)).unwrap(), vec![]);
        assert!(rule(secret_key(&Secret::new(""))).contains("required"));
        let spaced = Secret::new("wJalrXUtnFEMI/K7MDENG bPxRfiCYEXAMPLEKEY");
        let e = secret_key(&spaced).unwrap_err();
        assert!(e.rule.contains("spaces"));
        assert!(!e.to_string().contains("wJalr"));
        let short = secret_key(&Secret::new("wJalrXUtnFEMI")).unwrap();
        assert_eq!(short.len(), 1);
        assert!(short[0].message.contains("40"));
        assert!(!short[0].message.contains("wJalr"));
        let odd = secret_key(&Secret::new("wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY")).unwrap();
        assert_eq!(odd.len(), 1);
        assert!(odd[0].message.contains("usually lack"));
        assert!(!odd[0].to_string().contains("wJalr"));
    }

    #[test]
    fn session_token_goes_with_asia_keys_only() {
        let token = Secret::new("FwoGZXIvYXdzEJr//////////wEaDM");
        assert!(session_token("ASIAIOSFODNN7EXAMPLE", Some(&token)).is_ok());
        assert!(session_token(KEY, None).is_ok());
        assert!(rule(session_token("ASIAIOSFODNN7EXAMPLE", None)).contains("required"));
        let empty = Secret::new("");
        assert!(rule(session_token("ASIAIOSFODNN7EXAMPLE", Some(&empty))).contains("required"));
        assert!(session_token(KEY, Some(&empty)).is_ok());
        let e = session_token(KEY, Some(&token)).unwrap_err();
        assert!(e.rule.contains("only with temporary (ASIA)"));
        assert!(!e.to_string().contains("FwoG"));
        let spaced = Secret::new("Fwo GZX");
        assert!(rule(session_token("ASIAIOSFODNN7EXAMPLE", Some(&spaced))).contains("spaces"));
    }

    #[test]
    fn bucket_name_accepts_valid_names() {
        for ok in [
            "abc",
            "my-bucket",
            "my.bucket.name",
            "a1b2c3",
            &"a".repeat(63),
            "1bucket9",
        ] {
            assert!(bucket_name(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn bucket_name_rules_each_have_their_message() {
        let cases = [
            ("ab", "3–63 characters (got 2)"),
            (&*"a".repeat(64), "(got 64)"),
            ("My-Bucket", "lowercase"),
            ("my_bucket", "only lowercase letters, digits, hyphens"),
            ("-bucket", "start with a letter or digit"),
            (".bucket", "start with a letter or digit"),
            ("bucket-", "end with a letter or digit"),
            ("bucket.", "end with a letter or digit"),
            ("my..bucket", "two dots in a row"),
            ("192.168.5.4", "IP address"),
            ("xn--bucket", "\"xn--\""),
            ("sthree-bucket", "\"sthree-\""),
            ("sthree-configurator-x", "\"sthree-\""),
            ("amzn-s3-demo-bucket", "\"amzn-s3-demo-\""),
            ("bucket-s3alias", "\"-s3alias\""),
            ("bucket--ol-s3", "\"--ol-s3\""),
            ("bucket.mrap", "\".mrap\""),
            ("bucket--x-s3", "\"--x-s3\""),
            ("bucket--table-s3", "\"--table-s3\""),
        ];
        for (name, want) in cases {
            let got = rule(bucket_name(name));
            assert!(got.contains(want), "{name}: {got}");
        }
        // Four groups but not all digits: a valid name, not an IP address.
        assert!(bucket_name("192.168.5.a").is_ok());
    }

    #[test]
    fn folder_path_rules() {
        for ok in ["/", "data", "/data/in/", "a..b/c", "übersicht/2024"] {
            assert!(folder_path(ok).is_ok(), "{ok}");
        }
        assert!(rule(folder_path("")).contains("leave it out"));
        assert!(rule(folder_path("a\tb")).contains("control"));
        assert!(rule(folder_path("data/../etc")).contains("\"..\""));
        assert!(rule(folder_path("..")).contains("\"..\""));
        assert!(folder_path(&"a".repeat(1024)).is_ok());
        assert!(rule(folder_path(&"a".repeat(1025))).contains("1024 bytes"));
        // Bytes, not characters: 513 two-byte characters are 1026 bytes.
        assert!(rule(folder_path(&"é".repeat(513))).contains("got 1026"));
    }
}
