//! The history's searchable text held in memory, for the substring searches no SQLite index can
//! answer quickly: one or two characters (the trigram index needs three), and common terms, whose
//! count would read and test every row. At 100,000 records that took 60-125 ms with LIKE over
//! nine columns (and ~20 ms on a single narrow column); one `memmem` pass over the text here
//! takes a few milliseconds, and yields the exact matching rows.
//!
//! Matching is exactly LIKE's: ASCII letters fold case, every other character matches only
//! itself. Each column ends in 0xFF, a byte that never occurs in UTF-8, so no match spans two
//! columns. The copy is rebuilt when the data changed: by this connection (the store forgets it
//! on every write) or by another process (`PRAGMA data_version` moved).

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
    /// Profile and sandbox names, stored once.
    names: Vec<String>,
}

impl std::fmt::Debug for SearchText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchText")
            .field("rows", &self.rows.len())
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl SearchText {
    /// Reads the search columns of every record.
    pub(super) fn read(conn: &Connection) -> rusqlite::Result<SearchText> {
        let data_version = data_version(conn)?;
        let sql = format!(
            "SELECT id, status, profile, sandbox, {} FROM attempts",
            SEARCH_COLUMNS.join(", ")
        );
        let mut statement = conn.prepare(&sql)?;
        let mut rows = statement.query([])?;
        let mut out = SearchText {
            data_version,
            text: Vec::new(),
            starts: Vec::new(),
            rows: Vec::new(),
            names: Vec::new(),
        };
        let mut interned = std::collections::HashMap::<String, u32>::new();
        let mut intern = |name: &str, names: &mut Vec<String>| {
            if let Some(&i) = interned.get(name) {
                return i;
            }
            let i = u32::try_from(names.len()).unwrap_or(u32::MAX);
            names.push(name.to_owned());
            interned.insert(name.to_owned(), i);
            i
        };
        while let Some(row) = rows.next()? {
            out.starts.push(out.text.len());
            for column in 4..4 + SEARCH_COLUMNS.len() {
                if let ValueRef::Text(bytes) = row.get_ref(column)? {
                    out.text.extend(bytes.iter().map(u8::to_ascii_lowercase));
                }
                out.text.push(END);
            }
            let profile = intern(row.get_ref(2)?.as_str()?, &mut out.names);
            let sandbox = intern(row.get_ref(3)?.as_str()?, &mut out.names);
            out.rows.push(Row {
                id: row.get(0)?,
                status: row.get(1)?,
                profile,
                sandbox,
            });
        }
        out.starts.push(out.text.len());
        Ok(out)
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
            query.status.is_none_or(|s| s == row.status)
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
