//! Adobe IMS OAuth Server-to-Server tokens: fetched once, cached with their expiry, renewed ten
//! minutes before they end (as Adobe's `aio` CLI does), so Adobe never throttles the integration.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;

use super::error::ClientError;
use super::http::{Http, Idempotency, RawResponse};
use crate::error::NoClientSecret;
use crate::model::EpochMs;
use crate::secret::Secret;

/// Renew a token when less than this is left of it.
pub const RENEW_MARGIN: Duration = Duration::from_secs(10 * 60);

/// Where an access token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenOrigin {
    /// Given as it is (`AEP_ACCESS_TOKEN`, a pasted token): its expiry is not known.
    Given,
    /// Asked of IMS by this process.
    Ims,
    /// Read from the token cache (the keyring), asked of IMS earlier.
    Cache,
}

/// An access token, when it ends and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessToken {
    /// The bearer token.
    pub token: Secret,
    /// When it ends; `None` when that is not known (a token given as it is).
    pub expires_at: Option<EpochMs>,
    /// Where it came from.
    pub origin: TokenOrigin,
}

impl AccessToken {
    /// True when the token is within [`RENEW_MARGIN`] of its end at `now` (never for a token
    /// whose end is not known: it is used until Adobe refuses it).
    pub fn needs_renewal(&self, now: EpochMs) -> bool {
        self.expires_at.is_some_and(|end| {
            end.0.saturating_sub(now.0)
                < i64::try_from(RENEW_MARGIN.as_millis()).unwrap_or(i64::MAX)
        })
    }
}

/// Where tokens survive between processes (the keyring). Called off the async executor.
pub trait TokenCache: Send + Sync {
    /// The cached token, if any.
    fn load(&self) -> Option<AccessToken>;
    /// Replaces the cached token. Failures are the cache's to report; a token works uncached.
    fn store(&self, token: &AccessToken);
}

/// The OAuth Server-to-Server credential.
#[derive(Clone, Debug)]
pub struct ClientCredentials {
    /// IMS base URL.
    pub ims_url: String,
    /// OAuth client ID.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: ClientSecret,
    /// Comma-separated scopes.
    pub scopes: String,
}

/// The OAuth client secret: at hand, or read (from the keyring) only if IMS must be asked, so a
/// command run with a cached token reads one keyring entry, not two.
#[derive(Clone)]
pub enum ClientSecret {
    /// Already read.
    Given(Secret),
    /// Read on first need; runs off the async executor (it may wait on the keyring).
    Deferred(Arc<dyn Fn() -> Result<Secret, ClientError> + Send + Sync>),
}

impl ClientSecret {
    /// The secret, reading it now if deferred.
    async fn resolve(&self) -> Result<Secret, ClientError> {
        match self {
            ClientSecret::Given(secret) => Ok(secret.clone()),
            ClientSecret::Deferred(read) => {
                let read = Arc::clone(read);
                tokio::task::spawn_blocking(move || read())
                    .await
                    .map_err(|e| {
                        ClientError::Missing(format!("could not read the client secret: {e}"))
                    })?
            }
        }
    }
}

impl From<Secret> for ClientSecret {
    fn from(secret: Secret) -> Self {
        ClientSecret::Given(secret)
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientSecret::Given(secret) => f.debug_tuple("Given").field(secret).finish(),
            ClientSecret::Deferred(_) => f.write_str("Deferred"),
        }
    }
}

/// How this session gets its token.
#[derive(Clone, Debug)]
pub enum TokenSource {
    /// A token given by the user (`AEP_ACCESS_TOKEN`): used as is, never renewed.
    Fixed(Secret),
    /// Ask IMS with the client credentials.
    Ims(ClientCredentials),
}

/// Hands out a valid token, asking IMS only when the cached one is missing or near its end.
pub struct TokenManager {
    http: Http,
    source: TokenSource,
    cache: Option<Arc<dyn TokenCache>>,
    current: tokio::sync::Mutex<Option<AccessToken>>,
    /// Set once the cache was asked (it is asked once, before the first fetch).
    cache_read: AtomicBool,
    ims_calls: AtomicUsize,
}

impl std::fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenManager")
            .field("source", &self.source)
            .field("ims_calls", &self.ims_calls)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<i64>,
}

impl TokenManager {
    /// A manager for `source`, with an optional persistent cache.
    pub fn new(http: Http, source: TokenSource, cache: Option<Arc<dyn TokenCache>>) -> Self {
        Self {
            http,
            source,
            cache,
            current: tokio::sync::Mutex::new(None),
            cache_read: AtomicBool::new(false),
            ims_calls: AtomicUsize::new(0),
        }
    }

    /// Starts from what the caller already read from the cache (`None`: nothing usable), so the
    /// cache is not asked again.
    pub fn with_cached(self, token: Option<AccessToken>) -> Self {
        self.cache_read.store(true, Ordering::Relaxed);
        Self {
            current: tokio::sync::Mutex::new(token),
            ..self
        }
    }

    /// True when a rejected token can be replaced by asking IMS again.
    pub fn can_renew(&self) -> bool {
        matches!(self.source, TokenSource::Ims(_))
    }

    /// How many times this manager asked IMS.
    pub fn ims_calls(&self) -> usize {
        self.ims_calls.load(Ordering::Relaxed)
    }

    /// A token valid for at least [`RENEW_MARGIN`] (or the fixed token).
    pub async fn token(&self) -> Result<AccessToken, ClientError> {
        let creds = match &self.source {
            TokenSource::Fixed(token) => {
                return Ok(AccessToken {
                    token: token.clone(),
                    expires_at: None,
                    origin: TokenOrigin::Given,
                });
            }
            TokenSource::Ims(creds) => creds,
        };
        let mut current = self.current.lock().await;
        if let Some(token) = current
            .as_ref()
            .filter(|t| !t.needs_renewal(EpochMs::now()))
        {
            return Ok(token.clone());
        }
        if !self.cache_read.swap(true, Ordering::Relaxed)
            && let Some(cache) = &self.cache
        {
            let cache = Arc::clone(cache);
            let cached = tokio::task::spawn_blocking(move || cache.load())
                .await
                .ok()
                .flatten();
            if let Some(token) = cached.filter(|t| !t.needs_renewal(EpochMs::now())) {
                *current = Some(token.clone());
                return Ok(token);
            }
        }
        let token = self.fetch(creds).await?;
        *current = Some(token.clone());
        Ok(token)
    }

    /// Forgets the token in use (after Platform rejected it) and gets a new one from IMS.
    pub async fn renew(&self) -> Result<AccessToken, ClientError> {
        let TokenSource::Ims(creds) = &self.source else {
            return self.token().await;
        };
        let mut current = self.current.lock().await;
        let token = self.fetch(creds).await?;
        *current = Some(token.clone());
        Ok(token)
    }

    async fn fetch(&self, creds: &ClientCredentials) -> Result<AccessToken, ClientError> {
        let secret = creds.client_secret.resolve().await?;
        self.ims_calls.fetch_add(1, Ordering::Relaxed);
        let token = request_token(&self.http, creds, &secret).await?;
        if let Some(cache) = &self.cache {
            let cache = Arc::clone(cache);
            let to_store = token.clone();
            let _ = tokio::task::spawn_blocking(move || cache.store(&to_store)).await;
        }
        Ok(token)
    }
}

/// `POST {ims}/ims/token/v3` with the client credentials grant.
pub async fn request_token(
    http: &Http,
    creds: &ClientCredentials,
    client_secret: &Secret,
) -> Result<AccessToken, ClientError> {
    if client_secret.is_empty() {
        return Err(NoClientSecret { profile: None }.into());
    }
    let url = format!("{}/ims/token/v3", creds.ims_url.trim_end_matches('/'));
    let requested_at = EpochMs::now();
    let mut response = http
        .send(
            || {
                Ok(http.request(Method::POST, &url)?.form(&[
                    ("client_id", creds.client_id.as_str()),
                    ("client_secret", client_secret.expose()),
                    ("grant_type", "client_credentials"),
                    ("scope", creds.scopes.as_str()),
                ]))
            },
            // IMS token requests create nothing: asking again is harmless.
            Idempotency::Idempotent,
        )
        .await?;
    let token = parse_token_response(&response, requested_at);
    // The body holds the token in plain text; the parsed copy lives on in a `Secret`.
    zeroize::Zeroize::zeroize(&mut response.body);
    token
}

/// The token of an IMS success answer; `requested_at` is when the request left.
pub(crate) fn parse_token_response(
    response: &RawResponse,
    requested_at: EpochMs,
) -> Result<AccessToken, ClientError> {
    let parsed: TokenResponse =
        serde_json::from_slice(&response.body).map_err(|e| ClientError::InvalidResponse {
            what: "IMS token request".to_owned(),
            status: response.status,
            // Not serde's own words: they quote the offending value, which can hold the token.
            detail: format!(
                "expected {{\"access_token\", \"expires_in\"}}: {} at line {} column {}",
                match e.classify() {
                    serde_json::error::Category::Syntax => "not valid JSON",
                    serde_json::error::Category::Data => "a field is missing or of the wrong type",
                    serde_json::error::Category::Eof => "the answer is cut short",
                    serde_json::error::Category::Io => "the answer could not be read",
                },
                e.line(),
                e.column()
            ),
            request_id: response.request_id.clone(),
        })?;
    if parsed.access_token.is_empty() {
        return Err(ClientError::InvalidResponse {
            what: "IMS token request".to_owned(),
            status: response.status,
            detail: "the access_token is empty".to_owned(),
            request_id: response.request_id.clone(),
        });
    }
    // The token travels in an `Authorization` header: a newline or other byte a header cannot
    // carry is IMS answering garbage (exit 4), not something the user typed wrong (exit 2), so
    // it is refused here rather than when the first Platform request is built. Bearer tokens are
    // visible ASCII (RFC 6750's b64token); the message gives the position, never the token.
    if let Some((at, byte)) = parsed
        .access_token
        .bytes()
        .enumerate()
        .find(|(_, b)| !b.is_ascii_graphic())
    {
        let what = match byte {
            b'\n' | b'\r' => "a line break",
            b' ' | b'\t' => "a space",
            b if b.is_ascii_control() => "a control character",
            _ => "a non-ASCII character",
        };
        return Err(ClientError::InvalidResponse {
            what: "IMS token request".to_owned(),
            status: response.status,
            detail: format!(
                "the access_token holds {what} at byte {}: a bearer token is visible ASCII only, and this one cannot be sent in an HTTP header; IMS (or a proxy in front of it) answered something that is not a token",
                at + 1
            ),
            request_id: response.request_id.clone(),
        });
    }
    // expires_in is in seconds (Adobe's docs once said milliseconds for JWT; OAuth S2S is seconds).
    // Saturating: a huge expires_in must not overflow (a panic, or a token already expired).
    let lifetime_ms = parsed
        .expires_in
        .unwrap_or(86_399)
        .max(0)
        .saturating_mul(1000);
    Ok(AccessToken {
        token: Secret::new(parsed.access_token),
        expires_at: Some(requested_at.plus_ms(lifetime_ms)),
        origin: TokenOrigin::Ims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_margin() {
        let t = AccessToken {
            token: Secret::new("x"),
            expires_at: Some(EpochMs(1_000_000_000)),
            origin: TokenOrigin::Ims,
        };
        assert!(!t.needs_renewal(EpochMs(1_000_000_000 - 11 * 60 * 1000)));
        assert!(t.needs_renewal(EpochMs(1_000_000_000 - 9 * 60 * 1000)));
        let given = AccessToken {
            expires_at: None,
            origin: TokenOrigin::Given,
            ..t
        };
        assert!(
            !given.needs_renewal(EpochMs(i64::MAX)),
            "an unknown end is no reason to renew"
        );
    }

    fn answer(body: &str) -> RawResponse {
        RawResponse {
            status: 200,
            headers: reqwest::header::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            request_id: Some("ims-req".into()),
            elapsed: Duration::ZERO,
        }
    }

    /// Regression: a token with a newline ended as a usage error (exit 2) when the
    /// first Platform request was built; it is IMS answering garbage (exit 4), said at the parse.
    #[test]
    fn a_token_no_header_can_carry_is_an_invalid_ims_answer() {
        use crate::cli::ToExit as _;
        for token in [
            "eyJhbGci\\nOiJSUzI1NiJ9",
            "abc\\r\\ndef",
            "with space",
            "tab\\there",
            "nul\\u0000x",
            "caf\u{e9}",
        ] {
            let body = format!(r#"{{"access_token": "{token}", "expires_in": 86399}}"#);
            let e = parse_token_response(&answer(&body), EpochMs(0)).unwrap_err();
            assert!(
                matches!(&e, ClientError::InvalidResponse { what, .. } if what.contains("IMS")),
                "{e:?}"
            );
            assert_eq!(e.exit_code(), 4, "{e}");
            assert_eq!(e.request_id(), Some("ims-req"));
            let shown = e.to_string();
            assert!(shown.contains("HTTP header"), "{shown}");
            assert!(
                !shown.contains("eyJhbGci") && !shown.contains("abc"),
                "{shown}"
            );
        }
        let ok = parse_token_response(
            &answer(r#"{"access_token": "eyJ-._~+/=", "expires_in": 1}"#),
            EpochMs(0),
        )
        .unwrap();
        assert_eq!(ok.token.expose(), "eyJ-._~+/=");
    }
}
