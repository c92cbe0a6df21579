//! Injected faults: what they are, which requests they hit, and the responses they produce.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use hyper::body::{Frame, SizeHint};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::errors::{flow_error_body, json_response};

/// The route a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultRoute {
    /// `POST /ims/token/v3`.
    ImsToken,
    /// `POST .../connections`.
    CreateConnection,
    /// `GET .../connections/{id}`.
    GetConnection,
    /// `GET .../connections`.
    ListConnections,
    /// `PATCH .../connections/{id}`.
    PatchConnection,
    /// `DELETE .../connections/{id}`.
    DeleteConnection,
    /// `GET .../connections/{id}/explore`.
    Explore,
    /// `GET /data/foundation/sandbox-management/...`.
    Sandboxes,
    /// `GET .../connectionSpecs`, `.../connectionSpecs/{id}` and `.../connectionSpecs/{id}/configs`.
    ConnectionSpecs,
    /// Every route except the emulator's own `/_emulator/...` control routes.
    Any,
}

/// Which route a request is, for fault matching; `None` for control routes, never faulted.
pub(crate) fn classify(method: &Method, path: &str) -> Option<FaultRoute> {
    if path.starts_with("/_emulator/") {
        return None;
    }
    if path == "/ims/token/v3" && method == Method::POST {
        return Some(FaultRoute::ImsToken);
    }
    if path.starts_with("/data/foundation/sandbox-management") {
        return Some(FaultRoute::Sandboxes);
    }
    if path.starts_with("/data/foundation/flowservice/connectionSpecs") {
        return Some(FaultRoute::ConnectionSpecs);
    }
    let Some(rest) = path.strip_prefix("/data/foundation/flowservice/connections") else {
        return Some(FaultRoute::Any);
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let route = match (segments.as_slice(), method) {
        ([], &Method::POST) => FaultRoute::CreateConnection,
        ([], &Method::GET) => FaultRoute::ListConnections,
        ([_], &Method::GET) => FaultRoute::GetConnection,
        ([_], &Method::PATCH) => FaultRoute::PatchConnection,
        ([_], &Method::DELETE) => FaultRoute::DeleteConnection,
        ([_, "explore"], &Method::GET) => FaultRoute::Explore,
        _ => FaultRoute::Any,
    };
    Some(route)
}

fn one() -> u32 {
    1
}

/// A way for the emulator to misbehave on the next matching requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Which route it hits.
    pub route: FaultRoute,
    /// Only requests for this sandbox (their `x-sandbox-name`); `None`: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<String>,
    /// How many matching requests it hits before it is removed; 0 = forever.
    #[serde(default = "one")]
    pub times: u32,
    /// Answer this status (without doing the work) instead of the real answer.
    #[serde(default)]
    pub status: Option<u16>,
    /// Adds a `Retry-After` header (seconds).
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
    /// Waits this long before doing anything.
    #[serde(default)]
    pub delay_ms: u64,
    /// Does the work (or picks the replacement answer) first, then waits this long before
    /// answering: the work is done even if the client gives up meanwhile.
    #[serde(default)]
    pub delay_after_ms: u64,
    /// Does the real work, then closes the TCP connection without a single response byte.
    #[serde(default)]
    pub process_then_drop: bool,
    /// The body is an HTML error page; without `status`, a proxy's 502 (no work done).
    #[serde(default)]
    pub html_body: bool,
    /// The body is empty; without `status`, the real answer's status (work done).
    #[serde(default)]
    pub empty_body: bool,
    /// The JSON body is cut in half (Content-Length matching what is sent).
    #[serde(default)]
    pub truncated_json: bool,
    /// The body is this many bytes, streamed: a JSON-looking prefix, then padding.
    #[serde(default)]
    pub huge_body_bytes: Option<u64>,
    /// After `delay_ms`, closes the TCP connection without doing the work or answering: a
    /// request lost on the way (a proxy that gave up before forwarding it).
    #[serde(default)]
    pub drop_unprocessed: bool,
    /// Rewrites a list answer's `_links.next.href` (when it has one).
    #[serde(default)]
    pub next_link: Option<NextLink>,
}

/// How a fault rewrites a list page's next link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextLink {
    /// The same path and query under this origin (`http://localhost:PORT`): another host, as
    /// far as a client that called `127.0.0.1` can tell.
    Origin(String),
    /// The page's own URL: following it reads the same page again, forever.
    Repeat,
}

impl Fault {
    /// A fault on `route` for the next request, doing nothing yet: add behaviour with the builders.
    pub fn new(route: FaultRoute) -> Self {
        Self {
            route,
            sandbox: None,
            times: 1,
            status: None,
            retry_after_secs: None,
            delay_ms: 0,
            delay_after_ms: 0,
            process_then_drop: false,
            html_body: false,
            empty_body: false,
            truncated_json: false,
            huge_body_bytes: None,
            drop_unprocessed: false,
            next_link: None,
        }
    }

    /// Hits only requests for `sandbox` (one sandbox of the org failing while the rest answer).
    pub fn in_sandbox(mut self, sandbox: impl Into<String>) -> Self {
        self.sandbox = Some(sandbox.into());
        self
    }

    /// Whether the fault hits a request on `route` for `sandbox` (its `x-sandbox-name`).
    pub(crate) fn hits(&self, route: FaultRoute, sandbox: Option<&str>) -> bool {
        (self.route == FaultRoute::Any || self.route == route)
            && self.sandbox.as_deref().is_none_or(|s| Some(s) == sandbox)
    }

    /// Hits the next `n` matching requests (0 = forever).
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }

    /// Answers `status` instead of the real answer.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds `Retry-After: secs`.
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// Waits `ms` milliseconds first.
    pub fn delay_ms(mut self, ms: u64) -> Self {
        self.delay_ms = ms;
        self
    }

    /// Does the work first, then waits `ms` milliseconds before answering.
    pub fn delay_after_ms(mut self, ms: u64) -> Self {
        self.delay_after_ms = ms;
        self
    }

    /// Does the work, then drops the connection without answering.
    pub fn process_then_drop(mut self) -> Self {
        self.process_then_drop = true;
        self
    }

    /// Answers with an HTML error page.
    pub fn html_body(mut self) -> Self {
        self.html_body = true;
        self
    }

    /// Answers with an empty body.
    pub fn empty_body(mut self) -> Self {
        self.empty_body = true;
        self
    }

    /// Cuts the JSON body in half.
    pub fn truncated_json(mut self) -> Self {
        self.truncated_json = true;
        self
    }

    /// Streams a body of `bytes` bytes.
    pub fn huge_body(mut self, bytes: u64) -> Self {
        self.huge_body_bytes = Some(bytes);
        self
    }

    /// After `delay_ms`, drops the connection without doing the work.
    pub fn drop_unprocessed(mut self) -> Self {
        self.drop_unprocessed = true;
        self
    }

    /// Rewrites the next link of the list pages it hits.
    pub fn next_link(mut self, link: NextLink) -> Self {
        self.next_link = Some(link);
        self
    }

    /// Whether the real handler must run: everything but a plain status, a proxy page or a
    /// request lost before the work.
    pub(crate) fn needs_real_answer(&self) -> bool {
        !self.drop_unprocessed
            && (self.process_then_drop || (self.status.is_none() && !self.html_body))
    }

    /// Whether the connection is closed without an answer.
    pub(crate) fn drops_connection(&self) -> bool {
        self.process_then_drop || self.drop_unprocessed
    }
}

/// The response a fault answers with instead of the real one (`status` set, or an HTML page).
pub(crate) fn replacement(fault: &Fault, route: FaultRoute, request_id: &str) -> Response {
    let status = fault
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::BAD_GATEWAY);
    if fault.html_body {
        html_page(status)
    } else {
        json_response(status, &error_body(status, route, request_id))
    }
}

/// The body Adobe would use for `status` on `route` (see [`Fault::status`]).
fn error_body(status: StatusCode, route: FaultRoute, request_id: &str) -> serde_json::Value {
    let reason = status.canonical_reason().unwrap_or("Error");
    if status == StatusCode::TOO_MANY_REQUESTS {
        json!({"error_code": "429050", "message": "Too many requests"})
    } else if route == FaultRoute::ImsToken {
        // IMS never answers in Flow's shape.
        let error = if status.is_server_error() {
            "server_error"
        } else {
            "invalid_request"
        };
        json!({"error": error, "error_description": format!("{reason} (injected by the emulator)")})
    } else {
        let code = if status.is_server_error() { 1500 } else { 1400 };
        let message = format!("{reason} (injected by the emulator)");
        flow_error_body(status, code, reason, &message, request_id)
    }
}

fn html_page(status: StatusCode) -> Response {
    let line = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{line}</title></head>\r\n<body>\r\n<center><h1>{line}</h1></center>\r\n</body>\r\n</html>\r\n"
    );
    let mut resp = Response::new(Body::from(page));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// Applies the body-shaping parts of a fault (next link, huge, empty, truncated) and its
/// `Retry-After`. `own_href` is the request's path and query relative to Flow Service, for
/// [`NextLink::Repeat`].
pub(crate) async fn shape(resp: Response, fault: &Fault, own_href: &str) -> Response {
    let (mut parts, body) = resp.into_parts();
    let body = match &fault.next_link {
        Some(link) => rewrite_next_link(body, link, own_href).await,
        None => body,
    };
    // Hyper derives Content-Length from the new body; a stale header would contradict it.
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(secs) = fault.retry_after_secs {
        parts
            .headers
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    let body = if let Some(size) = fault.huge_body_bytes {
        Body::new(HugeBody::new(size))
    } else if fault.empty_body {
        parts.headers.remove(header::CONTENT_TYPE);
        Body::empty()
    } else if fault.truncated_json {
        // Emulator bodies are small JSON documents, so collecting one is cheap.
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        // Cut on a byte boundary, possibly mid-character: it is meant to be broken.
        Body::from(bytes.slice(..bytes.len() / 2))
    } else {
        body
    };
    Response::from_parts(parts, body)
}

/// The body with its `_links.next.href` rewritten as `link` says; other bodies unchanged.
async fn rewrite_next_link(body: Body, link: &NextLink, own_href: &str) -> Body {
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let Ok(mut page) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Body::from(bytes);
    };
    let Some(href) = page.pointer_mut("/_links/next/href") else {
        return Body::from(bytes);
    };
    let new = match link {
        NextLink::Origin(origin) => format!(
            "{}/data/foundation/flowservice{}",
            origin.trim_end_matches('/'),
            href.as_str().unwrap_or_default()
        ),
        NextLink::Repeat => own_href.to_owned(),
    };
    *href = serde_json::Value::String(new);
    Body::from(page.to_string())
}

/// Waits for the fault's delay before the work.
pub(crate) async fn delay(fault: &Fault) {
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
}

/// Waits for the fault's delay after the work.
pub(crate) async fn delay_after(fault: &Fault) {
    if fault.delay_after_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_after_ms)).await;
    }
}

const HUGE_PREFIX: &[u8] = br#"{"items":[],"padding":""#;
const HUGE_SUFFIX: &[u8] = br#""}"#;
const HUGE_CHUNK: usize = 64 * 1024;

/// A body of `total` bytes produced chunk by chunk, never held whole: `{"items":[],"padding":"`,
/// `x`s, then `"}` (valid JSON when it is long enough to hold both ends).
pub(crate) struct HugeBody {
    total: u64,
    sent: u64,
    padding: Bytes,
}

impl HugeBody {
    /// A body of exactly `total` bytes.
    pub fn new(total: u64) -> Self {
        Self {
            total,
            sent: 0,
            padding: Bytes::from(vec![b'x'; HUGE_CHUNK]),
        }
    }

    /// The byte at `pos`.
    fn byte_at(&self, pos: u64) -> u8 {
        let prefix = HUGE_PREFIX.len() as u64;
        let suffix = HUGE_SUFFIX.len() as u64;
        let has_suffix = self.total >= prefix + suffix;
        if pos < prefix {
            HUGE_PREFIX[usize::try_from(pos).unwrap_or_default()]
        } else if has_suffix && pos >= self.total - suffix {
            HUGE_SUFFIX[usize::try_from(pos - (self.total - suffix)).unwrap_or_default()]
        } else {
            b'x'
        }
    }

    fn next_chunk(&mut self) -> Option<Bytes> {
        let left = self.total - self.sent;
        if left == 0 {
            return None;
        }
        let n = usize::try_from(left).map_or(HUGE_CHUNK, |l| l.min(HUGE_CHUNK));
        let start = self.sent;
        let end = start + n as u64;
        let edge = (HUGE_PREFIX.len() + HUGE_SUFFIX.len()) as u64;
        // Only chunks touching the two ends need building; the rest share one padding buffer.
        let chunk = if start < edge || end + edge > self.total {
            Bytes::from((start..end).map(|p| self.byte_at(p)).collect::<Vec<u8>>())
        } else {
            self.padding.slice(..n)
        };
        self.sent = end;
        Some(chunk)
    }
}

impl hyper::body::Body for HugeBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.next_chunk().map(|c| Ok(Frame::data(c))))
    }

    fn is_end_stream(&self) -> bool {
        self.sent == self.total
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.total - self.sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(mut body: HugeBody) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(c) = body.next_chunk() {
            out.extend_from_slice(&c);
        }
        out
    }

    #[test]
    fn huge_body_has_exact_length_and_is_json_when_long_enough() {
        let out = collect(HugeBody::new(200_000));
        assert_eq!(out.len(), 200_000);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["items"], json!([]));
        assert_eq!(collect(HugeBody::new(5)), b"{\"ite");
        assert!(collect(HugeBody::new(0)).is_empty());
    }

    #[test]
    fn routes_are_classified_like_adobe_paths() {
        let c = |m: Method, p: &str| classify(&m, p);
        let base = "/data/foundation/flowservice/connections";
        assert_eq!(c(Method::POST, base), Some(FaultRoute::CreateConnection));
        assert_eq!(c(Method::GET, base), Some(FaultRoute::ListConnections));
        assert_eq!(
            c(Method::PATCH, &format!("{base}/x/")),
            Some(FaultRoute::PatchConnection)
        );
        assert_eq!(
            c(Method::GET, &format!("{base}/x/explore")),
            Some(FaultRoute::Explore)
        );
        assert_eq!(
            c(Method::GET, &format!("{base}/x/test")),
            Some(FaultRoute::Any)
        );
        assert_eq!(c(Method::POST, "/ims/token/v3"), Some(FaultRoute::ImsToken));
        let specs = "/data/foundation/flowservice/connectionSpecs";
        assert_eq!(c(Method::GET, specs), Some(FaultRoute::ConnectionSpecs));
        assert_eq!(
            c(Method::GET, &format!("{specs}/x/configs")),
            Some(FaultRoute::ConnectionSpecs)
        );
        assert_eq!(c(Method::GET, "/_emulator/state"), None);
    }

    #[test]
    fn fault_json_uses_snake_case_routes_and_defaults() {
        let f: Fault =
            serde_json::from_str(r#"{"route":"create_connection","status":503}"#).unwrap();
        assert_eq!(f, Fault::new(FaultRoute::CreateConnection).status(503));
        let f: Fault =
            serde_json::from_str(r#"{"route":"connection_specs","delay_after_ms":250}"#).unwrap();
        assert_eq!(
            f,
            Fault::new(FaultRoute::ConnectionSpecs).delay_after_ms(250)
        );
    }
}
