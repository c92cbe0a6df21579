//! What Flow Service says about connections: [`Connection`] as `GET /connections` returns it
//! (read item by item, so one odd item does not lose a list), the S3 connection spec, and the
//! answers of `PATCH` and of a lookup by name.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{EpochMs, SentFields};

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
    pub created_at: Option<EpochMs>,
    /// Updated, epoch ms.
    #[serde(default)]
    pub updated_at: Option<EpochMs>,
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

impl Connection {
    /// True when what AEP shows of this connection agrees with what a create `sent`: the
    /// description, bucket, folder and service URL as given (absent and empty are the same),
    /// and the access key ID as AEP masks it. A field AEP does not show is no disagreement.
    pub fn shows_sent(&self, sent: &SentFields<'_>) -> bool {
        let same = |shown: Option<&str>, sent: Option<&str>| {
            shown.unwrap_or_default() == sent.unwrap_or_default()
        };
        same(self.description.as_deref(), sent.description)
            && same(self.auth_param("bucketName"), sent.bucket_name)
            && same(self.auth_param("folderPath"), sent.folder_path)
            && same(self.auth_param("serviceUrl"), sent.service_url)
            && self
                .auth_param("s3AccessKey")
                .is_none_or(|shown| mask_admits(shown, sent.access_key_id))
    }

    /// True when AEP shows `access_key_id` as this connection's access key (in full or as AEP
    /// masks it).
    pub fn shows_access_key(&self, access_key_id: &str) -> bool {
        self.auth_param("s3AccessKey")
            .is_some_and(|shown| masked_matches(shown, access_key_id))
    }
}

/// True when `shown` could be `value` as AEP masks it: the same length, and every character
/// that is not `*` the same (`AKIA************MPLE`).
fn mask_admits(shown: &str, value: &str) -> bool {
    shown.chars().count() == value.chars().count()
        && shown
            .chars()
            .zip(value.chars())
            .all(|(s, v)| s == '*' || s == v)
}

/// True when `shown` proves `value`: `mask_admits` with at least one character unmasked (an
/// all-`*` mask proves nothing).
pub fn masked_matches(shown: &str, value: &str) -> bool {
    shown.chars().any(|c| c != '*') && mask_admits(shown, value)
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

/// A connection found by [`PlatformClient::find_created`], with the request ID of the lookup.
///
/// [`PlatformClient::find_created`]: super::PlatformClient::find_created
#[derive(Clone, Debug)]
pub struct FoundConnection {
    /// The connection.
    pub connection: Connection,
    /// `x-request-id` of the list call that found it.
    pub request_id: Option<String>,
}

/// What [`PlatformClient::find_created`] found of one create: the connection it made, if AEP
/// has it, and the connections of the same name from the same time that another request made
/// (another client, or settings other than the ones sent).
///
/// [`PlatformClient::find_created`]: super::PlatformClient::find_created
#[derive(Clone, Debug, Default)]
pub struct CreatedLookup {
    /// The create's own connection (the newest, if several qualify).
    pub ours: Option<FoundConnection>,
    /// Same name, same time window, made by another request; newest first.
    pub others: Vec<Connection>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_masked_key_proves_only_what_it_shows() {
        assert!(masked_matches(
            "AKIA************MPLE",
            "AKIAIOSFODNN7EXAMPLE"
        ));
        assert!(masked_matches(
            "AKIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPLE"
        ));
        assert!(!masked_matches(
            "AKIA************MPL2",
            "AKIAIOSFODNN7EXAMPLE"
        ));
        assert!(
            !masked_matches("AKIA***MPLE", "AKIAIOSFODNN7EXAMPLE"),
            "length"
        );
        assert!(!masked_matches(
            "********************",
            "AKIAIOSFODNN7EXAMPLE"
        ));
    }

    #[test]
    fn what_was_sent_tells_a_create_from_another() {
        let shown: Connection = serde_json::from_value(json!({
            "id": "c", "name": "n", "description": "d",
            "auth": {"specName": "Access Key", "params": {
                "s3AccessKey": "AKIA************MPLE", "bucketName": "b"}}
        }))
        .unwrap();
        let sent = SentFields {
            description: Some("d"),
            access_key_id: "AKIAIOSFODNN7EXAMPLE",
            bucket_name: Some("b"),
            folder_path: None,
            service_url: Some(""),
        };
        assert!(shown.shows_sent(&sent));
        assert!(!shown.shows_sent(&SentFields {
            bucket_name: None,
            ..sent
        }));
        assert!(!shown.shows_sent(&SentFields {
            access_key_id: "AKIAI44QH8DHBEXAMPL2",
            ..sent
        }));
        assert!(!shown.shows_sent(&SentFields {
            folder_path: Some("in/"),
            ..sent
        }));
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
}
