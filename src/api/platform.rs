//! The Platform client every Adobe Experience Platform call goes through: the headers of
//! docs/flow-service-api.md §2, the token (renewed once when the gateway rejects it), and paging by
//! `_links.next`. The calls themselves live beside it: [`super::flow`] (connections),
//! [`super::explore`], [`super::sandboxes`].

use std::sync::Arc;

use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use serde_json::Value;

use super::error::ClientError;
use super::http::{Http, Idempotency, RawResponse};
use super::ims::TokenManager;
use crate::model::Target;
use crate::secret::Secret;

/// Path of Flow Service under the platform URL.
pub const FLOW_PATH: &str = "/data/foundation/flowservice";
/// Hard cap on pages followed, so a server that always says "next" cannot loop us forever.
pub const MAX_PAGES: usize = 1000;

/// One page of a list that pages by `_links.next` (`GET /connections`). Items stay JSON: each
/// list reads its own, one by one, so one item of an unexpected shape does not lose the page.
#[derive(Debug, Deserialize)]
pub(crate) struct Page {
    #[serde(default)]
    pub(crate) items: Vec<Value>,
    #[serde(default, rename = "_links")]
    pub(crate) links: Option<Value>,
}

/// Which optional headers a Platform call carries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallOptions<'a> {
    /// Send `x-sandbox-name` (every Flow Service call; not sandbox management).
    pub sandbox_header: bool,
    /// Send `If-Match` with this etag, exactly as given.
    pub if_match: Option<&'a str>,
}

impl Default for CallOptions<'_> {
    fn default() -> Self {
        Self {
            sandbox_header: true,
            if_match: None,
        }
    }
}

/// Flow Service calls for one target (org, sandbox, client).
#[derive(Clone, Debug)]
pub struct PlatformClient {
    http: Http,
    tokens: Arc<TokenManager>,
    target: Target,
}

impl PlatformClient {
    /// A client for `target`, getting tokens from `tokens`.
    pub fn new(http: Http, tokens: Arc<TokenManager>, target: Target) -> Self {
        Self {
            http,
            tokens,
            target,
        }
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The same client for another sandbox of its organisation (the token is the org's, so
    /// it is shared).
    pub fn in_sandbox(&self, sandbox: &str) -> Self {
        Self {
            target: Target {
                sandbox: sandbox.to_owned(),
                ..self.target.clone()
            },
            ..self.clone()
        }
    }

    /// The token manager.
    pub fn tokens(&self) -> &Arc<TokenManager> {
        &self.tokens
    }

    /// The HTTP client, with its timeouts and retry bounds.
    pub(crate) fn http(&self) -> &Http {
        &self.http
    }

    /// `{platform}/data/foundation/flowservice{path}`.
    pub(crate) fn flow_url(&self, path: &str) -> String {
        format!(
            "{}{FLOW_PATH}{path}",
            self.target.platform_url.trim_end_matches('/')
        )
    }

    /// A request with the Platform headers of §2; `x-sandbox-name` and `If-Match` as `options` say.
    fn platform_request(
        &self,
        method: Method,
        url: &str,
        token: &Secret,
        options: CallOptions<'_>,
    ) -> Result<RequestBuilder, ClientError> {
        // Built in a zeroizing buffer of the right size: the header value is the only copy left.
        let mut bearer = zeroize::Zeroizing::new(String::with_capacity(7 + token.expose().len()));
        bearer.push_str("Bearer ");
        bearer.push_str(token.expose());
        let mut auth = reqwest::header::HeaderValue::from_str(&bearer).map_err(|_| {
            ClientError::Missing(
                "the access token contains characters not allowed in a header".to_owned(),
            )
        })?;
        auth.set_sensitive(true);
        let mut request = self
            .http
            .request(method, url)?
            .header(reqwest::header::AUTHORIZATION, auth)
            .header("x-api-key", &self.target.client_id)
            .header("x-gw-ims-org-id", &self.target.org_id)
            .header(reqwest::header::ACCEPT, "application/json");
        if options.sandbox_header {
            request = request.header("x-sandbox-name", &self.target.sandbox);
        }
        if let Some(etag) = options.if_match {
            // Sent byte for byte as received: Adobe's docs show it both quoted and unquoted.
            let value = reqwest::header::HeaderValue::from_str(etag).map_err(|_| {
                ClientError::Missing(
                    "the etag contains characters not allowed in an If-Match header: read the connection again for a fresh one".to_owned(),
                )
            })?;
            request = request.header(reqwest::header::IF_MATCH, value);
        }
        Ok(request)
    }

    /// Sends a Platform request; when the gateway says the token is not valid (401013) and the
    /// token came from IMS, gets a new one and tries once more (the gateway rejected the first
    /// request before any service saw it, so repeating it is safe).
    pub(crate) async fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        idempotency: Idempotency,
    ) -> Result<RawResponse, ClientError> {
        self.call_with(method, url, body, idempotency, CallOptions::default())
            .await
    }

    /// [`Self::call`] with a choice of headers: sandbox management takes no `x-sandbox-name`,
    /// and `PATCH` needs `If-Match`.
    pub(crate) async fn call_with(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        idempotency: Idempotency,
        options: CallOptions<'_>,
    ) -> Result<RawResponse, ClientError> {
        let mut token = self.tokens.token().await?;
        let mut renewed = false;
        loop {
            let result = self
                .http
                .send(
                    || {
                        let req =
                            self.platform_request(method.clone(), url, &token.token, options)?;
                        Ok(match body {
                            Some(b) => req.json(b),
                            None => req,
                        })
                    },
                    idempotency,
                )
                .await;
            match result {
                Err(ClientError::Api(e))
                    if e.status == 401 && !renewed && self.tokens.can_renew() =>
                {
                    tracing::info!(code = ?e.code, "token rejected; asking IMS for a new one");
                    // The gateway answered: whatever IMS says now, the request changed nothing.
                    token =
                        self.tokens
                            .renew()
                            .await
                            .map_err(|renewal| ClientError::TokenRenewal {
                                rejected: e,
                                renewal: Box::new(renewal),
                            })?;
                    renewed = true;
                }
                other => return other,
            }
        }
    }

    /// How long after a request leaves it may still reach Adobe: the total timeout (after it
    /// the client gives up, and a request in flight is the server's to finish).
    pub fn lands_within_ms(&self) -> i64 {
        i64::try_from(self.http.settings().total_timeout.as_millis()).unwrap_or(i64::MAX)
    }

    /// How far Adobe's clock and ours may differ, in ms ([`HttpSettings::clock_slack`]).
    ///
    /// [`HttpSettings::clock_slack`]: super::HttpSettings::clock_slack
    pub fn clock_slack_ms(&self) -> i64 {
        i64::try_from(self.http.settings().clock_slack.as_millis()).unwrap_or(i64::MAX)
    }

    /// Every item of the list at `first` and of the pages its `_links.next` lead to (at most
    /// [`MAX_PAGES`]), with the request ID of the last page. `what` names the call in errors.
    ///
    /// A first page that fails is an error. A later page that fails, a next link to another
    /// host (never followed: it would carry our token there), one that leads back to a page
    /// already read, or more than [`MAX_PAGES`] pages end the listing with what was read and
    /// [`Listing::cut_short`] saying why: never a short list that looks whole.
    pub(crate) async fn follow_pages(
        &self,
        first: &url::Url,
        what: &str,
    ) -> Result<Listing<Value>, ClientError> {
        let service = url::Url::parse(&self.flow_url("/"))
            .map_err(|e| ClientError::BadUrl(format!("`{first}` is not a URL: {e}")))?;
        let mut listing = Listing {
            items: Vec::new(),
            request_id: None,
            cut_short: None,
        };
        let mut read = std::collections::HashSet::new();
        let mut next = Some(first.clone());
        let mut pages = 0;
        let stop = |pages: usize, reason: String, cause: Option<ClientError>, items: usize| {
            ClientError::Incomplete {
                what: what.to_owned(),
                pages,
                items,
                reason,
                cause: cause.map(Box::new),
            }
        };
        while let Some(page_url) = next.take() {
            if pages == MAX_PAGES {
                let reason = format!("it has more than {MAX_PAGES} pages");
                listing.cut_short = Some(stop(pages, reason, None, listing.items.len()));
                break;
            }
            if !read.insert(page_key(&page_url)) {
                let reason = format!(
                    "the next link of page {pages} leads back to a page already read, so following it would never end"
                );
                listing.cut_short = Some(stop(pages, reason, None, listing.items.len()));
                break;
            }
            let answer = self
                .call(
                    Method::GET,
                    page_url.as_str(),
                    None,
                    Idempotency::Idempotent,
                )
                .await
                .and_then(|response| {
                    let page: Page = parse_json(&response, what)?;
                    Ok((page, response.request_id))
                });
            let (page, request_id) = match answer {
                Ok(answer) => answer,
                Err(e) if pages == 0 => return Err(e),
                Err(e) => {
                    let reason = format!("page {} could not be read: {e}", pages + 1);
                    listing.cut_short = Some(stop(pages, reason, Some(e), listing.items.len()));
                    break;
                }
            };
            pages += 1;
            listing.request_id = request_id;
            listing.items.extend(page.items);
            match next_link(page.links.as_ref(), &service, &page_url, first) {
                Ok(link) => next = link,
                Err(reason) => {
                    listing.cut_short = Some(stop(pages, reason, None, listing.items.len()));
                }
            }
        }
        Ok(listing)
    }
}

/// The items of a paged list: all of them, or those read before the list had to stop.
#[derive(Debug)]
pub struct Listing<T> {
    /// The items read, in the order the pages gave them.
    pub items: Vec<T>,
    /// `x-request-id` of the last page read.
    pub request_id: Option<String>,
    /// Why the list was not read to its end ([`ClientError::Incomplete`]); `None` when it was.
    pub cut_short: Option<ClientError>,
}

impl<T> Listing<T> {
    /// True when every page was read.
    pub fn is_complete(&self) -> bool {
        self.cut_short.is_none()
    }

    /// The whole list, or why it could not be read to its end: for every caller that concludes
    /// from the whole list (the duplicate guard, reconciliation, "deleted in AEP").
    pub fn whole(self) -> Result<(Vec<T>, Option<String>), ClientError> {
        match self.cut_short {
            Some(e) => Err(e),
            None => Ok((self.items, self.request_id)),
        }
    }

    /// The same listing with each item turned by `f`.
    pub fn map_items<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Listing<U> {
        Listing {
            items: f(self.items),
            request_id: self.request_id,
            cut_short: self.cut_short,
        }
    }
}

/// A page's URL with its query pairs sorted: the same page however its link orders them.
fn page_key(url: &url::Url) -> String {
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    pairs.sort();
    let mut key = url.clone();
    key.set_query(None);
    key.query_pairs_mut().extend_pairs(pairs);
    key.to_string()
}

/// The JSON body of a success, or [`ClientError::InvalidResponse`] naming the call `what`.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    response: &RawResponse,
    what: &str,
) -> Result<T, ClientError> {
    serde_json::from_slice(&response.body).map_err(|e| ClientError::InvalidResponse {
        what: what.to_owned(),
        status: response.status,
        detail: format!("not the JSON expected: {e}"),
        request_id: response.request_id.clone(),
    })
}

/// The absolute URL of `_links.next.href`. Adobe's spec writes it relative to the service
/// (`/connections?continuationToken=...`); absolute URLs and host-relative paths
/// (`/data/foundation/flowservice/connections?...`) are accepted too, and a bare `?query` or
/// relative path is resolved against the page it came on. The first page's `property` and
/// `limit` parameters are added only when the link carries none of that name: a link that
/// carries them is followed as given, never with a parameter twice. Only links to the same
/// origin are followed: a next link must not send our token elsewhere, so one to another
/// origin (or one that is not a URL) is an error saying so.
pub(crate) fn next_link(
    links: Option<&Value>,
    service: &url::Url,
    current: &url::Url,
    first: &url::Url,
) -> Result<Option<url::Url>, String> {
    let Some(href) = links
        .and_then(|l| l.get("next"))
        .and_then(|n| n.get("href"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|h| !h.is_empty())
    else {
        return Ok(None);
    };
    let unusable =
        || "the next link is not a URL, so the pages after it could not be read".to_owned();
    // The service's path without its trailing slash, e.g. `/data/foundation/flowservice`.
    let service_path = service.path().trim_end_matches('/');
    let mut resolved = if let Ok(absolute) = url::Url::parse(href) {
        absolute
    } else if href.starts_with("//") {
        // Scheme-relative: another host as far as we are concerned.
        current.join(href).map_err(|_| unusable())?
    } else if let Some(path) = href.strip_prefix('/') {
        let host_relative = service_path.is_empty()
            || href == service_path
            || href.starts_with(&format!("{service_path}/"))
            || href.starts_with(&format!("{service_path}?"));
        if host_relative {
            service.join(href)
        } else {
            service.join(&format!("{service_path}/{path}"))
        }
        .map_err(|_| unusable())?
    } else {
        current.join(href).map_err(|_| unusable())?
    };
    if resolved.origin() != service.origin() {
        return Err(format!(
            "the next link leads to another host ({}), which was not called so as not to send it the access token",
            resolved.origin().ascii_serialization()
        ));
    }
    let present: std::collections::HashSet<String> = resolved
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    let missing: Vec<(String, String)> = first
        .query_pairs()
        .filter(|(k, _)| (k == "property" || k == "limit") && !present.contains(k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !missing.is_empty() {
        let mut query = resolved.query_pairs_mut();
        for (k, v) in &missing {
            query.append_pair(k, v);
        }
    }
    Ok(Some(resolved))
}

/// `s` encoded for use as one URL path segment.
pub(crate) fn urlencode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SERVICE: &str = "http://127.0.0.1:1/data/foundation/flowservice/";
    const FIRST: &str =
        "http://127.0.0.1:1/data/foundation/flowservice/connections?property=name%3D%3Da&limit=5";

    fn next_of(href: &str) -> Option<String> {
        let service = url::Url::parse(SERVICE).unwrap();
        let first = url::Url::parse(FIRST).unwrap();
        next_link(
            Some(&json!({"next": {"href": href}})),
            &service,
            &first,
            &first,
        )
        .map_or_else(|e| Some(format!("error: {e}")), |u| u.map(String::from))
    }

    fn query_keys(url: &str) -> Vec<String> {
        let mut keys: Vec<String> = url::Url::parse(url)
            .unwrap()
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn next_link_same_origin_only() {
        let next = next_of("/connections?continuationToken=abc").unwrap();
        assert!(next.contains("continuationToken=abc") && next.contains("property="));
        for foreign in [
            "https://evil.example/x",
            "//evil.example/x",
            "http://localhost:1/data/foundation/flowservice/connections?continuationToken=t",
        ] {
            let said = next_of(foreign).unwrap();
            assert!(
                said.starts_with("error: ") && said.contains("another host"),
                "{said}"
            );
        }
        assert_eq!(next_of("  "), None);
    }

    /// Regression: the spec's service-relative form was resolved against the host root,
    /// dropping `/data/foundation/flowservice` (a 404 from the second page on).
    #[test]
    fn next_link_in_every_form_reaches_the_service() {
        let want = "http://127.0.0.1:1/data/foundation/flowservice/connections";
        for href in [
            "/connections?continuationToken=abc",
            "/data/foundation/flowservice/connections?continuationToken=abc",
            "http://127.0.0.1:1/data/foundation/flowservice/connections?continuationToken=abc",
            "connections?continuationToken=abc",
            "?continuationToken=abc",
        ] {
            let next = next_of(href).unwrap();
            assert!(next.starts_with(want), "{href} -> {next}");
            assert!(next.contains("continuationToken=abc"), "{href} -> {next}");
        }
    }

    /// Regression: `limit` was appended again to links that already carried it.
    #[test]
    fn next_link_never_repeats_a_parameter() {
        let full =
            next_of("/connections?property=name%3D%3Da&limit=5&continuationToken=t").unwrap();
        assert_eq!(
            query_keys(&full),
            ["continuationToken", "limit", "property"]
        );
        let with_limit = next_of("/connections?limit=5&continuationToken=t").unwrap();
        assert_eq!(
            query_keys(&with_limit),
            ["continuationToken", "limit", "property"]
        );
        let bare = next_of("/connections?continuationToken=t").unwrap();
        assert_eq!(
            query_keys(&bare),
            ["continuationToken", "limit", "property"]
        );
    }
}
