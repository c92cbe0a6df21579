//! IMS's token endpoint and the checks the API gateway and Flow Service make before a route runs.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use super::errors::{FlowError, RequestId, gateway_error, json_response, oauth_error};
use super::org::DemoSandbox;
use super::state::{Shared, lock};
use super::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID};

/// `POST /ims/token/v3`: the OAuth Server-to-Server client credentials grant.
pub(crate) async fn token(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form_type = header_str(&headers, header::CONTENT_TYPE.as_str())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_type {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded",
        );
    }
    // First occurrence wins, as with most form parsers.
    let mut form: HashMap<String, String> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        form.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    let field = |name: &str| form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

    let Some(client_id) = field("client_id") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "missing client_id parameter",
        );
    };
    if client_id != DEMO_CLIENT_ID {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "invalid client_id parameter",
        );
    }
    let Some(secret) = field("client_secret") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "missing client_secret parameter",
        );
    };
    if secret != DEMO_CLIENT_SECRET {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "invalid client_secret parameter",
        );
    }
    match field("grant_type") {
        Some("client_credentials") => {}
        Some(other) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("unsupported grant_type '{other}'; use client_credentials"),
            );
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "missing grant_type parameter",
            );
        }
    }
    let scopes_ok = field("scope").is_some_and(|s| s.split(',').all(|p| !p.trim().is_empty()));
    if !scopes_ok {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "invalid scope parameter",
        );
    }

    let (access_token, expires_in) = lock(&shared).issue_token(client_id);
    json_response(
        StatusCode::OK,
        &json!({"access_token": access_token, "token_type": "bearer", "expires_in": expires_in}),
    )
}

/// A caller that passed the gateway's checks.
pub(crate) struct Caller {
    /// The client the token was issued to.
    pub client_id: String,
    /// This request's `x-request-id`.
    pub request_id: String,
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Response> {
        let request_id = request_id(parts);
        let client_id = gateway_checks(&parts.headers, state)
            .map_err(|(status, code, message)| gateway_error(status, code, message))?;
        Ok(Caller {
            client_id,
            request_id,
        })
    }
}

/// A gateway refusal: status, `error_code` and message of §4.
type Refusal = (StatusCode, &'static str, &'static str);

/// The gateway's checks, in its order (§4); returns the client the token belongs to.
fn gateway_checks(headers: &HeaderMap, shared: &Shared) -> Result<String, Refusal> {
    let token = header_str(headers, header::AUTHORIZATION.as_str())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err((StatusCode::FORBIDDEN, "403010", "Oauth token is missing."));
    };
    let Some(client_id) = lock(shared).token_client(token).map(str::to_owned) else {
        return Err((
            StatusCode::UNAUTHORIZED,
            "401013",
            "Oauth token is not valid",
        ));
    };
    match header_str(headers, "x-api-key").filter(|v| !v.is_empty()) {
        None => return Err((StatusCode::FORBIDDEN, "403000", "Api Key is required")),
        Some(key) if key != client_id => {
            return Err((StatusCode::FORBIDDEN, "403003", "Api Key is invalid"));
        }
        Some(_) => {}
    }
    match header_str(headers, "x-gw-ims-org-id").filter(|v| !v.is_empty()) {
        None => Err((StatusCode::BAD_REQUEST, "400003", "Missing header")),
        Some(org) if org != DEMO_ORG_ID => {
            Err((StatusCode::FORBIDDEN, "403025", "Profile is not valid"))
        }
        Some(_) => Ok(client_id),
    }
}

/// A caller of a Flow Service route: gateway checks passed and a sandbox it may use.
pub(crate) struct FlowCtx {
    /// The client the token was issued to.
    pub client_id: String,
    /// This request's `x-request-id`.
    pub request_id: String,
    /// The `x-sandbox-name` sandbox.
    pub sandbox: &'static DemoSandbox,
}

impl FlowCtx {
    /// Renders `err` for this request.
    pub fn fail(&self, err: FlowError) -> Response {
        err.at(&self.request_id)
    }
}

impl FromRequestParts<Shared> for FlowCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Response> {
        let Caller {
            client_id,
            request_id,
        } = Caller::from_request_parts(parts, state).await?;
        let name = header_str(&parts.headers, "x-sandbox-name")
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let Some(name) = name else {
            return Err(FlowError::bad_request(
                2105,
                "The x-sandbox-name header is missing or empty.",
            )
            .at(&request_id));
        };
        let Some(sandbox) = lock(state).sandbox(name) else {
            return Err(FlowError::new(
                StatusCode::NOT_FOUND,
                2100,
                "Sandbox not found",
                format!("The sandbox with the name '{name}' could not be found"),
            )
            .at(&request_id));
        };
        if !sandbox.flow_access {
            return Err(FlowError::new(
                StatusCode::FORBIDDEN,
                2118,
                "Forbidden",
                format!(
                    "The client '{client_id}' is missing the permission to manage sources in sandbox '{name}'."
                ),
            )
            .at(&request_id));
        }
        Ok(FlowCtx {
            client_id,
            request_id,
            sandbox,
        })
    }
}

/// The request ID the front middleware assigned (a fresh one if, oddly, there is none).
pub(crate) fn request_id(parts: &Parts) -> String {
    parts
        .extensions
        .get::<RequestId>()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |r| r.0.clone())
}

/// A header as text; a non-UTF-8 value counts as absent.
pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
