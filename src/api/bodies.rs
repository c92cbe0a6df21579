//! The request bodies of the connection calls: `POST /connections` and the JSON Patch of a
//! credential rotation, each also in a redacted form (secrets replaced) for history and display.

use serde_json::{Map, Value, json};

use super::connection::Connection;
use crate::model::{S3_AUTH_SPEC_ACCESS_KEY, S3_CONNECTION_SPEC_ID, S3ConnectionInput};
use crate::secret::Secret;

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

/// The JSON Patch that replaces only a connection's session token (a temporary key's new token):
/// one `replace` of `/auth/params/s3SessionToken`.
pub fn session_token_ops(token: &Secret) -> Value {
    json!([{"op": "replace", "path": "/auth/params/s3SessionToken", "value": token.expose()}])
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
