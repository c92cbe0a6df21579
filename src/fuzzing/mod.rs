//! Fuzz entry points: one function per target in `fuzz/fuzz_targets/`, shared with
//! `tests/it/fuzz_corpus.rs`, which replays the committed corpus through them on stable in every
//! test run.
//!
//! Each function takes the raw fuzz input. Bad input must never panic the code under test; an
//! entry function panics (an `assert!`) only when an invariant is broken, which libFuzzer then
//! reports as a crash: an error that does not name its field, file or line, a parsed error that
//! lost its status or request ID, a validator that accepts what its rule rejects, a secret shown
//! in a message or `Debug` output, a config that does not survive a save and a load.
//!
//! There is no history import (history is only exported), so there is no target for one.

use std::path::Path;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;
use url::Url;

use crate::api::error::{ApiError, ClientError, EXCERPT_LIMIT, response_hint};
use crate::api::flow::{self, Connection, ConnectionPage, redacted_rotation_ops, rotation_ops};
use crate::api::http::RawResponse;
use crate::api::ims::parse_token_response;
use crate::api::platform::next_link;
use crate::cli::ToExit as _;
use crate::import::{ImportError, aws, console};
use crate::model::EpochMs;
use crate::secret::Secret;
use crate::store::config::{Config, ConfigError};

mod validators;
pub use validators::validators;

/// A target's entry function: it takes the raw fuzz input.
pub type Entry = fn(&[u8]);

/// Every target: its name (the directory under `fuzz/corpus/`) and its entry function.
pub const TARGETS: &[(&str, Entry)] = &[
    ("api_error", api_error),
    ("api_response", api_response),
    ("validators", validators),
    ("aws_ini", aws_ini),
    ("aws_csv", aws_csv),
    ("console_json", console_json),
    ("config_toml", config_toml),
];

/// Text no parser or message produces by itself: planted in secrets, it must never come out.
const CANARY: &str = "cAnArY7q9Z";
/// The name importers and the config loader are given for the input, so errors can name it.
const SOURCE_NAME: &str = "fuzz-input";
/// The `x-request-id` header given with responses.
const HEADER_REQUEST_ID: &str = "hdr-req-0001";
/// The first page URL of a list, as the client builds it.
const LIST_URL: &str = "https://platform.adobe.io/data/foundation/flowservice/connections?property=name%3D%3Dx&limit=100";

/// Error responses: status, `x-request-id` and `Retry-After` from the first three bytes, the
/// body from the rest. The error keeps the status, the header's request ID (else the body's),
/// the `Retry-After`; says something; names its code and request ID; bounds its raw excerpt.
pub fn api_error(data: &[u8]) {
    let [lo, hi, flags, body @ ..] = data else {
        return;
    };
    let status = 100 + u16::from_le_bytes([*lo, *hi]) % 500;
    let header_id = (flags & 1 != 0).then(|| HEADER_REQUEST_ID.to_owned());
    let retry_after = (flags & 2 != 0).then(|| Duration::from_secs(u64::from(flags >> 2)));
    let e = ApiError::from_response(status, body, header_id.clone(), retry_after);

    assert_eq!(e.status, status, "status changed");
    assert_eq!(e.retry_after, retry_after, "Retry-After changed");
    let expected_id = header_id.or_else(|| body_request_id(body));
    assert_eq!(e.request_id, expected_id, "request ID lost or invented");
    assert!(!e.message.trim().is_empty(), "empty message");
    assert!(
        e.raw_body.len() <= EXCERPT_LIMIT + '…'.len_utf8(),
        "raw excerpt not bounded"
    );
    assert_eq!(
        e.hint,
        response_hint(status, e.code.as_deref(), retry_after),
        "hint mismatch"
    );
    if status >= 500 {
        assert!(e.hint.is_some(), "a 5xx without a hint");
    }
    let shown = e.to_string();
    assert!(shown.starts_with(&format!("HTTP {status}")), "{shown}");
    if let Some(code) = &e.code {
        assert!(!code.trim().is_empty() && shown.contains(code.as_str()));
    }
    if let Some(id) = &e.request_id {
        assert!(shown.contains(id.as_str()), "request ID not shown: {shown}");
    }
    let client = ClientError::Api(Box::new(e.clone()));
    assert_eq!(client.status(), Some(status));
    assert_eq!(client.request_id(), e.request_id.as_deref());
    assert_eq!(client.is_ambiguous(), status >= 500);
    assert_eq!(client.exit_code(), if status >= 500 { 4 } else { 3 });
}

/// `report.request-id` of a JSON error body, as Adobe's Flow Service errors carry it.
fn body_request_id(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    match json.get("report")?.get("request-id")? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Success responses; the first byte picks the call: `POST /connections`, a `GET /connections`
/// page (with its `next` link), `GET /connections/{id}` (then a rotation built from it), or an
/// IMS token. Bodies that are not what the call expects are `InvalidResponse` errors that keep
/// status and request ID; next links never leave the origin; secrets stay out of messages.
pub fn api_response(data: &[u8]) {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let response = RawResponse {
        status: 200 + u16::from(*selector >> 2) % 7,
        headers: HeaderMap::new(),
        body: body.to_vec(),
        request_id: Some(HEADER_REQUEST_ID.to_owned()),
        elapsed: Duration::ZERO,
    };
    match selector % 4 {
        0 => created_response(response),
        1 => list_response(&response),
        2 => get_response(&response, body),
        _ => token_response(&response, body),
    }
}

/// An `InvalidResponse` for `what` that kept the status and request ID.
fn assert_invalid_response(e: &ClientError, what: &str, status: u16) {
    assert!(
        matches!(e, ClientError::InvalidResponse { .. }),
        "not InvalidResponse: {e:?}"
    );
    assert_eq!(e.status(), Some(status));
    assert_eq!(e.request_id(), Some(HEADER_REQUEST_ID));
    let shown = e.to_string();
    assert!(
        shown.contains(what) && shown.contains(HEADER_REQUEST_ID),
        "{shown}"
    );
}

fn created_response(response: RawResponse) {
    let status = response.status;
    match flow::parse_created(response) {
        Ok(created) => {
            assert!(!created.id.is_empty(), "an empty connection ID accepted");
            assert_eq!(created.request_id.as_deref(), Some(HEADER_REQUEST_ID));
            assert!(!created.reconciled);
        }
        Err(e) => {
            assert_invalid_response(&e, "POST /connections", status);
            // The connection may exist: it must be looked up, never blindly posted again.
            assert!(flow::is_ambiguous_create(&e), "not treated as ambiguous");
        }
    }
}

fn list_response(response: &RawResponse) {
    let page = match flow::parse_json::<ConnectionPage>(response, "GET /connections") {
        Ok(page) => page,
        Err(e) => return assert_invalid_response(&e, "GET /connections", response.status),
    };
    flow::connection_items(page.items, "GET /connections")
        .iter()
        .for_each(assert_round_trip);
    let base = Url::parse(LIST_URL).unwrap_or_else(|e| panic!("{LIST_URL}: {e}"));
    let service = base
        .join(&format!("{}/", flow::FLOW_PATH))
        .unwrap_or_else(|e| panic!("{e}"));
    if let Ok(Some(url)) = next_link(page.links.as_ref(), &service, &base, &base) {
        let next = url.as_str();
        assert_eq!(
            url.origin(),
            base.origin(),
            "followed a next link off the origin"
        );
        assert!(
            url.query_pairs().any(|(k, _)| k == "property"),
            "the next link lost the filters: {next}"
        );
    }
}

/// A connection written back as JSON reads as the same connection.
fn assert_round_trip(c: &Connection) {
    let value = serde_json::to_value(c).unwrap_or_else(|e| panic!("{e}"));
    let again: Connection = serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&again, c, "connection changed in a JSON round trip");
}

fn get_response(response: &RawResponse, body: &[u8]) {
    let what = "GET /connections/{id}";
    let page = match flow::parse_json::<ConnectionPage>(response, what) {
        Ok(page) => page,
        Err(e) => return assert_invalid_response(&e, what, response.status),
    };
    let items = flow::connection_items(page.items, what);
    let Some(conn) = items.first() else {
        return;
    };
    let _ = (conn.spec_id(), conn.auth_spec_name());
    let secret = Secret::new(format!("rotate-{CANARY}"));
    let token = Secret::new(format!("token-{CANARY}"));
    let key = "AKIAIOSFODNN7EXAMPLE";
    let ops = rotation_ops(conn, key, &secret, Some(&token));
    assert_eq!(ops[0]["op"], "replace");
    assert_eq!(ops[0]["path"], "/auth/params");
    assert_eq!(ops[0]["value"]["s3SecretKey"], secret.expose());
    let allowed = [
        "s3AccessKey",
        "s3SecretKey",
        "s3SessionToken",
        "bucketName",
        "folderPath",
        "serviceUrl",
    ];
    let params = ops[0]["value"].as_object().map(|m| m.keys().cloned());
    for k in params.into_iter().flatten() {
        assert!(allowed.contains(&k.as_str()), "rotation carries over `{k}`");
    }
    if !contains_bytes(body, CANARY.as_bytes()) {
        let redacted = redacted_rotation_ops(conn, key, true).to_string();
        assert!(
            !redacted.contains(CANARY),
            "a secret in the redacted rotation"
        );
    }
}

fn token_response(response: &RawResponse, body: &[u8]) {
    let requested_at = EpochMs(1_700_000_000_000);
    let token_text = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("access_token")?.as_str().map(str::to_owned));
    let input = String::from_utf8_lossy(body);
    match parse_token_response(response, requested_at) {
        Ok(token) => {
            assert!(!token.token.is_empty(), "an empty token accepted");
            assert!(
                token.expires_at.is_some_and(|end| end >= requested_at),
                "a token that expired before it was asked for"
            );
            let mut other = token.clone();
            other.token = Secret::new("other");
            assert_eq!(
                format!("{token:?}"),
                format!("{other:?}"),
                "Debug shows the token"
            );
        }
        Err(e) => {
            assert_invalid_response(&e, "IMS token request", response.status);
            if let Some(t) = token_text {
                assert_not_shown(&e.to_string(), &t, &input);
            }
        }
    }
}

/// The AWS shared credentials file (INI).
pub fn aws_ini(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let secrets = ini_secrets(&text);
    match aws::parse_credentials_ini(&text, SOURCE_NAME) {
        Ok(creds) => assert_credentials(&creds),
        Err(e) => assert_import_error(&e, &text, &secrets),
    }
}

/// The IAM console's access-key CSV.
pub fn aws_csv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let secrets = csv_secrets(&text);
    match aws::parse_iam_csv(&text, SOURCE_NAME) {
        Ok(creds) => {
            assert!(!creds.is_empty(), "Ok with no keys");
            assert_credentials(&creds);
        }
        Err(e) => assert_import_error(&e, &text, &secrets),
    }
}

/// Imported keys are complete, and their `Debug` output hides the secrets.
fn assert_credentials(creds: &[aws::AwsCredential]) {
    for c in creds {
        assert!(!c.access_key_id.is_empty() && !c.secret_key.is_empty());
        // Other secrets, same Debug: the output does not depend on them at all.
        let mut other = c.clone();
        other.secret_key = Secret::new("other");
        other.session_token = c.session_token.as_ref().map(|_| Secret::new("other"));
        assert_eq!(
            format!("{c:?}"),
            format!("{other:?}"),
            "Debug shows a secret"
        );
    }
}

/// An import error names the file, a line that exists, and repeats no secret of the input.
fn assert_import_error(e: &ImportError, text: &str, secrets: &[String]) {
    assert_eq!(e.source_name, SOURCE_NAME);
    let shown = e.to_string();
    assert!(shown.starts_with(SOURCE_NAME), "{shown}");
    assert!(!e.message.trim().is_empty(), "an error without a message");
    if let Some(line) = e.line {
        let lines = line_count(text);
        assert!(
            (1..=lines).contains(&line),
            "line {line} of a {lines}-line input"
        );
        assert!(shown.contains(&format!("line {line}")));
    }
    for s in secrets {
        assert_not_shown(&shown, s, text);
    }
}

/// Lines of `text`, ending at `\n`, `\r\n` or a lone `\r` (an upper bound for every parser).
fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n").matches(['\n', '\r']).count() + 1
}

/// Values of the INI's secret keys, found line by line (independently of the parser).
fn ini_secrets(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(['=', ':'])?;
            let key = key.trim();
            (key == "aws_secret_access_key" || key == "aws_session_token")
                .then(|| value.trim().to_owned())
        })
        .collect()
}

/// Values in the CSV's secret columns (`Secret access key`, the legacy `Password`).
fn csv_secrets(text: &str) -> Vec<String> {
    let field = |s: &str| s.trim().trim_matches('"').trim().to_owned();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<String> = lines
        .next()
        .map(|h| {
            h.split(',')
                .map(|s| field(s).to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let columns: Vec<usize> = (0..header.len())
        .filter(|&i| header[i] == "secret access key" || header[i] == "password")
        .collect();
    lines
        .flat_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            columns
                .iter()
                .filter_map(move |&i| cells.get(i).map(|c| field(c)))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The Adobe Developer Console project JSON.
pub fn console_json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut secrets = Vec::new();
    if let Ok(json) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) {
        collect_client_secrets(&json, &mut secrets);
    }
    match console::parse(&text, SOURCE_NAME) {
        Ok(c) => {
            assert!(!c.client_id.is_empty(), "no client ID");
            assert!(c.client_secrets.iter().all(|s| !s.is_empty()));
            let mut other = c.clone();
            other.client_secrets = vec![Secret::new("other"); c.client_secrets.len()];
            assert_eq!(
                format!("{c:?}"),
                format!("{other:?}"),
                "Debug shows a secret"
            );
        }
        Err(e) => assert_import_error(&e, &text, &secrets),
    }
}

/// Every string under a `client_secrets` or `client_secret` key, anywhere in the document.
fn collect_client_secrets(json: &Value, out: &mut Vec<String>) {
    match json {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "client_secrets" || k == "client_secret" {
                    match v {
                        Value::String(s) => out.push(s.clone()),
                        Value::Array(items) => {
                            out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
                        }
                        _ => {}
                    }
                }
                collect_client_secrets(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_client_secrets(v, out)),
        _ => {}
    }
}

/// `config.toml` as a user may have edited it: errors name the file and a place inside it; a
/// config that loads survives a save and a load unchanged.
pub fn config_toml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("/fuzz/config.toml");
    match Config::from_text(path, &text) {
        Ok(config) => {
            let mut names = std::collections::HashSet::new();
            assert!(config.profiles.iter().all(|p| names.insert(&p.name)));
            let _ = config.active();
            let saved = match config.to_text() {
                Ok(saved) => saved,
                // Only a value TOML cannot hold could fail here, and the loader never makes one.
                Err(e) => panic!("a loaded config does not save: {e}"),
            };
            let again = Config::from_text(path, &saved)
                .unwrap_or_else(|e| panic!("a saved config does not load: {e}\n{saved}"));
            assert_eq!(again, config, "the config changed in a save and load");
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.contains("/fuzz/config.toml"), "{shown}");
            match e {
                ConfigError::Parse {
                    line,
                    column,
                    message,
                    ..
                } => {
                    assert!(!message.trim().is_empty());
                    let lines = text.matches('\n').count() + 1;
                    if let Some(l) = line {
                        assert!((1..=lines).contains(&l), "line {l} of {lines}");
                        let width = text.split('\n').nth(l - 1).map_or(0, |s| s.chars().count());
                        assert!(column.is_some_and(|c| (1..=width + 1).contains(&c)));
                    }
                }
                ConfigError::DuplicateProfile { name, .. } => assert!(shown.contains(&name)),
                ConfigError::OutOfRange { key, rule, .. } => {
                    assert!(key.starts_with("timeouts."), "{key}");
                    assert!(shown.contains(&key) && shown.contains(&rule), "{shown}");
                }
                other => panic!("unexpected error from text: {other}"),
            }
        }
    }
}

/// Looks like a credential: long, and not made of words (so no fixed message contains it).
fn secret_like(s: &str) -> bool {
    s.len() >= 12
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(char::is_alphabetic)
        && !s.chars().any(char::is_whitespace)
}

/// A secret-like value found once in the input must not appear in `shown`. (A value that is
/// also elsewhere in the input, say as a section name, may legitimately be quoted from there.)
fn assert_not_shown(shown: &str, secret: &str, input: &str) {
    if secret_like(secret) && occurrences(input, secret) == 1 {
        assert!(!shown.contains(secret), "a secret in the message: {shown}");
    }
}

/// Occurrences of `needle` in `hay`, overlapping ones included.
fn occurrences(hay: &str, needle: &str) -> usize {
    hay.char_indices()
        .filter(|(i, _)| hay[*i..].starts_with(needle))
        .count()
}

fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Runs `target` on `data`; `None` when no target has that name.
pub fn run(target: &str, data: &[u8]) -> Option<()> {
    let (_, f) = TARGETS.iter().find(|(name, _)| *name == target)?;
    f(data);
    Some(())
}
