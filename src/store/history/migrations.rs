//! Forward-only, numbered schema migrations. Migration N sets `PRAGMA user_version = N`.
//!
//! Never edit or reorder a migration that has shipped: add a new one at the end. A database whose
//! `user_version` is above [`LATEST`] was written by a newer build and is left untouched.

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::natural::natural_key;

/// Written to the SQLite header (`PRAGMA application_id`) so a file can be told apart from another
/// program's database. The bytes spell "AS3H" (aep-s3-connect history).
pub(super) const APPLICATION_ID: i32 = 0x4153_3348;

/// One schema step.
struct Migration {
    /// The `user_version` this step brings the database to.
    version: u32,
    /// SQL run inside the migration transaction.
    sql: &'static str,
    /// Run after `sql`, in the same transaction, for what SQL alone cannot compute.
    fill: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

/// Every migration, in order; `MIGRATIONS[i].version == i + 1`.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        // Why: the history itself. One row per create attempt, written as 'pending' before the
        // request leaves so a crash can never lose an attempt; completed afterwards.
        // AUTOINCREMENT so an ID is never reused: undo (restore) puts a deleted record back under
        // its old ID, and an ID seen in an export or a log always means the same attempt.
        // STRICT so a wrong type is an error here rather than a surprise when reading.
        // There is deliberately no column for any secret.
        sql: r"
            CREATE TABLE attempts (
                id                    INTEGER PRIMARY KEY AUTOINCREMENT,
                status                TEXT    NOT NULL
                                      CHECK (status IN ('pending', 'created', 'failed')),
                profile               TEXT    NOT NULL,
                org_id                TEXT    NOT NULL,
                sandbox               TEXT    NOT NULL,
                platform_url          TEXT    NOT NULL,
                name                  TEXT    NOT NULL,
                description           TEXT,
                access_key_id         TEXT    NOT NULL,
                bucket_name           TEXT,
                folder_path           TEXT,
                service_url           TEXT,
                has_session_token     INTEGER NOT NULL CHECK (has_session_token IN (0, 1)),
                request_body_redacted TEXT    NOT NULL,
                started_at_ms         INTEGER NOT NULL,
                connection_id         TEXT,
                etag                  TEXT,
                request_id            TEXT,
                http_status           INTEGER CHECK (http_status BETWEEN 0 AND 65535),
                error_code            TEXT,
                error_message         TEXT,
                finished_at_ms        INTEGER,
                reconciled            INTEGER NOT NULL DEFAULT 0 CHECK (reconciled IN (0, 1))
            ) STRICT;
        ",
        fill: None,
    },
    Migration {
        version: 2,
        // Why: the history must stay instant at 100,000 records. Each index serves one filter or
        // sort of the history list and ends in (started_at_ms DESC, id DESC), the tie-break every
        // order uses, so SQLite can walk the index instead of sorting: forwards for the `Asc`
        // orders and newest-first, backwards for the `Desc` orders and oldest-first.
        // attempts_status also serves pending() (status = 'pending', oldest first).
        sql: r"
            CREATE INDEX attempts_started ON attempts (started_at_ms DESC, id DESC);
            CREATE INDEX attempts_status  ON attempts (status, started_at_ms DESC, id DESC);
            CREATE INDEX attempts_sandbox ON attempts (sandbox, started_at_ms DESC, id DESC);
            CREATE INDEX attempts_profile ON attempts (profile, started_at_ms DESC, id DESC);
            CREATE INDEX attempts_name
                ON attempts (name COLLATE NOCASE, started_at_ms DESC, id DESC);
        ",
        fill: None,
    },
    Migration {
        version: 3,
        // Why: substring search over nine text columns with LIKE reads every row; at 100,000
        // records that misses the 10 ms aim. An FTS5 trigram index answers a substring query of
        // three or more characters from the index, case-insensitively. It is an external-content
        // table (the text lives only in `attempts`), kept in step by triggers so no code path can
        // forget it. The final 'rebuild' indexes rows written before this migration.
        sql: r"
            CREATE VIRTUAL TABLE attempts_fts USING fts5(
                name, description, connection_id, bucket_name, sandbox, org_id, access_key_id,
                error_message, request_id,
                content = 'attempts', content_rowid = 'id', tokenize = 'trigram'
            );
            CREATE TRIGGER attempts_fts_insert AFTER INSERT ON attempts BEGIN
                INSERT INTO attempts_fts (rowid, name, description, connection_id, bucket_name,
                    sandbox, org_id, access_key_id, error_message, request_id)
                VALUES (new.id, new.name, new.description, new.connection_id, new.bucket_name,
                    new.sandbox, new.org_id, new.access_key_id, new.error_message, new.request_id);
            END;
            CREATE TRIGGER attempts_fts_delete AFTER DELETE ON attempts BEGIN
                INSERT INTO attempts_fts (attempts_fts, rowid, name, description, connection_id,
                    bucket_name, sandbox, org_id, access_key_id, error_message, request_id)
                VALUES ('delete', old.id, old.name, old.description, old.connection_id,
                    old.bucket_name, old.sandbox, old.org_id, old.access_key_id,
                    old.error_message, old.request_id);
            END;
            CREATE TRIGGER attempts_fts_update AFTER UPDATE ON attempts BEGIN
                INSERT INTO attempts_fts (attempts_fts, rowid, name, description, connection_id,
                    bucket_name, sandbox, org_id, access_key_id, error_message, request_id)
                VALUES ('delete', old.id, old.name, old.description, old.connection_id,
                    old.bucket_name, old.sandbox, old.org_id, old.access_key_id,
                    old.error_message, old.request_id);
                INSERT INTO attempts_fts (rowid, name, description, connection_id, bucket_name,
                    sandbox, org_id, access_key_id, error_message, request_id)
                VALUES (new.id, new.name, new.description, new.connection_id, new.bucket_name,
                    new.sandbox, new.org_id, new.access_key_id, new.error_message, new.request_id);
            END;
            INSERT INTO attempts_fts (attempts_fts) VALUES ('rebuild');
        ",
        fill: None,
    },
    Migration {
        version: 4,
        // Why: managing connections (rotating credentials, deleting) changes them after the
        // create attempt, and those changes belong in the history too: which key a connection
        // uses now ("find connections that use key AKIA…"), and that a connection was deleted
        // from here. A table of its own, not more `attempts` columns: an attempt is one POST,
        // an event is one later PATCH or DELETE of the connection, and a connection made
        // elsewhere has events but no attempt. Like attempts, an event is written as 'pending'
        // before its request leaves and completed after ('unknown' when the answer was lost
        // and reading the connection back did not tell). No column for any secret.
        sql: r"
            CREATE TABLE events (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                connection_id   TEXT    NOT NULL,
                kind            TEXT    NOT NULL CHECK (kind IN ('rotate', 'delete')),
                outcome         TEXT    NOT NULL
                                CHECK (outcome IN ('pending', 'ok', 'failed', 'unknown')),
                profile         TEXT    NOT NULL,
                org_id          TEXT    NOT NULL,
                sandbox         TEXT    NOT NULL,
                platform_url    TEXT    NOT NULL,
                connection_name TEXT,
                access_key_id   TEXT,
                at_ms           INTEGER NOT NULL,
                finished_at_ms  INTEGER,
                request_id      TEXT,
                etag            TEXT,
                http_status     INTEGER CHECK (http_status BETWEEN 0 AND 65535),
                error_code      TEXT,
                message         TEXT
            ) STRICT;
            CREATE INDEX events_connection ON events (connection_id, at_ms DESC, id DESC);
            CREATE INDEX events_access_key
                ON events (access_key_id COLLATE NOCASE, at_ms DESC, id DESC);
        ",
        fill: None,
    },
    Migration {
        version: 5,
        // Why: the Name sort compared characters, so "test 10" came before "test 2".
        // The natural order ("test 2" < "test 10", case ignored) cannot be an SQLite collation
        // without a function registered on every connection that ever reads the file, so it is
        // a stored key (`natural::natural_key`), written with the name and indexed like the
        // other orders so a page is still an index walk. The key of existing rows is computed
        // in Rust (`fill_name_sort`). The search index's update trigger is narrowed to the
        // columns it indexes first, or filling the key would rewrite every row's search index
        // entry (seconds at 100,000 rows) for a column it does not hold.
        sql: r"
            ALTER TABLE attempts ADD COLUMN name_sort TEXT NOT NULL DEFAULT '';
            DROP TRIGGER attempts_fts_update;
            CREATE TRIGGER attempts_fts_update
            AFTER UPDATE OF name, description, connection_id, bucket_name, sandbox, org_id,
                access_key_id, error_message, request_id ON attempts BEGIN
                INSERT INTO attempts_fts (attempts_fts, rowid, name, description, connection_id,
                    bucket_name, sandbox, org_id, access_key_id, error_message, request_id)
                VALUES ('delete', old.id, old.name, old.description, old.connection_id,
                    old.bucket_name, old.sandbox, old.org_id, old.access_key_id,
                    old.error_message, old.request_id);
                INSERT INTO attempts_fts (rowid, name, description, connection_id, bucket_name,
                    sandbox, org_id, access_key_id, error_message, request_id)
                VALUES (new.id, new.name, new.description, new.connection_id, new.bucket_name,
                    new.sandbox, new.org_id, new.access_key_id, new.error_message, new.request_id);
            END;
            DROP INDEX attempts_name;
            CREATE INDEX attempts_name_sort ON attempts (name_sort, started_at_ms DESC, id DESC);
        ",
        fill: Some(fill_name_sort),
    },
    Migration {
        version: 6,
        // Why: names with accents sorted after every unaccented one ("Ünïcødé" after "Very"):
        // the key now takes accents off first (`natural::natural_key`). No schema change; every
        // stored key is computed again.
        sql: "-- the natural sort key changed: recomputed in Rust",
        fill: Some(fill_name_sort),
    },
    Migration {
        version: 7,
        // Why: one create can now go to several sandboxes, one attempt each, and those attempts
        // belong together: the history shows them as one batch, and running the same create
        // again (or *Retry failed*) finishes the same batch. A column, not a table: an attempt
        // is in at most one batch, and most are in none (NULL, left out of the partial index).
        sql: r"
            ALTER TABLE attempts ADD COLUMN batch_id TEXT;
            CREATE INDEX attempts_batch ON attempts (batch_id, started_at_ms DESC, id DESC)
                WHERE batch_id IS NOT NULL;
        ",
        fill: None,
    },
    Migration {
        version: 8,
        // Why: rotating one key on every connection that uses it is a run of many PATCHes that a
        // crash, a kill or Ctrl-C can cut short. The run and each connection in it are written
        // before the first PATCH (and each item's state before its own), so the same command
        // again resumes it: what was rotated is not sent again, what was in flight is read
        // back, and nothing is skipped; the window finds an unfinished run on start. The
        // PATCHes themselves are `events` rows as for a single rotation. No secret column.
        sql: r"
            CREATE TABLE rotation_runs (
                id                 TEXT    PRIMARY KEY,
                profile            TEXT    NOT NULL,
                org_id             TEXT    NOT NULL,
                platform_url       TEXT    NOT NULL,
                old_access_key_id  TEXT    NOT NULL,
                new_access_key_id  TEXT    NOT NULL,
                session_token_only INTEGER NOT NULL CHECK (session_token_only IN (0, 1)),
                started_at_ms      INTEGER NOT NULL,
                finished_at_ms     INTEGER,
                outcome            TEXT    CHECK (outcome IN ('complete', 'incomplete'))
            ) STRICT;
            CREATE INDEX rotation_runs_unfinished ON rotation_runs (old_access_key_id)
                WHERE finished_at_ms IS NULL OR outcome = 'incomplete';
            CREATE TABLE rotation_items (
                run_id         TEXT    NOT NULL REFERENCES rotation_runs (id) ON DELETE CASCADE,
                connection_id  TEXT    NOT NULL,
                sandbox        TEXT    NOT NULL,
                name           TEXT    NOT NULL,
                state          TEXT    NOT NULL
                               CHECK (state IN ('planned', 'sending', 'rotated', 'failed', 'unknown')),
                message        TEXT,
                updated_at_ms  INTEGER NOT NULL,
                PRIMARY KEY (run_id, connection_id)
            ) STRICT;
        ",
        fill: None,
    },
];

/// Migrations 5 and 6: the natural sort key of every existing record's name.
fn fill_name_sort(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let names: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, name, name_sort FROM attempts")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = tx.prepare("UPDATE attempts SET name_sort = ?2 WHERE id = ?1")?;
    // Only the keys that change are written.
    for (id, name, stored) in names {
        let key = natural_key(&name);
        if key != stored {
            update.execute(params![id, key])?;
        }
    }
    Ok(())
}

/// The schema version this build writes; a database above it came from a newer build.
#[expect(
    clippy::cast_possible_truncation,
    reason = "a handful of migrations, and try_from is not const"
)]
pub(super) const LATEST: u32 = MIGRATIONS.len() as u32;

/// Why [`migrate`] stopped.
#[derive(Debug)]
pub(super) enum MigrateError {
    /// The database was written by a newer build (another process may have upgraded it meanwhile).
    TooNew(i64),
    /// Migration `version` failed; the transaction was rolled back.
    Step(u32, rusqlite::Error),
    /// Starting or committing the transaction failed.
    Sql(rusqlite::Error),
}

/// Reads `PRAGMA user_version`.
pub(super) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Reads `PRAGMA application_id`.
#[cfg(test)]
pub(super) fn application_id(conn: &Connection) -> rusqlite::Result<i32> {
    conn.pragma_query_value(None, "application_id", |row| row.get(0))
}

/// Brings the schema up to [`LATEST`] in one transaction; running it again is a no-op.
pub(super) fn migrate(conn: &Connection) -> Result<(), MigrateError> {
    migrate_to(conn, LATEST)
}

/// Brings the schema up to `target` (tests start from an older version this way).
fn migrate_to(conn: &Connection, target: u32) -> Result<(), MigrateError> {
    // IMMEDIATE takes the write lock before reading the version, so two processes starting at the
    // same moment cannot both run the same migration; the second waits, then finds nothing to do.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(MigrateError::Sql)?;
    let current = user_version(&tx).map_err(MigrateError::Sql)?;
    if current > i64::from(LATEST) {
        return Err(MigrateError::TooNew(current));
    }
    if current == i64::from(LATEST) {
        return Ok(()); // dropping `tx` rolls back a transaction that changed nothing
    }
    if current == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|e| MigrateError::Step(1, e))?;
    }
    let steps = MIGRATIONS
        .iter()
        .filter(|m| i64::from(m.version) > current && m.version <= target);
    for migration in steps {
        tx.execute_batch(migration.sql)
            .and_then(|()| migration.fill.map_or(Ok(()), |fill| fill(&tx)))
            .and_then(|()| tx.pragma_update(None, "user_version", migration.version))
            .map_err(|e| MigrateError::Step(migration.version, e))?;
        tracing::debug!(version = migration.version, "history database migrated");
    }
    tx.commit().map_err(MigrateError::Sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version as usize, index + 1);
        }
        assert_eq!(LATEST, 8);
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        migrate(&conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), i64::from(LATEST));
        assert_eq!(application_id(&conn).unwrap(), APPLICATION_ID);
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(migrate(&conn), Err(MigrateError::TooNew(99))));
        assert_eq!(user_version(&conn).unwrap(), 99);
        assert_eq!(application_id(&conn).unwrap(), 0);
    }

    #[test]
    fn migration_5_keys_existing_names_naturally_and_spares_the_search_index() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, 4).unwrap();
        for (i, name) in ["test 10", "Test 2", "test 1"].iter().enumerate() {
            conn.execute(
                "INSERT INTO attempts (status, profile, org_id, sandbox, platform_url, name, \
                 access_key_id, has_session_token, request_body_redacted, started_at_ms) \
                 VALUES ('pending', 'p', 'o', 's', 'u', ?1, 'k', 0, '{}', ?2)",
                params![name, i64::try_from(i).unwrap()],
            )
            .unwrap();
        }
        let changes_before = conn.total_changes();
        migrate(&conn).unwrap();
        // Three keys written, and nothing by the search index's triggers (which would add two
        // writes a row): they count in `total_changes`.
        assert_eq!(conn.total_changes() - changes_before, 3);
        let names: Vec<String> = conn
            .prepare("SELECT name FROM attempts ORDER BY name_sort")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(names, ["test 1", "Test 2", "test 10"]);
        // The search index still follows a change of a column it holds.
        conn.execute(
            "UPDATE attempts SET name = 'renamed' WHERE name = 'test 1'",
            [],
        )
        .unwrap();
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM attempts_fts WHERE attempts_fts MATCH '\"renamed\"'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1);
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT id FROM attempts \
                 ORDER BY name_sort, started_at_ms DESC, id DESC",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("attempts_name_sort"), "{plan}");
    }

    #[test]
    fn a_failing_step_rolls_everything_back() {
        let conn = Connection::open_in_memory().unwrap();
        // A foreign table with our name makes migration 1 fail.
        conn.execute_batch("CREATE TABLE attempts (x)").unwrap();
        assert!(matches!(migrate(&conn), Err(MigrateError::Step(1, _))));
        assert_eq!(user_version(&conn).unwrap(), 0);
        assert_eq!(application_id(&conn).unwrap(), 0);
    }
}
