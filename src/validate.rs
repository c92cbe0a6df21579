//! Input validation for every field a user types or imports: one rule, one plain-language message.
//!
//! Rules reject only what is certainly wrong (AWS's and Adobe's documented rules, or what would
//! break the request or the keyring). What merely looks unusual, such as a 19-character access key
//! ID, is a [`FieldWarning`]: AWS documents key lengths only by example, so new formats keep working.
//! No message ever repeats a secret value.

use std::fmt;

use url::{Host, Url};

use crate::model::S3ConnectionInput;
use crate::secret::Secret;

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

const ADOBE_ORG_SUFFIX: &str = "@AdobeOrg";
/// Org IDs are 24 hex digits today; the cap only stops pasted garbage from reaching a header.
const ORG_ID_MAX: usize = 128;

/// Checks an IMS organisation ID such as `5C1328435BF324E90A49402A@AdobeOrg`.
pub fn org_id(v: &str) -> Result<(), FieldError> {
    let f = Field::OrgId;
    if v.is_empty() {
        return fail(
            f,
            "is required; copy it from the Adobe Developer Console project (it ends with @AdobeOrg)",
        );
    }
    if has_whitespace(v) {
        return fail(f, NO_SPACES);
    }
    let Some(id) = v.strip_suffix(ADOBE_ORG_SUFFIX) else {
        if v.to_ascii_lowercase().ends_with("@adobeorg") {
            return fail(
                f,
                "must end with \"@AdobeOrg\" spelled exactly so (capital A and O)",
            );
        }
        return fail(
            f,
            "must end with \"@AdobeOrg\", like 5C1328435BF324E90A49402A@AdobeOrg",
        );
    };
    if id.is_empty() {
        return fail(
            f,
            "needs the ID before \"@AdobeOrg\", like 5C1328435BF324E90A49402A@AdobeOrg",
        );
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return fail(
            f,
            "may contain only letters and digits before \"@AdobeOrg\"",
        );
    }
    let len = v.chars().count();
    if len > ORG_ID_MAX {
        return fail(
            f,
            format!("must be at most {ORG_ID_MAX} characters (got {len})"),
        );
    }
    Ok(())
}

/// Adobe documents sandbox names as lowercase with no spaces or special characters but gives no
/// maximum; 256 is far above any name the Platform UI produces and still stops pasted garbage.
const SANDBOX_MAX: usize = 256;

/// Checks a sandbox name (the lowercase name sent as `x-sandbox-name`, not the title).
pub fn sandbox(v: &str) -> Result<(), FieldError> {
    let f = Field::Sandbox;
    if v.is_empty() {
        return fail(
            f,
            "is required (the production sandbox is usually \"prod\")",
        );
    }
    let len = v.chars().count();
    if len > SANDBOX_MAX {
        return fail(
            f,
            format!("must be at most {SANDBOX_MAX} characters (got {len})"),
        );
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if v.chars().all(|c| allowed(c.to_ascii_lowercase())) && !v.chars().all(allowed) {
        return fail(
            f,
            "must be all lowercase, like \"prod\" or \"dev-emea\" (use the sandbox's name, not its title)",
        );
    }
    if !v.chars().all(allowed) {
        return fail(
            f,
            "may contain only lowercase letters, digits and hyphens (use the sandbox's name, not its title)",
        );
    }
    Ok(())
}

/// Flow Service documents no limit; 256 keeps names readable in lists and in AEP's UI.
const NAME_MAX: usize = 256;
/// A sanity cap: descriptions are shown in lists and history, not documents.
const DESCRIPTION_MAX: usize = 4000;

/// Checks a connection name: required, one line, at most 256 characters.
pub fn connection_name(v: &str) -> Result<(), FieldError> {
    let f = Field::Name;
    if v.trim().is_empty() {
        return fail(f, "is required");
    }
    if has_control(v) {
        return fail(f, NO_CONTROL);
    }
    if has_direction_control(v) {
        return fail(f, NO_DIRECTION_CONTROL);
    }
    let len = v.chars().count();
    if len > NAME_MAX {
        return fail(
            f,
            format!("must be at most {NAME_MAX} characters (got {len})"),
        );
    }
    Ok(())
}

/// Checks a connection description: line breaks and tabs allowed, other control characters not.
pub fn description(v: &str) -> Result<(), FieldError> {
    let f = Field::Description;
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return fail(f, "must not contain control characters");
    }
    if has_direction_control(v) {
        return fail(f, NO_DIRECTION_CONTROL);
    }
    let len = v.chars().count();
    if len > DESCRIPTION_MAX {
        return fail(
            f,
            format!("must be at most {DESCRIPTION_MAX} characters (got {len})"),
        );
    }
    Ok(())
}

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

/// Checks an S3 service URL: `https://` with a host, or `http://` to this computer only.
pub fn service_url(v: &str) -> Result<(), FieldError> {
    http_url(Field::ServiceUrl, v, "https://s3.us-east-1.amazonaws.com")
}

/// Checks a Platform or IMS base URL with the same rule as [`service_url`].
pub fn base_url(field: Field, v: &str) -> Result<(), FieldError> {
    let example = match field {
        Field::ImsUrl => crate::model::DEFAULT_IMS_URL,
        Field::ServiceUrl => "https://s3.us-east-1.amazonaws.com",
        _ => crate::model::DEFAULT_PLATFORM_URL,
    };
    http_url(field, v, example)
}

fn http_url(f: Field, v: &str, example: &str) -> Result<(), FieldError> {
    if v.is_empty() {
        return fail(f, format!("must not be empty (for example {example})"));
    }
    if has_whitespace(v) {
        return fail(f, "must not contain spaces");
    }
    // The url crate's messages ("relative URL without a base", "invalid port number") never
    // repeat the input, so they are safe to show even if a secret was pasted here by mistake.
    let url = match Url::parse(v) {
        Ok(url) => url,
        Err(e) => {
            return fail(f, format!("must be an absolute URL like {example} ({e})"));
        }
    };
    let loopback = match url.host() {
        Some(Host::Domain(d)) => is_loopback_host(d),
        Some(Host::Ipv4(a)) => a.is_loopback(),
        Some(Host::Ipv6(a)) => is_loopback_host(&a.to_string()),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return fail(
                f,
                "must use https:// (plain http:// is allowed only for this computer: localhost, 127.0.0.1 or ::1)",
            );
        }
        _ => return fail(f, format!("must start with https://, like {example}")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return fail(f, "must include a host name");
    }
    let link_local = match url.host() {
        Some(Host::Ipv4(a)) => a.is_link_local(),
        Some(Host::Ipv6(a)) => {
            (a.segments()[0] & 0xffc0) == 0xfe80
                || a == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
        }
        _ => false,
    };
    if link_local {
        return fail(
            f,
            "must not be a link-local address such as 169.254.169.254 (a cloud instance's metadata service, never an S3 or Adobe endpoint)",
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail(f, "must not contain a user name or password");
    }
    if url.query().is_some() {
        return fail(f, "must not have a query (the part after ?)");
    }
    if url.fragment().is_some() {
        return fail(f, "must not have a fragment (the part after #)");
    }
    Ok(())
}

pub use crate::model::is_loopback_host;

/// Client IDs are 32 hex digits today; the cap only stops pasted garbage reaching a header.
const CLIENT_ID_MAX: usize = 256;

/// Checks an OAuth client ID: visible ASCII only, because it is sent as the `x-api-key` header.
pub fn client_id(v: &str) -> Result<(), FieldError> {
    let f = Field::ClientId;
    if v.is_empty() {
        return fail(
            f,
            "is required; copy it from the OAuth Server-to-Server credential in the Adobe Developer Console",
        );
    }
    if has_whitespace(v) {
        return fail(f, NO_SPACES);
    }
    if !v.chars().all(|c| c.is_ascii_graphic()) {
        return fail(
            f,
            "may contain only visible ASCII characters (it is sent as the x-api-key header)",
        );
    }
    if v.len() > CLIENT_ID_MAX {
        return fail(
            f,
            format!(
                "must be at most {CLIENT_ID_MAX} characters (got {})",
                v.len()
            ),
        );
    }
    Ok(())
}

/// Checks comma-separated OAuth scopes (each an RFC 6749 scope token).
pub fn scopes(v: &str) -> Result<(), FieldError> {
    let f = Field::Scopes;
    if v.trim().is_empty() {
        return fail(
            f,
            format!(
                "is required; the usual value is {}",
                crate::model::DEFAULT_SCOPES
            ),
        );
    }
    if has_whitespace(v) {
        return fail(f, "must be separated by commas without spaces");
    }
    if v.split(',').any(str::is_empty) {
        return fail(
            f,
            "must not contain an empty scope (check for doubled or trailing commas)",
        );
    }
    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
    if !v
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
    {
        return fail(
            f,
            "may contain only visible ASCII characters other than \" and \\",
        );
    }
    Ok(())
}

const PROFILE_NAME_MAX: usize = 64;

/// Checks a profile name: it names keyring entries (`profile:<name>:...`) and is typed on the
/// command line, so it is limited to letters, digits, `-`, `_` and `.` (no `:`).
pub fn profile_name(v: &str) -> Result<(), FieldError> {
    let f = Field::ProfileName;
    if v.is_empty() {
        return fail(f, "is required");
    }
    let len = v.chars().count();
    if len > PROFILE_NAME_MAX {
        return fail(
            f,
            format!("must be at most {PROFILE_NAME_MAX} characters (got {len})"),
        );
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return fail(
            f,
            "may contain only letters, digits, hyphens (-), underscores (_) and dots (.)",
        );
    }
    if !v.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return fail(f, "must start with a letter or digit");
    }
    Ok(())
}

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

    const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn rule<T: fmt::Debug>(r: Result<T, FieldError>) -> String {
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

    #[test]
    fn org_id_rules() {
        assert!(org_id("5C1328435BF324E90A49402A@AdobeOrg").is_ok());
        assert!(rule(org_id("")).contains("required"));
        assert!(rule(org_id("5C13 28@AdobeOrg")).contains("spaces"));
        assert!(rule(org_id("5C1328435BF324E90A49402A")).contains("@AdobeOrg"));
        assert!(rule(org_id("5C1328435BF324E90A49402A@adobeorg")).contains("exactly"));
        assert!(rule(org_id("@AdobeOrg")).contains("before"));
        assert!(rule(org_id("5C13-28@AdobeOrg")).contains("letters and digits"));
        let long = format!("{}@AdobeOrg", "A".repeat(200));
        assert!(rule(org_id(&long)).contains("at most 128"));
    }

    #[test]
    fn sandbox_rules() {
        assert!(sandbox("prod").is_ok());
        assert!(sandbox("dev-emea-2").is_ok());
        assert!(rule(sandbox("")).contains("required"));
        assert!(rule(sandbox("Prod")).contains("lowercase"));
        assert!(rule(sandbox("my sandbox")).contains("only lowercase letters"));
        assert!(rule(sandbox("dev_1")).contains("only lowercase letters"));
        assert!(sandbox(&"a".repeat(256)).is_ok());
        assert!(rule(sandbox(&"a".repeat(257))).contains("at most 256"));
    }

    #[test]
    fn connection_name_and_description_rules() {
        assert!(connection_name("S3 Connection").is_ok());
        assert!(rule(connection_name("   ")).contains("required"));
        assert!(rule(connection_name("a\nb")).contains("line breaks"));
        assert!(connection_name(&"é".repeat(256)).is_ok());
        assert!(rule(connection_name(&"x".repeat(257))).contains("(got 257)"));
        assert!(description("").is_ok());
        assert!(description("line one\nline two\ttab").is_ok());
        assert!(rule(description("bell\u{7}")).contains("control"));
        assert!(rule(description(&"x".repeat(4001))).contains("at most 4000"));
    }

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

    #[test]
    fn service_url_rules() {
        for ok in [
            "https://s3.us-east-1.amazonaws.com",
            "https://s3.eu-west-1.amazonaws.com/",
            "https://minio.example.com:9000",
            "http://localhost:9000",
            "http://127.0.0.1:4566",
            "http://127.8.9.10",
            "http://[::1]:9000",
        ] {
            assert!(service_url(ok).is_ok(), "{ok}");
        }
        let cases = [
            ("", "must not be empty"),
            ("s3.amazonaws.com", "absolute URL"),
            ("http://s3.amazonaws.com", "must use https://"),
            ("http://localhost.example.com", "must use https://"),
            ("ftp://s3.amazonaws.com", "must start with https://"),
            ("https://user:pw@s3.amazonaws.com", "user name or password"),
            ("https://s3.amazonaws.com/?x=1", "query"),
            ("https://s3.amazonaws.com/#top", "fragment"),
            ("https://s3 .amazonaws.com", "spaces"),
            ("https://", "absolute URL"),
            ("file:///etc/passwd", "must start with https://"),
        ];
        for (url, want) in cases {
            let got = rule(service_url(url));
            assert!(got.contains(want), "{url}: {got}");
        }
        let e = service_url("https://AKIA:s3cr3t@host").unwrap_err();
        assert!(!e.to_string().contains("s3cr3t"));
    }

    #[test]
    fn base_url_uses_the_given_field() {
        assert!(base_url(Field::PlatformUrl, "https://platform.adobe.io").is_ok());
        assert!(base_url(Field::ImsUrl, "http://127.0.0.1:8080").is_ok());
        let e = base_url(Field::ImsUrl, "http://ims.example.com").unwrap_err();
        assert_eq!(e.field, Field::ImsUrl);
        assert!(e.to_string().starts_with("IMS URL: must use https://"));
    }

    #[test]
    fn loopback_hosts() {
        for yes in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "127.0.0.1",
            "127.255.0.9",
            "::1",
            "[::1]",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in [
            "",
            "example.com",
            "evil.localhost",
            "localhost.example.com",
            "128.0.0.1",
            "10.0.0.1",
            "::2",
            "0.0.0.0",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }

    #[test]
    fn client_id_scopes_and_profile_name_rules() {
        assert!(client_id("0123456789abcdef0123456789abcdef").is_ok());
        assert!(rule(client_id("")).contains("required"));
        assert!(rule(client_id("abc def")).contains("spaces"));
        assert!(rule(client_id("abcé")).contains("visible ASCII"));
        assert!(rule(client_id(&"a".repeat(257))).contains("at most 256"));

        assert!(scopes(crate::model::DEFAULT_SCOPES).is_ok());
        assert!(scopes("openid").is_ok());
        assert!(rule(scopes("")).contains("required"));
        assert!(rule(scopes("openid, AdobeID")).contains("without spaces"));
        assert!(rule(scopes("openid,,AdobeID")).contains("empty scope"));
        assert!(rule(scopes("openid,")).contains("empty scope"));
        assert!(rule(scopes("open\"id")).contains("other than"));

        for ok in ["default", "acme-prod", "client_a.dev", "9lives"] {
            assert!(profile_name(ok).is_ok(), "{ok}");
        }
        assert!(rule(profile_name("")).contains("required"));
        assert!(rule(profile_name("a:b")).contains("only letters"));
        assert!(rule(profile_name("my profile")).contains("only letters"));
        assert!(rule(profile_name("-x")).contains("start with"));
        assert!(rule(profile_name(&"a".repeat(65))).contains("at most 64"));
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
