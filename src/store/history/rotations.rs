//! The journal of key rotations: a run (one old key replaced by one new key on every
//! connection that uses it) and each connection in it, written before the PATCHes leave so that
//! a run cut short resumes. No secret is stored: key IDs are identifiers.

use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::events::text_enum;
use super::{HistoryError, HistoryStore};
use crate::model::EpochMs;

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// Where one connection of a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    /// In the plan, not sent yet.
    Planned,
    /// Its PATCH is about to leave or in flight: after a crash, read it back.
    Sending,
    /// AEP has the new key.
    Rotated,
    /// Not rotated (refused, changed by someone else, no longer using the old key).
    Failed,
    /// The answer was lost and reading back did not tell.
    Unknown,
}

text_enum!(ItemState, "rotation item state", {
    Planned => "planned", Sending => "sending", Rotated => "rotated", Failed => "failed",
    Unknown => "unknown",
});

/// A run as it starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRotationRun {
    /// The run's ID (a UUID).
    pub id: String,
    /// The app profile.
    pub profile: String,
    /// IMS organisation.
    pub org_id: String,
    /// Platform base URL.
    pub platform_url: String,
    /// The key being replaced.
    pub old_access_key_id: String,
    /// The key replacing it.
    pub new_access_key_id: String,
    /// Only the session token is replaced.
    pub session_token_only: bool,
}

/// A run as the journal holds it: how it started, and how it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationRun {
    /// What it is.
    #[serde(flatten)]
    pub start: NewRotationRun,
    /// When it started.
    pub started_at_ms: EpochMs,
    /// When it last ended, if it did (a run resumed later ends again).
    pub finished_at_ms: Option<EpochMs>,
    /// `true` when every connection was rotated.
    pub complete: bool,
}

/// One connection of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationItem {
    /// Connection ID.
    pub connection_id: String,
    /// Its sandbox.
    pub sandbox: String,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub state: ItemState,
    /// Why it failed, or what reading back found.
    pub message: Option<String>,
}

const SELECT_RUN: &str = "SELECT id, profile, org_id, platform_url, old_access_key_id, \
    new_access_key_id, session_token_only, started_at_ms, finished_at_ms, outcome FROM rotation_runs";

fn run_from_row(row: &Row<'_>) -> rusqlite::Result<RotationRun> {
    let outcome: Option<String> = row.get(9)?;
    Ok(RotationRun {
        start: NewRotationRun {
            id: row.get(0)?,
            profile: row.get(1)?,
            org_id: row.get(2)?,
            platform_url: row.get(3)?,
            old_access_key_id: row.get(4)?,
            new_access_key_id: row.get(5)?,
            session_token_only: row.get(6)?,
        },
        started_at_ms: row.get(7)?,
        finished_at_ms: row.get(8)?,
        complete: outcome.as_deref() == Some("complete"),
    })
}

impl HistoryStore {
    /// Writes a run and its connections (all `planned`), in one transaction.
    pub fn begin_rotation(
        &self,
        run: &NewRotationRun,
        items: &[RotationItem],
    ) -> Result<(), HistoryError> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        tx.execute(
            "INSERT INTO rotation_runs (id, profile, org_id, platform_url, old_access_key_id, \
             new_access_key_id, session_token_only, started_at_ms) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run.id,
                run.profile,
                run.org_id,
                run.platform_url,
                run.old_access_key_id,
                run.new_access_key_id,
                run.session_token_only,
                EpochMs::now(),
            ],
        )?;
        insert_items(&tx, &run.id, items)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds connections found since the run began (left alone when already in it).
    pub fn add_rotation_items(
        &self,
        run_id: &str,
        items: &[RotationItem],
    ) -> Result<(), HistoryError> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        insert_items(&tx, run_id, items)?;
        tx.execute(
            "UPDATE rotation_runs SET finished_at_ms = NULL, outcome = NULL WHERE id = ?1",
            [run_id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records where one connection of a run stands.
    pub fn set_rotation_item(
        &self,
        run_id: &str,
        connection_id: &str,
        state: ItemState,
        message: Option<&str>,
    ) -> Result<(), HistoryError> {
        self.conn
            .prepare_cached(
                "UPDATE rotation_items SET state = ?3, message = ?4, updated_at_ms = ?5 \
                 WHERE run_id = ?1 AND connection_id = ?2",
            )?
            .execute(params![
                run_id,
                connection_id,
                state,
                message,
                EpochMs::now()
            ])?;
        Ok(())
    }

    /// Ends a run: complete when every connection was rotated.
    pub fn finish_rotation(&self, run_id: &str, complete: bool) -> Result<(), HistoryError> {
        self.conn.execute(
            "UPDATE rotation_runs SET finished_at_ms = ?2, outcome = ?3 WHERE id = ?1",
            params![
                run_id,
                EpochMs::now(),
                if complete { "complete" } else { "incomplete" }
            ],
        )?;
        Ok(())
    }

    /// The newest run replacing `old_access_key_id` by `new_access_key_id` on (`platform_url`,
    /// `org_id`) that is not complete, with its connections: what the same command resumes.
    pub fn unfinished_rotation(
        &self,
        platform_url: &str,
        org_id: &str,
        old_access_key_id: &str,
        new_access_key_id: &str,
    ) -> Result<Option<(RotationRun, Vec<RotationItem>)>, HistoryError> {
        let sql = format!(
            "{SELECT_RUN} WHERE platform_url = ?1 AND org_id = ?2 AND old_access_key_id = ?3 \
             AND new_access_key_id = ?4 AND (outcome IS NULL OR outcome = 'incomplete') \
             ORDER BY started_at_ms DESC LIMIT 1"
        );
        let run = self
            .conn
            .prepare_cached(&sql)?
            .query_row(
                params![platform_url, org_id, old_access_key_id, new_access_key_id],
                run_from_row,
            )
            .optional()?;
        match run {
            Some(run) => {
                let items = self.rotation_items(&run.start.id)?;
                Ok(Some((run, items)))
            }
            None => Ok(None),
        }
    }

    /// Every run not complete, newest first (the window offers to finish them).
    pub fn unfinished_rotations(&self) -> Result<Vec<RotationRun>, HistoryError> {
        let sql = format!(
            "{SELECT_RUN} WHERE outcome IS NULL OR outcome = 'incomplete' ORDER BY started_at_ms DESC"
        );
        let runs = self
            .conn
            .prepare_cached(&sql)?
            .query_map([], run_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(runs)
    }

    /// The connections of run `run_id`, in the order they were added.
    pub fn rotation_items(&self, run_id: &str) -> Result<Vec<RotationItem>, HistoryError> {
        let items = self
            .conn
            .prepare_cached(
                "SELECT connection_id, sandbox, name, state, message FROM rotation_items \
                 WHERE run_id = ?1 ORDER BY rowid",
            )?
            .query_map([run_id], |row| {
                Ok(RotationItem {
                    connection_id: row.get(0)?,
                    sandbox: row.get(1)?,
                    name: row.get(2)?,
                    state: row.get(3)?,
                    message: row.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(items)
    }
}

fn insert_items(
    tx: &rusqlite::Transaction<'_>,
    run_id: &str,
    items: &[RotationItem],
) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO rotation_items (run_id, connection_id, sandbox, name, state, message, \
         updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (run_id, connection_id) DO NOTHING",
    )?;
    let now = EpochMs::now();
    for item in items {
        insert.execute(params![
            run_id,
            item.connection_id,
            item.sandbox,
            item.name,
            item.state,
            item.message,
            now
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, state: ItemState) -> RotationItem {
        RotationItem {
            connection_id: id.into(),
            sandbox: "dev".into(),
            name: format!("c {id}"),
            state,
            message: None,
        }
    }

    #[test]
    fn a_run_is_found_until_complete() {
        let h = HistoryStore::open_in_memory().unwrap();
        let run = NewRotationRun {
            id: "r1".into(),
            profile: "p".into(),
            org_id: "o".into(),
            platform_url: "u".into(),
            old_access_key_id: "AKIAOLD".into(),
            new_access_key_id: "AKIANEW".into(),
            session_token_only: false,
        };
        h.begin_rotation(&run, &[item("a", ItemState::Planned)])
            .unwrap();
        h.add_rotation_items(
            "r1",
            &[item("a", ItemState::Planned), item("b", ItemState::Planned)],
        )
        .unwrap();
        h.set_rotation_item("r1", "a", ItemState::Rotated, None)
            .unwrap();
        let (found, items) = h
            .unfinished_rotation("u", "o", "AKIAOLD", "AKIANEW")
            .unwrap()
            .unwrap();
        assert_eq!(found.start.id, "r1");
        assert_eq!(
            items
                .iter()
                .map(|i| (i.connection_id.as_str(), i.state))
                .collect::<Vec<_>>(),
            [("a", ItemState::Rotated), ("b", ItemState::Planned)]
        );
        h.finish_rotation("r1", false).unwrap();
        assert!(
            h.unfinished_rotation("u", "o", "AKIAOLD", "AKIANEW")
                .unwrap()
                .is_some()
        );
        assert_eq!(h.unfinished_rotations().unwrap().len(), 1);
        h.finish_rotation("r1", true).unwrap();
        assert!(
            h.unfinished_rotation("u", "o", "AKIAOLD", "AKIANEW")
                .unwrap()
                .is_none()
        );
        assert!(h.unfinished_rotations().unwrap().is_empty());
    }
}
