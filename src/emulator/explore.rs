//! `GET /connections/{id}/explore`: a small fixed tree of buckets, folders and files to browse and
//! preview, the same in every bucket.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::FlowCtx;
use super::errors::{FlowError, json_response};
use super::state::{Shared, lock};

/// Buckets shown when the connection is not restricted to one with `bucketName`.
const DEMO_BUCKETS: &[&str] = &["demo-landing-zone", "demo-archive"];
/// Folders of every bucket, relative to the bucket.
const FOLDERS: &[&str] = &["incoming", "incoming/2024", "archive"];
/// Files of every bucket, relative to the bucket.
const FILES: &[&str] = &[
    "customers.csv",
    "incoming/orders.json",
    "incoming/events.parquet",
    "incoming/2024/january.csv",
];

/// `?objectType=root` (also no `objectType`), `?objectType=folder&object=/bucket/path`, or
/// `?objectType=file&object=/bucket/file&fileType=...&preview=true`; `objectType` in any case.
pub(crate) async fn explore(
    ctx: FlowCtx,
    State(shared): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let bucket = {
        let state = lock(&shared);
        let Some(i) = state.find(ctx.sandbox.name, &id) else {
            return ctx.fail(FlowError::connection_not_found(&id));
        };
        state.connections[i].params.get("bucketName").cloned()
    };
    let buckets: Vec<&str> = match &bucket {
        Some(b) => vec![b.as_str()],
        None => DEMO_BUCKETS.to_vec(),
    };
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let param = |k: &str| query.get(k).map(String::as_str);
    // Adobe accepts `ROOT`, `Folder`...; with no objectType at all it lists the root.
    let object_type = param("objectType").map(str::to_ascii_lowercase);
    let result = match object_type.as_deref() {
        None | Some("root") => Ok(Value::Array(
            buckets
                .iter()
                .map(|b| folder_entry(b, &format!("/{b}")))
                .collect(),
        )),
        Some("folder") => list_folder(&buckets, param("object")),
        Some("file") => describe_file(
            &buckets,
            param("object"),
            param("fileType"),
            param("preview") == Some("true"),
        ),
        Some(_) => Err(FlowError::bad_request(
            1307,
            format!(
                "Invalid objectType '{}': use root, folder or file.",
                param("objectType").unwrap_or_default()
            ),
        )),
    };
    match result {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => ctx.fail(e),
    }
}

fn folder_entry(name: &str, path: &str) -> Value {
    json!({"type": "folder", "name": name, "path": path, "canPreview": false, "canFetchSchema": false})
}

fn file_entry(name: &str, path: &str) -> Value {
    json!({"type": "file", "name": name, "path": path, "canPreview": true, "canFetchSchema": true})
}

fn not_found(object: &str) -> FlowError {
    FlowError::new(
        StatusCode::NOT_FOUND,
        1440,
        "Resource not found",
        format!("The object '{object}' was not found in the source."),
    )
}

/// Splits `/bucket/some/path/` into the bucket and `some/path`, checking the bucket is visible.
fn split_object<'a>(
    buckets: &[&str],
    object: Option<&'a str>,
) -> Result<(&'a str, &'a str), FlowError> {
    let Some(object) = object.filter(|o| !o.is_empty()) else {
        return Err(FlowError::bad_request(
            1307,
            "The 'object' query parameter is required.",
        ));
    };
    let trimmed = object.trim_matches('/');
    let (bucket, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    if !buckets.contains(&bucket) {
        return Err(not_found(object));
    }
    Ok((bucket, rest))
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

fn list_folder(buckets: &[&str], object: Option<&str>) -> Result<Value, FlowError> {
    let (bucket, folder) = split_object(buckets, object)?;
    if !folder.is_empty() && !FOLDERS.contains(&folder) {
        return Err(not_found(object.unwrap_or_default()));
    }
    let name_of = |p: &'static str| p.rsplit('/').next().unwrap_or(p);
    let folders = FOLDERS
        .iter()
        .filter(|f| parent(f) == folder)
        .map(|f| folder_entry(name_of(f), &format!("/{bucket}/{f}")));
    let files = FILES
        .iter()
        .filter(|f| parent(f) == folder)
        .map(|f| file_entry(name_of(f), &format!("/{bucket}/{f}")));
    Ok(Value::Array(folders.chain(files).collect()))
}

fn describe_file(
    buckets: &[&str],
    object: Option<&str>,
    file_type: Option<&str>,
    preview: bool,
) -> Result<Value, FlowError> {
    let (_, file) = split_object(buckets, object)?;
    if !FILES.contains(&file) {
        return Err(not_found(object.unwrap_or_default()));
    }
    let actual = match file.rsplit('.').next() {
        Some("csv") => "delimited",
        Some("json") => "json",
        _ => "parquet",
    };
    match file_type {
        None => {
            return Err(FlowError::bad_request(
                1307,
                "The 'fileType' query parameter is required: delimited, json or parquet.",
            ));
        }
        Some(t) if t != actual => {
            return Err(FlowError::bad_request(
                1307,
                format!("The file '{file}' cannot be read as fileType '{t}'."),
            ));
        }
        Some(_) => {}
    }
    let (columns, rows) = if actual == "delimited" {
        customers()
    } else {
        orders()
    };
    let mut out = json!({"format": "flat", "schema": {"columns": columns}});
    if preview && let Some(obj) = out.as_object_mut() {
        obj.insert("data".into(), rows);
    }
    Ok(out)
}

fn customers() -> (Value, Value) {
    let columns = json!([
        {"name": "Id", "type": "string"},
        {"name": "FirstName", "type": "string"},
        {"name": "LastName", "type": "string"},
        {"name": "Email", "type": "string"},
        {"name": "Country", "type": "string"},
    ]);
    let rows = json!([
        {"Id": "1", "FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com", "Country": "GB"},
        {"Id": "2", "FirstName": "Grace", "LastName": "Hopper", "Email": "grace@example.com", "Country": "US"},
        {"Id": "3", "FirstName": "Tim", "LastName": "Berners-Lee", "Email": "tim@example.com", "Country": "GB"},
    ]);
    (columns, rows)
}

fn orders() -> (Value, Value) {
    let columns = json!([
        {"name": "orderId", "type": "string"},
        {"name": "customerId", "type": "string"},
        {"name": "total", "type": "double"},
        {"name": "items", "type": "long"},
    ]);
    let rows = json!([
        {"orderId": "A-1001", "customerId": "1", "total": 42.5, "items": 3},
        {"orderId": "A-1002", "customerId": "2", "total": 17.0, "items": 1},
        {"orderId": "A-1003", "customerId": "1", "total": 99.9, "items": 7},
    ]);
    (columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_list_their_direct_children_only() {
        let v = list_folder(&["b"], Some("/b/incoming/")).unwrap();
        let paths: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["path"].as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "/b/incoming/2024",
                "/b/incoming/orders.json",
                "/b/incoming/events.parquet"
            ]
        );
        assert_eq!(list_folder(&["b"], Some("/other")).unwrap_err().code, 1440);
    }

    #[test]
    fn preview_needs_the_matching_file_type() {
        let v = describe_file(&["b"], Some("/b/customers.csv"), Some("delimited"), true).unwrap();
        assert_eq!(v["data"].as_array().map(Vec::len), Some(3));
        assert!(describe_file(&["b"], Some("/b/customers.csv"), Some("json"), true).is_err());
    }
}
