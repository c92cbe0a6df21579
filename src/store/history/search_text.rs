//! The history's searchable text held in memory, for the substring searches no SQLite index can
//! answer quickly: one or two characters (the trigram index needs three), and common terms, whose
//! count would read and test every row. At 100,000 records that took 60-125 ms with LIKE over
//! nine columns (and ~20 ms on a single narrow column); one `memmem` pass over the text here
//! takes a few milliseconds, and yields the exact matching rows.
//!
//! Matching is exactly LIKE's: ASCII letters fold case, every other character matches only
//! itself. Each column ends in 0xFF, a byte that never occurs in UTF-8, so no match spans two
//! columns. A write through this connection updates the copy in place ([`SearchText::update`]:
//! the record's old text is marked dead and its new text appended, a read of one row), so a
//! search right after a create costs no more than any other. A write by another process
//! (`PRAGMA data_version` moved) makes the store read the whole text again.

use std::collections::HashMap;

use memchr::memmem::Finder;
use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::query::SEARCH_COLUMNS;
use super::types::{AttemptStatus, HistoryQuery};

/// Ends every column's text; not valid UTF-8, so never part of a search term.
const END: u8 = 0xFF;

/// The filter columns of one row, to count and pick matches without asking SQLite.
struct Row {
    id: i64,
    /// False once the record was deleted or rewritten (its new text is further on).
    alive: bool,
    status: AttemptStatus,
    /// Index into [`SearchText::names`].
    profile: u32,
    /// Index into [`SearchText::names`].
    sandbox: u32,
}

/// The search columns of every record, lowercased (ASCII) and laid end to end.
pub(super) struct SearchText {
    /// `PRAGMA data_version` when read: another connection's commit changes it.
    data_version: i64,
    /// Every row's columns, each followed by [`END`].
    text: Vec<u8>,
    /// Where row `i` starts in `text`; a last entry marks the end.
    starts: Vec<usize>,
    rows: Vec<Row>,
    /// `rows[..sorted]` were read in ID order; the rest were appended by [`Self::update`].
    sorted: usize,
    /// How many rows are dead.
    dead: usize,
    /// Profile and sandbox names, stored once.
    names: Vec<String>,
    /// Where each name is in `names`.
    interned: HashMap<String, u32>,
}

impl std::fmt::Debug for SearchText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchText")
            .field("rows", &self.rows.len())
            .field("dead", &self.dead)
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl SearchText {
    /// Reads the search columns of every record.
    pub(super) fn read(conn: &Connection) -> rusqlite::Result<SearchText> {
        let data_version = data_version(conn)?;
        let mut out = SearchText {
            data_version,
            text: Vec::new(),
            starts: Vec::new(),
            rows: Vec::new(),
            sorted: 0,
            dead: 0,
            names: Vec::new(),
            interned: HashMap::new(),
        };
        // In ID order (the rowid: no sort), so `position` can search it.
        let mut statement = conn.prepare(&select(" ORDER BY id"))?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            out.push(row)?;
        }
        out.starts.push(out.text.len());
        out.sorted = out.rows.len();
        Ok(out)
    }

    /// Brings record `id` up to date after this connection wrote it: its old text (if any) is
    /// marked dead and its current text (if it still exists) appended. Returns false when so
    /// much is dead that reading the whole text again is better.
    pub(super) fn update(&mut self, conn: &Connection, id: i64) -> rusqlite::Result<bool> {
        if let Some(i) = self.position(id) {
            self.rows[i].alive = false;
            self.dead += 1;
        }
        let mut statement = conn.prepare_cached(&select(" WHERE id = ?1"))?;
        let mut rows = statement.query([id])?;
        if let Some(row) = rows.next()? {
            // `starts` ends with the end of the text: the new row starts there.
            self.starts.pop();
            self.push(row)?;
            self.starts.push(self.text.len());
        }
        Ok(self.dead < 1000 || self.dead < self.rows.len() / 4)
    }

    /// Appends one row of [`select`]'s columns (the caller closes `starts`).
    fn push(&mut self, row: &rusqlite::Row<'_>) -> rusqlite::Result<()> {
        self.starts.push(self.text.len());
        for column in 4..4 + SEARCH_COLUMNS.len() {
            if let ValueRef::Text(bytes) = row.get_ref(column)? {
                self.text.extend(bytes.iter().map(u8::to_ascii_lowercase));
            }
            self.text.push(END);
        }
        let profile = self.intern(row.get_ref(2)?.as_str()?);
        let sandbox = self.intern(row.get_ref(3)?.as_str()?);
        self.rows.push(Row {
            id: row.get(0)?,
            alive: true,
            status: row.get(1)?,
            profile,
            sandbox,
        });
        Ok(())
    }

    /// The index of `name` in `names`, adding it if new.
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.interned.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        self.interned.insert(name.to_owned(), i);
        i
    }

    /// Where the live row of record `id` is: searched in the part read in ID order, then in the
    /// (short) part appended since, newest first.
    fn position(&self, id: i64) -> Option<usize> {
        let read = &self.rows[..self.sorted];
        read.binary_search_by_key(&id, |row| row.id)
            .ok()
            .filter(|&i| read[i].alive)
            .or_else(|| {
                (self.sorted..self.rows.len())
                    .rev()
                    .find(|&i| self.rows[i].id == id && self.rows[i].alive)
            })
    }

    /// True while no other connection has committed since [`Self::read`].
    pub(super) fn is_current(&self, conn: &Connection) -> rusqlite::Result<bool> {
        Ok(data_version(conn)? == self.data_version)
    }

    /// IDs of the records whose search columns contain `needle` (as LIKE matches it) and that
    /// pass `query`'s status, profile and sandbox filters, in no particular order.
    pub(super) fn matching(&self, needle: &str, query: &HistoryQuery) -> Vec<i64> {
        let name = |wanted: &Option<String>| -> Option<Option<u32>> {
            wanted.as_ref().map(|w| {
                self.names
                    .iter()
                    .position(|n| n == w)
                    .and_then(|i| u32::try_from(i).ok())
            })
        };
        // `Some(None)`: a filter on a name no record has, so nothing can match.
        let (profile, sandbox) = (name(&query.profile), name(&query.sandbox));
        if matches!(profile, Some(None)) || matches!(sandbox, Some(None)) {
            return Vec::new();
        }
        let keep = |row: &Row| {
            row.alive
                && query.status.is_none_or(|s| s == row.status)
                && profile.is_none_or(|p| p == Some(row.profile))
                && sandbox.is_none_or(|s| s == Some(row.sandbox))
        };
        let needle = needle.to_ascii_lowercase();
        let finder = Finder::new(needle.as_bytes());
        let mut found = Vec::new();
        let (mut at, mut i) = (0, 0);
        while let Some(hit) = finder.find(&self.text[at..]) {
            // The row holding the hit: hits only move forward, and so does the row.
            let hit = at + hit;
            while self.starts.get(i + 1).is_some_and(|&next| next <= hit) {
                i += 1;
            }
            if let Some(row) = self.rows.get(i).filter(|row| keep(row)) {
                found.push(row.id);
            }
            // One hit per row is enough: go on from the next row.
            i += 1;
            match self.starts.get(i) {
                Some(&next) if i < self.rows.len() => at = next,
                _ => break,
            }
        }
        found
    }
}

/// The columns [`SearchText::push`] reads, from `attempts` with `tail` (a WHERE or ORDER BY).
fn select(tail: &str) -> String {
    format!(
        "SELECT id, status, profile, sandbox, {} FROM attempts{tail}",
        SEARCH_COLUMNS.join(", ")
    )
}

/// `PRAGMA data_version` of `conn`.
fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "data_version", |row| row.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::history::{HistoryStore, NewAttempt};

    fn store_with(names: &[&str]) -> HistoryStore {
        let store = HistoryStore::open_in_memory().unwrap();
        for (i, name) in names.iter().enumerate() {
            store
                .insert_pending(&NewAttempt {
                    name: (*name).to_owned(),
                    description: Some("x".into()),
                    profile: format!("p{}", i % 2),
                    sandbox: "prod".into(),
                    ..NewAttempt::default()
                })
                .unwrap();
        }
        store
    }

    fn matching(store: &HistoryStore, needle: &str, query: &HistoryQuery) -> Vec<i64> {
        SearchText::read(&store.conn)
            .unwrap()
            .matching(needle, query)
    }

    #[test]
    fn matches_fold_ascii_case_only_and_never_span_columns() {
        let store = store_with(&["Orders", "ÄRGER", "ärger", "ab"]);
        let all = HistoryQuery::default();
        assert_eq!(matching(&store, "oR", &all), vec![1]);
        // LIKE folds ASCII only: Ä and ä are different characters to it.
        assert_eq!(matching(&store, "Är", &all), vec![2]);
        assert_eq!(matching(&store, "ä", &all), vec![3]);
        // "ab" is a name and "x" the next column (description): "bx" spans the two.
        assert_eq!(matching(&store, "bx", &all), Vec::<i64>::new());
        assert_eq!(matching(&store, "x", &all).len(), 4);
        assert_eq!(matching(&store, "zz", &all), Vec::<i64>::new());
    }

    #[test]
    fn writes_through_the_store_update_the_text_in_place() {
        use crate::store::history::{AttemptId, CreatedOutcome, FailedOutcome};
        let store = store_with(&["alpha", "beta", "gamma"]);
        assert!(store.warm_search().unwrap(), "the first warm-up reads");
        assert!(!store.warm_search().unwrap(), "a current text is kept");
        let all = HistoryQuery::default();
        let same_as_a_fresh_read = |when: &str| {
            for needle in ["a", "delta", "conn-x", "boom", "alpha", "et", "x"] {
                let cached = store.search_text.borrow();
                let mut kept = cached.as_ref().unwrap().matching(needle, &all);
                let mut fresh = matching(&store, needle, &all);
                kept.sort_unstable();
                fresh.sort_unstable();
                assert_eq!(kept, fresh, "`{needle}` {when}");
            }
        };
        let id = store
            .insert_pending(&NewAttempt {
                name: "delta".into(),
                ..NewAttempt::default()
            })
            .unwrap();
        let created = CreatedOutcome {
            connection_id: "conn-xyz".into(),
            ..CreatedOutcome::default()
        };
        store.complete_created(id, &created).unwrap();
        let failed = FailedOutcome {
            message: "boom".into(),
            ..FailedOutcome::default()
        };
        store.complete_failed(AttemptId(2), &failed).unwrap();
        let first = store.get(AttemptId(1)).unwrap().unwrap();
        store.delete(AttemptId(1)).unwrap();
        same_as_a_fresh_read("after insert, complete and delete");
        assert!(!store.warm_search().unwrap(), "updated, not dropped");
        store.restore(&first).unwrap();
        same_as_a_fresh_read("after restore");
        assert_eq!(store.search_text.borrow().as_ref().unwrap().dead, 3);
    }

    #[test]
    fn filters_apply_and_unknown_names_match_nothing() {
        let store = store_with(&["a1", "a2", "a3"]);
        let p0 = HistoryQuery {
            profile: Some("p0".into()),
            ..HistoryQuery::default()
        };
        assert_eq!(matching(&store, "a", &p0), vec![1, 3]);
        let nobody = HistoryQuery {
            sandbox: Some("dev".into()),
            ..HistoryQuery::default()
        };
        assert!(matching(&store, "a", &nobody).is_empty());
        let failed = HistoryQuery {
            status: Some(AttemptStatus::Failed),
            ..HistoryQuery::default()
        };
        assert!(matching(&store, "a", &failed).is_empty());
    }
}
