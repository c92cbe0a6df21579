//! The `validators` target: each field validator accepts exactly what an independent statement
//! of its rule allows, names its field in errors, and never repeats a secret.

use reqwest::header::HeaderValue;
use url::{Host, Url};

use super::CANARY;
use crate::api::flow::{create_body, redacted_create_body};
use crate::api::http::check_url;
use crate::model::S3ConnectionInput;
use crate::secret::Secret;
use crate::validate::{self, Field, FieldError};

/// The field validators: the first byte picks one, the rest is the value (fields separated by
/// U+001E for the checks that take several). Each accepts exactly what its rule allows (an
/// independent statement of the rule), errors name their field, and no message repeats a secret.
pub fn validators(data: &[u8]) {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let v = text.as_ref();
    match selector % 14 {
        0 => same(Field::OrgId, validate::org_id(v), org_id_rule(v), v),
        1 => same(Field::Sandbox, validate::sandbox(v), sandbox_rule(v), v),
        2 => same(Field::Name, validate::connection_name(v), name_rule(v), v),
        3 => same(
            Field::Description,
            validate::description(v),
            description_rule(v),
            v,
        ),
        4 => {
            let r = validate::access_key_id(v);
            if let Ok(warnings) = &r {
                assert_eq!(
                    warnings.is_empty(),
                    v.len() == 20,
                    "length warning for {v:?}"
                );
            }
            same(Field::AccessKeyId, r.map(drop), access_key_rule(v), v);
        }
        5 => secret_key(v),
        6 => session_token(v),
        7 => same(
            Field::BucketName,
            validate::bucket_name(v),
            bucket_rule(v),
            v,
        ),
        8 => same(
            Field::FolderPath,
            validate::folder_path(v),
            folder_rule(v),
            v,
        ),
        9 => url_field(v),
        10 => same(
            Field::ClientId,
            validate::client_id(v),
            client_id_rule(v),
            v,
        ),
        11 => same(Field::Scopes, validate::scopes(v), scopes_rule(v), v),
        12 => same(
            Field::ProfileName,
            validate::profile_name(v),
            profile_rule(v),
            v,
        ),
        _ => s3_input(v),
    }
}

/// The validator's verdict equals the rule's, and an error names its field.
fn same(field: Field, result: Result<(), FieldError>, rule_allows: bool, v: &str) {
    match result {
        Ok(()) => assert!(
            rule_allows,
            "{field} accepted {v:?}, which the rule rejects"
        ),
        Err(e) => {
            assert_names_field(&e, field);
            assert!(
                !rule_allows,
                "{field} rejected {v:?}, which the rule allows: {e}"
            );
        }
    }
}

fn assert_names_field(e: &FieldError, field: Field) {
    assert_eq!(e.field, field);
    assert!(!e.rule.trim().is_empty(), "an error without a rule");
    assert!(e.to_string().starts_with(&format!("{}: ", field.label())));
}

fn is_header_value(v: &str) -> bool {
    HeaderValue::from_str(v).is_ok()
}

fn org_id_rule(v: &str) -> bool {
    let ok = v.len() <= 128
        && v.strip_suffix("@AdobeOrg")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    // Sent as the x-gw-ims-org-id header.
    ok && is_header_value(v)
}

fn sandbox_rule(v: &str) -> bool {
    (1..=256).contains(&v.len())
        && v.bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
        && is_header_value(v)
}

/// Unicode's explicit bidirectional formatting characters and marks (UAX #9, table 1 and 2).
fn is_bidi_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

fn name_rule(v: &str) -> bool {
    !v.trim().is_empty()
        && !v.chars().any(|c| c.is_control() || is_bidi_format(c))
        && v.chars().count() <= 256
}

fn description_rule(v: &str) -> bool {
    v.chars().count() <= 4000
        && v.chars()
            .all(|c| !is_bidi_format(c) && (!c.is_control() || matches!(c, '\n' | '\r' | '\t')))
}

fn access_key_rule(v: &str) -> bool {
    (16..=128).contains(&v.len())
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// AWS's naming rules for general purpose buckets, as its documentation lists them.
fn bucket_rule(v: &str) -> bool {
    let b = v.as_bytes();
    let ip_like = v.split('.').count() == 4
        && v.split('.')
            .all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_digit()));
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && !v.contains("..")
        && !ip_like
        && !["xn--", "sthree-", "amzn-s3-demo-"]
            .iter()
            .any(|p| v.starts_with(p))
        && !["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
            .iter()
            .any(|s| v.ends_with(s))
}

fn folder_rule(v: &str) -> bool {
    !v.trim().is_empty()
        && v.len() <= 1024
        && !v.chars().any(char::is_control)
        && !v.split('/').any(|s| s == "..")
}

fn client_id_rule(v: &str) -> bool {
    (1..=256).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()) && is_header_value(v)
}

fn scopes_rule(v: &str) -> bool {
    !v.is_empty()
        && v.split(',').all(|s| !s.is_empty())
        && v.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

fn profile_rule(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && v.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

fn has_space_or_control(v: &str) -> bool {
    v.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn secret_key(v: &str) {
    let r = validate::secret_key(&Secret::new(v));
    same(
        Field::SecretKey,
        r.map(drop),
        !v.is_empty() && v.len() <= 1024 && !has_space_or_control(v),
        "(secret)",
    );
    let planted = Secret::new(format!("{v}{CANARY}"));
    match validate::secret_key(&planted) {
        Ok(warnings) => warnings.iter().for_each(|w| {
            assert!(
                !w.to_string().contains(CANARY),
                "a warning shows the secret"
            );
        }),
        Err(e) => assert!(!e.to_string().contains(CANARY), "an error shows the secret"),
    }
}

fn session_token(v: &str) {
    let (key, token) = v.split_once('\u{1e}').unwrap_or((v, ""));
    let present = !token.is_empty();
    let rule = if present {
        !key.starts_with("AKIA") && !has_space_or_control(token) && token.len() <= 64 * 1024
    } else {
        !key.starts_with("ASIA")
    };
    let t = Secret::new(token);
    same(
        Field::SessionToken,
        validate::session_token(key, Some(&t)),
        rule,
        "(token)",
    );
    let planted = Secret::new(format!("{token}{CANARY}"));
    if let Err(e) = validate::session_token(key, Some(&planted)) {
        assert!(!e.to_string().contains(CANARY), "an error shows the token");
    }
}

/// Service, Platform and IMS URLs: an accepted URL is https, or plain http to this computer only,
/// with no credentials, query or fragment; and the transport accepts it too.
fn url_field(v: &str) {
    for (field, result) in [
        (Field::ServiceUrl, validate::service_url(v)),
        (
            Field::PlatformUrl,
            validate::base_url(Field::PlatformUrl, v),
        ),
        (Field::ImsUrl, validate::base_url(Field::ImsUrl, v)),
    ] {
        match result {
            Ok(()) => {
                let url = Url::parse(v).unwrap_or_else(|e| panic!("accepted {v:?}: {e}"));
                match url.scheme() {
                    "https" => assert!(url.host_str().is_some_and(|h| !h.is_empty())),
                    "http" => assert!(loopback_rule(&url), "http to a remote host: {v:?}"),
                    other => panic!("accepted scheme {other}: {v:?}"),
                }
                assert!(url.username().is_empty() && url.password().is_none());
                assert!(url.query().is_none() && url.fragment().is_none());
                assert!(check_url(v).is_ok(), "the transport refuses {v:?}");
            }
            Err(e) => assert_names_field(&e, field),
        }
    }
    // A secret pasted into a URL field by mistake is not repeated in the message.
    if let Err(e) = validate::service_url(&format!("{v}{CANARY}")) {
        assert!(
            !e.to_string().contains(CANARY),
            "the message repeats the URL"
        );
    }
}

fn loopback_rule(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(a)) => a.octets()[0] == 127,
        Some(Host::Ipv6(a)) => {
            a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.octets()[0] == 127)
        }
        Some(Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.eq_ignore_ascii_case("localhost.")
        }
        None => false,
    }
}

/// The whole create form: errors are exactly the fields whose own check fails; accepted input
/// builds a request whose redacted forms and cURL carry no secret.
fn s3_input(v: &str) {
    let input = form(v);
    let failing = failing_fields(&input);
    match validate::s3_input(&input) {
        Ok(warnings) => {
            assert!(
                failing.is_empty(),
                "accepted although {failing:?} fail alone"
            );
            for w in &warnings {
                assert!(!w.to_string().contains(CANARY), "a warning shows a secret");
            }
            assert_request_hides_secrets(&input);
        }
        Err(errors) => {
            let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
            assert_eq!(
                fields, failing,
                "the form's errors differ from the fields' own"
            );
            for e in &errors {
                assert!(!e.to_string().contains(CANARY), "an error shows a secret");
            }
        }
    }
}

/// The form the fuzz input fills in: its fields in order, separated by U+001E, with the canary
/// planted in both secrets; an empty optional field is left out.
fn form(v: &str) -> S3ConnectionInput {
    let mut parts = v.split('\u{1e}');
    let mut next = || parts.next().map(str::to_owned);
    let opt = |s: Option<String>| s.filter(|s| !s.is_empty());
    let name = next().unwrap_or_default();
    let description = opt(next());
    let access_key_id = next().unwrap_or_default();
    let secret_key = Secret::new(format!("{}{CANARY}", next().unwrap_or_default()));
    let session_token = opt(next()).map(|t| Secret::new(format!("{t}{CANARY}")));
    S3ConnectionInput {
        name,
        description,
        access_key_id,
        secret_key,
        session_token,
        bucket_name: opt(next()),
        folder_path: opt(next()),
        service_url: opt(next()),
    }
}

/// The fields whose own validator refuses them, in the form's order: what the whole form must
/// report, no more and no less.
fn failing_fields(input: &S3ConnectionInput) -> Vec<Field> {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(str::is_empty);
    let mut failing: Vec<Field> = Vec::new();
    let mut note = |f: Field, r: Result<(), FieldError>| {
        if r.is_err() {
            failing.push(f);
        }
    };
    note(Field::Name, validate::connection_name(&input.name));
    if !blank(&input.description) {
        note(
            Field::Description,
            validate::description(text_of(&input.description)),
        );
    }
    note(
        Field::AccessKeyId,
        validate::access_key_id(&input.access_key_id).map(drop),
    );
    note(
        Field::SecretKey,
        validate::secret_key(&input.secret_key).map(drop),
    );
    let token = input.session_token.as_ref();
    note(
        Field::SessionToken,
        validate::session_token(&input.access_key_id, token),
    );
    for (field, value, check) in [
        (
            Field::BucketName,
            &input.bucket_name,
            validate::bucket_name as fn(&str) -> _,
        ),
        (Field::FolderPath, &input.folder_path, validate::folder_path),
        (Field::ServiceUrl, &input.service_url, validate::service_url),
    ] {
        if !blank(value) {
            note(field, check(text_of(value)));
        }
    }
    failing
}

/// An accepted form's request, as it is logged (redacted) and copied (cURL), carries no secret.
fn assert_request_hides_secrets(input: &S3ConnectionInput) {
    let redacted = redacted_create_body(input).to_string();
    assert!(!redacted.contains(CANARY), "a secret in the redacted body");
    let curl = crate::records::curl::create_connection_curl(
        "https://platform.adobe.io",
        Some("client"),
        "ORG@AdobeOrg",
        "dev",
        &create_body(input),
    );
    assert!(!curl.contains(CANARY), "a secret in the cURL command");
}

fn text_of(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or_default()
}
