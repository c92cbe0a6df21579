//! What changed between the version of a connection a rotation was asked for and the one AEP
//! has now, in words: told when a rotation is refused because someone else changed it.

use crate::api::Connection;
use crate::api::flow::KEPT_ON_ROTATION;
use crate::model::EpochMs;

/// What differs between the version a user saw and the current one, one phrase per change.
pub fn describe_changes(before: &Connection, after: &Connection) -> Vec<String> {
    let mut changes = Vec::new();
    let mut field = |label: &str, old: Option<&str>, new: Option<&str>| {
        if old != new {
            changes.push(format!(
                "{label}: {} -> {}",
                quoted_or_none(old),
                quoted_or_none(new)
            ));
        }
    };
    field("name", Some(&before.name), Some(&after.name));
    field(
        "description",
        before.description.as_deref(),
        after.description.as_deref(),
    );
    field("state", before.state.as_deref(), after.state.as_deref());
    field("auth spec", before.auth_spec_name(), after.auth_spec_name());
    field(
        "access key ID (as AEP masks it)",
        before.auth_param("s3AccessKey"),
        after.auth_param("s3AccessKey"),
    );
    for key in KEPT_ON_ROTATION {
        field(
            param_label(key),
            before.auth_param(key),
            after.auth_param(key),
        );
    }
    match (
        before.auth_param("s3SessionToken").is_some(),
        after.auth_param("s3SessionToken").is_some(),
    ) {
        (false, true) => changes.push("session token: added".to_owned()),
        (true, false) => changes.push("session token: removed".to_owned()),
        _ => {}
    }
    if before.updated_at != after.updated_at || before.updated_by != after.updated_by {
        let when = after
            .updated_at
            .map_or_else(|| "at an unknown time".to_owned(), EpochMs::utc);
        let who = after.updated_by.as_deref().unwrap_or("someone");
        let client = after
            .extra
            .get("updatedClient")
            .and_then(|v| v.as_str())
            .map(|c| format!(" (client {c})"))
            .unwrap_or_default();
        changes.push(format!("updated {when} by {who}{client}"));
    }
    if changes.is_empty() && before.etag != after.etag {
        changes.push(format!(
            "a new version (etag {} -> {}) with no difference visible here (for example a rotated secret key)",
            before.etag.as_deref().unwrap_or("none"),
            after.etag.as_deref().unwrap_or("none")
        ));
    }
    changes
}

fn param_label(key: &str) -> &'static str {
    match key {
        "bucketName" => "bucket",
        "folderPath" => "folder path",
        "serviceUrl" => "service URL",
        _ => "parameter",
    }
}

fn quoted_or_none(v: Option<&str>) -> String {
    v.map_or_else(|| "(none)".to_owned(), |v| format!("\"{v}\""))
}

pub(super) fn describe_list(changes: &[String]) -> String {
    if changes.is_empty() {
        "none visible".to_owned()
    } else {
        changes.join("; ")
    }
}
