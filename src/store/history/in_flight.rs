//! Which `pending` records are still in flight, in this process or another one.
//!
//! The process making an attempt holds an exclusive lock on `history.in-flight/<id>.lock`, beside
//! the database, from just after the pending record is written until the attempt is settled,
//! cancelled or the process ends (the OS releases a killed process's locks). Reconciliation skips
//! the records whose lock is held, so a `history` run in one terminal never settles a create
//! another terminal is still waiting for; a record whose owner died is settled as before.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::PathBuf;

use super::{AttemptId, HistoryStore};

/// Held while an attempt is in flight; dropping it releases the lock and removes its file.
#[must_use = "the attempt counts as in flight only while this is held"]
#[derive(Debug)]
pub struct InFlight {
    file: Option<File>,
    path: PathBuf,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // Remove first: whoever opens the file afterwards finds nothing, or a stale lock it may take.
        let _ = fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

impl HistoryStore {
    fn in_flight_path(&self, id: AttemptId) -> Option<PathBuf> {
        // Beside the database, not named after its file: `history.sqlite3*` (the database and
        // its WAL files, what a user backs up) stays files only.
        let dir = self.path.as_ref()?.with_extension("in-flight");
        Some(dir.join(format!("{id}.lock")))
    }

    /// Marks attempt `id` as in flight in this process until the returned guard is dropped.
    /// `None` for an in-memory store, or when the lock file cannot be made (logged: the attempt
    /// then only risks being settled early by a concurrent `history`, as before this existed).
    pub fn hold_in_flight(&self, id: AttemptId) -> Option<InFlight> {
        let path = self.in_flight_path(id)?;
        let locked = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| {
                OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
            })
            .and_then(|file| file.try_lock().map(|()| file).map_err(std::io::Error::from));
        match locked {
            Ok(file) => Some(InFlight {
                file: Some(file),
                path,
            }),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "could not mark the attempt in flight");
                None
            }
        }
    }

    /// True while some process (this one included) holds attempt `id`'s in-flight lock.
    pub fn is_in_flight(&self, id: AttemptId) -> bool {
        let Some(path) = self.in_flight_path(id) else {
            return false;
        };
        let Ok(file) = OpenOptions::new().write(true).open(&path) else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => {
                // Left by a process that died: nobody holds it any more.
                let _ = fs::remove_file(&path);
                false
            }
            Err(TryLockError::WouldBlock) => true,
            Err(TryLockError::Error(_)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::history::NewAttempt;

    #[test]
    fn an_attempt_is_in_flight_exactly_while_its_guard_lives() {
        let dir = tempfile::tempdir().unwrap();
        let store = HistoryStore::open(&dir.path().join("history.sqlite3"))
            .unwrap()
            .0;
        let other = HistoryStore::open(&dir.path().join("history.sqlite3"))
            .unwrap()
            .0;
        let id = store.insert_pending(&NewAttempt::default()).unwrap();
        assert!(!other.is_in_flight(id));
        let guard = store.hold_in_flight(id).unwrap();
        assert!(other.is_in_flight(id), "seen from another connection");
        assert!(store.is_in_flight(id), "and from the same one");
        drop(guard);
        assert!(!other.is_in_flight(id));
        assert!(!store.in_flight_path(id).unwrap().exists(), "file removed");
    }

    #[test]
    fn a_stale_lock_file_does_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let store = HistoryStore::open(&dir.path().join("h.sqlite3")).unwrap().0;
        let id = store.insert_pending(&NewAttempt::default()).unwrap();
        let path = store.in_flight_path(id).unwrap();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, b"").unwrap();
        assert!(!store.is_in_flight(id));
        assert!(!path.exists(), "a stale file is cleaned up");
    }

    #[test]
    fn in_memory_stores_have_no_in_flight_marks() {
        let store = HistoryStore::open_in_memory().unwrap();
        let id = store.insert_pending(&NewAttempt::default()).unwrap();
        assert!(store.hold_in_flight(id).is_none());
        assert!(!store.is_in_flight(id));
    }
}
