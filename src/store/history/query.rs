//! SQL text for reading and writing attempts, and the translation of a [`HistoryQuery`] into it.

use rusqlite::Row;
use rusqlite::types::Value;

use super::types::{Attempt, HistoryOrder, HistoryQuery};
use crate::model::EpochMs;

/// Columns read for an [`Attempt`], in the order [`attempt_from_row`] expects.
pub(super) const SELECT_ATTEMPT: &str = "SELECT id, status, profile, org_id, sandbox, platform_url, \
    name, description, access_key_id, bucket_name, folder_path, service_url, has_session_token, \
    request_body_redacted, started_at_ms, connection_id, etag, request_id, http_status, error_code, \
    error_message, finished_at_ms, reconciled, batch_id FROM attempts";

/// Writes a new pending attempt; parameters are the [`super::NewAttempt`] fields in order, then
/// the name's [`super::natural::natural_key`], then the batch ID (or NULL).
pub(super) const INSERT_PENDING: &str = "INSERT INTO attempts (status, profile, org_id, sandbox, \
    platform_url, name, description, access_key_id, bucket_name, folder_path, service_url, \
    has_session_token, request_body_redacted, started_at_ms, name_sort, batch_id) \
    VALUES ('pending', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

/// Puts a whole record back under its own ID; does nothing if the ID is taken. The last two
/// parameters are the name's [`super::natural::natural_key`] and the batch ID.
pub(super) const INSERT_FULL: &str = "INSERT INTO attempts (id, status, profile, org_id, sandbox, \
    platform_url, name, description, access_key_id, bucket_name, folder_path, service_url, \
    has_session_token, request_body_redacted, started_at_ms, connection_id, etag, request_id, \
    http_status, error_code, error_message, finished_at_ms, reconciled, name_sort, batch_id) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, \
    ?20, ?21, ?22, ?23, ?24, ?25) ON CONFLICT (id) DO NOTHING";

/// The distinct values of a column with an index that starts with it (`profile` or `sandbox`),
/// in byte order: one index seek per value (a loose index scan), not a walk over every row, so
/// a handful of profiles among 100,000 records costs a handful of seeks.
pub(super) fn distinct_sql(column: Facet) -> String {
    let c = column.column();
    format!(
        "WITH RECURSIVE v(x) AS (SELECT min({c}) FROM attempts \
         UNION ALL SELECT (SELECT min({c}) FROM attempts WHERE {c} > v.x) FROM v \
         WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
    )
}

/// A column the history's filters offer the values of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Facet {
    /// `profile` (index `attempts_profile`).
    Profile,
    /// `sandbox` (index `attempts_sandbox`).
    Sandbox,
}

impl Facet {
    /// The column's name.
    fn column(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Sandbox => "sandbox",
        }
    }
}

/// Records a creation. Every outcome column is set, so a record that failed (say, a timeout)
/// and was later found in AEP reads exactly like one that succeeded, marked `reconciled`.
pub(super) const COMPLETE_CREATED: &str = "UPDATE attempts SET status = 'created', \
    connection_id = ?2, etag = ?3, request_id = ?4, finished_at_ms = ?5, reconciled = ?6, \
    http_status = NULL, error_code = NULL, error_message = NULL WHERE id = ?1";

/// Records a failure, unless the attempt is already `created`: a connection that exists in AEP
/// must never lose its ID to a late failure report (say, the worker's timeout arriving after
/// another process reconciled the record).
pub(super) const COMPLETE_FAILED: &str = "UPDATE attempts SET status = 'failed', \
    http_status = ?2, error_code = ?3, error_message = ?4, request_id = ?5, finished_at_ms = ?6, \
    connection_id = NULL, etag = NULL, reconciled = 0 WHERE id = ?1 AND status <> 'created'";

/// The columns [`HistoryQuery::search`] looks in; the FTS table and the in-memory search text
/// ([`super::search_text`]) hold the same ones.
pub(super) const SEARCH_COLUMNS: [&str; 9] = [
    "name",
    "description",
    "connection_id",
    "bucket_name",
    "sandbox",
    "org_id",
    "access_key_id",
    "error_message",
    "request_id",
];

/// The trigram index needs three characters.
const MIN_FTS_CHARS: usize = 3;

/// At this many matches a search counts as broad. Below it, fetching the matches by ID and
/// sorting them is cheapest; above it, walking the order index and testing rows with LIKE
/// fills a page after a few thousand rows, while fetching (and sorting) every match would not:
/// 100,000 of them took ~400 ms against ~1 ms.
pub(super) const PROBE_CAP: i64 = 2000;

/// How the search text is matched against rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum SearchPlan {
    /// Through the FTS5 trigram index.
    Fts,
    /// With LIKE on each searchable column, row by row.
    Like,
    /// Exactly these rows (found in the in-memory search text), filters already applied.
    Ids(Vec<i64>),
}

/// The search text of `query`, trimmed; `None` when there is nothing to search for.
pub(super) fn search_text(query: &HistoryQuery) -> Option<&str> {
    query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// Whether the trigram index can answer a search for `text` at all.
pub(super) fn index_can_serve(text: &str) -> bool {
    text.chars().count() >= MIN_FTS_CHARS
}

/// Whether a search for `text` must use the trigram index: non-ASCII text of three characters or
/// more. LIKE (and so the in-memory search text) folds ASCII case only, the index folds all of
/// Unicode: the two agree exactly on ASCII text, and on text too short for the index, which has
/// always been matched LIKE's way.
pub(super) fn index_only(text: &str) -> bool {
    !text.is_ascii() && index_can_serve(text)
}

/// Builds an [`Attempt`] from a row of [`SELECT_ATTEMPT`].
pub(super) fn attempt_from_row(row: &Row<'_>) -> rusqlite::Result<Attempt> {
    let started_at_ms: EpochMs = row.get(14)?;
    let finished_at_ms: Option<EpochMs> = row.get(21)?;
    Ok(Attempt {
        id: row.get(0)?,
        status: row.get(1)?,
        profile: row.get(2)?,
        org_id: row.get(3)?,
        sandbox: row.get(4)?,
        platform_url: row.get(5)?,
        name: row.get(6)?,
        description: row.get(7)?,
        access_key_id: row.get(8)?,
        bucket_name: row.get(9)?,
        folder_path: row.get(10)?,
        service_url: row.get(11)?,
        has_session_token: row.get(12)?,
        request_body_redacted: row.get(13)?,
        started_at_ms,
        connection_id: row.get(15)?,
        etag: row.get(16)?,
        request_id: row.get(17)?,
        http_status: row.get(18)?,
        error_code: row.get(19)?,
        error_message: row.get(20)?,
        finished_at_ms,
        duration_ms: finished_at_ms.map(|finished| finished.ms_since(started_at_ms)),
        reconciled: row.get(22)?,
        batch_id: row.get(23)?,
    })
}

/// A `WHERE` clause (empty or starting with " WHERE") and the values for its `?N` parameters.
pub(super) struct Filter {
    /// SQL text to append after `FROM attempts`.
    pub sql: String,
    /// Values bound to `?1`, `?2`, … in `sql`.
    pub params: Vec<Value>,
}

impl Filter {
    /// Adds a parameter and returns its `?N` placeholder.
    fn bind(&mut self, value: Value) -> String {
        self.params.push(value);
        format!("?{}", self.params.len())
    }
}

/// Translates the filters of `query` (not its order or page), matching its search by `plan`.
pub(super) fn filter(query: &HistoryQuery, plan: &SearchPlan) -> Filter {
    let mut filter = Filter {
        sql: String::new(),
        params: Vec::new(),
    };
    let mut clauses = Vec::new();
    if let Some(search) = search_text(query) {
        if let SearchPlan::Ids(ids) = plan {
            // Bound as one JSON array so the statement text, and its cached plan, stay the same.
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let p = filter.bind(Value::Text(format!("[{list}]")));
            clauses.push(format!("id IN (SELECT value FROM json_each({p}))"));
        } else if *plan == SearchPlan::Fts {
            let p = filter.bind(Value::Text(fts_phrase(search)));
            clauses.push(format!(
                "id IN (SELECT rowid FROM attempts_fts WHERE attempts_fts MATCH {p})"
            ));
        } else {
            let p = filter.bind(Value::Text(like_pattern(search)));
            let any = SEARCH_COLUMNS
                .iter()
                .map(|column| format!("{column} LIKE {p} ESCAPE '\\'"))
                .collect::<Vec<_>>()
                .join(" OR ");
            clauses.push(format!("({any})"));
        }
    }
    if let Some(status) = query.status {
        let p = filter.bind(Value::Text(status.as_str().to_owned()));
        clauses.push(format!("status = {p}"));
    }
    if let Some(profile) = &query.profile {
        let p = filter.bind(Value::Text(profile.clone()));
        clauses.push(format!("profile = {p}"));
    }
    if let Some(sandbox) = &query.sandbox {
        let p = filter.bind(Value::Text(sandbox.clone()));
        clauses.push(format!("sandbox = {p}"));
    }
    if !clauses.is_empty() {
        filter.sql = format!(" WHERE {}", clauses.join(" AND "));
    }
    filter
}

/// The full `SELECT` for [`super::HistoryStore::search`]: filters, order and page.
pub(super) fn search_sql(query: &HistoryQuery, plan: &SearchPlan) -> (String, Vec<Value>) {
    let mut filter = filter(query, plan);
    // SQLite reads a negative LIMIT as "no limit"; a limit beyond i64 is no limit in practice.
    let limit = query
        .limit
        .map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX));
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let limit = filter.bind(Value::Integer(limit));
    let offset = filter.bind(Value::Integer(offset));
    // The page is chosen by ID first, so the rows skipped by OFFSET are index entries only
    // (the order indexes hold the ID), not whole rows: at offset 90,000, 4.6 ms became 3.7 ms.
    let order = order_by(query.order);
    let sql = format!(
        "{SELECT_ATTEMPT} WHERE id IN (SELECT id FROM attempts{} ORDER BY {order} \
         LIMIT {limit} OFFSET {offset}) ORDER BY {order}",
        filter.sql,
    );
    (sql, filter.params)
}

/// `ORDER BY` terms. Each matches an index from migration 2 (or 5, for names) exactly or its
/// exact reverse, so sorting 100,000 rows is an index walk; `Desc` is the exact reverse of `Asc`
/// for that reason. Names sort by their natural key (`name_sort`): "test 2" before "test 10".
fn order_by(order: HistoryOrder) -> &'static str {
    match order {
        HistoryOrder::NewestFirst => "started_at_ms DESC, id DESC",
        HistoryOrder::OldestFirst => "started_at_ms ASC, id ASC",
        HistoryOrder::NameAsc => "name_sort ASC, started_at_ms DESC, id DESC",
        HistoryOrder::NameDesc => "name_sort DESC, started_at_ms ASC, id ASC",
        HistoryOrder::SandboxAsc => "sandbox ASC, started_at_ms DESC, id DESC",
        HistoryOrder::SandboxDesc => "sandbox DESC, started_at_ms ASC, id ASC",
        HistoryOrder::StatusAsc => "status ASC, started_at_ms DESC, id DESC",
        HistoryOrder::StatusDesc => "status DESC, started_at_ms ASC, id ASC",
    }
}

/// An FTS5 phrase that matches `text` as a substring: quoted so `*`, `-`, `AND` and friends are
/// plain text, with inner quotes doubled as FTS5 requires.
pub(super) fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped so they match literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::history::types::AttemptStatus;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }

    #[test]
    fn fts_phrase_quotes_operators() {
        assert_eq!(fts_phrase(r#"a "b" OR c*"#), r#""a ""b"" OR c*""#);
    }

    #[test]
    fn empty_query_has_no_where_clause() {
        let f = filter(
            &HistoryQuery {
                search: Some("   ".into()),
                ..HistoryQuery::default()
            },
            &SearchPlan::Fts,
        );
        assert!(f.sql.is_empty());
        assert!(f.params.is_empty());
    }

    #[test]
    fn only_long_non_ascii_text_is_bound_to_the_index() {
        assert!(!index_can_serve("ab"));
        assert!(index_can_serve("abc"));
        assert!(!index_only("abc"));
        // Non-ASCII text of three or more characters uses the index, which folds its case.
        assert!(index_only("Ärger"));
        assert!(!index_only("Är"));
    }

    #[test]
    fn plans_produce_their_sql() {
        let query = HistoryQuery {
            search: Some("abc".into()),
            status: Some(AttemptStatus::Failed),
            ..HistoryQuery::default()
        };
        let fts = filter(&query, &SearchPlan::Fts);
        assert!(fts.sql.contains("MATCH ?1"), "{}", fts.sql);
        assert!(fts.sql.contains("status = ?2"), "{}", fts.sql);
        assert_eq!(fts.params.len(), 2);
        let like = filter(&query, &SearchPlan::Like);
        assert!(like.sql.contains("name LIKE ?1 ESCAPE"), "{}", like.sql);
        assert_eq!(like.sql.matches("LIKE ?1").count(), SEARCH_COLUMNS.len());
        let ids = filter(&query, &SearchPlan::Ids(vec![3, 1]));
        assert!(ids.sql.contains("json_each(?1)"), "{}", ids.sql);
        assert_eq!(ids.params[0], Value::Text("[3,1]".into()));
    }

    #[test]
    fn every_order_has_a_tie_break_on_id() {
        for order in HistoryOrder::ALL {
            assert!(order_by(order).ends_with("id DESC") || order_by(order).ends_with("id ASC"));
        }
    }
}
