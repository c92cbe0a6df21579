//! The transport under every call: URL policy, timeouts, bounded body reads and bounded retries.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, RequestBuilder};
use url::Url;

use super::error::{ApiError, ClientError, NetworkErrorKind};

/// Largest success body read (a page of connections is far smaller); larger answers are refused
/// rather than buffered.
pub const MAX_SUCCESS_BODY: usize = 16 * 1024 * 1024;
/// Largest error body read: enough for any Adobe error, small enough that a runaway proxy page
/// costs nothing.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// Timeouts and retry bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpSettings {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for one whole request, body included.
    pub total_timeout: Duration,
    /// Retries after the first try (429s; and for GETs, 5xx and network failures).
    pub max_retries: u32,
    /// Longest `Retry-After` honoured; a longer one fails at once with the server's answer.
    pub max_retry_after: Duration,
    /// First backoff delay; doubled each retry.
    pub backoff_base: Duration,
    /// How far Adobe's clock and ours may differ (and how long after the client gave up a
    /// request may still be processed): widens every time window drawn from both clocks.
    pub clock_slack: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_retries: 4,
            max_retry_after: Duration::from_secs(120),
            backoff_base: Duration::from_millis(250),
            clock_slack: Duration::from_secs(60),
        }
    }
}

/// A complete answer with a success status.
#[derive(Debug)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes (at most [`MAX_SUCCESS_BODY`]).
    pub body: Vec<u8>,
    /// `x-request-id`.
    pub request_id: Option<String>,
    /// Time from sending to the last body byte.
    pub elapsed: Duration,
}

/// Whether a request may simply be sent again after an ambiguous failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// GET: retry on 5xx, timeouts and dropped connections.
    Idempotent,
    /// POST/PATCH/DELETE: retry only what surely did not reach the service (429, refused connects).
    NotIdempotent,
}

/// The shared HTTP client.
#[derive(Clone, Debug)]
pub struct Http {
    clients: Arc<Clients>,
    settings: HttpSettings,
}

/// The reqwest clients, each built on first use: setting up HTTPS reads and parses every CA
/// certificate of the system (~150 files, a few ms), which plain `http://` to loopback (the
/// emulator, `--demo`) never needs.
#[derive(Debug, Default)]
struct Clients {
    /// For `https://`: rustls with the platform's verifier.
    https: OnceLock<Result<reqwest::Client, String>>,
    /// For `http://` to loopback only ([`check_url`]): trusts no certificate at all.
    plain: OnceLock<Result<reqwest::Client, String>>,
    /// Until when no request is sent: a 429's `Retry-After` holds back every request of every
    /// clone of this transport (the limit is the organisation's, not one request's), so
    /// parallel workers slow down together instead of each finding the limit again.
    paused_until: std::sync::Mutex<Option<Instant>>,
    /// After a 429, the spacing of request starts ([`super::pacing`]), shared like the pause.
    pacer: std::sync::Mutex<super::pacing::Pacer>,
}

/// Refuses `http://` to anything but loopback, and anything that is not http(s).
pub fn check_url(url: &str) -> Result<Url, ClientError> {
    let parsed =
        Url::parse(url).map_err(|e| ClientError::BadUrl(format!("`{url}` is not a URL: {e}")))?;
    let host = parsed.host_str().unwrap_or_default();
    match parsed.scheme() {
        "https" if !host.is_empty() => Ok(parsed),
        "http" if crate::validate::is_loopback_host(host) => Ok(parsed),
        "http" => Err(ClientError::BadUrl(format!(
            "refusing to send credentials in clear text to `{url}`: use https:// (plain http:// is only allowed to 127.0.0.1, ::1 or localhost)"
        ))),
        _ => Err(ClientError::BadUrl(format!(
            "`{url}` is not an https:// URL"
        ))),
    }
}

impl Http {
    /// A transport with these settings: rustls with the platform's certificate verifier, no
    /// redirects. The clients are built on the first request, so a failure to set up HTTPS
    /// (no CA certificates on the system, say) is that request's error.
    pub fn new(settings: HttpSettings) -> Result<Self, ClientError> {
        Ok(Self {
            clients: Arc::default(),
            settings,
        })
    }

    /// The client for `url`'s scheme (already checked by [`check_url`]), built on first use.
    fn client(&self, url: &Url) -> Result<reqwest::Client, ClientError> {
        let https = url.scheme() == "https";
        let slot = if https {
            &self.clients.https
        } else {
            &self.clients.plain
        };
        let built = slot.get_or_init(|| {
            install_crypto_provider();
            let builder = reqwest::Client::builder()
                .tls_backend_rustls()
                .connect_timeout(self.settings.connect_timeout)
                .timeout(self.settings.total_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(format!("aep-s3-connect/{}", crate::version::VERSION));
            // No roots: an https:// URL sent through this one by mistake fails verification.
            let builder = if https {
                builder
            } else {
                builder.tls_certs_only(Vec::new())
            };
            builder.build().map_err(|e| e.to_string())
        });
        let what = if https { "HTTPS" } else { "HTTP" };
        built
            .clone()
            .map_err(|e| ClientError::Missing(format!("could not set up {what}: {e}")))
    }

    /// The settings in force.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// A request builder for `method url`, after the URL policy check.
    pub fn request(&self, method: Method, url: &str) -> Result<RequestBuilder, ClientError> {
        let url = check_url(url)?;
        Ok(self.client(&url)?.request(method, url))
    }

    /// Sends once, reads the body within bounds, maps error statuses to [`ApiError`].
    pub async fn send_once(&self, builder: RequestBuilder) -> Result<RawResponse, ClientError> {
        let (client, request) = builder.build_split();
        let request = request
            .map_err(|e| ClientError::Missing(format!("could not build the request: {e}")))?;
        let method = request.method().clone();
        let url = redact_url(request.url());
        let started = Instant::now();
        let mut response = match client.execute(request).await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(%method, %url, error = %e, "request failed");
                return Err(network_error(&e, &url));
            }
        };
        let status = response.status();
        let request_id = header_str(response.headers(), "x-request-id");
        let retry_after = parse_retry_after(response.headers());
        let limit = if status.is_success() {
            MAX_SUCCESS_BODY
        } else {
            MAX_ERROR_BODY
        };
        let (body, complete) = match read_bounded(&mut response, limit).await {
            Ok(read) => read,
            Err(e) if status.is_success() => return Err(network_error(&e, &url)),
            // An error status is already an answer; a broken error body only loses detail.
            Err(_) => (Vec::new(), false),
        };
        let elapsed = started.elapsed();
        tracing::debug!(%method, %url, status = status.as_u16(), request_id = ?request_id, elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX), "response");
        if !status.is_success() {
            return Err(ClientError::Api(Box::new(ApiError::from_response(
                status.as_u16(),
                &body,
                request_id,
                retry_after,
            ))));
        }
        if !complete {
            return Err(ClientError::InvalidResponse {
                what: format!("{method} {url}"),
                status: status.as_u16(),
                detail: format!("the body is larger than {} MiB", limit / (1024 * 1024)),
                request_id,
            });
        }
        Ok(RawResponse {
            status: status.as_u16(),
            headers: response.headers().clone(),
            body,
            request_id,
            elapsed,
        })
    }

    /// Sends with bounded retries. `build` makes a fresh request for each try.
    pub async fn send(
        &self,
        build: impl Fn() -> Result<RequestBuilder, ClientError>,
        idempotency: Idempotency,
    ) -> Result<RawResponse, ClientError> {
        let mut retry = 0;
        loop {
            self.wait_while_paused().await;
            let result = self.send_once(build()?).await;
            let Err(error) = result else { return result };
            if retry >= self.settings.max_retries {
                return Err(error);
            }
            let Some(delay) = self.retry_delay(&error, retry, idempotency) else {
                return Err(error);
            };
            if error.is_rate_limited() {
                self.pause_for(delay);
            }
            tracing::info!(retry = retry + 1, delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), error = %first_line(&error), "retrying");
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    /// Holds back every request of this transport (and its clones) for `delay` from now, and
    /// paces them from then on.
    fn pause_for(&self, delay: Duration) {
        if let Ok(mut pacer) = self.clients.pacer.lock() {
            pacer.throttled(Instant::now());
        }
        let until = Instant::now() + delay;
        if let Ok(mut paused) = self.clients.paused_until.lock() {
            *paused = Some(paused.map_or(until, |p| p.max(until)));
        }
    }

    /// Waits until a pause a 429 started is over, then for this request's start slot (spaced
    /// out once a 429 came).
    async fn wait_while_paused(&self) {
        let until = self.clients.paused_until.lock().ok().and_then(|p| *p);
        if let Some(until) = until.filter(|u| *u > Instant::now()) {
            tokio::time::sleep_until(until.into()).await;
        }
        let slot = self
            .clients
            .pacer
            .lock()
            .ok()
            .map(|mut pacer| pacer.slot(Instant::now()));
        if let Some(slot) = slot.filter(|s| *s > Instant::now()) {
            tokio::time::sleep_until(slot.into()).await;
        }
    }

    /// How long to wait before retry number `retry`, or `None` when this error is not retried.
    pub fn retry_delay(
        &self,
        error: &ClientError,
        retry: u32,
        idempotency: Idempotency,
    ) -> Option<Duration> {
        let backoff = self.backoff(retry);
        match error {
            ClientError::Api(api) if error.is_rate_limited() => match api.retry_after {
                Some(wait) if wait > self.settings.max_retry_after => None,
                Some(wait) => Some(wait),
                None => Some(backoff),
            },
            ClientError::Network {
                kind: NetworkErrorKind::Connect,
                ..
            } => Some(backoff),
            e if idempotency == Idempotency::Idempotent && e.is_ambiguous() => {
                let server_wait = match e {
                    ClientError::Api(api) => api.retry_after,
                    _ => None,
                };
                match server_wait {
                    Some(wait) if wait > self.settings.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(backoff),
                }
            }
            _ => None,
        }
    }

    /// Exponential backoff with a little jitter so parallel clients spread out.
    pub fn backoff(&self, retry: u32) -> Duration {
        let base = self.settings.backoff_base * 2u32.saturating_pow(retry.min(6));
        let jitter = rand::random::<f64>() * 0.2;
        base.mul_f64(1.0 + jitter)
    }
}

fn first_line(e: &ClientError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

/// Reads at most `limit` bytes; `complete` is false when the body was longer.
async fn read_bounded(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            let room = limit - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

fn network_error(e: &reqwest::Error, url: &str) -> ClientError {
    let kind = if e.is_timeout() {
        NetworkErrorKind::Timeout
    } else if e.is_connect() {
        NetworkErrorKind::Connect
    } else {
        NetworkErrorKind::Dropped
    };
    // The chain of sources says *why* (refused, reset, certificate...), reqwest's own text only "error sending request".
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    ClientError::Network {
        kind,
        url: url.to_owned(),
        detail,
    }
}

/// The URL without its query: queries carry names and filters, never secrets, but keep logs short.
fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.to_string()
}

/// A header as text, when present and printable.
pub fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `Retry-After` in seconds (the HTTP-date form is rare here and is treated as absent).
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_str(headers, RETRY_AFTER.as_str())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// rustls needs one process-wide crypto provider; ring is small and builds everywhere.
pub fn install_crypto_provider() {
    // Err only means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_policy() {
        assert!(check_url("https://platform.adobe.io").is_ok());
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("http://127.3.4.5:1").is_ok());
        assert!(check_url("http://[::1]:9").is_ok());
        assert!(check_url("http://localhost:9").is_ok());
        let e = check_url("http://platform.adobe.io")
            .unwrap_err()
            .to_string();
        assert!(e.contains("clear text"), "{e}");
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("not a url").is_err());
        assert!(check_url("http://10.0.0.1").is_err());
    }

    #[test]
    fn retry_after_honoured_and_capped() {
        let http = Http::new(HttpSettings::default()).unwrap();
        let api = |status, wait| {
            ClientError::Api(Box::new(ApiError::from_response(
                status,
                b"{}",
                None,
                Some(Duration::from_secs(wait)),
            )))
        };
        assert_eq!(
            http.retry_delay(&api(429, 3), 0, Idempotency::NotIdempotent),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            http.retry_delay(&api(429, 3600), 0, Idempotency::NotIdempotent),
            None
        );
        assert_eq!(
            http.retry_delay(&api(503, 1), 0, Idempotency::NotIdempotent),
            None
        );
        assert_eq!(
            http.retry_delay(&api(503, 1), 0, Idempotency::Idempotent),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            http.retry_delay(&api(404, 1), 0, Idempotency::Idempotent),
            None
        );
    }
}
