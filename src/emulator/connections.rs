//! Base connections: create, get, list, delete, test.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::auth::{FlowCtx, header_str};
use super::errors::{FlowError, content_type_error, is_json_content_type, json_response};
use super::query::{self, PropertyFilter};
use super::state::{Connection, Shared, lock, new_etag, now_ms};
use super::{DEMO_TECHNICAL_ACCOUNT, S3_CONNECTION_SPEC_ID};

/// The parameters of the `Access Key` auth spec (§2); anything else is refused.
pub(crate) const ACCESS_KEY_PARAMS: &[&str] = &[
    "s3AccessKey",
    "s3SecretKey",
    "s3SessionToken",
    "serviceUrl",
    "bucketName",
    "folderPath",
];
const REQUIRED_PARAMS: &[&str] = &["s3AccessKey", "s3SecretKey"];

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

/// The path of a connection, as in `Location` headers.
fn connection_path(id: &str) -> String {
    format!("/data/foundation/flowservice/connections/{id}")
}

/// `POST /connections`.
pub(crate) async fn create(
    ctx: FlowCtx,
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json_content_type(header_str(&headers, header::CONTENT_TYPE.as_str())) {
        return content_type_error();
    }
    let conn = match parse_create(&body, &ctx) {
        Ok(c) => c,
        Err(e) => return ctx.fail(e),
    };
    let (id, etag) = (conn.id.clone(), conn.etag.clone());
    {
        let mut state = lock(&shared);
        let seq = state.next_seq();
        state.connections.push(Connection { seq, ..conn });
    }
    let mut resp = json_response(StatusCode::CREATED, &json!({"id": id, "etag": etag}));
    if let Ok(v) = HeaderValue::from_str(&connection_path(&id)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

fn parse_create(body: &[u8], ctx: &FlowCtx) -> Result<Connection, FlowError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        FlowError::bad_request(1300, format!("The request body is not valid JSON: {e}"))
    })?;
    let Some(obj) = value.as_object() else {
        return Err(FlowError::bad_request(
            1300,
            "The request body must be a JSON object.",
        ));
    };
    let name = required_str(obj, "name", "name")?;
    let description = optional_str(obj, "description")?;

    let spec = object_field(obj, "connectionSpec", "connectionSpec.id")?;
    let spec_id = required_str(spec, "id", "connectionSpec.id")?;
    if spec_id != S3_CONNECTION_SPEC_ID {
        return Err(FlowError::bad_request(
            1303,
            format!(
                "Connection spec '{spec_id}' is not supported: only Amazon S3 ({S3_CONNECTION_SPEC_ID}) is."
            ),
        ));
    }
    let spec_version = optional_str(spec, "version")?.unwrap_or_else(|| "1.0".to_owned());

    let auth = object_field(obj, "auth", "auth")?;
    let spec_name = required_str(auth, "specName", "auth.specName")?;
    match spec_name.as_str() {
        "Access Key" => {}
        "IAMRole Based" => {
            return Err(FlowError::bad_request(
                1302,
                "Auth spec 'IAMRole Based' is not available for this organisation.",
            ));
        }
        other => {
            return Err(FlowError::bad_request(
                1301,
                format!("Auth spec '{other}' is not supported by the connection spec."),
            ));
        }
    }
    let params = object_field(auth, "params", "auth.params")?;
    let params = validate_params(params)?;

    let now = now_ms();
    Ok(Connection {
        id: uuid::Uuid::new_v4().to_string(),
        seq: 0,
        sandbox: ctx.sandbox,
        name,
        description,
        spec_id,
        spec_version,
        auth_spec: spec_name,
        params,
        created_at: now,
        updated_at: now,
        created_by: DEMO_TECHNICAL_ACCOUNT.to_owned(),
        updated_by: DEMO_TECHNICAL_ACCOUNT.to_owned(),
        created_client: ctx.client_id.clone(),
        updated_client: ctx.client_id.clone(),
        etag: new_etag(),
        state: "enabled",
    })
}

/// Checks `auth.params` against the `Access Key` spec: known names, string values, both keys.
pub(crate) fn validate_params(
    params: &Map<String, Value>,
) -> Result<BTreeMap<String, String>, FlowError> {
    let mut out = BTreeMap::new();
    for (k, v) in params {
        if !ACCESS_KEY_PARAMS.contains(&k.as_str()) {
            return Err(FlowError::bad_request(
                1306,
                format!("Parameter '{k}' is not defined by auth spec 'Access Key'."),
            ));
        }
        match v {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::String(s) => {
                out.insert(k.clone(), s.clone());
            }
            _ => {
                return Err(FlowError::bad_request(
                    1300,
                    format!("Parameter 'auth.params.{k}' must be a string."),
                ));
            }
        }
    }
    for required in REQUIRED_PARAMS {
        if !out.contains_key(*required) {
            return Err(FlowError::missing_field(&format!("auth.params.{required}")));
        }
    }
    Ok(out)
}

fn object_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    missing: &str,
) -> Result<&'a Map<String, Value>, FlowError> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(FlowError::missing_field(missing)),
        Some(Value::Object(o)) => Ok(o),
        Some(_) => Err(FlowError::bad_request(
            1300,
            format!("Field '{key}' must be an object."),
        )),
    }
}

fn required_str(obj: &Map<String, Value>, key: &str, field: &str) -> Result<String, FlowError> {
    match optional_str(obj, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(FlowError::missing_field(field)),
    }
}

fn optional_str(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, FlowError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(FlowError::bad_request(
            1300,
            format!("Field '{key}' must be a string."),
        )),
    }
}

/// `GET /connections/{id}` → `{"items": [item]}`.
pub(crate) async fn get(
    ctx: FlowCtx,
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Response {
    let state = lock(&shared);
    match state.find(ctx.sandbox.name, &id) {
        Some(i) => json_response(
            StatusCode::OK,
            &json!({"items": [state.connections[i].item()]}),
        ),
        None => ctx.fail(FlowError::connection_not_found(&id)),
    }
}

/// `DELETE /connections/{id}`; names starting `inuse` stand for connections used by a dataflow.
pub(crate) async fn delete(
    ctx: FlowCtx,
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Response {
    let mut state = lock(&shared);
    let Some(i) = state.find(ctx.sandbox.name, &id) else {
        return ctx.fail(FlowError::connection_not_found(&id));
    };
    if state.connections[i].name.starts_with("inuse") {
        return ctx.fail(FlowError::bad_request(
            1418,
            format!("Connection '{id}' is used by one or more dataflows and cannot be deleted. Delete the dataflows first."),
        ));
    }
    state.connections.remove(i);
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /connections/{id}/test`.
pub(crate) async fn test(
    ctx: FlowCtx,
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Response {
    if lock(&shared).find(ctx.sandbox.name, &id).is_none() {
        return ctx.fail(FlowError::connection_not_found(&id));
    }
    json_response(StatusCode::OK, &json!({"result": true}))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Name,
    NameDesc,
    Created,
    CreatedDesc,
}

/// The fields `property=field==value` may filter connections on.
const FILTERABLE: &[&str] = &["id", "name", "description", "connectionSpec.id", "state"];

/// A parsed `GET /connections` query.
#[derive(Debug)]
struct ListQuery {
    filters: Vec<PropertyFilter>,
    limit: usize,
    order: Order,
    count: bool,
    offset: usize,
    /// Everything but the continuation token, repeated in the next link.
    keep: Vec<(String, String)>,
}

fn parse_list_query(raw: Option<&str>) -> Result<ListQuery, FlowError> {
    let bad = |m: String| FlowError::bad_request(1307, m);
    let mut q = ListQuery {
        filters: Vec::new(),
        limit: DEFAULT_LIMIT,
        order: Order::Created,
        count: false,
        offset: 0,
        keep: Vec::new(),
    };
    let pairs = query::pairs(raw);
    query::refuse_repeats(&pairs)?;
    for (k, v) in pairs {
        match k.as_str() {
            "property" => q.filters.push(PropertyFilter::parse(&v, FILTERABLE)?),
            "limit" => match v.parse::<usize>() {
                Ok(n) if n > 0 => q.limit = n.min(MAX_LIMIT),
                _ => return Err(bad(format!("Invalid limit '{v}': use a positive number."))),
            },
            "orderby" => {
                q.order = match v.as_str() {
                    "name" | "+name" => Order::Name,
                    "-name" => Order::NameDesc,
                    "createdAt" | "+createdAt" => Order::Created,
                    "-createdAt" => Order::CreatedDesc,
                    _ => return Err(bad(format!("Cannot order by '{v}'."))),
                }
            }
            "count" => q.count = v.eq_ignore_ascii_case("true"),
            "continuationToken" => {
                q.offset = decode_token(&v)
                    .ok_or_else(|| bad(format!("Invalid continuationToken '{v}'.")))?;
                continue;
            }
            _ => {}
        }
        q.keep.push((k, v));
    }
    Ok(q)
}

fn encode_token(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn decode_token(token: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("offset:")?
        .parse()
        .ok()
}

fn compare(order: Order, a: &Connection, b: &Connection) -> Ordering {
    let by_name = || a.name.cmp(&b.name).then(a.seq.cmp(&b.seq));
    let by_created = || a.created_at.cmp(&b.created_at).then(a.seq.cmp(&b.seq));
    match order {
        Order::Name => by_name(),
        Order::NameDesc => by_name().reverse(),
        Order::Created => by_created(),
        Order::CreatedDesc => by_created().reverse(),
    }
}

/// `GET /connections` with `property`, `limit`, `orderby`, `count` and `continuationToken`.
pub(crate) async fn list(
    ctx: FlowCtx,
    State(shared): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = match parse_list_query(raw.as_deref()) {
        Ok(q) => q,
        Err(e) => return ctx.fail(e),
    };
    let state = lock(&shared);
    let mut matching: Vec<&Connection> = state
        .connections
        .iter()
        .filter(|c| c.sandbox.name == ctx.sandbox.name)
        .filter(|c| q.filters.iter().all(|f| f.matches(c.field(&f.field))))
        .collect();
    if q.count {
        return json_response(StatusCode::OK, &json!({"count": matching.len()}));
    }
    matching.sort_by(|a, b| compare(q.order, a, b));
    let items: Vec<Value> = matching
        .iter()
        .skip(q.offset)
        .take(q.limit)
        .map(|c| c.item())
        .collect();
    let mut links = Map::new();
    let next = q.offset.saturating_add(q.limit);
    if next < matching.len() {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(&q.keep);
        query.append_pair("continuationToken", &encode_token(next));
        // Relative to the service base, as Adobe's OpenAPI spec writes it.
        let href = format!("/connections?{}", query.finish());
        links.insert("next".into(), json!({"href": href}));
    }
    json_response(StatusCode::OK, &json!({"items": items, "_links": links}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_tokens_round_trip_and_reject_junk() {
        assert_eq!(decode_token(&encode_token(40)), Some(40));
        assert_eq!(decode_token("not-a-token"), None);
    }

    #[test]
    fn list_query_parses_filters_order_and_clamps_limit() {
        let q = parse_list_query(Some(
            "property=name%3D%3Da&property=state==enabled&limit=500&orderby=-name",
        ))
        .unwrap();
        let filters: Vec<(&str, Vec<String>)> = q
            .filters
            .iter()
            .map(|f| (f.field.as_str(), f.values.clone()))
            .collect();
        assert_eq!(
            filters,
            [
                ("name", vec!["a".into()]),
                ("state", vec!["enabled".into()])
            ]
        );
        assert_eq!(q.limit, MAX_LIMIT);
        assert_eq!(q.order, Order::NameDesc);
        assert!(parse_list_query(Some("property=secret==x")).is_err());
        assert!(parse_list_query(Some("limit=0")).is_err());
        assert!(parse_list_query(Some("orderby=size")).is_err());
        let err = parse_list_query(Some("limit=2&limit=3")).unwrap_err();
        assert!(err.code == 1307 && err.message.contains("'limit'"));
    }

    #[test]
    fn params_outside_the_access_key_spec_are_refused() {
        let ok = json!({"s3AccessKey": "A", "s3SecretKey": "S", "bucketName": "b"});
        assert_eq!(validate_params(ok.as_object().unwrap()).unwrap().len(), 3);
        let unknown = json!({"s3AccessKey": "A", "s3SecretKey": "S", "region": "x"});
        assert_eq!(
            validate_params(unknown.as_object().unwrap())
                .unwrap_err()
                .code,
            1306
        );
        let missing = json!({"s3AccessKey": "A"});
        let err = validate_params(missing.as_object().unwrap()).unwrap_err();
        assert!(err.code == 1304 && err.message.contains("s3SecretKey"));
    }
}
