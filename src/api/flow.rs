//! Flow Service: create, read and list base connections, with the headers of flow-service-api.md §2.
//!
//! `POST /connections` is not idempotent, so it is never repeated blindly: after an ambiguous
//! failure (timeout, dropped connection, 5xx, unreadable success) the client lists connections by
//! name and reports one created in this attempt's time window as the result instead of posting
//! again. It posts again only after a 5xx answer that left no connection behind: a server that
//! timed out or dropped the connection may still be creating it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::error::ClientError;
use super::http::{Http, Idempotency, RawResponse, header_str};
use super::ims::TokenManager;
use crate::model::{
    CreatedConnection, S3_AUTH_SPEC_ACCESS_KEY, S3_CONNECTION_SPEC_ID, S3ConnectionInput, Target,
    now_ms,
};
use crate::secret::Secret;

/// Path of Flow Service under the platform URL.
pub const FLOW_PATH: &str = "/data/foundation/flowservice";
/// How far before the attempt's start a connection's `createdAt` may lie and still be ours:
/// Adobe's clock and ours differ a little.
pub const CLOCK_SLACK_MS: i64 = 60_000;
/// Pause before the second lookup after a timeout or dropped connection.
pub const RELOOK_DELAY: Duration = Duration::from_millis(1500);
/// Page size for listing.
pub const LIST_PAGE_SIZE: usize = 100;
/// Hard cap on pages followed, so a server that always says "next" cannot loop us forever.
pub const MAX_PAGES: usize = 1000;

/// One connection as `GET /connections` returns it. Unknown fields are kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// Connection ID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Created, epoch ms.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Updated, epoch ms.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Client that created it.
    #[serde(default)]
    pub created_client: Option<String>,
    /// Who updated it last.
    #[serde(default)]
    pub updated_by: Option<String>,
    /// Sandbox name.
    #[serde(default)]
    pub sandbox_name: Option<String>,
    /// `enabled` / `disabled`.
    #[serde(default)]
    pub state: Option<String>,
    /// Current etag, byte for byte.
    #[serde(default)]
    pub etag: Option<String>,
    /// Connection spec.
    #[serde(default)]
    pub connection_spec: Option<Value>,
    /// Auth spec and params, secrets masked by Adobe.
    #[serde(default)]
    pub auth: Option<Value>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A page of `GET /connections`.
#[derive(Debug, Deserialize)]
pub(crate) struct ConnectionPage {
    #[serde(default)]
    pub(crate) items: Vec<Connection>,
    #[serde(default, rename = "_links")]
    pub(crate) links: Option<Value>,
}

/// The exact JSON body of `POST /connections` for an S3 access-key connection. Optional params
/// appear only when given.
pub fn create_body(input: &S3ConnectionInput) -> Value {
    body_with(input, |s| s.expose().to_owned())
}

/// The same body with every secret replaced by a placeholder: for history, details and logs.
pub fn redacted_create_body(input: &S3ConnectionInput) -> Value {
    body_with(input, |_| "(redacted)".to_owned())
}

fn body_with(input: &S3ConnectionInput, secret: impl Fn(&Secret) -> String) -> Value {
    let mut params = Map::new();
    params.insert("s3AccessKey".into(), json!(input.access_key_id));
    params.insert("s3SecretKey".into(), json!(secret(&input.secret_key)));
    if let Some(token) = &input.session_token {
        params.insert("s3SessionToken".into(), json!(secret(token)));
    }
    for (key, value) in [
        ("serviceUrl", &input.service_url),
        ("bucketName", &input.bucket_name),
        ("folderPath", &input.folder_path),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            params.insert(key.into(), json!(v));
        }
    }
    let mut body = Map::new();
    body.insert("name".into(), json!(input.name));
    if let Some(d) = input.description.as_deref().filter(|d| !d.is_empty()) {
        body.insert("description".into(), json!(d));
    }
    body.insert(
        "auth".into(),
        json!({ "specName": S3_AUTH_SPEC_ACCESS_KEY, "params": params }),
    );
    body.insert(
        "connectionSpec".into(),
        json!({ "id": S3_CONNECTION_SPEC_ID, "version": "1.0" }),
    );
    Value::Object(body)
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

    /// The token manager.
    pub fn tokens(&self) -> &Arc<TokenManager> {
        &self.tokens
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
    async fn call(
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
                    token = self.tokens.renew().await?;
                    renewed = true;
                }
                other => return other,
            }
        }
    }

    /// Creates an S3 base connection. Never creates two: see the module docs.
    pub async fn create_s3_connection(
        &self,
        input: &S3ConnectionInput,
    ) -> Result<CreatedConnection, ClientError> {
        // The body carries the secret key and session token: zeroized when this returns.
        let body = crate::secret::SecretJson(create_body(input));
        let url = self.flow_url("/connections");
        let started_ms = now_ms();
        let mut tries = 0;
        loop {
            tries += 1;
            let outcome = self
                .call(Method::POST, &url, Some(&body), Idempotency::NotIdempotent)
                .await
                .and_then(parse_created);
            let error = match outcome {
                Ok(created) => return Ok(created),
                Err(e) if !is_ambiguous_create(&e) => return Err(e),
                Err(e) => e,
            };
            tracing::warn!(error = %error, "create outcome unknown; looking the name up before anything else");
            // A server that timed out or dropped us may still be working on the request: give it
            // a moment and look twice before concluding that nothing was created.
            let lookups: &[Duration] = match &error {
                ClientError::Api(_) => &[Duration::ZERO],
                _ => &[Duration::ZERO, RELOOK_DELAY],
            };
            let mut found = None;
            for delay in lookups {
                tokio::time::sleep(*delay).await;
                match self.find_created(&input.name, started_ms, None).await {
                    Ok(Some(conn)) => {
                        found = Some(conn);
                        break;
                    }
                    Ok(None) => {}
                    Err(lookup) => {
                        return Err(ClientError::OutcomeUnknown {
                            cause: Box::new(error),
                            lookup: lookup.to_string(),
                        });
                    }
                }
            }
            if let Some(conn) = found {
                return Ok(CreatedConnection {
                    id: conn.connection.id,
                    etag: conn.connection.etag.unwrap_or_default(),
                    request_id: conn
                        .request_id
                        .or_else(|| error.request_id().map(str::to_owned)),
                    reconciled: true,
                });
            }
            // Only a server that answered 5xx is done with the request; after a timeout or a
            // dropped connection it may still create the connection, so posting again could
            // make a second one. Those are reported, not retried.
            let answered_5xx = matches!(&error, ClientError::Api(api) if api.status >= 500);
            if !answered_5xx || tries > self.http.settings().max_retries {
                return Err(error);
            }
            let delay = match &error {
                ClientError::Api(api) => api.retry_after,
                _ => None,
            }
            .filter(|d| *d <= self.http.settings().max_retry_after)
            .unwrap_or_else(|| self.http.backoff(tries - 1));
            tokio::time::sleep(delay).await;
        }
    }

    /// The S3 connection named `name` created at or after `since_ms` (minus clock slack) and, when
    /// `until_ms` is given, before it; the newest if several.
    pub async fn find_created(
        &self,
        name: &str,
        since_ms: i64,
        until_ms: Option<i64>,
    ) -> Result<Option<FoundConnection>, ClientError> {
        let (items, request_id) = self
            .list_connections_with_id(&[
                ("name", name),
                ("connectionSpec.id", S3_CONNECTION_SPEC_ID),
            ])
            .await?;
        let client_id = &self.target.client_id;
        let found = items
            .into_iter()
            .filter(|c| c.name == name)
            .filter(|c| {
                c.created_at.is_some_and(|t| {
                    t >= since_ms - CLOCK_SLACK_MS
                        && until_ms.is_none_or(|until| t <= until + CLOCK_SLACK_MS)
                })
            })
            // Another tool creating the same name is not ours.
            .filter(|c| c.created_client.as_ref().is_none_or(|cc| cc == client_id))
            .max_by_key(|c| c.created_at);
        Ok(found.map(|connection| FoundConnection {
            connection,
            request_id,
        }))
    }

    /// `GET /connections/{id}`.
    pub async fn get_connection(&self, id: &str) -> Result<Connection, ClientError> {
        let url = self.flow_url(&format!("/connections/{}", urlencode_segment(id)));
        let response = self
            .call(Method::GET, &url, None, Idempotency::Idempotent)
            .await?;
        let page: ConnectionPage = parse_json(&response, "GET /connections/{id}")?;
        page.items
            .into_iter()
            .next()
            .ok_or_else(|| ClientError::InvalidResponse {
                what: "GET /connections/{id}".to_owned(),
                status: response.status,
                detail: "the answer has no items".to_owned(),
                request_id: response.request_id.clone(),
            })
    }

    /// `GET /connections` with `property` filters (`field==value`, ANDed), following every page.
    pub async fn list_connections(
        &self,
        filters: &[(&str, &str)],
    ) -> Result<Vec<Connection>, ClientError> {
        Ok(self.list_connections_with_id(filters).await?.0)
    }

    async fn list_connections_with_id(
        &self,
        filters: &[(&str, &str)],
    ) -> Result<(Vec<Connection>, Option<String>), ClientError> {
        let base = self.flow_url("/connections");
        let mut url = url::Url::parse(&base)
            .map_err(|e| ClientError::BadUrl(format!("`{base}` is not a URL: {e}")))?;
        {
            let mut query = url.query_pairs_mut();
            for (field, value) in filters {
                query.append_pair("property", &format!("{field}=={value}"));
            }
            query.append_pair("limit", &LIST_PAGE_SIZE.to_string());
        }
        let mut items = Vec::new();
        let mut last_request_id = None;
        let mut next = Some(url.to_string());
        let mut pages = 0;
        while let Some(page_url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(ClientError::InvalidResponse {
                    what: "GET /connections".to_owned(),
                    status: 200,
                    detail: format!("more than {MAX_PAGES} pages; stopped following `next` links"),
                    request_id: last_request_id,
                });
            }
            let response = self
                .call(Method::GET, &page_url, None, Idempotency::Idempotent)
                .await?;
            let page: ConnectionPage = parse_json(&response, "GET /connections")?;
            last_request_id = response.request_id.clone();
            items.extend(page.items);
            next = next_link(page.links.as_ref(), &url);
        }
        Ok((items, last_request_id))
    }
}

/// Working with existing connections (flow-service-api.md §3).
impl PlatformClient {
    /// Every S3 connection of the sandbox (`connectionSpec.id==` the S3 spec), every page.
    pub async fn list_s3_connections(&self) -> Result<Vec<Connection>, ClientError> {
        let all = self
            .list_connections(&[("connectionSpec.id", S3_CONNECTION_SPEC_ID)])
            .await?;
        // A server that ignored the filter must not slip other sources into an S3 view.
        Ok(all
            .into_iter()
            .filter(|c| c.spec_id().is_none_or(|id| id == S3_CONNECTION_SPEC_ID))
            .collect())
    }

    /// `PATCH /connections/{id}` with `If-Match: etag` (sent exactly as given) and a JSON Patch
    /// body; returns the connection ID and its new etag. Not idempotent: only what surely never
    /// reached the service (429, refused connects) is retried.
    pub async fn patch_connection(
        &self,
        id: &str,
        etag: &str,
        ops: &Value,
    ) -> Result<(String, String), ClientError> {
        let patched = self.patch_connection_full(id, etag, ops).await?;
        Ok((patched.id, patched.etag))
    }

    /// [`Self::patch_connection`], also returning the request ID.
    pub async fn patch_connection_full(
        &self,
        id: &str,
        etag: &str,
        ops: &Value,
    ) -> Result<PatchedConnection, ClientError> {
        if etag.trim().is_empty() {
            return Err(ClientError::Missing(
                "no etag to send as If-Match: read the connection first (`connections show ID`)"
                    .to_owned(),
            ));
        }
        let url = self.flow_url(&format!("/connections/{}", urlencode_segment(id)));
        let options = CallOptions {
            sandbox_header: true,
            if_match: Some(etag),
        };
        let response = self
            .call_with(
                Method::PATCH,
                &url,
                Some(ops),
                Idempotency::NotIdempotent,
                options,
            )
            .await?;
        #[derive(Deserialize)]
        struct Patched {
            #[serde(default)]
            id: Option<String>,
            #[serde(default)]
            etag: Option<String>,
        }
        let patched: Patched = parse_json(&response, "PATCH /connections/{id}")?;
        let new_etag =
            patched
                .etag
                .filter(|e| !e.is_empty())
                .ok_or_else(|| ClientError::InvalidResponse {
                    what: "PATCH /connections/{id}".to_owned(),
                    status: response.status,
                    detail: "the answer has no etag".to_owned(),
                    request_id: response.request_id.clone(),
                })?;
        Ok(PatchedConnection {
            id: patched
                .id
                .filter(|i| !i.is_empty())
                .unwrap_or_else(|| id.to_owned()),
            etag: new_etag,
            request_id: response.request_id,
        })
    }

    /// Replaces the connection's access key (and secret, and session token) with one PATCH of
    /// `/auth/params`, keeping its bucket, folder and service URL as a fresh `GET` shows them.
    /// `etag` is the version the caller read: a changed connection answers 412 (code 1404).
    pub async fn rotate_credentials(
        &self,
        id: &str,
        etag: &str,
        access_key_id: &str,
        secret: &Secret,
        session_token: Option<&Secret>,
    ) -> Result<(String, String), ClientError> {
        let current = self.get_connection(id).await?;
        let ops =
            crate::secret::SecretJson(rotation_ops(&current, access_key_id, secret, session_token));
        self.patch_connection(id, etag, &ops).await
    }

    /// `DELETE /connections/{id}`; returns the request ID. A connection used by a dataflow
    /// answers 400 with code 1418.
    pub async fn delete_connection(&self, id: &str) -> Result<Option<String>, ClientError> {
        let url = self.flow_url(&format!("/connections/{}", urlencode_segment(id)));
        let response = self
            .call(Method::DELETE, &url, None, Idempotency::NotIdempotent)
            .await?;
        Ok(response.request_id)
    }

    /// `GET /connections/{id}/test`: whether Flow Service can reach the storage with it.
    pub async fn test_connection(&self, id: &str) -> Result<bool, ClientError> {
        let url = self.flow_url(&format!("/connections/{}/test", urlencode_segment(id)));
        let response = self
            .call(Method::GET, &url, None, Idempotency::Idempotent)
            .await?;
        #[derive(Deserialize)]
        struct Tested {
            result: bool,
        }
        let tested: Tested = parse_json(&response, "GET /connections/{id}/test")?;
        Ok(tested.result)
    }
}

/// The answer to a successful `PATCH /connections/{id}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchedConnection {
    /// Connection ID.
    pub id: String,
    /// The new etag, byte for byte.
    pub etag: String,
    /// `x-request-id`.
    pub request_id: Option<String>,
}

/// Parameters of the `Access Key` auth spec that are not secret and survive a rotation.
pub const KEPT_ON_ROTATION: &[&str] = &["bucketName", "folderPath", "serviceUrl"];

/// The JSON Patch that rotates a connection's credentials: one `replace` of `/auth/params`
/// with the new key pair (and token), carrying over `current`'s non-secret params. The masked
/// secrets a `GET` shows are never sent back.
pub fn rotation_ops(
    current: &Connection,
    access_key_id: &str,
    secret: &Secret,
    session_token: Option<&Secret>,
) -> Value {
    rotation_ops_with(
        current,
        access_key_id,
        session_token.is_some(),
        |which| match which {
            SecretParam::Key => secret.expose().to_owned(),
            SecretParam::Token => session_token
                .map(|t| t.expose().to_owned())
                .unwrap_or_default(),
        },
    )
}

/// [`rotation_ops`] with every secret replaced by a placeholder: for history, logs and display.
pub fn redacted_rotation_ops(
    current: &Connection,
    access_key_id: &str,
    has_session_token: bool,
) -> Value {
    rotation_ops_with(current, access_key_id, has_session_token, |_| {
        "(redacted)".to_owned()
    })
}

enum SecretParam {
    Key,
    Token,
}

fn rotation_ops_with(
    current: &Connection,
    access_key_id: &str,
    has_session_token: bool,
    secret: impl Fn(SecretParam) -> String,
) -> Value {
    let mut params = Map::new();
    params.insert("s3AccessKey".into(), json!(access_key_id));
    params.insert("s3SecretKey".into(), json!(secret(SecretParam::Key)));
    if has_session_token {
        params.insert("s3SessionToken".into(), json!(secret(SecretParam::Token)));
    }
    for key in KEPT_ON_ROTATION {
        if let Some(v) = current.auth_param(key).filter(|v| !v.is_empty()) {
            params.insert((*key).into(), json!(v));
        }
    }
    json!([{"op": "replace", "path": "/auth/params", "value": params}])
}

impl Connection {
    /// `connectionSpec.id`, if present.
    pub fn spec_id(&self) -> Option<&str> {
        self.connection_spec.as_ref()?.get("id")?.as_str()
    }

    /// `auth.specName`, if present (`Access Key` for key-based S3 connections).
    pub fn auth_spec_name(&self) -> Option<&str> {
        self.auth.as_ref()?.get("specName")?.as_str()
    }

    /// One `auth.params` value as text, as Adobe shows it (secrets masked).
    pub fn auth_param(&self, name: &str) -> Option<&str> {
        self.auth.as_ref()?.get("params")?.get(name)?.as_str()
    }
}

/// A connection found by [`PlatformClient::find_created`], with the request ID of the lookup.
#[derive(Clone, Debug)]
pub struct FoundConnection {
    /// The connection.
    pub connection: Connection,
    /// `x-request-id` of the list call that found it.
    pub request_id: Option<String>,
}

/// A POST that failed in a way that may still have created the connection.
pub(crate) fn is_ambiguous_create(e: &ClientError) -> bool {
    match e {
        // A success status with an unreadable body: it was created, we just cannot read the ID.
        ClientError::InvalidResponse { status, .. } if (200..300).contains(status) => true,
        e => e.is_ambiguous(),
    }
}

/// The connection ID and etag of a `POST /connections` success, or why the answer is unusable.
pub(crate) fn parse_created(response: RawResponse) -> Result<CreatedConnection, ClientError> {
    #[derive(Deserialize)]
    struct Created {
        id: String,
        #[serde(default)]
        etag: Option<String>,
    }
    let created: Created = parse_json(&response, "POST /connections")?;
    if created.id.is_empty() {
        return Err(ClientError::InvalidResponse {
            what: "POST /connections".to_owned(),
            status: response.status,
            detail: "the answer has an empty id".to_owned(),
            request_id: response.request_id,
        });
    }
    Ok(CreatedConnection {
        id: created.id,
        etag: created.etag.unwrap_or_default(),
        request_id: response
            .request_id
            .or_else(|| header_str(&response.headers, "x-request-id")),
        reconciled: false,
    })
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

/// The absolute URL of `_links.next.href`, resolved against the first page's URL. Only links to
/// the same origin are followed: a next link must not send our token elsewhere.
pub(crate) fn next_link(links: Option<&Value>, base: &url::Url) -> Option<String> {
    let href = links?.get("next")?.get("href")?.as_str()?;
    if href.is_empty() {
        return None;
    }
    let mut resolved = base.join(href).ok()?;
    if resolved.origin() != base.origin() {
        tracing::warn!("ignoring a next link to another host");
        return None;
    }
    // Adobe's next links sometimes carry only the continuation token: keep the filters.
    if !resolved.query_pairs().any(|(k, _)| k == "property") {
        let filters: Vec<(String, String)> = base
            .query_pairs()
            .filter(|(k, _)| k == "property" || k == "limit")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut query = resolved.query_pairs_mut();
        for (k, v) in &filters {
            query.append_pair(k, v);
        }
    }
    Some(resolved.to_string())
}

/// `s` encoded for use as one URL path segment.
pub(crate) fn urlencode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn input() -> S3ConnectionInput {
        S3ConnectionInput {
            name: "n".into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: Secret::new("s3cr3t"),
            ..Default::default()
        }
    }

    #[test]
    fn body_has_only_given_params() {
        let body = create_body(&input());
        assert_eq!(
            body,
            json!({"name": "n", "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AKIAIOSFODNN7EXAMPLE", "s3SecretKey": "s3cr3t"}},
                   "connectionSpec": {"id": S3_CONNECTION_SPEC_ID, "version": "1.0"}})
        );
    }

    #[test]
    fn redacted_body_has_no_secret() {
        let mut i = input();
        i.session_token = Some(Secret::new("tok3n"));
        let text = redacted_create_body(&i).to_string();
        assert!(!text.contains("s3cr3t") && !text.contains("tok3n"));
        assert!(text.contains("s3SessionToken"));
    }

    #[test]
    fn next_link_same_origin_only() {
        let base = url::Url::parse("http://127.0.0.1:1/x?property=name%3D%3Da&limit=5").unwrap();
        let links = json!({"next": {"href": "/x?continuationToken=abc"}});
        let next = next_link(Some(&links), &base).unwrap();
        assert!(next.contains("continuationToken=abc") && next.contains("property="));
        let evil = json!({"next": {"href": "https://evil.example/x"}});
        assert_eq!(next_link(Some(&evil), &base), None);
    }
}
