//! Which `pending` records are still in flight, in this process or another one.
//!
//! The process making an attempt holds an exclusive lock on `history.in-flight/<id>.lock`, beside
//! the database, from just after the pending record is written until the attempt is settled,
//! cancelled or the process ends (the OS releases a killed process's locks). Reconciliation skips
//! the records whose lock is held, so a `history` run in one terminal never settles a create
//! another terminal is still waiting for; a record whose owner died is settled as before.
//!
//! The file also holds the latest time (epoch ms) its last `POST` could still reach Adobe,
//! written before each `POST`: after a `kill -9` the file stays, and reconciliation does not
//! call the attempt "not created" before that time (plus clock slack) has passed.
//!
//! Beside them, `name-<hash>.lock` files serialise creates of the same (platform, org, sandbox,
//! name) across processes: the holder checks for a connection of that name and creates it,
//! and the next process checks again only after the first one's connection exists.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Seek as _, SeekFrom, Write as _};
use std::path::PathBuf;

use super::{AttemptId, HistoryStore};
use crate::model::EpochMs;

/// Whether an attempt's owner is still alive, as its in-flight file tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InFlightState {
    /// A process holds the attempt's lock: it settles the attempt itself.
    Live,
    /// Nobody holds it; `lands_by_ms` is the last time its owner noted (none for an attempt
    /// whose owner never got as far as a `POST`, or an older build's file).
    Gone {
        /// Latest time the last `POST` could reach Adobe.
        lands_by_ms: Option<EpochMs>,
    },
}

/// Held while this process creates a connection of one name in one sandbox.
#[must_use = "creates of the name are serialised only while this is held"]
#[derive(Debug)]
pub struct NameLock {
    _file: File,
}

impl InFlight {
    /// Notes that the request about to leave can reach Adobe until `lands_by_ms` (written as
    /// its epoch milliseconds).
    /// Best effort: a failed write only loses the note (logged), and reconciliation then falls
    /// back to the attempt's start plus the total timeout.
    pub fn note_lands_by(&self, lands_by_ms: EpochMs) {
        let Some(mut file) = self.file.as_ref() else {
            return;
        };
        let written = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.set_len(0))
            .and_then(|()| file.write_all(lands_by_ms.0.to_string().as_bytes()))
            .and_then(|()| file.flush());
        if let Err(e) = written {
            tracing::warn!(path = %self.path.display(), error = %e, "could not note when the request can land");
        }
    }
}

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
        self.in_flight_state(id) == InFlightState::Live
    }

    /// Whether attempt `id`'s owner is alive, and if not, when its last request could land.
    /// A file left by a dead owner stays until [`Self::forget_in_flight`]: it is the only
    /// record of that time.
    pub fn in_flight_state(&self, id: AttemptId) -> InFlightState {
        let gone_without_note = InFlightState::Gone { lands_by_ms: None };
        let Some(path) = self.in_flight_path(id) else {
            return gone_without_note;
        };
        let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else {
            return gone_without_note;
        };
        match file.try_lock() {
            Ok(()) => {
                let lands_by_ms = fs::read_to_string(&path)
                    .ok()
                    .and_then(|t| t.trim().parse().ok())
                    .map(EpochMs);
                InFlightState::Gone { lands_by_ms }
            }
            Err(TryLockError::WouldBlock) => InFlightState::Live,
            Err(TryLockError::Error(_)) => gone_without_note,
        }
    }

    /// Removes the file a dead owner left for attempt `id`, once the attempt is settled.
    pub fn forget_in_flight(&self, id: AttemptId) {
        if let Some(path) = self.in_flight_path(id)
            && self.in_flight_state(id) != InFlightState::Live
        {
            let _ = fs::remove_file(path);
        }
    }

    /// Takes the lock for creating `name` in (`platform_url`, `org_id`, `sandbox`) if no other
    /// process holds it: `Ok(None)` while one does. An in-memory store has no lock to take and
    /// answers `Ok(Some(..))` of nothing at all.
    pub fn try_lock_name(
        &self,
        platform_url: &str,
        org_id: &str,
        sandbox: &str,
        name: &str,
    ) -> std::io::Result<Option<Option<NameLock>>> {
        let Some(dir) = self.path.as_ref().map(|p| p.with_extension("in-flight")) else {
            return Ok(Some(None));
        };
        fs::create_dir_all(&dir)?;
        let platform = crate::model::platform_key(platform_url);
        let key = [platform.as_str(), org_id, sandbox, name].join("\u{1f}");
        let path = dir.join(format!("name-{:016x}.lock", fnv1a(key.as_bytes())));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Some(NameLock { _file: file }))),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(e),
        }
    }
}

/// FNV-1a, 64 bits: a stable file name for a key of any length (not a security measure: a
/// collision only makes two names wait for each other).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
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
        fs::write(&path, b"1234").unwrap();
        assert!(!store.is_in_flight(id));
        assert_eq!(
            store.in_flight_state(id),
            InFlightState::Gone {
                lands_by_ms: Some(EpochMs(1234))
            }
        );
        assert!(path.exists(), "kept until the attempt is settled");
        store.forget_in_flight(id);
        assert!(!path.exists(), "a stale file is cleaned up once settled");
    }

    #[test]
    fn a_killed_owner_leaves_when_its_request_can_land() {
        let dir = tempfile::tempdir().unwrap();
        let store = HistoryStore::open(&dir.path().join("h.sqlite3")).unwrap().0;
        let id = store.insert_pending(&NewAttempt::default()).unwrap();
        let mut guard = store.hold_in_flight(id).unwrap();
        guard.note_lands_by(EpochMs(99));
        guard.note_lands_by(EpochMs(5_000));
        // What a kill -9 leaves: the file, with nobody holding its lock.
        drop(guard.file.take());
        std::mem::forget(guard);
        assert_eq!(
            store.in_flight_state(id),
            InFlightState::Gone {
                lands_by_ms: Some(EpochMs(5_000))
            }
        );
    }

    #[test]
    fn one_name_lock_per_name_and_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let a = HistoryStore::open(&dir.path().join("h.sqlite3")).unwrap().0;
        let b = HistoryStore::open(&dir.path().join("h.sqlite3")).unwrap().0;
        let held = a.try_lock_name("http://x", "org", "prod", "n").unwrap();
        assert!(matches!(held, Some(Some(_))));
        assert!(
            b.try_lock_name("http://x", "org", "prod", "n")
                .unwrap()
                .is_none()
        );
        assert!(
            b.try_lock_name("http://x", "org", "dev", "n")
                .unwrap()
                .is_some()
        );
        assert!(
            b.try_lock_name("http://x", "org", "prod", "N")
                .unwrap()
                .is_some()
        );
        drop(held);
        assert!(
            b.try_lock_name("http://x", "org", "prod", "n")
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn in_memory_stores_have_no_in_flight_marks() {
        let store = HistoryStore::open_in_memory().unwrap();
        let id = store.insert_pending(&NewAttempt::default()).unwrap();
        assert!(store.hold_in_flight(id).is_none());
        assert!(!store.is_in_flight(id));
    }
}
