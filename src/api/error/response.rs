//! An error response read into an [`ApiError`]: every JSON shape Adobe answers with, an HTML or
//! plain page from a proxy, and the excerpt of the raw body that is kept.

use std::time::Duration;

use serde_json::Value;

use super::hint::response_hint;
use super::{ApiError, EXCERPT_LIMIT};

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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn excerpt_cuts_at_char_boundary() {
        assert_eq!(excerpt("ééé", 3), "é…");
        assert_eq!(excerpt("abc", 3), "abc");
    }
}
