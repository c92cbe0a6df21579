//! The demo organisation's sandboxes and `GET /data/foundation/sandbox-management/`.

use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::json_response;

/// A sandbox of the demo organisation.
#[derive(Debug, PartialEq, Eq)]
pub struct DemoSandbox {
    /// The `x-sandbox-name` value.
    pub name: &'static str,
    /// Display title.
    pub title: &'static str,
    /// `production` or `development`.
    pub sandbox_type: &'static str,
    /// Whether this is the org's default sandbox.
    pub is_default: bool,
    /// The `sandboxId` that connections in it carry.
    pub id: &'static str,
    /// False for a sandbox the demo credential lacks Flow permissions in (every Flow call: 403).
    pub flow_access: bool,
}

/// `prod` (production, default), `dev` (development) and `noaccess` (exists, but every Flow call
/// in it answers 403 FLOW-2118-403).
pub const DEMO_SANDBOXES: &[DemoSandbox] = &[
    DemoSandbox {
        name: "prod",
        title: "Production",
        sandbox_type: "production",
        is_default: true,
        id: "8f4e3b2a-1c5d-4e6f-9a7b-0c1d2e3f4a5b",
        flow_access: true,
    },
    DemoSandbox {
        name: "dev",
        title: "Development",
        sandbox_type: "development",
        is_default: false,
        id: "2b6c9d1e-3f4a-4b5c-8d7e-9f0a1b2c3d4e",
        flow_access: true,
    },
    DemoSandbox {
        name: "noaccess",
        title: "No Access",
        sandbox_type: "development",
        is_default: false,
        id: "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
        flow_access: false,
    },
];

/// The sandbox called `name`, if the demo org has one.
pub(crate) fn find_sandbox(name: &str) -> Option<&'static DemoSandbox> {
    DEMO_SANDBOXES.iter().find(|s| s.name == name)
}

const DEFAULT_LIMIT: usize = 50;

/// `GET /data/foundation/sandbox-management/?limit=N&offset=M`: the sandboxes the caller may use.
pub(crate) async fn list(caller: Caller, RawQuery(query): RawQuery) -> Response {
    let mut limit = DEFAULT_LIMIT;
    let mut offset = 0usize;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let parsed = v.parse::<usize>();
        match (k.as_ref(), parsed) {
            ("limit", Ok(n)) if n > 0 => limit = n,
            ("offset", Ok(n)) => offset = n,
            ("limit" | "offset", _) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &json!({
                        "title": "Bad Request",
                        "status": 400,
                        "detail": format!("Invalid value '{v}' for query parameter '{k}'"),
                        "request-id": caller.request_id,
                    }),
                );
            }
            _ => {}
        }
    }
    let page: Vec<Value> = DEMO_SANDBOXES
        .iter()
        .skip(offset)
        .take(limit)
        .map(sandbox_json)
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "_page": {"limit": limit, "count": page.len()},
            "sandboxes": page,
            "_links": {"page": {
                "href": "/data/foundation/sandbox-management/?limit={limit}&offset={offset}",
                "templated": true,
            }},
        }),
    )
}

fn sandbox_json(s: &DemoSandbox) -> Value {
    json!({
        "name": s.name,
        "id": s.id,
        "title": s.title,
        "state": "active",
        "type": s.sandbox_type,
        "region": "VA7",
        "isDefault": s.is_default,
        "eTag": 2,
        "createdDate": "2019-09-04 04:57:24",
        "lastModifiedDate": "2019-09-04 04:57:24",
        "createdBy": "system",
        "lastModifiedBy": "system",
    })
}
