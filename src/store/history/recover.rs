//! Telling a damaged or foreign database file apart from a passing failure, and moving it aside.
//!
//! A user's history is never deleted: an unusable file is renamed next to itself, with its `-wal`
//! and `-shm` companions, and the user is told where it went.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::model::EpochMs;
use rusqlite::ErrorCode;

/// True when `error` says the file's content is unusable, as opposed to a passing condition
/// (locked, disk full, no permission) after which the file may be perfectly fine.
pub(super) fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// True when a failed migration step means the schema is not one we wrote: SQL errors such as
/// "table already exists" or "no such column", a broken constraint, or damage.
pub(super) fn is_foreign_schema(error: &rusqlite::Error) -> bool {
    is_damage(error)
        || matches!(
            error.sqlite_error_code(),
            Some(ErrorCode::Unknown | ErrorCode::ConstraintViolation | ErrorCode::TypeMismatch)
        )
}

/// `path` with `suffix` appended to its file name (`history.sqlite3` → `history.sqlite3-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The UTC time as `20260412T101530Z`, for names that sort by date.
fn utc_stamp() -> String {
    EpochMs::now().stamp()
}

/// A free name `<path>.corrupt-<stamp>` (then `-2`, `-3`, … if taken), with its companions free too.
fn aside_name(path: &Path, stamp: &str) -> PathBuf {
    let base = with_suffix(path, &format!(".corrupt-{stamp}"));
    let taken =
        |p: &Path| p.exists() || with_suffix(p, "-wal").exists() || with_suffix(p, "-shm").exists();
    if !taken(&base) {
        return base;
    }
    let mut n = 2u32;
    loop {
        let candidate = with_suffix(&base, &format!("-{n}"));
        if !taken(&candidate) || n == u32::MAX {
            return candidate;
        }
        n += 1;
    }
}

/// Renames `path` and its `-wal`/`-shm` files to `<path>.corrupt-<UTC stamp>[-wal|-shm]` and
/// returns the new main file name. The companions keep their suffix so SQLite still opens the
/// moved set as one database. They move first: a fresh database must never pick up the old
/// write-ahead log, so if the main file cannot move, they are moved back.
pub(super) fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let target = aside_name(path, &utc_stamp());
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    for suffix in ["-wal", "-shm"] {
        let from = with_suffix(path, suffix);
        if from.exists() {
            let to = with_suffix(&target, suffix);
            if let Err(e) = fs::rename(&from, &to) {
                undo(&moved);
                return Err(e);
            }
            moved.push((from, to));
        }
    }
    if let Err(e) = fs::rename(path, &target) {
        undo(&moved);
        return Err(e);
    }
    Ok(target)
}

/// Best effort: puts renamed companions back where they were.
fn undo(moved: &[(PathBuf, PathBuf)]) {
    for (from, to) in moved {
        if let Err(e) = fs::rename(to, from) {
            tracing::warn!(from = %to.display(), to = %from.display(), error = %e,
                "could not move a history database file back");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_is_compact_utc() {
        let stamp = utc_stamp();
        assert_eq!(stamp.len(), 16, "{stamp}");
        assert!(
            stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T',
            "{stamp}"
        );
    }

    #[test]
    fn aside_name_avoids_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        let first = aside_name(&db, "S");
        assert_eq!(first, dir.path().join("h.db.corrupt-S"));
        fs::write(with_suffix(&first, "-wal"), b"x").unwrap();
        assert_eq!(aside_name(&db, "S"), dir.path().join("h.db.corrupt-S-2"));
    }

    #[test]
    fn move_aside_moves_companions_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        fs::write(&db, b"main").unwrap();
        fs::write(with_suffix(&db, "-wal"), b"wal").unwrap();
        let to = move_aside(&db).unwrap();
        assert!(!db.exists() && !with_suffix(&db, "-wal").exists());
        assert_eq!(fs::read(&to).unwrap(), b"main");
        assert_eq!(fs::read(with_suffix(&to, "-wal")).unwrap(), b"wal");
    }

    #[test]
    fn passing_failures_are_not_damage() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(!is_damage(&busy) && !is_foreign_schema(&busy));
        let corrupt = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        assert!(is_damage(&corrupt) && is_foreign_schema(&corrupt));
    }
}
