//! The history store on a thread of its own, so that the worker's loop never waits on SQLite:
//! calls are queued to it in the order they are made, run one at a time, and answered through a
//! channel the caller awaits.
//!
//! A thread rather than `spawn_blocking` per call: the store is `Send` but not `Sync` and keeps
//! its search text in memory, so it wants one owner; one thread runs the calls in the order
//! they were made (a delete, then the page that must not show the row), without a lock.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::ops::HistoryAccess;
use crate::store::history::{HistoryError, HistoryStore, OpenNotice};

type Call = Box<dyn FnOnce(&HistoryStore) + Send>;

/// A handle on the thread that owns the history store. Cheap to clone; the thread ends when the
/// last handle is dropped.
#[derive(Clone, Debug)]
pub struct HistoryThread {
    calls: mpsc::Sender<Call>,
    path: PathBuf,
}

impl HistoryThread {
    /// Opens the store at `path` on a new thread, and says whether the file had to be moved
    /// aside.
    pub async fn open(path: &Path) -> Result<(Self, Option<OpenNotice>), HistoryError> {
        let (calls, queue) = mpsc::channel::<Call>();
        let (opened, open_result) = tokio::sync::oneshot::channel();
        let file = path.to_owned();
        std::thread::Builder::new()
            .name("aep-history".to_owned())
            .spawn(move || {
                let store = match HistoryStore::open(&file) {
                    Ok((store, notice)) => {
                        let _ = opened.send(Ok(notice));
                        store
                    }
                    Err(e) => {
                        let _ = opened.send(Err(e));
                        return;
                    }
                };
                for call in queue {
                    call(&store);
                }
            })
            .map_err(|source| HistoryError::Io {
                action: "start the thread of the history database",
                path: path.to_owned(),
                source,
            })?;
        let notice = open_result.await.map_err(|_| gone(path))??;
        Ok((
            Self {
                calls,
                path: path.to_owned(),
            },
            notice,
        ))
    }

    /// Queues `f` without waiting for it (reading the search text ahead).
    pub fn spawn(&self, f: impl FnOnce(&HistoryStore) + Send + 'static) {
        let _ = self.calls.send(Box::new(f));
    }
}

impl HistoryAccess for HistoryThread {
    async fn run<R, F>(&self, f: F) -> Result<R, HistoryError>
    where
        F: FnOnce(&HistoryStore) -> R + Send + 'static,
        R: Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.calls
            .send(Box::new(move |store| {
                // The caller may have stopped waiting (a cancelled create): the call still ran.
                let _ = answer.send(f(store));
            }))
            .map_err(|_| gone(&self.path))?;
        answered.await.map_err(|_| gone(&self.path))
    }
}

/// The thread stopped (a call panicked): the store can no longer be reached.
fn gone(path: &Path) -> HistoryError {
    HistoryError::Io {
        action: "use the history database at",
        path: path.to_owned(),
        source: std::io::Error::other("the thread that owns it stopped: restart aep-s3-connect"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::history::{HistoryQuery, NewAttempt};

    #[test]
    fn calls_run_in_order_on_the_store_thread() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (history, notice) = HistoryThread::open(&dir.path().join("h.sqlite3"))
                .await
                .unwrap();
            assert!(notice.is_none());
            let id = history
                .try_run(|h| {
                    h.insert_pending(&NewAttempt {
                        name: "first".into(),
                        ..NewAttempt::default()
                    })
                })
                .await
                .unwrap();
            let thread = history
                .run(|_| std::thread::current().name().map(str::to_owned))
                .await
                .unwrap();
            assert_eq!(thread.as_deref(), Some("aep-history"));
            let rows = history
                .try_run(|h| h.search(&HistoryQuery::default()))
                .await
                .unwrap();
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].id, id);
        });
    }

    #[test]
    fn a_file_that_cannot_be_opened_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        // A file where its folder should be.
        let file = dir.path().join("file");
        std::fs::write(&file, "not a folder").unwrap();
        let result = runtime.block_on(HistoryThread::open(&file.join("h.sqlite3")));
        assert!(matches!(result, Err(HistoryError::Io { .. })), "{result:?}");
    }
}
