//! Flow Service: create, read and list base connections, with the headers of docs/flow-service-api.md §2.
//!
//! `POST /connections` is not idempotent, so it is never repeated blindly: after an ambiguous
//! failure (timeout, dropped connection, 5xx, unreadable success) the client lists connections by
//! name and reports one created in this attempt's time window as the result instead of posting
//! again. It posts again only after a 5xx answer that left no connection behind: a server that
//! timed out or dropped the connection may still be creating it.
//!
//! The shared client is [`super::platform`]; the connection types are in [`super::connection`]
//! and the request bodies in [`super::bodies`], re-exported here under their old paths.

use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use super::error::ClientError;
use super::http::{Idempotency, RawResponse, header_str};
use crate::model::{
    CreatedConnection, EpochMs, S3_CONNECTION_SPEC_ID, S3ConnectionInput, SentFields,
};
use crate::secret::Secret;

pub use super::bodies::{
    KEPT_ON_ROTATION, create_body, redacted_create_body, redacted_rotation_ops, rotation_ops,
};
pub(crate) use super::connection::connection_items;
pub use super::connection::{
    AuthParam, AuthSpec, Connection, ConnectionSpec, CreatedLookup, FoundConnection,
    PatchedConnection, masked_matches,
};
pub(crate) use super::platform::{
    CallOptions, Page as ConnectionPage, parse_json, urlencode_segment,
};
pub use super::platform::{FLOW_PATH, Listing, MAX_PAGES, PlatformClient};

/// Pause before the second lookup after a timeout or dropped connection.
pub const RELOOK_DELAY: Duration = Duration::from_millis(1500);
/// Page size for listing.
pub const LIST_PAGE_SIZE: usize = 100;

/// True when Adobe's `property=name==VALUE` filter surely reads `name` as the one exact value.
///
/// Adobe's filter syntax reads a comma as a list of values, drops one pair of double quotes
/// around a value, and has other operators (`!=`, `<`, `>`, `~` for "like", a leading `!` for
/// "absent"); how it treats backslashes, single quotes and surrounding spaces is not documented.
/// So only names made of letters, digits, inner spaces and `- _ . ( ) / : @ #` are sent as a
/// filter; any other name is looked up by listing the sandbox's S3 connections and comparing
/// here. Listing costs a few more requests, never a wrong answer.
pub fn name_filter_is_exact(name: &str) -> bool {
    !name.is_empty()
        && name.trim() == name
        && name.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')' | '/' | ':' | '@' | '#')
        })
}

/// Creating connections and finding them by name.
impl PlatformClient {
    /// Creates an S3 base connection. Never creates two: see the module docs.
    pub async fn create_s3_connection(
        &self,
        input: &S3ConnectionInput,
    ) -> Result<CreatedConnection, ClientError> {
        self.create_s3_connection_observed(input, &|_| {}).await
    }

    /// [`Self::create_s3_connection`], calling `before_post` with the latest time the
    /// request about to leave can still reach Adobe (now + the total timeout), before each `POST`.
    /// The history keeps it, so that no later run settles the attempt as "not created" while
    /// that request could still land.
    pub async fn create_s3_connection_observed(
        &self,
        input: &S3ConnectionInput,
        before_post: &(dyn Fn(EpochMs) + Send + Sync),
    ) -> Result<CreatedConnection, ClientError> {
        // The body carries the secret key and session token: zeroized when this returns.
        let body = crate::secret::SecretJson(create_body(input));
        let url = self.flow_url("/connections");
        let started_ms = EpochMs::now();
        let mut tries = 0;
        loop {
            tries += 1;
            before_post(EpochMs::now().plus_ms(self.lands_within_ms()));
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
                match self
                    .find_created(&input.name, started_ms, None, &input.sent())
                    .await
                {
                    Ok(CreatedLookup {
                        ours: Some(conn), ..
                    }) => {
                        found = Some(conn);
                        break;
                    }
                    Ok(_) => {}
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
            if tries > self.http().settings().max_retries {
                return Err(error);
            }
            let delay = match &error {
                ClientError::Api(api) => api.retry_after,
                _ => None,
            }
            .filter(|d| *d <= self.http().settings().max_retry_after)
            .unwrap_or_else(|| self.http().backoff(tries - 1));
            tokio::time::sleep(delay).await;
        }
    }

    /// The S3 connection named `name` that a create which sent `sent` made at or after
    /// `since_ms` (minus clock slack) and, when `until_ms` is given, before it: made by this
    /// client, and showing what was sent ([`Connection::shows_sent`]). Connections of that name
    /// from that time that fail either test are another request's, listed in
    /// [`CreatedLookup::others`] so that a caller never claims them.
    pub async fn find_created(
        &self,
        name: &str,
        since_ms: EpochMs,
        until_ms: Option<EpochMs>,
        sent: &SentFields<'_>,
    ) -> Result<CreatedLookup, ClientError> {
        let (items, request_id) = self.connections_named_with_id(name).await?;
        let client_id = &self.target().client_id;
        let slack = self.clock_slack_ms();
        let (mut ours, mut others): (Vec<Connection>, Vec<Connection>) = items
            .into_iter()
            .filter(|c| {
                c.created_at.is_some_and(|t| {
                    t >= since_ms.plus_ms(-slack)
                        && until_ms.is_none_or(|until| t <= until.plus_ms(slack))
                })
            })
            .partition(|c| {
                c.created_client.as_ref().is_none_or(|cc| cc == client_id) && c.shows_sent(sent)
            });
        ours.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        others.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        let newest = (!ours.is_empty()).then(|| ours.swap_remove(0));
        Ok(CreatedLookup {
            ours: newest.map(|connection| FoundConnection {
                connection,
                request_id,
            }),
            others,
        })
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
        let (items, request_id) = self.list_connections_listing(&filters).await?.whole()?;
        let named = items
            .into_iter()
            .filter(|c| c.name == name)
            .filter(|c| c.spec_id().is_none_or(|id| id == S3_CONNECTION_SPEC_ID))
            .collect();
        Ok((named, request_id))
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

    /// `GET /connections` with `property` filters (`field==value`, ANDed), following every page;
    /// a list that could not be read to its end is an error ([`ClientError::Incomplete`]).
    pub async fn list_connections(
        &self,
        filters: &[(&str, &str)],
    ) -> Result<Vec<Connection>, ClientError> {
        Ok(self.list_connections_listing(filters).await?.whole()?.0)
    }

    /// [`Self::list_connections`], keeping what was read when the list stopped early.
    async fn list_connections_listing(
        &self,
        filters: &[(&str, &str)],
    ) -> Result<Listing<Connection>, ClientError> {
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
        let listing = self.follow_pages(&url, "GET /connections").await?;
        Ok(listing.map_items(|items| connection_items(items, "GET /connections")))
    }
}

/// Working with existing connections (docs/flow-service-api.md §3).
impl PlatformClient {
    /// Every S3 connection of the sandbox (`connectionSpec.id==` the S3 spec), every page; a
    /// list that could not be read to its end is an error.
    pub async fn list_s3_connections(&self) -> Result<Vec<Connection>, ClientError> {
        Ok(self.s3_connections_listing().await?.whole()?.0)
    }

    /// The sandbox's S3 connections for a view that may show part of them: what was read,
    /// and why the list stopped early if it did. Only a first page that fails is an error.
    pub async fn s3_connections_listing(&self) -> Result<Listing<Connection>, ClientError> {
        let listing = self
            .list_connections_listing(&[("connectionSpec.id", S3_CONNECTION_SPEC_ID)])
            .await?;
        // A server that ignored the filter must not slip other sources into an S3 view.
        Ok(listing.map_items(|all| {
            all.into_iter()
                .filter(|c| c.spec_id().is_none_or(|id| id == S3_CONNECTION_SPEC_ID))
                .collect()
        }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_filter_syntax_could_misread_are_not_filtered_by_name() {
        for plain in [
            "Landing bucket",
            "S3 (eu-west-1) #2",
            "a.b_c-d/e:f@g",
            "Ünïcødé 東京",
        ] {
            assert!(name_filter_is_exact(plain), "{plain}");
        }
        for odd in [
            "Landing, daily",
            "\"Landing\"",
            "a==b",
            "a!=b",
            "x~y",
            "back\\slash",
            " leading",
            "trailing ",
            "it's",
            "<tag>",
            "!absent",
            "",
        ] {
            assert!(!name_filter_is_exact(odd), "{odd}");
        }
    }
}
