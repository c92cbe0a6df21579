//! The records kept in the history and the questions asked of it: plain data, no SQL.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use crate::model::EpochMs;

/// Row ID of one attempt in the history database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttemptId(pub i64);

impl fmt::Display for AttemptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ToSql for AttemptId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for AttemptId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(AttemptId)
    }
}

impl ToSql for EpochMs {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for EpochMs {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(EpochMs)
    }
}

/// Where an attempt stands: written as `Pending` before the request leaves, then completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptStatus {
    /// The request was (or was about to be) sent and no answer has been recorded yet.
    Pending,
    /// Adobe created the connection.
    Created,
    /// The request failed; the record says why.
    Failed,
}

impl AttemptStatus {
    /// Every status, in the order a filter menu lists them.
    pub const ALL: [AttemptStatus; 3] = [Self::Pending, Self::Created, Self::Failed];

    /// The lowercase name stored in the database and printed by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Created => "created",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for AttemptStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that is not `pending`, `created` or `failed`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown attempt status {0:?}: expected pending, created or failed")]
pub struct UnknownStatus(pub String);

impl FromStr for AttemptStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Case-insensitive because users type these after `--status` and in search boxes.
        Self::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

impl ToSql for AttemptStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for AttemptStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e: UnknownStatus| FromSqlError::Other(Box::new(e)))
    }
}

/// What is known before the request leaves; secrets have no field here on purpose.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAttempt {
    /// Name of the app profile that made the request.
    pub profile: String,
    /// IMS organisation ID.
    pub org_id: String,
    /// Sandbox name.
    pub sandbox: String,
    /// Platform base URL the request went to.
    pub platform_url: String,
    /// Connection name.
    pub name: String,
    /// Connection description.
    pub description: Option<String>,
    /// AWS access key ID (an identifier, not a secret).
    pub access_key_id: String,
    /// S3 bucket name.
    pub bucket_name: Option<String>,
    /// Folder path inside the bucket.
    pub folder_path: Option<String>,
    /// S3 service URL.
    pub service_url: Option<String>,
    /// Whether a session token was sent (the token itself is never kept).
    pub has_session_token: bool,
    /// Request body as JSON with secrets replaced, kept for the details view and cURL.
    pub request_body_redacted: String,
    /// When the request was about to leave, in Unix milliseconds.
    pub started_at_ms: EpochMs,
}

/// What Adobe answered when the connection was created (or what reconciliation found).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedOutcome {
    /// Flow Service base connection ID.
    pub connection_id: String,
    /// The connection's etag, needed for later PATCH requests.
    pub etag: String,
    /// Adobe's `x-request-id`, if one came back.
    pub request_id: Option<String>,
    /// When the answer arrived, in Unix milliseconds.
    pub finished_at_ms: EpochMs,
    /// True when the connection was found by looking it up after a crash or ambiguous failure.
    pub reconciled: bool,
}

/// Why an attempt failed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedOutcome {
    /// HTTP status, when a response arrived at all.
    pub http_status: Option<u16>,
    /// Adobe's error code (or a local one such as a timeout), if known.
    pub error_code: Option<String>,
    /// The message shown to the user.
    pub message: String,
    /// Adobe's `x-request-id`, if one came back.
    pub request_id: Option<String>,
    /// When the failure was known, in Unix milliseconds.
    pub finished_at_ms: EpochMs,
}

/// A full history record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Row ID.
    pub id: AttemptId,
    /// Where the attempt stands.
    pub status: AttemptStatus,
    /// Name of the app profile that made the request.
    pub profile: String,
    /// IMS organisation ID.
    pub org_id: String,
    /// Sandbox name.
    pub sandbox: String,
    /// Platform base URL the request went to.
    pub platform_url: String,
    /// Connection name.
    pub name: String,
    /// Connection description.
    pub description: Option<String>,
    /// AWS access key ID.
    pub access_key_id: String,
    /// S3 bucket name.
    pub bucket_name: Option<String>,
    /// Folder path inside the bucket.
    pub folder_path: Option<String>,
    /// S3 service URL.
    pub service_url: Option<String>,
    /// Whether a session token was sent.
    pub has_session_token: bool,
    /// Request body as JSON with secrets replaced.
    pub request_body_redacted: String,
    /// When the request was about to leave, in Unix milliseconds.
    pub started_at_ms: EpochMs,
    /// Flow Service base connection ID, once created.
    pub connection_id: Option<String>,
    /// The connection's etag, once created.
    pub etag: Option<String>,
    /// Adobe's `x-request-id`.
    pub request_id: Option<String>,
    /// HTTP status of a failed request.
    pub http_status: Option<u16>,
    /// Error code of a failed request.
    pub error_code: Option<String>,
    /// Error message of a failed request.
    pub error_message: Option<String>,
    /// When the attempt completed, in Unix milliseconds.
    pub finished_at_ms: Option<EpochMs>,
    /// `finished_at_ms - started_at_ms`; derived, never stored.
    pub duration_ms: Option<i64>,
    /// True when the outcome was found by reconciliation rather than by the request's own answer.
    pub reconciled: bool,
    /// The batch this attempt belongs to: one create sent to several sandboxes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
}

impl Attempt {
    /// True when the attempt was made in `target`'s org, sandbox and platform.
    pub fn is_of(&self, target: &crate::model::Target) -> bool {
        target.owns(&self.org_id, &self.sandbox, &self.platform_url)
    }

    /// What the attempt sent that AEP shows back, to tell its connection from another's.
    pub fn sent(&self) -> crate::model::SentFields<'_> {
        crate::model::SentFields {
            description: self.description.as_deref(),
            access_key_id: &self.access_key_id,
            bucket_name: self.bucket_name.as_deref(),
            folder_path: self.folder_path.as_deref(),
            service_url: self.service_url.as_deref(),
        }
    }
}

/// How search results are ordered; `Desc` variants are the exact reverse of their `Asc` twin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HistoryOrder {
    /// Latest `started_at_ms` first.
    #[default]
    NewestFirst,
    /// Earliest `started_at_ms` first.
    OldestFirst,
    /// Connection name A→Z in natural order ("test 2" before "test 10", case ignored: see
    /// [`super::natural_key`]), newest first within a name.
    NameAsc,
    /// Connection name Z→A.
    NameDesc,
    /// Sandbox A→Z, newest first within a sandbox.
    SandboxAsc,
    /// Sandbox Z→A.
    SandboxDesc,
    /// Status alphabetically (created, failed, pending), newest first within a status.
    StatusAsc,
    /// Status reverse-alphabetically.
    StatusDesc,
}

impl HistoryOrder {
    /// Every order, for sort menus and tests.
    pub const ALL: [HistoryOrder; 8] = [
        Self::NewestFirst,
        Self::OldestFirst,
        Self::NameAsc,
        Self::NameDesc,
        Self::SandboxAsc,
        Self::SandboxDesc,
        Self::StatusAsc,
        Self::StatusDesc,
    ];
}

/// The values the history holds for its filters: each profile and each sandbox once, in
/// natural order ([`super::natural_sort`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFacets {
    /// Profile names.
    pub profiles: Vec<String>,
    /// Sandbox names.
    pub sandboxes: Vec<String>,
}

/// Filters, order and page for [`super::HistoryStore::search`] and [`super::HistoryStore::count`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Case-insensitive substring over name, description, connection ID, bucket, sandbox, org,
    /// access key ID, error message and request ID; surrounding whitespace is ignored.
    pub search: Option<String>,
    /// Only attempts with this status.
    pub status: Option<AttemptStatus>,
    /// Only attempts made with this profile (exact match).
    pub profile: Option<String>,
    /// Only attempts in this sandbox (exact match).
    pub sandbox: Option<String>,
    /// At most this many results; `None` means all.
    pub limit: Option<usize>,
    /// Skip this many results first.
    pub offset: usize,
    /// Result order.
    pub order: HistoryOrder,
}

impl HistoryQuery {
    /// Rows per page, as the window asks for them.
    pub const PAGE: usize = 200;

    /// Page `page` (of [`Self::PAGE`] rows) of this query's filters and order.
    pub fn page(&self, page: usize) -> Self {
        Self {
            limit: Some(Self::PAGE),
            offset: page * Self::PAGE,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip_through_str_serde_and_sql() {
        for status in AttemptStatus::ALL {
            assert_eq!(status.as_str().parse::<AttemptStatus>(), Ok(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            let value = status.to_sql().unwrap();
            let ToSqlOutput::Borrowed(ValueRef::Text(text)) = value else {
                panic!("status should be stored as text, got {value:?}");
            };
            assert_eq!(
                AttemptStatus::column_result(ValueRef::Text(text)).unwrap(),
                status
            );
        }
        assert_eq!(
            " Created ".parse::<AttemptStatus>(),
            Ok(AttemptStatus::Created)
        );
        assert!("done".parse::<AttemptStatus>().is_err());
        assert!(AttemptStatus::column_result(ValueRef::Text(b"done")).is_err());
    }

    #[test]
    fn attempt_serialises_camel_case_with_bare_id() {
        let attempt = Attempt {
            id: AttemptId(7),
            status: AttemptStatus::Created,
            profile: String::new(),
            org_id: String::new(),
            sandbox: String::new(),
            platform_url: String::new(),
            name: String::new(),
            description: None,
            access_key_id: String::new(),
            bucket_name: None,
            folder_path: None,
            service_url: None,
            has_session_token: false,
            request_body_redacted: String::new(),
            started_at_ms: EpochMs(1),
            connection_id: Some("c".into()),
            etag: None,
            request_id: None,
            http_status: None,
            error_code: None,
            error_message: None,
            finished_at_ms: Some(EpochMs(3)),
            duration_ms: Some(2),
            reconciled: false,
            batch_id: None,
        };
        let json = serde_json::to_value(&attempt).unwrap();
        assert_eq!(json["id"], 7);
        assert_eq!(json["status"], "created");
        assert_eq!(json["connectionId"], "c");
        assert_eq!(json["durationMs"], 2);
        let back: Attempt = serde_json::from_value(json).unwrap();
        assert_eq!(back, attempt);
    }
}
