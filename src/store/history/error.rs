//! What can go wrong with the history store, and what the user is told after opening.

use std::fmt;
use std::path::{Path, PathBuf};

use super::migrations::{LATEST, MigrateError};
use super::types::AttemptId;

/// Hint appended to messages about the file or its folder.
const DATA_DIR_HINT: &str =
    "or choose another data folder with --data-dir (or the AEP_S3_CONNECT_HOME variable)";

/// What can go wrong with the history store; each message says what failed and what to do.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The database file could not be opened or read.
    #[error(
        "could not open the history database {} ({source}). Check that the folder exists and \
         that you may read and write it, {DATA_DIR_HINT}",
        .path.display()
    )]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer aep-s3-connect; it is left exactly as it was.
    #[error(
        "the history database {} was written by a newer version of aep-s3-connect (schema \
         version {found}; this version understands up to {supported}). Upgrade aep-s3-connect \
         to use it. The file was left untouched",
        .path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest schema version this build knows.
        supported: u32,
    },
    /// Even a fresh database at this path could not be used (the old one was already moved aside).
    #[error(
        "the history database {} cannot be used ({reason}), even after moving the old file \
         aside. Check the data folder, {DATA_DIR_HINT}",
        .path.display()
    )]
    Unusable {
        /// The database file.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// A file-system operation next to the database failed.
    #[error(
        "could not {action} {} ({source}). Check that you may write to that folder, \
         {DATA_DIR_HINT}",
        .path.display()
    )]
    Io {
        /// What was being done, e.g. "create the history folder".
        action: &'static str,
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A record could not be written (disk full, read-only, locked too long); nothing changed.
    #[error(
        "could not write to the history database {} ({source}). Check free disk space and that \
         you may write to that folder, {DATA_DIR_HINT}",
        .path.display()
    )]
    Write {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// A query failed on an open database.
    #[error(
        "reading or writing the history database failed ({0}). Try again; if it keeps failing, \
         restart aep-s3-connect"
    )]
    Sql(#[from] rusqlite::Error),
    /// No record has this ID.
    #[error("history record {0} does not exist (it may have been deleted)")]
    NotFound(AttemptId),
    /// `restore` was given a record whose ID is in use.
    #[error("cannot restore history record {0}: a record with that ID already exists")]
    AlreadyExists(AttemptId),
    /// `complete_failed` was called on a record that already holds a created connection.
    #[error(
        "history record {0} already holds a created connection, so the later failure was not \
         written over it; check the connection in AEP before trying again"
    )]
    AlreadyCreated(AttemptId),
    /// A schema upgrade failed for a passing reason (locked, disk full, read-only); nothing changed.
    #[error(
        "could not upgrade the history database {} to schema version {version} ({source}); the \
         file was not changed. Close other copies of aep-s3-connect, check free disk space, and try again",
        .path.display()
    )]
    Migration {
        /// The migration that failed.
        version: u32,
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
}

impl HistoryError {
    /// True when the cause is that the file or its folder may not be written (a read-only folder,
    /// file or file system, no permission): the history may still be read with
    /// [`super::HistoryStore::open_read_only`].
    pub fn is_not_writable(&self) -> bool {
        match self {
            Self::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ),
            Self::Open { source, .. }
            | Self::Write { source, .. }
            | Self::Migration { source, .. } => cannot_write(source),
            _ => false,
        }
    }
}

/// Something the user must be told after opening (e.g. the old file was moved aside).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenNotice {
    /// A complete sentence for the user: what happened and where the old file is.
    pub message: String,
    /// Where the old database file now is.
    pub moved_to: PathBuf,
}

impl fmt::Display for OpenNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The user-facing error for a migration that stopped for a passing reason.
pub(super) fn migrate_error(path: &Path, error: MigrateError) -> HistoryError {
    match error {
        MigrateError::TooNew(found) => HistoryError::TooNew {
            path: path.to_owned(),
            found,
            supported: LATEST,
        },
        MigrateError::Step(version, source) => HistoryError::Migration {
            version,
            path: path.to_owned(),
            source,
        },
        MigrateError::Sql(source) => HistoryError::Open {
            path: path.to_owned(),
            source,
        },
    }
}

/// True when SQLite failed because something could not be written or created.
pub(super) fn cannot_write(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::PermissionDenied
        )
    )
}

impl crate::error::Problem for HistoryError {
    fn class(&self) -> crate::error::ErrorClass {
        crate::error::ErrorClass::Local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_name_the_file_and_what_to_do() {
        let err = HistoryError::TooNew {
            path: PathBuf::from("/data/history.sqlite3"),
            found: 9,
            supported: LATEST,
        };
        let text = err.to_string();
        assert!(text.contains("/data/history.sqlite3"), "{text}");
        assert!(text.contains("Upgrade aep-s3-connect"), "{text}");
    }

    #[test]
    fn not_writable_causes_are_told_apart() {
        let sqlite = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        let path = PathBuf::from("/data/history.sqlite3");
        let open = |code| HistoryError::Open {
            path: path.clone(),
            source: sqlite(code),
        };
        // SQLITE_READONLY_DIRECTORY: a WAL file in a folder that may not be written.
        assert!(open(rusqlite::ffi::SQLITE_READONLY_DIRECTORY).is_not_writable());
        assert!(open(rusqlite::ffi::SQLITE_CANTOPEN).is_not_writable());
        assert!(!open(rusqlite::ffi::SQLITE_CORRUPT).is_not_writable());
        assert!(!open(rusqlite::ffi::SQLITE_BUSY).is_not_writable());
        let io = |kind| HistoryError::Io {
            action: "write to the history folder",
            path: path.clone(),
            source: std::io::Error::from(kind),
        };
        assert!(io(std::io::ErrorKind::PermissionDenied).is_not_writable());
        assert!(io(std::io::ErrorKind::ReadOnlyFilesystem).is_not_writable());
        assert!(!io(std::io::ErrorKind::StorageFull).is_not_writable());
    }
}
