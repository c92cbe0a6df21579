//! One try at opening a database file: is it ours, is it whole, then set it up and migrate it.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::error::{HistoryError, cannot_write, migrate_error};
use super::migrations::{self, APPLICATION_ID, LATEST, MigrateError};
use super::recover;

/// How long a write waits for another process's write to finish before giving up; long enough
/// for any single history write, short enough that a stuck lock is reported rather than hung on.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why opening one file did not produce a store.
pub(super) enum OpenFailure {
    /// The file's content is unusable (damaged or another program's); move it aside.
    Unusable(String),
    /// Anything else: report it and leave the file alone.
    Fatal(HistoryError),
}

/// One try at opening the file at `path`: checks it, sets it up and migrates it.
pub(super) fn open_file(path: &Path) -> Result<Connection, OpenFailure> {
    let fatal = |source| {
        OpenFailure::Fatal(HistoryError::Open {
            path: path.to_owned(),
            source,
        })
    };
    // Damage shows up as an error on the first read; anything else (locked, no permission)
    // says nothing about the file, which must then be left alone.
    let check = |source: rusqlite::Error| {
        if recover::is_damage(&source) {
            OpenFailure::Unusable(format!("it is damaged or not a SQLite database: {source}"))
        } else {
            fatal(source)
        }
    };
    let conn = Connection::open(path).map_err(fatal)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(fatal)?;

    // Version first, before anything writes: a newer build's file must not be touched.
    // One statement, so one snapshot: read one by one, the version could come from before
    // another process's first migration committed and the tables from after it, and a new
    // history would look like another program's file and be moved aside (its records lost).
    let (version, app_id, objects): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), \
                    (SELECT application_id FROM pragma_application_id), \
                    (SELECT count(*) FROM sqlite_schema)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .map_err(check)?;
    if version > i64::from(LATEST) {
        return Err(OpenFailure::Fatal(HistoryError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: LATEST,
        }));
    }
    if app_id != i64::from(APPLICATION_ID) && (app_id != 0 || version != 0) {
        return Err(OpenFailure::Unusable(format!(
            "it belongs to another program (application ID {app_id:#x}, version {version})"
        )));
    }
    if version == 0 && objects > 0 {
        return Err(OpenFailure::Unusable(
            "it holds another program's tables".to_owned(),
        ));
    }
    quick_check(&conn).map_err(|e| match e {
        CheckError::Sql(source) if recover::is_damage(&source) => {
            OpenFailure::Unusable(format!("its integrity check failed: {source}"))
        }
        CheckError::Sql(source) => fatal(source),
        CheckError::Failed(problem) => {
            OpenFailure::Unusable(format!("its integrity check failed: {problem}"))
        }
    })?;

    // WAL lets readers and one writer work at once, across processes.
    let mode = set_wal(&conn).map_err(check)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), %mode, "history database is not in WAL mode");
    }
    // FULL, not NORMAL: the pending record must survive a power cut too, because the
    // request it describes may already have created a connection in AEP.
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(fatal)?;

    match migrations::migrate(&conn) {
        Ok(()) => Ok(conn),
        Err(MigrateError::Step(version, source)) if recover::is_foreign_schema(&source) => {
            Err(OpenFailure::Unusable(format!(
                "its tables do not match this program's (upgrade step {version} failed: \
                 {source})"
            )))
        }
        Err(error) => Err(OpenFailure::Fatal(migrate_error(path, error))),
    }
}

/// Opens the file at `path` for reading only, for showing a history whose folder (or file) may
/// not be written. Nothing is written, created or set up: no migration, no WAL switch, no moving
/// aside. Returns the connection and, when some records may be missing, a sentence saying so.
pub(super) fn open_file_read_only(
    path: &Path,
) -> Result<(Connection, Option<String>), HistoryError> {
    let open_error = |source| HistoryError::Open {
        path: path.to_owned(),
        source,
    };
    let unusable = |reason: String| HistoryError::Unusable {
        path: path.to_owned(),
        reason,
    };
    // Writers leave no `-wal` behind when they close: without one, everything is in the file,
    // and `immutable` reads it creating nothing (a plain read-only open of a WAL file would
    // create `-wal` and `-shm` next to it, and could not remove them). With one, its records are
    // read through the `-shm` index, which SQLite may have to create; when the folder forbids
    // that, the file is read without them and the user is told what may be missing.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal = std::path::PathBuf::from(wal);
    let unmerged = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    let ((conn, version, app_id), missed) = match read_header(path, !unmerged) {
        Ok(read) => (read, false),
        Err(e) if unmerged && cannot_write(&e) => {
            (read_header(path, true).map_err(open_error)?, true)
        }
        Err(e) => return Err(open_error(e)),
    };
    if version > i64::from(LATEST) {
        return Err(HistoryError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: LATEST,
        });
    }
    if app_id != i64::from(APPLICATION_ID) {
        return Err(unusable(format!(
            "it is not an aep-s3-connect history (application ID {app_id:#x}, version {version})"
        )));
    }
    if version < i64::from(LATEST) {
        return Err(unusable(format!(
            "it has schema version {version} and must first be upgraded to version {LATEST}, which needs write access to it and its folder"
        )));
    }
    let note = missed.then(|| {
        format!(
            "{} holds writes not yet merged into the history, which cannot be read without write access: the newest records may be missing",
            wal.display()
        )
    });
    Ok((conn, note))
}

/// Opens `path` read-only (`immutable`: without the WAL index) and reads its version and
/// application ID in one statement.
fn read_header(path: &Path, immutable: bool) -> rusqlite::Result<(Connection, i64, i64)> {
    use rusqlite::OpenFlags;
    let mut uri = file_uri(path);
    uri.push_str(if immutable {
        "?mode=ro&immutable=1"
    } else {
        "?mode=ro"
    });
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let (version, app_id) = conn.query_row(
        "SELECT (SELECT user_version FROM pragma_user_version), \
                (SELECT application_id FROM pragma_application_id)",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok((conn, version, app_id))
}

/// `path` as a SQLite `file:` URI, with the characters URIs give a meaning escaped.
fn file_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    // SQLite wants forward slashes, and `/C:/...` for a drive, on Windows.
    #[cfg(not(unix))]
    let bytes = {
        let text = path.to_string_lossy().replace('\\', "/");
        let text = if text.as_bytes().get(1) == Some(&b':') {
            format!("/{text}")
        } else {
            text
        };
        text.into_bytes()
    };
    let mut uri = String::from("file:");
    for byte in bytes {
        if byte.is_ascii_alphanumeric() || b"/-_.~:".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// Switches the file to WAL unless it already is. The switch needs the file to itself, and SQLite
/// answers "database is locked" at once (not after the busy timeout) when another process is
/// using it, which happens when several processes open a new history together: try again
/// until the busy timeout.
fn set_wal(conn: &Connection) -> rusqlite::Result<String> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(mode);
        }
        match conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0)) {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// SQLite words a read-only or full file system as "unable to open database file" or "disk I/O
/// error". When the folder cannot be written, that is the cause to report: try it.
pub(super) fn explain(error: HistoryError, path: &Path) -> HistoryError {
    use std::io::Write as _;
    let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return error;
    };
    // A fixed name, not tempfile's: its errors carry the file's path, which says nothing here.
    let file = dir.join(format!(".write-test-{}", std::process::id()));
    let probe = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| {
            let written = f.write_all(&[0; 4096]).and_then(|()| f.sync_all());
            let _ = std::fs::remove_file(&file);
            written
        });
    match probe {
        Ok(()) => error,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => error,
        Err(source) => HistoryError::Io {
            action: "write to the history folder",
            path: dir.to_owned(),
            source,
        },
    }
}

/// Why [`quick_check`] rejected a database.
enum CheckError {
    /// Reading failed outright.
    Sql(rusqlite::Error),
    /// SQLite's first complaint.
    Failed(String),
}

/// `PRAGMA quick_check` of each ordinary table (and its indexes). Not of the whole file: that
/// also runs FTS5's own verification of the search index, ~650 of ~900 ms at 100,000 records,
/// and the search index is derived data whose pages are still checked here as a B-tree.
fn quick_check(conn: &Connection) -> Result<(), CheckError> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema \
             WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'",
        )
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .map_err(CheckError::Sql)?;
    let mut check = conn
        .prepare("SELECT * FROM pragma_quick_check(?1)")
        .map_err(CheckError::Sql)?;
    for table in tables {
        let verdict: Vec<String> = check
            .query_map([&table], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(CheckError::Sql)?;
        if let Some(problem) = verdict.into_iter().find(|line| line != "ok") {
            return Err(CheckError::Failed(format!("{table}: {problem}")));
        }
    }
    Ok(())
}
