//! `PATCH /connections/{id}`: JSON Patch guarded by `If-Match`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::DEMO_TECHNICAL_ACCOUNT;
use super::auth::{FlowCtx, header_str};
use super::connections::{ACCESS_KEY_PARAMS, validate_params};
use super::errors::{FlowError, content_type_error, is_json_content_type, json_response};
use super::state::{Connection, Shared, lock, new_etag, now_ms};

/// `PATCH /connections/{id}` (with or without a trailing slash).
pub(crate) async fn patch(
    ctx: FlowCtx,
    State(shared): State<Shared>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json_content_type(header_str(&headers, header::CONTENT_TYPE.as_str())) {
        return content_type_error();
    }
    // The header, as the API reference has it; else an `if-match` query parameter, as Adobe's
    // own Postman collection (generated from an older spec) sends it.
    let from_query = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("if-match"))
        .map(|(_, v)| v.into_owned());
    let if_match = header_str(&headers, header::IF_MATCH.as_str())
        .map(str::to_owned)
        .or(from_query);
    let if_match = if_match.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let Some(if_match) = if_match else {
        return ctx.fail(FlowError::bad_request(
            1403,
            "The If-Match header with the connection's current etag is required.",
        ));
    };
    let mut state = lock(&shared);
    let Some(i) = state.find(ctx.sandbox.name, &id) else {
        return ctx.fail(FlowError::connection_not_found(&id));
    };
    let current = &state.connections[i];
    if bare_etag(if_match) != bare_etag(&current.etag) {
        return ctx.fail(FlowError::new(
            StatusCode::PRECONDITION_FAILED,
            1404,
            "Precondition Failed",
            format!(
                "Supplied version=[{if_match}] does not match the current version on entity=[{}]",
                current.etag
            ),
        ));
    }
    // Applied to a copy so that a failing operation leaves the connection untouched.
    let mut updated = current.clone();
    if let Err(e) = apply_patch(&mut updated, &body) {
        return ctx.fail(e);
    }
    updated.etag = new_etag();
    // Strictly later, so that clients can see the change even within one millisecond.
    updated.updated_at = now_ms().max(current.updated_at + 1);
    updated.updated_by = DEMO_TECHNICAL_ACCOUNT.to_owned();
    updated.updated_client = ctx.client_id.clone();
    let reply = json!({"id": updated.id, "etag": updated.etag});
    state.connections[i] = updated;
    json_response(StatusCode::OK, &reply)
}

/// An etag without the quotes and weak prefix clients may or may not keep (docs show both).
fn bare_etag(value: &str) -> &str {
    let v = value.trim();
    let v = v.strip_prefix("W/").unwrap_or(v);
    v.trim_matches('"')
}

fn apply_patch(conn: &mut Connection, body: &[u8]) -> Result<(), FlowError> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| {
        FlowError::bad_request(1300, format!("The patch document is not valid JSON: {e}"))
    })?;
    let Some(ops) = doc.as_array().filter(|ops| !ops.is_empty()) else {
        return Err(FlowError::bad_request(
            1300,
            "The patch document must be a non-empty JSON array of operations.",
        ));
    };
    for op in ops {
        apply_op(conn, op)?;
    }
    Ok(())
}

fn apply_op(conn: &mut Connection, op: &Value) -> Result<(), FlowError> {
    let bad_path =
        |p: &str| FlowError::bad_request(1455, format!("Patch path '{p}' is not supported."));
    // Adobe takes `Replace` or `REPLACE` as well as RFC 6902's lowercase.
    let kind = op
        .get("op")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
    let value = op.get("value").unwrap_or(&Value::Null);
    if path == "/connectionSpec" || path.starts_with("/connectionSpec/") {
        return Err(FlowError::bad_request(
            1414,
            "The connection spec of an existing connection cannot be changed.",
        ));
    }
    match kind.as_str() {
        "replace" | "add" => {}
        "remove" => return remove(conn, path),
        _ => {
            return Err(FlowError::bad_request(
                1455,
                format!("Patch operation '{kind}' is not supported: use replace, add or remove."),
            ));
        }
    }
    match path {
        "/name" => match value {
            Value::String(s) if !s.trim().is_empty() => conn.name = s.clone(),
            Value::String(_) | Value::Null => return Err(FlowError::missing_field("name")),
            _ => return Err(not_a_string(path)),
        },
        "/description" => match value {
            Value::String(s) => conn.description = Some(s.clone()),
            Value::Null => conn.description = None,
            _ => return Err(not_a_string(path)),
        },
        "/auth/params" => {
            let Some(params) = value.as_object() else {
                return Err(FlowError::bad_request(
                    1300,
                    "'/auth/params' needs an object value.",
                ));
            };
            conn.params = validate_params(params)?;
        }
        _ => {
            let Some(param) = path.strip_prefix("/auth/params/") else {
                return Err(bad_path(path));
            };
            if !ACCESS_KEY_PARAMS.contains(&param) {
                return Err(bad_path(path));
            }
            match value {
                Value::String(s) if !s.is_empty() => {
                    conn.params.insert(param.to_owned(), s.clone());
                }
                Value::String(_) | Value::Null => {
                    conn.params.remove(param);
                }
                _ => return Err(not_a_string(path)),
            }
            recheck_params(conn)?;
        }
    }
    Ok(())
}

/// A `remove` operation: only optional things can go.
fn remove(conn: &mut Connection, path: &str) -> Result<(), FlowError> {
    match path {
        "/name" => Err(FlowError::missing_field("name")),
        "/description" => {
            conn.description = None;
            Ok(())
        }
        "/auth/params" => Err(FlowError::missing_field("auth.params")),
        _ => {
            let param = path
                .strip_prefix("/auth/params/")
                .filter(|p| ACCESS_KEY_PARAMS.contains(p))
                .ok_or_else(|| {
                    FlowError::bad_request(1455, format!("Patch path '{path}' is not supported."))
                })?;
            conn.params.remove(param);
            recheck_params(conn)
        }
    }
}

/// Re-checks the whole parameter set: clearing a required key is as wrong as omitting it.
fn recheck_params(conn: &Connection) -> Result<(), FlowError> {
    let as_json = conn
        .params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    validate_params(&as_json).map(drop)
}

fn not_a_string(path: &str) -> FlowError {
    FlowError::bad_request(1300, format!("'{path}' needs a string value."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_compare_with_or_without_quotes() {
        assert_eq!(bare_etag("\"abc\""), "abc");
        assert_eq!(bare_etag("abc"), "abc");
        assert_eq!(bare_etag("W/\"abc\""), "abc");
    }

    fn conn() -> Connection {
        let params = [
            ("s3AccessKey", "A"),
            ("s3SecretKey", "S"),
            ("bucketName", "b"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        Connection {
            id: "id".into(),
            seq: 1,
            sandbox: &super::super::DEMO_SANDBOXES[0],
            name: "n".into(),
            description: Some("d".into()),
            spec_id: super::super::S3_CONNECTION_SPEC_ID.into(),
            spec_version: "1.0".into(),
            auth_spec: "Access Key".into(),
            params,
            created_at: 1,
            updated_at: 1,
            created_by: String::new(),
            updated_by: String::new(),
            created_client: String::new(),
            updated_client: String::new(),
            etag: new_etag(),
            state: "enabled",
        }
    }

    #[test]
    fn operations_are_taken_in_any_letter_case() {
        let mut c = conn();
        let doc = json!([
            {"op": "REPLACE", "path": "/name", "value": "upper"},
            {"op": "Add", "path": "/auth/params/folderPath", "value": "in"},
            {"op": "Remove", "path": "/description"},
            {"op": "remove", "path": "/auth/params/bucketName"},
        ]);
        apply_patch(&mut c, doc.to_string().as_bytes()).unwrap();
        assert_eq!(c.name, "upper");
        assert_eq!(c.description, None);
        assert_eq!(c.params.get("folderPath").map(String::as_str), Some("in"));
        assert!(!c.params.contains_key("bucketName"));
        let code = |doc: Value| {
            apply_patch(&mut conn(), doc.to_string().as_bytes())
                .unwrap_err()
                .code
        };
        assert_eq!(
            code(json!([{"op": "REMOVE", "path": "/auth/params/s3SecretKey"}])),
            1304
        );
        assert_eq!(code(json!([{"op": "Move", "path": "/name"}])), 1455);
    }
}
