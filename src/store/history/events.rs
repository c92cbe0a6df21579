//! Events: what was done to a connection after its creation (credential rotations, deletions).
//!
//! Written as `pending` before the request leaves and completed after, like attempts. No secret
//! is ever stored: the access key ID is an identifier, the secret key and token have no column.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Row, params};
use serde::{Deserialize, Serialize};

use super::{HistoryError, HistoryStore};
use crate::model::EpochMs;

/// Row ID of one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub i64);

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Generates `as_str`, `Display`, `FromStr` and the SQLite conversions for a text enum.
macro_rules! text_enum {
    ($name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// The lowercase name stored in the database and printed by the CLI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(concat!("unknown ", $what, " {:?}"), other)),
                }
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e: String| FromSqlError::Other(e.into()))
            }
        }
    };
}

pub(super) use text_enum;

/// What was done to the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Its credentials were replaced (`PATCH /auth/params`).
    Rotate,
    /// It was deleted.
    Delete,
}

text_enum!(EventKind, "event kind", { Rotate => "rotate", Delete => "delete" });

/// How the request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventOutcome {
    /// Sent (or about to be), no answer recorded yet.
    Pending,
    /// Adobe did it.
    Ok,
    /// Adobe refused, or it surely did not happen.
    Failed,
    /// The answer was lost and reading the connection back did not tell.
    Unknown,
}

text_enum!(EventOutcome, "event outcome", {
    Pending => "pending", Ok => "ok", Failed => "failed", Unknown => "unknown",
});

/// What is known before the request leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEvent {
    /// Flow Service connection ID.
    pub connection_id: String,
    /// Rotate or delete.
    pub kind: EventKind,
    /// App profile that made the request.
    pub profile: String,
    /// IMS organisation ID.
    pub org_id: String,
    /// Sandbox name.
    pub sandbox: String,
    /// Platform base URL.
    pub platform_url: String,
    /// The connection's name when the request left.
    pub connection_name: Option<String>,
    /// For a rotation: the new AWS access key ID (an identifier, not a secret).
    pub access_key_id: Option<String>,
    /// When the request was about to leave, Unix ms.
    pub at_ms: EpochMs,
}

/// How an event ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventResult {
    /// Ok, failed or unknown.
    pub outcome: EventOutcome,
    /// Adobe's `x-request-id`.
    pub request_id: Option<String>,
    /// For a rotation: the connection's new etag.
    pub etag: Option<String>,
    /// HTTP status of a refusal.
    pub http_status: Option<u16>,
    /// Adobe's error code.
    pub error_code: Option<String>,
    /// What the user was told.
    pub message: Option<String>,
    /// When the answer arrived, Unix ms.
    pub finished_at_ms: EpochMs,
}

/// A recorded event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionEvent {
    /// Row ID.
    pub id: EventId,
    /// Flow Service connection ID.
    pub connection_id: String,
    /// Rotate or delete.
    pub kind: EventKind,
    /// How it ended (or `pending`).
    pub outcome: EventOutcome,
    /// App profile.
    pub profile: String,
    /// IMS organisation ID.
    pub org_id: String,
    /// Sandbox name.
    pub sandbox: String,
    /// Platform base URL.
    pub platform_url: String,
    /// The connection's name at the time.
    pub connection_name: Option<String>,
    /// For a rotation: the new access key ID.
    pub access_key_id: Option<String>,
    /// When the request left, Unix ms.
    pub at_ms: EpochMs,
    /// When the answer arrived, Unix ms.
    pub finished_at_ms: Option<EpochMs>,
    /// Adobe's `x-request-id`.
    pub request_id: Option<String>,
    /// For a rotation: the new etag.
    pub etag: Option<String>,
    /// HTTP status of a refusal.
    pub http_status: Option<u16>,
    /// Adobe's error code.
    pub error_code: Option<String>,
    /// What the user was told.
    pub message: Option<String>,
}

const SELECT_EVENT: &str = "SELECT id, connection_id, kind, outcome, profile, org_id, sandbox, \
    platform_url, connection_name, access_key_id, at_ms, finished_at_ms, request_id, etag, \
    http_status, error_code, message FROM events";

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<ConnectionEvent> {
    Ok(ConnectionEvent {
        id: EventId(row.get(0)?),
        connection_id: row.get(1)?,
        kind: row.get(2)?,
        outcome: row.get(3)?,
        profile: row.get(4)?,
        org_id: row.get(5)?,
        sandbox: row.get(6)?,
        platform_url: row.get(7)?,
        connection_name: row.get(8)?,
        access_key_id: row.get(9)?,
        at_ms: row.get(10)?,
        finished_at_ms: row.get(11)?,
        request_id: row.get(12)?,
        etag: row.get(13)?,
        http_status: row.get(14)?,
        error_code: row.get(15)?,
        message: row.get(16)?,
    })
}

impl HistoryStore {
    /// Writes `event` as pending; call this before the request leaves.
    pub fn record_event(&self, event: &NewEvent) -> Result<EventId, HistoryError> {
        let id = self
            .conn
            .prepare_cached(
                "INSERT INTO events (connection_id, kind, outcome, profile, org_id, sandbox, \
                 platform_url, connection_name, access_key_id, at_ms) \
                 VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .insert(params![
                event.connection_id,
                event.kind,
                event.profile,
                event.org_id,
                event.sandbox,
                event.platform_url,
                event.connection_name,
                event.access_key_id,
                event.at_ms,
            ])?;
        Ok(EventId(id))
    }

    /// Records how event `id` ended.
    pub fn complete_event(&self, id: EventId, result: &EventResult) -> Result<(), HistoryError> {
        self.conn
            .prepare_cached(
                "UPDATE events SET outcome = ?2, request_id = ?3, etag = ?4, http_status = ?5, \
                 error_code = ?6, message = ?7, finished_at_ms = ?8 WHERE id = ?1",
            )?
            .execute(params![
                id.0,
                result.outcome,
                result.request_id,
                result.etag,
                result.http_status,
                result.error_code,
                result.message,
                result.finished_at_ms,
            ])?;
        Ok(())
    }

    /// Every event of one connection, newest first.
    pub fn events_for(&self, connection_id: &str) -> Result<Vec<ConnectionEvent>, HistoryError> {
        let sql = format!("{SELECT_EVENT} WHERE connection_id = ?1 ORDER BY at_ms DESC, id DESC");
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([connection_id], event_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every rotation to access key `access_key_id` (ASCII case-insensitive), newest first.
    pub fn events_by_access_key(
        &self,
        access_key_id: &str,
    ) -> Result<Vec<ConnectionEvent>, HistoryError> {
        let sql = format!(
            "{SELECT_EVENT} WHERE access_key_id = ?1 COLLATE NOCASE ORDER BY at_ms DESC, id DESC"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([access_key_id.trim()], event_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest events of every connection, newest first, at most `limit` of them.
    pub fn recent_events(&self, limit: usize) -> Result<Vec<ConnectionEvent>, HistoryError> {
        let sql = format!("{SELECT_EVENT} ORDER BY at_ms DESC, id DESC LIMIT ?1");
        let mut statement = self.conn.prepare_cached(&sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = statement.query_map([limit], event_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotation(connection_id: &str, key: &str, at_ms: i64) -> NewEvent {
        NewEvent {
            connection_id: connection_id.into(),
            kind: EventKind::Rotate,
            profile: "p".into(),
            org_id: "o".into(),
            sandbox: "s".into(),
            platform_url: "u".into(),
            connection_name: None,
            access_key_id: Some(key.into()),
            at_ms: EpochMs(at_ms),
        }
    }

    #[test]
    fn events_round_trip_newest_first() {
        let store = HistoryStore::open_in_memory().unwrap();
        let first = store
            .record_event(&rotation("c1", "AKIAOLD0000000000000", 1))
            .unwrap();
        let second = store
            .record_event(&rotation("c1", "AKIANEW0000000000000", 2))
            .unwrap();
        store
            .complete_event(
                second,
                &EventResult {
                    outcome: EventOutcome::Ok,
                    request_id: Some("r".into()),
                    etag: Some("\"e\"".into()),
                    http_status: None,
                    error_code: None,
                    message: None,
                    finished_at_ms: EpochMs(3),
                },
            )
            .unwrap();
        let events = store.events_for("c1").unwrap();
        assert_eq!(
            events.iter().map(|e| e.id).collect::<Vec<_>>(),
            [second, first]
        );
        assert_eq!(events[0].outcome, EventOutcome::Ok);
        assert_eq!(events[0].etag.as_deref(), Some("\"e\""));
        assert_eq!(events[1].outcome, EventOutcome::Pending);
        let by_key = store.events_by_access_key("akianew0000000000000").unwrap();
        assert_eq!(by_key.len(), 1);
        assert_eq!(by_key[0].connection_id, "c1");
        assert!(store.events_for("other").unwrap().is_empty());
        assert_eq!(store.recent_events(1).unwrap()[0].id, second);
    }

    #[test]
    fn kinds_and_outcomes_parse_their_names() {
        for kind in [EventKind::Rotate, EventKind::Delete] {
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
        }
        for outcome in [
            EventOutcome::Pending,
            EventOutcome::Ok,
            EventOutcome::Failed,
            EventOutcome::Unknown,
        ] {
            assert_eq!(outcome.as_str().parse::<EventOutcome>(), Ok(outcome));
        }
        assert!("rename".parse::<EventKind>().is_err());
    }
}
