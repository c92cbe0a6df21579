//! Connection specs: `GET /connectionSpecs`, `/connectionSpecs/{id}` and
//! `/connectionSpecs/{id}/configs`, for the one spec the emulator knows, Amazon S3, shaped like
//! the spec documents Adobe's Flow Service returns.

use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::S3_CONNECTION_SPEC_ID;
use super::auth::FlowCtx;
use super::errors::{FlowError, json_response};
use super::query::{self, PropertyFilter};

/// The role Platform assumes for the `IAMRole Based` auth spec, as the `configs` route tells it.
pub(crate) const DEMO_IAM_ROLE: &str = "arn:aws:iam::000000000000:role/demo-aep-role";

/// The provider ID Adobe's cloud-storage sources carry.
const CLOUD_STORAGE_PROVIDER_ID: &str = "0ed90a81-07f4-4586-8190-b40eccef1c5a";

/// The fields `property=field==value` may filter specs on.
const FILTERABLE: &[&str] = &["id", "name", "providerId", "version"];

/// The `Access Key` auth spec's properties (the params create accepts): name, description,
/// and whether the value is a secret (`"format": "password"`).
const ACCESS_KEY_PROPERTIES: &[(&str, &str, bool)] = &[
    (
        "s3AccessKey",
        "Access key ID of the AWS account or IAM user.",
        false,
    ),
    (
        "s3SecretKey",
        "Secret access key that goes with the access key ID.",
        true,
    ),
    (
        "s3SessionToken",
        "Session token of temporary credentials (access key IDs starting ASIA).",
        true,
    ),
    (
        "serviceUrl",
        "Endpoint of the S3 service, e.g. https://s3.{REGION}.amazonaws.com.",
        false,
    ),
    (
        "bucketName",
        "Restricts the connection to this bucket.",
        false,
    ),
    (
        "folderPath",
        "Restricts the connection to this folder of the bucket.",
        false,
    ),
];

/// The Amazon S3 connection spec document, section by section as Flow Service returns it.
fn s3_spec() -> Value {
    json!({
        "id": S3_CONNECTION_SPEC_ID,
        "name": "amazon-s3",
        "providerId": CLOUD_STORAGE_PROVIDER_ID,
        "version": "1.0",
        "attributes": {
            "category": "cloudStorage",
            "isSource": true,
            "isPreview": false,
            "isBeta": false,
        },
        "authSpec": [access_key_auth_spec(), iam_role_auth_spec()],
        "sourceSpec": source_spec(),
        "exploreSpec": explore_spec(),
    })
}

/// The `Access Key` auth spec: the params create accepts ([`ACCESS_KEY_PROPERTIES`]).
fn access_key_auth_spec() -> Value {
    let properties: serde_json::Map<String, Value> = ACCESS_KEY_PROPERTIES
        .iter()
        .map(|(name, description, secret)| {
            let mut p = json!({"type": "string", "description": description});
            if *secret && let Some(obj) = p.as_object_mut() {
                obj.insert("format".into(), json!("password"));
            }
            ((*name).to_owned(), p)
        })
        .collect();
    json!({
        "name": "Access Key",
        "type": "AccessKey",
        "spec": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "description": "Defines the auth params required for connecting to Amazon S3 with an access key.",
            "properties": properties,
            "required": ["s3AccessKey", "s3SecretKey"],
        },
    })
}

/// The `IAMRole Based` auth spec (Platform on AWS only): a role Platform assumes.
fn iam_role_auth_spec() -> Value {
    json!({
        "name": "IAMRole Based",
        "type": "IAMRoleBased",
        "spec": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "description": "Defines the auth params required for connecting to Amazon S3 through an IAM role Platform assumes (Platform on AWS only).",
            "properties": {
                "bucketName": {"type": "string", "description": "The bucket Platform reads."},
                "roleArn": {"type": "string", "description": "ARN of the role in your account that trusts Platform's role."},
            },
            "required": ["bucketName"],
        },
    })
}

/// The source spec: how the Platform UI shows the source, and the path a dataflow reads.
fn source_spec() -> Value {
    json!({
        "attributes": {
            "uiAttributes": {
                "isSource": true,
                "isPreview": false,
                "isBeta": false,
                "category": {"key": "cloudStorage"},
                "icon": {"key": "amazonS3Icon"},
                "description": {"key": "amazonS3Description"},
                "label": {"key": "amazonS3Label"},
            },
        },
        "spec": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "description": "Defines the path of the bucket a dataflow reads.",
            "properties": {
                "path": {"type": "string", "description": "Path of the file or folder to read."},
            },
        },
    })
}

/// The explore spec: the file-system browsing the explore routes answer.
fn explore_spec() -> Value {
    json!({
        "name": "FileSystem",
        "type": "FileSystem",
        "requestSpec": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "objectType": {"type": "string", "enum": ["root", "folder", "file"]},
                "object": {"type": "string", "description": "Path of the folder or file, /bucket/path."},
            },
        },
    })
}

/// Every spec the emulator knows (just Amazon S3).
fn all_specs() -> Vec<Value> {
    vec![s3_spec()]
}

fn spec_by_id(id: &str) -> Result<Value, FlowError> {
    all_specs()
        .into_iter()
        .find(|s| s["id"] == id)
        .ok_or_else(|| {
            FlowError::new(
                StatusCode::NOT_FOUND,
                1441,
                "Resource not found",
                format!("The requested connection spec with id '{id}' is not found."),
            )
        })
}

/// `GET /connectionSpecs` with `property=id==...`, `property=name==...` (comma = or) filters.
pub(crate) async fn list(ctx: FlowCtx, RawQuery(raw): RawQuery) -> Response {
    match filtered(raw.as_deref()) {
        Ok(items) => json_response(StatusCode::OK, &json!({"items": items})),
        Err(e) => ctx.fail(e),
    }
}

fn filtered(raw: Option<&str>) -> Result<Vec<Value>, FlowError> {
    let pairs = query::pairs(raw);
    query::refuse_repeats(&pairs)?;
    let filters = pairs
        .iter()
        .filter(|(k, _)| k == "property")
        .map(|(_, v)| PropertyFilter::parse(v, FILTERABLE))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(all_specs()
        .into_iter()
        .filter(|s| {
            filters
                .iter()
                .all(|f| f.matches(s.get(&f.field).and_then(Value::as_str)))
        })
        .collect())
}

/// `GET /connectionSpecs/{id}` → `{"items": [spec]}`.
pub(crate) async fn get(ctx: FlowCtx, Path(id): Path<String>) -> Response {
    match spec_by_id(&id) {
        Ok(spec) => json_response(StatusCode::OK, &json!({"items": [spec]})),
        Err(e) => ctx.fail(e),
    }
}

/// `GET /connectionSpecs/{id}/configs?authType=IamBasedAuthentication` → the role to trust.
pub(crate) async fn configs(
    ctx: FlowCtx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(e) = spec_by_id(&id) {
        return ctx.fail(e);
    }
    let pairs = query::pairs(raw.as_deref());
    let auth_type = pairs
        .iter()
        .find(|(k, _)| k == "authType")
        .map(|(_, v)| v.as_str());
    if auth_type != Some("IamBasedAuthentication") {
        return ctx.fail(FlowError::bad_request(
            1307,
            format!(
                "Invalid authType '{}': use IamBasedAuthentication.",
                auth_type.unwrap_or_default()
            ),
        ));
    }
    json_response(
        StatusCode::OK,
        &json!({"configParams": {"IAMRole": DEMO_IAM_ROLE}}),
    )
}

#[cfg(test)]
mod tests {
    use super::super::connections::ACCESS_KEY_PARAMS;
    use super::*;

    #[test]
    fn access_key_spec_lists_exactly_the_params_create_accepts() {
        let spec = s3_spec();
        let props = spec["authSpec"][0]["spec"]["properties"]
            .as_object()
            .unwrap();
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        names.sort_unstable();
        let mut expected = ACCESS_KEY_PARAMS.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected);
        assert_eq!(props["s3SecretKey"]["format"], "password");
        assert_eq!(props["s3SessionToken"]["format"], "password");
        assert!(props["s3AccessKey"].get("format").is_none());
    }

    #[test]
    fn filters_read_commas_as_alternatives() {
        let ids = |q: &str| filtered(Some(q)).unwrap().len();
        assert_eq!(ids("property=name==amazon-s3"), 1);
        assert_eq!(ids("property=name==amazon-s3,sftp"), 1);
        assert_eq!(ids("property=name==sftp"), 0);
        assert_eq!(
            ids(&format!(
                "property=id=={S3_CONNECTION_SPEC_ID}&property=name==amazon-s3"
            )),
            1
        );
        assert!(filtered(Some("property=auth==x")).is_err());
        assert!(filtered(Some("limit=1&limit=2")).is_err());
    }
}
