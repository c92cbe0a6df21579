//! The rules for the Adobe side of a profile and a connection: organisation, client ID, sandbox,
//! scopes, profile name, and a connection's name and description.

use super::{
    Field, FieldError, NO_CONTROL, NO_DIRECTION_CONTROL, NO_SPACES, fail, has_control,
    has_direction_control, has_whitespace,
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tests::rule;

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
}
