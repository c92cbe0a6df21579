//! `GET /data/foundation/sandbox-management/`: the demo organisation's sandboxes ([`super::org`]).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::json_response;
use super::org::DemoSandbox;
use super::state::{Shared, lock};

const DEFAULT_LIMIT: usize = 50;

/// `GET /data/foundation/sandbox-management/?limit=N&offset=M`: the sandboxes the caller may use.
pub(crate) async fn list(
    State(shared): State<Shared>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Response {
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
    let page: Vec<Value> = lock(&shared)
        .sandboxes
        .iter()
        .copied()
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
