//! "Which connections use key AKIA…": the history's create records and rotation events.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::EpochMs;
use crate::store::history::{
    AttemptId, AttemptStatus, ConnectionEvent, EventId, EventKind, EventOutcome, HistoryError,
    HistoryQuery, HistoryStore,
};

/// How a connection came to use an access key, as the history knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyUseSource {
    /// It was created with the key.
    Created,
    /// Its credentials were rotated to the key.
    Rotated,
}

/// A connection that uses (or used) an access key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyUse {
    /// Connection ID.
    pub connection_id: String,
    /// Its name when the key was set.
    pub name: String,
    /// IMS organisation ID.
    pub org_id: String,
    /// Sandbox name.
    pub sandbox: String,
    /// Platform URL.
    pub platform_url: String,
    /// Created with the key, or rotated to it.
    pub source: KeyUseSource,
    /// When the key was set, epoch ms.
    pub at_ms: EpochMs,
    /// True when, as far as the history knows, the connection still uses this key (no later
    /// rotation, no deletion from here).
    pub current: bool,
    /// True when it was deleted from here.
    pub deleted: bool,
    /// The create record, when the key came with the create.
    pub attempt: Option<AttemptId>,
    /// The rotation event, when the key came with a rotation.
    pub event: Option<EventId>,
}

/// Every connection the history knows to have been given `access_key_id` (created with it, or
/// rotated to it), newest first, each marked with whether it still uses it.
pub fn find_key(history: &HistoryStore, access_key_id: &str) -> Result<Vec<KeyUse>, HistoryError> {
    let key = access_key_id.trim();
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let mut uses = Vec::new();
    let created = history.search(&HistoryQuery {
        search: Some(key.to_owned()),
        status: Some(AttemptStatus::Created),
        ..HistoryQuery::default()
    })?;
    for a in created
        .into_iter()
        .filter(|a| a.access_key_id.eq_ignore_ascii_case(key))
    {
        let Some(id) = a.connection_id.clone() else {
            continue;
        };
        uses.push(KeyUse {
            connection_id: id,
            name: a.name,
            org_id: a.org_id,
            sandbox: a.sandbox,
            platform_url: a.platform_url,
            source: KeyUseSource::Created,
            at_ms: a.finished_at_ms.unwrap_or(a.started_at_ms),
            current: false,
            deleted: false,
            attempt: Some(a.id),
            event: None,
        });
    }
    for e in history
        .events_by_access_key(key)?
        .into_iter()
        .filter(|e| e.kind == EventKind::Rotate && e.outcome == EventOutcome::Ok)
    {
        uses.push(KeyUse {
            connection_id: e.connection_id,
            name: e.connection_name.unwrap_or_default(),
            org_id: e.org_id,
            sandbox: e.sandbox,
            platform_url: e.platform_url,
            source: KeyUseSource::Rotated,
            at_ms: e.at_ms,
            current: false,
            deleted: false,
            attempt: None,
            event: Some(e.id),
        });
    }
    // Whether each use is still the connection's key: no later successful rotation, no deletion.
    let mut events_of: HashMap<String, Vec<ConnectionEvent>> = HashMap::new();
    for u in &uses {
        if !events_of.contains_key(&u.connection_id) {
            events_of.insert(
                u.connection_id.clone(),
                history.events_for(&u.connection_id)?,
            );
        }
    }
    for u in &mut uses {
        let events = events_of
            .get(&u.connection_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        u.deleted = events
            .iter()
            .any(|e| e.kind == EventKind::Delete && e.outcome == EventOutcome::Ok);
        let later_rotation = events.iter().any(|e| {
            e.kind == EventKind::Rotate
                && e.outcome == EventOutcome::Ok
                && Some(e.id) != u.event
                && (e.at_ms, e.id.0) > (u.at_ms, u.event.map_or(i64::MIN, |id| id.0))
        });
        u.current = !u.deleted && !later_rotation;
    }
    uses.sort_by_key(|u| std::cmp::Reverse(u.at_ms));
    Ok(uses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::connections::ok_result;
    use crate::store::history::NewEvent;

    #[test]
    fn find_key_tracks_rotations_and_deletions() {
        use crate::store::history::{CreatedOutcome, NewAttempt};
        let store = HistoryStore::open_in_memory().unwrap();
        let made = |name: &str, key: &str, id: &str, at: i64| {
            let a = store
                .insert_pending(&NewAttempt {
                    name: name.into(),
                    access_key_id: key.into(),
                    sandbox: "prod".into(),
                    started_at_ms: EpochMs(at),
                    ..NewAttempt::default()
                })
                .unwrap();
            store
                .complete_created(
                    a,
                    &CreatedOutcome {
                        connection_id: id.into(),
                        finished_at_ms: EpochMs(at),
                        ..CreatedOutcome::default()
                    },
                )
                .unwrap();
        };
        const OLD: &str = "AKIAOLDKEY0000000000";
        const NEW: &str = "AKIANEWKEY0000000000";
        made("a", OLD, "c-a", 10);
        made("b", OLD, "c-b", 11);
        made("c", OLD, "c-c", 12);
        let event = |id: &str, kind: EventKind, key: Option<&str>, at: i64| {
            let e = store
                .record_event(&NewEvent {
                    connection_id: id.into(),
                    kind,
                    profile: String::new(),
                    org_id: String::new(),
                    sandbox: "prod".into(),
                    platform_url: String::new(),
                    connection_name: Some(id.into()),
                    access_key_id: key.map(str::to_owned),
                    at_ms: EpochMs(at),
                })
                .unwrap();
            store.complete_event(e, &ok_result("", &None)).unwrap();
        };
        event("c-b", EventKind::Rotate, Some(NEW), 20);
        event("c-c", EventKind::Delete, None, 21);
        let uses = find_key(&store, &OLD.to_ascii_lowercase()).unwrap();
        let by_id = |id: &str| uses.iter().find(|u| u.connection_id == id).unwrap();
        assert_eq!(uses.len(), 3);
        assert!(by_id("c-a").current);
        assert!(!by_id("c-b").current && !by_id("c-b").deleted);
        assert!(!by_id("c-c").current && by_id("c-c").deleted);
        let uses = find_key(&store, NEW).unwrap();
        assert_eq!(uses.len(), 1);
        assert_eq!(uses[0].source, KeyUseSource::Rotated);
        assert!(uses[0].current);
        assert!(find_key(&store, "  ").unwrap().is_empty());
    }
}
