//! The history of every create attempt, kept in SQLite.
//!
//! An attempt is written as `pending` before its request leaves and completed (created or failed)
//! afterwards, so a crash or kill in between leaves a `pending` record for the next start to
//! reconcile with AEP. No secret is ever stored: the schema has no column for one.
//!
//! The file is opened in WAL mode with a busy timeout, so the window and the CLI can write to it
//! at the same time. A file that is damaged or belongs to another program is moved aside, never
//! deleted; a file from a newer build is refused and left untouched.

mod batches;
mod error;
mod events;
mod in_flight;
mod migrations;
mod natural;
mod open;
mod query;
mod recover;
mod rotations;
mod search_text;
mod types;

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{
    Connection, OptionalExtension, Statement, Transaction, TransactionBehavior, params,
};

use open::OpenFailure;
use query::SearchPlan;
use search_text::SearchText;

pub use error::{HistoryError, OpenNotice};
pub use events::{ConnectionEvent, EventId, EventKind, EventOutcome, EventResult, NewEvent};
pub use in_flight::{InFlight, InFlightState, NameLock};
pub use natural::{natural_cmp, natural_key, natural_sort};
pub use rotations::{ItemState, NewRotationRun, RotationItem, RotationRun};
pub use types::{
    Attempt, AttemptId, AttemptStatus, CreatedOutcome, FailedOutcome, HistoryFacets, HistoryOrder,
    HistoryQuery, NewAttempt, UnknownStatus,
};

/// The history database. `Send`, not `Sync`: it lives on the worker thread.
#[derive(Debug)]
pub struct HistoryStore {
    /// The one connection; SQLite serialises access with other processes.
    conn: Connection,
    /// The file, or `None` in memory.
    path: Option<PathBuf>,
    /// The search columns in memory: read by [`Self::warm_search`] or the first search that
    /// needs them, updated on every write through this store, re-read after another process
    /// wrote.
    search_text: RefCell<Option<SearchText>>,
    /// The last in-memory search (its text and filters) and the IDs it found: the worker asks
    /// for a page and then for the count of the same query.
    last_match: RefCell<Option<(HistoryQuery, Vec<i64>)>>,
}

// The worker thread owns the store, so losing `Send` (say, by adding an `Rc`) must not compile.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<HistoryStore>();
};

impl HistoryStore {
    /// Opens (creating if needed) the database at `path`, moving an unusable file aside.
    pub fn open(path: &Path) -> Result<(HistoryStore, Option<OpenNotice>), HistoryError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|source| HistoryError::Io {
                action: "create the history folder",
                path: parent.to_owned(),
                source,
            })?;
        }
        let reason = match open::open_file(path) {
            Ok(conn) => return Ok((Self::with(conn, path), None)),
            Err(OpenFailure::Fatal(error)) => return Err(open::explain(error, path)),
            Err(OpenFailure::Unusable(reason)) => reason,
        };
        let moved_to = recover::move_aside(path).map_err(|source| HistoryError::Io {
            action: "move aside the unreadable history database",
            path: path.to_owned(),
            source,
        })?;
        tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %reason,
            "history database moved aside");
        let store = match open::open_file(path) {
            Ok(conn) => Self::with(conn, path),
            Err(OpenFailure::Fatal(error)) => return Err(error),
            Err(OpenFailure::Unusable(reason)) => {
                return Err(HistoryError::Unusable {
                    path: path.to_owned(),
                    reason,
                });
            }
        };
        let message = format!(
            "The history database {} could not be used ({reason}). It was moved aside to {} and \
             a new, empty history was started. Nothing was deleted: keep that file if you want to \
             recover records from it.",
            path.display(),
            moved_to.display()
        );
        Ok((store, Some(OpenNotice { message, moved_to })))
    }

    /// Opens the database at `path` for reading only, writing nothing at all: no folder, no
    /// migration, no WAL switch, nothing moved aside (for reading a history whose folder or file
    /// may not be written). Writes through the store fail. The message, when some, says which
    /// records may be missing.
    pub fn open_read_only(path: &Path) -> Result<(HistoryStore, Option<String>), HistoryError> {
        let (conn, note) = open::open_file_read_only(path)?;
        Ok((Self::with(conn, path), note))
    }

    /// True when writes through this store cannot succeed (opened read-only, or the file is).
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    /// Opens a private database in memory, for tests and demo mode.
    pub fn open_in_memory() -> Result<HistoryStore, HistoryError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| HistoryError::Open {
            path: path.clone(),
            source,
        })?;
        match migrations::migrate(&conn) {
            Ok(()) => Ok(HistoryStore {
                conn,
                path: None,
                search_text: RefCell::new(None),
                last_match: RefCell::new(None),
            }),
            Err(error) => Err(error::migrate_error(&path, error)),
        }
    }

    /// A store over an opened, migrated file.
    fn with(conn: Connection, path: &Path) -> HistoryStore {
        HistoryStore {
            conn,
            path: Some(path.to_owned()),
            search_text: RefCell::new(None),
            last_match: RefCell::new(None),
        }
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Writes `attempt` as pending; call this before the request leaves.
    pub fn insert_pending(&self, attempt: &NewAttempt) -> Result<AttemptId, HistoryError> {
        self.insert_pending_in(attempt, None)
    }

    /// Writes a new attempt as `pending`, in `batch` when it is one of a create sent to several
    /// sandboxes.
    pub fn insert_pending_in(
        &self,
        attempt: &NewAttempt,
        batch: Option<&str>,
    ) -> Result<AttemptId, HistoryError> {
        let mut insert = self.conn.prepare_cached(query::INSERT_PENDING)?;
        let id = insert_new(&mut insert, attempt, batch).map_err(|e| self.write_error(e))?;
        self.changed(id);
        Ok(id)
    }

    /// A failed write, naming the file when there is one.
    fn write_error(&self, source: rusqlite::Error) -> HistoryError {
        match &self.path {
            Some(path) => HistoryError::Write {
                path: path.clone(),
                source,
            },
            None => HistoryError::Sql(source),
        }
    }

    /// Records that attempt `id` created a connection (also after a failure, when reconciling).
    pub fn complete_created(
        &self,
        id: AttemptId,
        outcome: &CreatedOutcome,
    ) -> Result<(), HistoryError> {
        let changed = self
            .conn
            .prepare_cached(query::COMPLETE_CREATED)?
            .execute(params![
                id,
                outcome.connection_id,
                outcome.etag,
                outcome.request_id,
                outcome.finished_at_ms,
                outcome.reconciled,
            ])
            .map_err(|e| self.write_error(e))?;
        if changed == 0 {
            return Err(HistoryError::NotFound(id));
        }
        self.changed(id);
        Ok(())
    }

    /// Records that attempt `id` failed; refused if it already holds a created connection.
    pub fn complete_failed(
        &self,
        id: AttemptId,
        outcome: &FailedOutcome,
    ) -> Result<(), HistoryError> {
        let changed = self
            .conn
            .prepare_cached(query::COMPLETE_FAILED)?
            .execute(params![
                id,
                outcome.http_status,
                outcome.error_code,
                outcome.message,
                outcome.request_id,
                outcome.finished_at_ms,
            ])
            .map_err(|e| self.write_error(e))?;
        if changed == 0 {
            return Err(match self.get(id)? {
                Some(_) => HistoryError::AlreadyCreated(id),
                None => HistoryError::NotFound(id),
            });
        }
        self.changed(id);
        Ok(())
    }

    /// The record with this ID, if there is one.
    pub fn get(&self, id: AttemptId) -> Result<Option<Attempt>, HistoryError> {
        let sql = format!("{} WHERE id = ?1", query::SELECT_ATTEMPT);
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], query::attempt_from_row)
            .optional()?)
    }

    /// Every unfinished attempt, oldest first, for reconciliation with AEP.
    pub fn pending(&self) -> Result<Vec<Attempt>, HistoryError> {
        // Walks attempts_status backwards: no sort, however long the history.
        let sql = format!(
            "{} WHERE status = 'pending' ORDER BY started_at_ms ASC, id ASC",
            query::SELECT_ATTEMPT
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([], query::attempt_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The records matching `query`, in its order, one page of them.
    pub fn search(&self, query: &HistoryQuery) -> Result<Vec<Attempt>, HistoryError> {
        let (plan, _) = self.plan(query)?;
        let (sql, values) = query::search_sql(query, &plan);
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows =
            statement.query_map(rusqlite::params_from_iter(values), query::attempt_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many records match `query`'s filters, ignoring its limit and offset.
    pub fn count(&self, query: &HistoryQuery) -> Result<usize, HistoryError> {
        let (plan, known) = self.plan(query)?;
        if let Some(count) = known {
            return Ok(count);
        }
        let filter = query::filter(query, &plan);
        let sql = format!("SELECT count(*) FROM attempts{}", filter.sql);
        let count: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(filter.params), |row| row.get(0))?;
        // count(*) is never negative; saturate rather than fail on a platform with a small usize.
        Ok(usize::try_from(count).unwrap_or(usize::MAX))
    }

    /// The profiles and the sandboxes the history holds, each once and in natural order: the
    /// choices of the history's filters. A few index seeks per value, whatever the history's
    /// size (a loose index scan of `attempts_profile` and `attempts_sandbox`).
    pub fn facets(&self) -> Result<HistoryFacets, HistoryError> {
        let distinct = |facet| -> Result<Vec<String>, HistoryError> {
            let mut values: Vec<String> = self
                .conn
                .prepare_cached(&query::distinct_sql(facet))?
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            natural_sort(&mut values);
            Ok(values)
        };
        Ok(HistoryFacets {
            profiles: distinct(query::Facet::Profile)?,
            sandboxes: distinct(query::Facet::Sandbox)?,
        })
    }

    /// Deletes the record with this ID; keep the [`Attempt`] to [`Self::restore`] it (undo).
    pub fn delete(&self, id: AttemptId) -> Result<(), HistoryError> {
        let changed = self
            .conn
            .prepare_cached("DELETE FROM attempts WHERE id = ?1")?
            .execute([id])?;
        if changed == 0 {
            return Err(HistoryError::NotFound(id));
        }
        self.changed(id);
        Ok(())
    }

    /// Puts a deleted record back with its own ID (undo); `duration_ms` is derived, not read.
    pub fn restore(&self, attempt: &Attempt) -> Result<(), HistoryError> {
        let a = attempt;
        let changed = self
            .conn
            .prepare_cached(query::INSERT_FULL)?
            .execute(params![
                a.id,
                a.status,
                a.profile,
                a.org_id,
                a.sandbox,
                a.platform_url,
                a.name,
                a.description,
                a.access_key_id,
                a.bucket_name,
                a.folder_path,
                a.service_url,
                a.has_session_token,
                a.request_body_redacted,
                a.started_at_ms,
                a.connection_id,
                a.etag,
                a.request_id,
                a.http_status,
                a.error_code,
                a.error_message,
                a.finished_at_ms,
                a.reconciled,
                natural_key(&a.name),
                a.batch_id,
            ])?;
        if changed == 0 {
            return Err(HistoryError::AlreadyExists(a.id));
        }
        self.changed(a.id);
        Ok(())
    }

    /// Writes all `attempts` as pending in one transaction: all or nothing (imports, benchmarks).
    pub fn insert_many(&self, attempts: &[NewAttempt]) -> Result<(), HistoryError> {
        self.forget_search_text();
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(query::INSERT_PENDING)?;
            for attempt in attempts {
                insert_new(&mut insert, attempt, None)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Chooses how to match `query`'s search text, and returns the number of matching records
    /// when choosing found it. Non-ASCII text of three characters or more needs the trigram
    /// index (Unicode case folding); any other text is matched in the in-memory search text,
    /// which gives the exact matches: few are fetched by ID, many by walking the order index (a
    /// page fills within a few hundred rows). The index was slower for ASCII: a rare access key
    /// ID took ~18 ms through it (its trigrams, such as "000", are in every record), ~1 ms so.
    fn plan(&self, query: &HistoryQuery) -> Result<(SearchPlan, Option<usize>), HistoryError> {
        let Some(text) = query::search_text(query) else {
            return Ok((SearchPlan::Fts, None)); // no search text: the plan is never used
        };
        if query::index_only(text) {
            return Ok((SearchPlan::Fts, None));
        }
        let ids = self.matching(text, query)?;
        let count = ids.len();
        let plan = if i64::try_from(count).unwrap_or(i64::MAX) < query::PROBE_CAP {
            SearchPlan::Ids(ids)
        } else {
            SearchPlan::Like
        };
        Ok((plan, Some(count)))
    }

    /// IDs of the records matching `text` and `query`'s filters, from the in-memory search text
    /// (read first if this store has none, or another process wrote since).
    fn matching(&self, text: &str, query: &HistoryQuery) -> Result<Vec<i64>, HistoryError> {
        self.warm_search()?;
        // Only the text and the filters decide the matches, not the order or the page.
        let key = HistoryQuery {
            search: Some(text.to_owned()),
            status: query.status,
            profile: query.profile.clone(),
            sandbox: query.sandbox.clone(),
            ..HistoryQuery::default()
        };
        let mut last = self.last_match.borrow_mut();
        if let Some((_, ids)) = last.as_ref().filter(|(k, _)| *k == key) {
            return Ok(ids.clone());
        }
        let ids = self
            .search_text
            .borrow()
            .as_ref()
            .map(|search_text| search_text.matching(text, query))
            .unwrap_or_default();
        *last = Some((key, ids.clone()));
        Ok(ids)
    }

    /// Reads the in-memory search text now if it is missing or stale (every in-memory search
    /// starts here; the window's worker also calls it when idle, so the next search does not
    /// wait). Returns true when it read.
    pub fn warm_search(&self) -> Result<bool, HistoryError> {
        let mut cached = self.search_text.borrow_mut();
        if let Some(search_text) = cached.as_ref()
            && search_text.is_current(&self.conn)?
        {
            return Ok(false);
        }
        *cached = Some(SearchText::read(&self.conn)?);
        self.last_match.borrow_mut().take();
        Ok(true)
    }

    /// Brings the in-memory search text up to date after this store wrote record `id`.
    fn changed(&self, id: AttemptId) {
        self.last_match.borrow_mut().take();
        let mut cached = self.search_text.borrow_mut();
        let Some(text) = cached.as_mut() else {
            return;
        };
        match text.update(&self.conn, id.0) {
            Ok(true) => {}
            // Read whole again on the next search.
            Ok(false) => *cached = None,
            Err(e) => {
                tracing::debug!(error = %e, "could not update the in-memory search text");
                *cached = None;
            }
        }
    }

    /// Drops the in-memory search text: this store is about to change many records.
    fn forget_search_text(&self) {
        self.search_text.borrow_mut().take();
        self.last_match.borrow_mut().take();
    }
}

/// Runs `insert` (a prepared [`query::INSERT_PENDING`]) for `attempt`.
fn insert_new(
    insert: &mut Statement<'_>,
    a: &NewAttempt,
    batch: Option<&str>,
) -> rusqlite::Result<AttemptId> {
    insert
        .insert(params![
            a.profile,
            a.org_id,
            a.sandbox,
            a.platform_url,
            a.name,
            a.description,
            a.access_key_id,
            a.bucket_name,
            a.folder_path,
            a.service_url,
            a.has_session_token,
            a.request_body_redacted,
            a.started_at_ms,
            natural_key(&a.name),
            batch,
        ])
        .map(AttemptId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EpochMs;

    #[test]
    fn in_memory_store_round_trips_a_record() {
        let store = HistoryStore::open_in_memory().unwrap();
        assert_eq!(store.path(), None);
        let id = store
            .insert_pending(&NewAttempt {
                name: "n".into(),
                started_at_ms: EpochMs(10),
                ..NewAttempt::default()
            })
            .unwrap();
        let got = store.get(id).unwrap().unwrap();
        assert_eq!(got.status, AttemptStatus::Pending);
        assert_eq!(got.duration_ms, None);
        assert!(store.get(AttemptId(id.0 + 1)).unwrap().is_none());
    }

    #[test]
    fn facets_are_the_distinct_values_in_natural_order() {
        let store = HistoryStore::open_in_memory().unwrap();
        assert_eq!(store.facets().unwrap(), HistoryFacets::default());
        for (profile, sandbox) in [
            ("prod 10", "sandbox 2"),
            ("prod 2", "sandbox 10"),
            ("Dev", "sandbox 2"),
            ("prod 2", "prod"),
            ("dev", "sandbox 10"),
        ] {
            store
                .insert_pending(&NewAttempt {
                    profile: profile.into(),
                    sandbox: sandbox.into(),
                    ..NewAttempt::default()
                })
                .unwrap();
        }
        let facets = store.facets().unwrap();
        assert_eq!(facets.profiles, ["Dev", "dev", "prod 2", "prod 10"]);
        assert_eq!(facets.sandboxes, ["prod", "sandbox 2", "sandbox 10"]);
        for sql in [
            query::distinct_sql(query::Facet::Profile),
            query::distinct_sql(query::Facet::Sandbox),
        ] {
            let plan: Vec<String> = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map([], |r| r.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(
                plan.iter().all(|step| !step.starts_with("SCAN attempts")),
                "a facet must seek an index, not scan the table: {plan:?}"
            );
        }
    }

    #[test]
    fn names_sort_naturally_and_restore_keeps_the_key() {
        // Regression guard: the Name sort put "test 10" before "test 2".
        let store = HistoryStore::open_in_memory().unwrap();
        let mut ids = Vec::new();
        for (i, name) in ["test 10", "Test 2", "test 1", "test 2b"]
            .iter()
            .enumerate()
        {
            ids.push(
                store
                    .insert_pending(&NewAttempt {
                        name: (*name).into(),
                        started_at_ms: EpochMs(i64::try_from(i).unwrap()),
                        ..NewAttempt::default()
                    })
                    .unwrap(),
            );
        }
        let names = |order| -> Vec<String> {
            store
                .search(&HistoryQuery {
                    order,
                    ..HistoryQuery::default()
                })
                .unwrap()
                .into_iter()
                .map(|a| a.name)
                .collect()
        };
        let asc = ["test 1", "Test 2", "test 2b", "test 10"];
        assert_eq!(names(HistoryOrder::NameAsc), asc);
        let removed = store.get(ids[0]).unwrap().unwrap();
        store.delete(ids[0]).unwrap();
        store.restore(&removed).unwrap();
        assert_eq!(
            names(HistoryOrder::NameAsc),
            asc,
            "a restored record keeps its place"
        );
        let mut desc = asc;
        desc.reverse();
        assert_eq!(names(HistoryOrder::NameDesc), desc);
    }

    #[test]
    fn completing_a_missing_record_is_not_found() {
        let store = HistoryStore::open_in_memory().unwrap();
        let err = store
            .complete_created(AttemptId(9), &CreatedOutcome::default())
            .unwrap_err();
        assert!(matches!(err, HistoryError::NotFound(AttemptId(9))));
        let err = store
            .complete_failed(AttemptId(9), &FailedOutcome::default())
            .unwrap_err();
        assert!(matches!(err, HistoryError::NotFound(AttemptId(9))));
        assert!(matches!(
            store.delete(AttemptId(9)),
            Err(HistoryError::NotFound(_))
        ));
    }

    /// IDs found for `search` under a forced plan.
    fn ids_with_plan(store: &HistoryStore, search: &str, plan: SearchPlan) -> Vec<AttemptId> {
        let query = HistoryQuery {
            search: Some(search.into()),
            ..HistoryQuery::default()
        };
        let (sql, values) = query::search_sql(&query, &plan);
        let mut statement = store.conn.prepare(&sql).unwrap();
        statement
            .query_map(rusqlite::params_from_iter(values), |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn index_and_like_plans_find_the_same_rows() {
        // Regression guard: a search switches plan as the history grows, so both must agree on
        // what matches (for the ASCII text that can take either plan).
        let store = HistoryStore::open_in_memory().unwrap();
        let words = [
            "Orders",
            "orders-EU",
            "CLICKS",
            "clickstream",
            "100% done",
            "a_b",
            "x\\y",
        ];
        for (i, word) in words.iter().enumerate() {
            let id = store
                .insert_pending(&NewAttempt {
                    name: format!("{word} feed"),
                    bucket_name: (i % 2 == 0).then(|| format!("bucket-{word}")),
                    sandbox: "prod".into(),
                    started_at_ms: EpochMs(i64::try_from(i).unwrap()),
                    ..NewAttempt::default()
                })
                .unwrap();
            store
                .complete_failed(
                    id,
                    &FailedOutcome {
                        message: format!("{word} failed"),
                        ..FailedOutcome::default()
                    },
                )
                .unwrap();
        }
        for search in [
            "orders",
            "ORDERS-eu",
            "click",
            "0% d",
            "a_b",
            "x\\y",
            "feed",
            "ed f",
            "zzz",
        ] {
            let fts = ids_with_plan(&store, search, SearchPlan::Fts);
            let like = ids_with_plan(&store, search, SearchPlan::Like);
            assert_eq!(fts, like, "plans disagree on {search:?}");
        }
        assert_eq!(ids_with_plan(&store, "click", SearchPlan::Fts).len(), 2);
    }
}
