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

/// A page of `GET /connections`. Items are read one by one ([`connection_items`]), so one item
/// of an unexpected shape does not lose the whole list.
#[derive(Debug, Deserialize)]
pub(crate) struct ConnectionPage {
    #[serde(default)]
    pub(crate) items: Vec<Value>,
    #[serde(default, rename = "_links")]
    pub(crate) links: Option<Value>,
}

/// The fields of [`Connection`] and the JSON type each must have (`null` is always accepted).
const CONNECTION_FIELD_TYPES: &[(&str, JsonKind)] = &[
    ("description", JsonKind::String),
    ("createdAt", JsonKind::Number),
    ("updatedAt", JsonKind::Number),
    ("createdBy", JsonKind::String),
    ("createdClient", JsonKind::String),
    ("updatedBy", JsonKind::String),
    ("sandboxName", JsonKind::String),
    ("state", JsonKind::String),
    ("etag", JsonKind::String),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonKind {
    String,
    Number,
}

impl JsonKind {
    fn admits(self, v: &Value) -> bool {
        match self {
            Self::String => v.is_string() || v.is_null(),
            Self::Number => v.is_i64() || v.is_null(),
        }
    }
}

/// The usable connections of a list page. An item without a string `id` and `name` is skipped;
/// a field of an unexpected type is dropped from its item. Each is logged as a warning naming
/// the item and the field, and the rest of the list is kept.
pub(crate) fn connection_items(items: Vec<Value>, what: &str) -> Vec<Connection> {
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let Value::Object(mut obj) = item else {
            tracing::warn!("{what}: skipping item {index}: not a JSON object");
            continue;
        };
        let id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
        let Some(id) = id.filter(|i| !i.is_empty()) else {
            tracing::warn!("{what}: skipping item {index}: it has no string `id`");
            continue;
        };
        if !obj.get("name").is_some_and(Value::is_string) {
            tracing::warn!(
                "{what}: skipping connection {id}: its `name` is missing or not a string"
            );
            continue;
        }
        for (field, kind) in CONNECTION_FIELD_TYPES {
            if obj.get(*field).is_some_and(|v| !kind.admits(v)) {
                tracing::warn!("{what}: connection {id}: ignoring `{field}` of an unexpected type");
                obj.remove(*field);
            }
        }
        for field in ["connectionSpec", "auth"] {
            if obj
                .get(field)
                .is_some_and(|v| !v.is_object() && !v.is_null())
            {
                tracing::warn!("{what}: connection {id}: ignoring `{field}` of an unexpected type");
                obj.remove(field);
            }
        }
        match serde_json::from_value::<Connection>(Value::Object(obj)) {
            Ok(c) => out.push(c),
            Err(e) => tracing::warn!("{what}: skipping connection {id}: {e}"),
        }
    }
    out
}

/// True when Adobe's `property=name==VALUE` filter reads `name` as one value: a comma makes it a
/// list of values, so such a name is looked up by listing and comparing here.
pub fn name_filter_is_exact(name: &str) -> bool {
    !name.contains(',')
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
        self.create_s3_connection_observed(input, &|_| {}).await
    }

    /// [`Self::create_s3_connection`], calling `before_post` with the latest time (epoch ms) the
    /// request about to leave can still reach Adobe (now + the total timeout), before each `POST`.
    /// The history keeps it, so that no later run settles the attempt as "not created" while
    /// that request could still land.
    pub async fn create_s3_connection_observed(
        &self,
        input: &S3ConnectionInput,
        before_post: &(dyn Fn(i64) + Send + Sync),
    ) -> Result<CreatedConnection, ClientError> {
        // The body carries the secret key and session token: zeroized when this returns.
        let body = crate::secret::SecretJson(create_body(input));
        let url = self.flow_url("/connections");
        let started_ms = now_ms();
        let mut tries = 0;
        loop {
            tries += 1;
            before_post(now_ms().saturating_add(self.lands_within_ms()));
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
                            lookup: format!("Looking it up failed too: {lookup}"),
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
            // dropped connection it may still create the connection (Adobe does not roll back),
            // so posting again could make a second one, and "not created" would be a guess.
            // The outcome is reported as unknown: the record stays pending until a lookup tells.
            let answered_5xx = matches!(&error, ClientError::Api(api) if api.status >= 500);
            if !answered_5xx {
                return Err(ClientError::OutcomeUnknown {
                    cause: Box::new(error),
                    lookup: "A lookup right after found no connection of that name yet: Adobe may still be creating it.".to_owned(),
                });
            }
            if tries > self.http.settings().max_retries {
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
        let (items, request_id) = self.connections_named_with_id(name).await?;
        let client_id = &self.target.client_id;
        let slack = self.clock_slack_ms();
        let found = items
            .into_iter()
            .filter(|c| {
                c.created_at.is_some_and(|t| {
                    t >= since_ms - slack && until_ms.is_none_or(|until| t <= until + slack)
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

    /// Every S3 connection of the sandbox named exactly `name`, with the request ID of the
    /// last list call. A name Adobe's filter would misread (a comma makes it a list of values)
    /// is not sent as a filter: the sandbox's S3 connections are listed and compared here.
    pub async fn connections_named(&self, name: &str) -> Result<Vec<Connection>, ClientError> {
        Ok(self.connections_named_with_id(name).await?.0)
    }

    async fn connections_named_with_id(
        &self,
        name: &str,
    ) -> Result<(Vec<Connection>, Option<String>), ClientError> {
        let mut filters = vec![("connectionSpec.id", S3_CONNECTION_SPEC_ID)];
        if name_filter_is_exact(name) {
            filters.insert(0, ("name", name));
        }
        let (items, request_id) = self.list_connections_with_id(&filters).await?;
        let named = items
            .into_iter()
            .filter(|c| c.name == name)
            .filter(|c| c.spec_id().is_none_or(|id| id == S3_CONNECTION_SPEC_ID))
            .collect();
        Ok((named, request_id))
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

    /// `GET /connections/{id}`.
    pub async fn get_connection(&self, id: &str) -> Result<Connection, ClientError> {
        let url = self.flow_url(&format!("/connections/{}", urlencode_segment(id)));
        let response = self
            .call(Method::GET, &url, None, Idempotency::Idempotent)
            .await?;
        let page: ConnectionPage = parse_json(&response, "GET /connections/{id}")?;
        let first = page.items.into_iter().next();
        let invalid = |detail: String| ClientError::InvalidResponse {
            what: "GET /connections/{id}".to_owned(),
            status: response.status,
            detail,
            request_id: response.request_id.clone(),
        };
        let item = first.ok_or_else(|| invalid("the answer has no items".to_owned()))?;
        connection_items(vec![item], "GET /connections/{id}")
            .into_iter()
            .next()
            .ok_or_else(|| invalid("its item has no usable `id` and `name`".to_owned()))
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
        let service = url::Url::parse(&self.flow_url("/"))
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
            items.extend(connection_items(page.items, "GET /connections"));
            let current = url::Url::parse(&page_url).unwrap_or_else(|_| url.clone());
            next = next_link(page.links.as_ref(), &service, &current, &url);
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

    /// `GET /connectionSpecs/{S3 spec ID}`: the Amazon S3 spec as Adobe describes it, with the
    /// parameters each auth spec takes (the source of truth for what `auth.params` may hold).
    pub async fn s3_connection_spec(&self) -> Result<ConnectionSpec, ClientError> {
        let what = "GET /connectionSpecs/{id}";
        let url = self.flow_url(&format!(
            "/connectionSpecs/{}",
            urlencode_segment(S3_CONNECTION_SPEC_ID)
        ));
        let response = self
            .call(Method::GET, &url, None, Idempotency::Idempotent)
            .await?;
        let answer: Value = parse_json(&response, what)?;
        ConnectionSpec::from_answer(&answer).ok_or_else(|| ClientError::InvalidResponse {
            what: what.to_owned(),
            status: response.status,
            detail: "the answer has no item with an `id`".to_owned(),
            request_id: response.request_id.clone(),
        })
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

/// A connection spec as `GET /connectionSpecs/{id}` describes it: what each auth spec takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSpec {
    /// Spec ID.
    pub id: String,
    /// Spec name (`amazon-s3`).
    pub name: String,
    /// Spec version.
    pub version: Option<String>,
    /// Its auth specs, in Adobe's order.
    pub auth_specs: Vec<AuthSpec>,
}

/// One auth spec (`Access Key`, `IAMRole Based`) and its parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthSpec {
    /// Its name, as `auth.specName` takes it.
    pub name: String,
    /// Its parameters, as `auth.params` takes them.
    pub params: Vec<AuthParam>,
}

/// One parameter of an auth spec.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthParam {
    /// Its name in `auth.params`.
    pub name: String,
    /// Listed in the spec's `required`.
    pub required: bool,
    /// A secret (`"format": "password"`): Adobe masks it when it reads the connection back.
    pub secret: bool,
    /// Adobe's description.
    pub description: Option<String>,
}

impl ConnectionSpec {
    /// Reads `GET /connectionSpecs/{id}`'s first item; `None` when it has none or no `id`.
    pub fn from_answer(answer: &Value) -> Option<Self> {
        let item = answer.get("items")?.get(0)?;
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let auth_specs = item
            .get("authSpec")
            .and_then(Value::as_array)
            .map(|specs| {
                specs
                    .iter()
                    .filter_map(|a| {
                        let schema = a.get("spec")?;
                        let required: Vec<&str> = schema
                            .get("required")
                            .and_then(Value::as_array)
                            .map(|r| r.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        let params = schema
                            .get("properties")
                            .and_then(Value::as_object)
                            .map(|props| {
                                props
                                    .iter()
                                    .map(|(name, p)| AuthParam {
                                        name: name.clone(),
                                        required: required.contains(&name.as_str()),
                                        secret: p.get("format").and_then(Value::as_str)
                                            == Some("password"),
                                        description: text(p, "description"),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        Some(AuthSpec {
                            name: text(a, "name")?,
                            params,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            id: text(item, "id")?,
            name: text(item, "name").unwrap_or_default(),
            version: text(item, "version"),
            auth_specs,
        })
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

/// The absolute URL of `_links.next.href`. Adobe's spec writes it relative to the service
/// (`/connections?continuationToken=...`); absolute URLs and host-relative paths
/// (`/data/foundation/flowservice/connections?...`) are accepted too, and a bare `?query` or
/// relative path is resolved against the page it came on. The first page's `property` and
/// `limit` parameters are added only when the link carries none of that name: a link that
/// carries them is followed as given, never with a parameter twice. Only links to the same
/// origin are followed: a next link must not send our token elsewhere.
pub(crate) fn next_link(
    links: Option<&Value>,
    service: &url::Url,
    current: &url::Url,
    first: &url::Url,
) -> Option<String> {
    let href = links?.get("next")?.get("href")?.as_str()?.trim();
    if href.is_empty() {
        return None;
    }
    // The service's path without its trailing slash, e.g. `/data/foundation/flowservice`.
    let service_path = service.path().trim_end_matches('/');
    let mut resolved = if let Ok(absolute) = url::Url::parse(href) {
        absolute
    } else if href.starts_with("//") {
        // Scheme-relative: another host as far as we are concerned.
        current.join(href).ok()?
    } else if let Some(path) = href.strip_prefix('/') {
        let host_relative = service_path.is_empty()
            || href == service_path
            || href.starts_with(&format!("{service_path}/"))
            || href.starts_with(&format!("{service_path}?"));
        if host_relative {
            service.join(href).ok()?
        } else {
            service.join(&format!("{service_path}/{path}")).ok()?
        }
    } else {
        current.join(href).ok()?
    };
    if resolved.origin() != service.origin() {
        tracing::warn!("ignoring a next link to another host");
        return None;
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
        assert_eq!(next_of("https://evil.example/x"), None);
        assert_eq!(next_of("//evil.example/x"), None);
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

    #[test]
    fn list_items_of_an_unexpected_shape_are_skipped_or_trimmed() {
        let items = vec![
            json!({"id": "a", "name": "ok", "createdAt": 5}),
            json!({"id": "b", "name": "bad time", "createdAt": "yesterday", "state": 3}),
            json!({"id": 7, "name": "no id"}),
            json!({"id": "d", "name": ["not", "a", "name"]}),
            json!("not an object"),
            json!({"id": "e", "name": "bad auth", "auth": "masked"}),
        ];
        let got = connection_items(items, "test");
        let ids: Vec<&str> = got.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "e"]);
        assert_eq!(got[1].created_at, None);
        assert_eq!(got[1].state, None);
        assert_eq!(got[2].auth, None);
    }

    #[test]
    fn names_with_a_comma_are_not_filtered_by_name() {
        assert!(name_filter_is_exact("Landing bucket"));
        assert!(!name_filter_is_exact("Landing, daily"));
    }
}
