//! One error type for everything Adobe (or a proxy in front of it) can answer, and for the ways a
//! request can fail before an answer arrives.
//!
//! Every body shape of docs/flow-service-api.md §4 is parsed into status, Adobe code, message, request
//! ID and, for the codes whose cause is known, a plain-language hint.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::error::{Answer, ErrorClass, Problem};

/// Longest raw body excerpt kept on an error (the whole body is never kept).
pub const EXCERPT_LIMIT: usize = 4096;

/// An error status answered by IMS, the API gateway, Flow Service or a proxy in front of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Adobe's code as Adobe writes it: `401013`, `FLOW-2100-404`, `invalid_client`, `BadRequestError`.
    pub code: Option<String>,
    /// Adobe's message, or a short excerpt of an HTML/plain body.
    pub message: String,
    /// `x-request-id` of the response (users quote it to Adobe support).
    pub request_id: Option<String>,
    /// What the user can do about it, when the cause is known.
    pub hint: Option<String>,
    /// `Retry-After`, when the server sent one.
    pub retry_after: Option<Duration>,
    /// The start of the raw body, for "show raw response".
    pub raw_body: String,
}

/// How a request failed before a complete answer arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkErrorKind {
    /// Could not connect (refused, DNS, TLS handshake).
    Connect,
    /// The connect or total timeout ran out.
    Timeout,
    /// The connection broke after the request may have been sent.
    Dropped,
}

/// Every way a call to IMS or Platform can fail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No complete answer arrived.
    #[error("{}", network_message(*.kind, .url, .detail))]
    Network {
        /// Connect, timeout or dropped.
        kind: NetworkErrorKind,
        /// The URL called (never contains secrets: they travel in headers and bodies).
        url: String,
        /// The transport's own words.
        detail: String,
    },
    /// The server answered success, but with a body this client cannot use.
    #[error(
        "{what}: the server answered HTTP {status} with a body that could not be read ({detail}){}",
        request_id_suffix(.request_id)
    )]
    InvalidResponse {
        /// Which call.
        what: String,
        /// HTTP status.
        status: u16,
        /// Why the body is unusable.
        detail: String,
        /// `x-request-id`, if any.
        request_id: Option<String>,
    },
    /// A URL that would send credentials in clear text or is not a URL.
    #[error("{0}")]
    BadUrl(String),
    /// The call needs something the caller did not give (a client secret, a token).
    #[error("{0}")]
    Missing(String),
    /// A create failed ambiguously (timeout, dropped connection) and no lookup could tell whether
    /// Adobe made the connection: it may still be landing, or the lookup itself failed.
    #[error(
        "{cause}\nThe connection may have been created; run `aep-s3-connect history` to settle it (it shows as pending until AEP's list tells). {lookup}"
    )]
    OutcomeUnknown {
        /// The create's own failure.
        cause: Box<ClientError>,
        /// What the lookup after it found, as a sentence.
        lookup: String,
    },
    /// The gateway refused the access token (401) and IMS could not renew it. Adobe answered,
    /// so the request changed nothing.
    #[error(
        "{rejected}\nAdobe refused the request, so nothing was created or changed; asking IMS for a new access token failed too: {renewal}"
    )]
    TokenRenewal {
        /// The gateway's 401.
        rejected: Box<ApiError>,
        /// Why IMS gave no new token.
        renewal: Box<ClientError>,
    },
    /// A paged list could not be read to its end: what was read is not the whole list.
    #[error(
        "{what}: the list could not be read to its end (stopped after {pages} page(s), {items} item(s)): {reason}"
    )]
    Incomplete {
        /// Which call.
        what: String,
        /// Pages read.
        pages: usize,
        /// Items read.
        items: usize,
        /// Why it stopped, as a sentence.
        reason: String,
        /// The failure of the page that could not be read, when that is why.
        cause: Option<Box<ClientError>>,
    },
}

impl ClientError {
    /// True when the request may have reached the server and been processed although no success
    /// arrived: a timeout, a dropped connection or a 5xx. A `POST` must not simply be repeated then.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Self::Api(e) => e.status >= 500,
            Self::Network { kind, .. } => {
                matches!(kind, NetworkErrorKind::Timeout | NetworkErrorKind::Dropped)
            }
            Self::InvalidResponse { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// The `x-request-id` of the answer, if one arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id.as_deref(),
            Self::InvalidResponse { request_id, .. } => request_id.as_deref(),
            Self::OutcomeUnknown { cause, .. } => cause.request_id(),
            Self::TokenRenewal { rejected, .. } => rejected.request_id.as_deref(),
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(Self::request_id),
            _ => None,
        }
    }

    /// The HTTP status, if an answer arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::InvalidResponse { status, .. } => Some(*status),
            Self::OutcomeUnknown { cause, .. } => cause.status(),
            Self::TokenRenewal { rejected, .. } => Some(rejected.status),
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(Self::status),
            _ => None,
        }
    }

    /// Adobe's code, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.code.as_deref(),
            Self::OutcomeUnknown { cause, .. } => cause.code(),
            Self::TokenRenewal { rejected, .. } => rejected.code.as_deref(),
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(Self::code),
            _ => None,
        }
    }

    /// The plain-language hint, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.hint.as_deref(),
            Self::Network { kind, .. } => Some(match kind {
                NetworkErrorKind::Connect => {
                    "Check the network, a proxy or the platform/IMS URL of the profile."
                }
                NetworkErrorKind::Timeout => {
                    "The server did not answer in time; try again, or raise the timeouts in config.toml."
                }
                NetworkErrorKind::Dropped => "The connection broke; try again.",
            }),
            Self::OutcomeUnknown { cause, .. } => cause.hint(),
            Self::TokenRenewal { renewal, .. } => renewal.hint(),
            Self::Incomplete { cause, .. } => Some(cause.as_deref().and_then(Self::hint).unwrap_or(
                "Nothing was concluded from the part that was read; try again, and if it keeps stopping, quote the request ID to Adobe support.",
            )),
            _ => None,
        }
    }
}

impl ClientError {
    /// The raw answer's status, code, request ID and body start, as front ends show them.
    fn answer_of(&self) -> Answer<'_> {
        let raw_body = match self {
            Self::Api(api) => Some(api.raw_body.as_str()),
            Self::TokenRenewal { rejected, .. } => Some(rejected.raw_body.as_str()),
            Self::OutcomeUnknown { cause, .. } => cause.answer_of().raw_body,
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(|c| c.answer_of().raw_body),
            _ => None,
        };
        Answer {
            status: self.status(),
            code: self.code(),
            request_id: self.request_id(),
            raw_body,
        }
    }
}

/// A client error's class: an answer below 500 is a refusal, no answer or a 5xx is
/// unavailability, and a bad URL or a missing credential is the user's input.
impl Problem for ClientError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Api(e) if e.status < 500 => ErrorClass::Rejected,
            Self::Api(_)
            | Self::Network { .. }
            | Self::InvalidResponse { .. }
            | Self::OutcomeUnknown { .. } => ErrorClass::Unavailable,
            Self::BadUrl(_) | Self::Missing(_) => ErrorClass::Input,
            Self::TokenRenewal { renewal, .. } => renewal.class(),
            Self::Incomplete { cause, .. } => cause
                .as_deref()
                .map_or(ErrorClass::Unavailable, Problem::class),
        }
    }

    fn answer(&self) -> Option<Answer<'_>> {
        Some(self.answer_of())
    }

    fn hint(&self) -> Option<String> {
        ClientError::hint(self).map(str::to_owned)
    }

    fn summary(&self) -> String {
        match self {
            Self::Api(api) => api.message.clone(),
            other => other.to_string(),
        }
    }
}

fn request_id_suffix(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" (request ID {id})"))
        .unwrap_or_default()
}

fn network_message(kind: NetworkErrorKind, url: &str, detail: &str) -> String {
    let what = match kind {
        NetworkErrorKind::Connect => "could not connect to",
        NetworkErrorKind::Timeout => "timed out waiting for",
        NetworkErrorKind::Dropped => "lost the connection to",
    };
    format!("{what} {url}: {detail}")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// Builds the error from an error response: status, body bytes (possibly cut short), the
    /// `x-request-id` and `Retry-After` headers.
    pub fn from_response(
        status: u16,
        body: &[u8],
        request_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let text = String::from_utf8_lossy(body);
        let raw_body = excerpt(&text, EXCERPT_LIMIT);
        let parsed = serde_json::from_slice::<Value>(body)
            .ok()
            .filter(Value::is_object);
        let (code, message, body_request_id) = match &parsed {
            Some(json) => parse_json_error(json),
            None => (None, None, None),
        };
        let message = message.unwrap_or_else(|| fallback_message(status, &text));
        let request_id = request_id.or(body_request_id);
        let hint = response_hint(status, code.as_deref(), retry_after);
        Self {
            status,
            code,
            message,
            request_id,
            hint,
            retry_after,
            raw_body,
        }
    }
}

/// (code, message, request ID in the body) from any of Adobe's JSON error shapes.
fn parse_json_error(json: &Value) -> (Option<String>, Option<String>, Option<String>) {
    let s = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let report = json.get("report");
    let report_field = |k: &str| s(report.and_then(|r| r.get(k)));
    // Whatever the shape, a request ID in the body is kept (found by the api_error fuzz target).
    let request_id = report_field("request-id");
    // API gateway: {"error_code": "401013", "message": "..."}
    if let Some(code) = s(json.get("error_code")) {
        return (Some(code), s(json.get("message")), request_id);
    }
    // OAuth (IMS): {"error": "invalid_client", "error_description": "..."}
    if let Some(code) = s(json.get("error")) {
        let message = s(json.get("error_description")).or_else(|| Some(code.clone()));
        return (Some(code), message, request_id);
    }
    // Flow Service: {"type": ".../FLOW-1439-404", "title", "report": {...}, "errorMessage"}
    let flow_code = s(json.get("type")).and_then(|t| {
        t.rsplit('/')
            .next()
            .filter(|last| last.starts_with("FLOW-") || last.starts_with("CONNECTOR-"))
            .map(str::to_owned)
    });
    let title = s(json.get("title"));
    let code = flow_code.or_else(|| {
        // BadRequestError: {"type": "/placeholder/type/uri", "title": "BadRequestError", "detail": ...}
        title
            .as_ref()
            .filter(|t| !t.contains(' ') && t.ends_with("Error"))
            .cloned()
    });
    let message = s(json.get("errorMessage"))
        .or_else(|| report_field("detailed-message"))
        .or_else(|| s(json.get("detail")))
        .or_else(|| s(json.get("message")))
        .or(title);
    (code, message, request_id)
}

fn fallback_message(status: u16, text: &str) -> String {
    let reason = http_reason(status);
    let cleaned = strip_markup(text);
    if cleaned.is_empty() {
        format!("{reason} (empty response body)")
    } else {
        format!("{reason}: {}", excerpt(&cleaned, 200))
    }
}

fn http_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unexpected response",
    }
}

/// Text of an HTML page without tags, whitespace collapsed; `<title>` first when present.
fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(1024));
    let mut in_tag = false;
    let lower = text.to_ascii_lowercase();
    // Skip <head>/<style>/<script> contents: they are not for people.
    let mut skip_ranges: Vec<(usize, usize)> = ["style", "script"]
        .iter()
        .flat_map(|tag| {
            let open = format!("<{tag}");
            let close = format!("</{tag}>");
            let mut ranges = Vec::new();
            let mut from = 0;
            while let Some(start) = lower[from..].find(&open).map(|i| i + from) {
                let end = lower[start..]
                    .find(&close)
                    .map_or(lower.len(), |i| start + i + close.len());
                ranges.push((start, end));
                from = end;
            }
            ranges
        })
        .collect();
    // Walked in order with a cursor: testing every range at every character was quadratic (a
    // 64 KiB proxy page of `<style></style>` took seconds; found by the api_error fuzz target).
    skip_ranges.sort_unstable();
    let mut next = 0;
    for (i, ch) in text.char_indices() {
        while skip_ranges.get(next).is_some_and(|&(_, end)| end <= i) {
            next += 1;
        }
        if skip_ranges.get(next).is_some_and(|&(start, _)| start <= i) {
            continue;
        }
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            _ => out.push(ch),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `limit` bytes of `text`, cut at a character boundary, with `…` when cut.
pub fn excerpt(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A wait as people read it: `45 s`, `600 s (10 min)`, `90 s (about 2 min)`, `7200 s (2 h)`.
pub fn describe_wait(wait: Duration) -> String {
    let secs = wait.as_secs().max(u64::from(wait.subsec_nanos() > 0));
    let (unit, name) = match secs {
        0..60 => return format!("{secs} s"),
        60..3600 => (60, "min"),
        _ => (3600, "h"),
    };
    if secs % unit == 0 {
        format!("{secs} s ({} {name})", secs / unit)
    } else {
        format!("{secs} s (about {} {name})", secs.div_ceil(unit))
    }
}

/// The number inside a Flow code: `FLOW-2100-404` → `2100`.
fn flow_number(code: &str) -> Option<&str> {
    let rest = code
        .strip_prefix("FLOW-")
        .or_else(|| code.strip_prefix("CONNECTOR-"))?;
    rest.split('-').next()
}

/// The hint of an error response: a 429 that says how long to wait says so (the client waits
/// only up to `max_retry_after`, so a longer wait is the user's to do), else [`hint_for`].
pub fn response_hint(
    status: u16,
    code: Option<&str>,
    retry_after: Option<Duration>,
) -> Option<String> {
    match retry_after.filter(|wait| status == 429 && !wait.is_zero()) {
        Some(wait) => Some(format!(
            "Too many requests: Adobe asks to wait {} before trying again.",
            describe_wait(wait)
        )),
        None => hint_for(status, code),
    }
}

/// The plain-language hint for the codes whose cause is known.
pub fn hint_for(status: u16, code: Option<&str>) -> Option<String> {
    let known = code.and_then(|code| {
        let hint = match flow_number(code).unwrap_or(code) {
            "403010" => "No access token was sent. Set up the profile's client secret or AEP_ACCESS_TOKEN.",
            "401013" => "The access token is invalid or expired. Run `aep-s3-connect token` for a new one; if you set AEP_ACCESS_TOKEN, paste a fresh token.",
            "403000" => "The x-api-key header is missing: the profile needs a client ID.",
            "403003" => "The API key is not valid for this token: the client ID must belong to the same Developer Console credential that issued the token.",
            "400003" | "2001" | "2002" => "The IMS organisation header is missing or empty: set the profile's org ID (…@AdobeOrg).",
            "403025" => "The credential is not entitled in this organisation: check the org ID, and that the Developer Console project has the Experience Platform API with a product profile.",
            "403027" => "The credential has no user region: add an Experience Platform product profile to the credential in the Developer Console.",
            "429050" => "Adobe is throttling this credential. Wait a moment and try again.",
            "2100" => "The sandbox does not exist in this organisation (or the credential cannot see it). Check the sandbox name: it is all lowercase, e.g. `prod`.",
            "2105" => "The sandbox name is missing: set it on the profile or with --sandbox.",
            "2118" => "The credential lacks a permission in this sandbox: its product profile needs the Sources permissions (View Sources, Manage Sources) for this sandbox.",
            "1301" | "1302" => "Flow Service does not support this auth spec for Amazon S3; use \"Access Key\".",
            "1304" => "A mandatory field is missing from the request.",
            "1403" => "The update needs the connection's etag (If-Match).",
            "1404" => "Someone changed the connection since you read it: fetch it again for the new etag, then retry.",
            "1414" => "The connection spec of a connection cannot be changed.",
            "1418" => "The connection is used by a dataflow: delete or update the dataflow first.",
            "1439" => "The connection was not found in this sandbox.",
            "invalid_client" => "IMS rejected the client ID or client secret: copy them again from the Developer Console (project > OAuth Server-to-Server credential).",
            "invalid_scope" => "IMS rejected the scopes: use the ones the Developer Console lists for the credential.",
            "unsupported_grant_type" => "IMS expects grant_type=client_credentials (OAuth Server-to-Server).",
            "BadRequestError" => "The request was malformed (this is a bug in aep-s3-connect: please report it with the request ID).",
            _ => return None,
        };
        Some(hint.to_owned())
    });
    known.or_else(|| match status {
        401 => Some("Not authenticated: get a new token (`aep-s3-connect token`).".to_owned()),
        403 => Some("Not allowed: check the credential's product profile and permissions.".to_owned()),
        429 => Some("Too many requests: wait a moment and try again.".to_owned()),
        500..=599 => Some(
            "Adobe's service (or a gateway in front of it) failed. Try again later; if it persists, give Adobe support the request ID."
                .to_owned(),
        ),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::with_hint;

    fn parse(status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, body.as_bytes(), Some("req-1".into()), None)
    }

    #[test]
    fn gateway_shape() {
        let e = parse(
            401,
            r#"{"error_code": "401013", "message": "Oauth token is not valid"}"#,
        );
        assert_eq!(e.code.as_deref(), Some("401013"));
        assert_eq!(e.message, "Oauth token is not valid");
        assert!(e.hint.as_deref().unwrap_or_default().contains("expired"));
    }

    #[test]
    fn flow_shape_with_report() {
        let body = r#"{"type": "https://ns.adobe.com/aep/errors/FLOW-2100-404", "title": "Not found", "status": 404,
            "report": {"detailed-message": "detail", "request-id": "body-req"},
            "errorMessage": "The sandbox with the name 'dev' could not be found"}"#;
        let e = ApiError::from_response(404, body.as_bytes(), None, None);
        assert_eq!(e.code.as_deref(), Some("FLOW-2100-404"));
        assert_eq!(
            e.message,
            "The sandbox with the name 'dev' could not be found"
        );
        assert_eq!(e.request_id.as_deref(), Some("body-req"));
        assert!(e.hint.as_deref().unwrap_or_default().contains("sandbox"));
    }

    #[test]
    fn flow_shape_without_error_message_uses_report() {
        let body = r#"{"type": "https://ns.adobe.com/aep/errors/FLOW-1439-404", "title": "Resource not found", "report": {"detailed-message": "The requested connection is not found."}}"#;
        let e = parse(404, body);
        assert_eq!(e.message, "The requested connection is not found.");
    }

    #[test]
    fn bad_request_error_shape() {
        let body = r#"{"type": "/placeholder/type/uri", "status": 400, "title": "BadRequestError", "detail": "A valid content-type must be specified"}"#;
        let e = parse(400, body);
        assert_eq!(e.code.as_deref(), Some("BadRequestError"));
        assert_eq!(e.message, "A valid content-type must be specified");
    }

    #[test]
    fn oauth_shape() {
        let e = parse(
            401,
            r#"{"error": "invalid_client", "error_description": "invalid client_secret parameter"}"#,
        );
        assert_eq!(e.code.as_deref(), Some("invalid_client"));
        assert_eq!(e.message, "invalid client_secret parameter");
        assert!(e.hint.is_some());
    }

    #[test]
    fn html_and_empty_bodies() {
        let e = parse(
            502,
            "<html><head><title>502</title><style>body{}</style></head><body><h1>Bad Gateway</h1></body></html>",
        );
        assert_eq!(e.code, None);
        assert_eq!(e.message, "Bad Gateway: 502 Bad Gateway");
        assert!(e.hint.is_some());
        let e = parse(504, "");
        assert_eq!(e.message, "Gateway Timeout (empty response body)");
    }

    #[test]
    fn every_style_and_script_block_is_skipped() {
        // Nested, overlapping and unclosed blocks, many of them: the cursor over sorted ranges
        // must skip exactly what the old every-range scan skipped.
        let many = "<style>a{}</style>x".repeat(1000);
        assert_eq!(strip_markup(&many), "x".repeat(1000));
        let mixed = "<script>s<style>t</script>u</style>v<SCRIPT>w</script>z<style>open";
        assert_eq!(strip_markup(mixed), "vz");
    }

    #[test]
    fn garbage_never_panics() {
        for body in [
            "{",
            "[1,2]",
            "null",
            "\u{0}\u{1}",
            "{\"error_code\": 5}",
            "{\"type\": 3}",
        ] {
            let e = parse(500, body);
            assert!(!e.message.is_empty());
        }
        let e = parse(400, "{\"error_code\": 400003}");
        assert_eq!(e.code.as_deref(), Some("400003"));
    }

    /// Regression: a 429 whose Retry-After is longer than the client waits said only
    /// "wait a moment"; it must say how long Adobe asks for.
    #[test]
    fn too_many_requests_says_how_long_to_wait() {
        let throttled = |wait| {
            ApiError::from_response(
                429,
                br#"{"error_code": "429050", "message": "Too many requests"}"#,
                None,
                Some(Duration::from_secs(wait)),
            )
        };
        let e = throttled(600);
        let hint = e.hint.as_deref().unwrap_or_default();
        assert!(
            hint.contains("Adobe asks to wait 600 s (10 min) before trying again"),
            "{hint}"
        );
        assert!(e.to_string().contains("600 s (10 min)"), "{e}");
        assert!(
            ClientError::Api(Box::new(throttled(5)))
                .hint()
                .unwrap_or_default()
                .contains("wait 5 s")
        );
        // Without Retry-After the code's own hint stays.
        let e = ApiError::from_response(429, br#"{"error_code": "429050"}"#, None, None);
        assert!(e.hint.unwrap_or_default().contains("throttling"));
    }

    #[test]
    fn waits_read_as_people_say_them() {
        let d = Duration::from_secs;
        assert_eq!(describe_wait(d(0)), "0 s");
        assert_eq!(describe_wait(Duration::from_millis(300)), "1 s");
        assert_eq!(describe_wait(d(59)), "59 s");
        assert_eq!(describe_wait(d(60)), "60 s (1 min)");
        assert_eq!(describe_wait(d(90)), "90 s (about 2 min)");
        assert_eq!(describe_wait(d(600)), "600 s (10 min)");
        assert_eq!(describe_wait(d(7200)), "7200 s (2 h)");
        assert_eq!(describe_wait(d(5400)), "5400 s (about 2 h)");
        assert_eq!(
            describe_wait(d(u64::MAX)),
            format!("{} s (about {} h)", u64::MAX, u64::MAX.div_ceil(3600))
        );
    }

    #[test]
    fn excerpt_cuts_at_char_boundary() {
        assert_eq!(excerpt("ééé", 3), "é…");
        assert_eq!(excerpt("abc", 3), "abc");
    }

    fn api(status: u16) -> ClientError {
        ClientError::Api(Box::new(ApiError::from_response(
            status,
            br#"{"error_code": "401013", "message": "Oauth token is not valid"}"#,
            Some("req-1".into()),
            None,
        )))
    }

    #[test]
    fn client_errors_fall_into_classes() {
        assert_eq!(api(401).class(), ErrorClass::Rejected);
        assert_eq!(api(503).class(), ErrorClass::Unavailable);
        let dropped = ClientError::Network {
            kind: NetworkErrorKind::Dropped,
            url: "http://127.0.0.1:1".into(),
            detail: "reset".into(),
        };
        assert_eq!(dropped.class(), ErrorClass::Unavailable);
        assert_eq!(
            ClientError::Missing("no secret".into()).class(),
            ErrorClass::Input
        );
    }

    #[test]
    fn the_hint_is_said_once() {
        // Adobe's answer carries its hint in its message already.
        let text = with_hint(&api(401));
        assert_eq!(text.matches("hint:").count(), 1, "{text}");
        let dropped = ClientError::Network {
            kind: NetworkErrorKind::Dropped,
            url: "http://127.0.0.1:1".into(),
            detail: "reset".into(),
        };
        let text = with_hint(&dropped);
        assert!(
            text.ends_with("\nhint: The connection broke; try again."),
            "{text}"
        );
        assert_eq!(api(401).summary(), "Oauth token is not valid");
    }
}
