//! How the operations reach the history: directly, on the caller's thread (the CLI and tests,
//! which may wait on SQLite), or through the thread that owns the store (the window's worker,
//! whose loop must not: the worker's history thread).

use std::future::Future;

use crate::store::history::{Attempt, AttemptId, HistoryError, HistoryQuery, HistoryStore};

/// Something that runs calls on the history store.
pub trait HistoryAccess {
    /// Runs `f` with the store and returns its result. Fails only when the store can no longer
    /// be reached (its thread stopped).
    fn run<R, F>(&self, f: F) -> impl Future<Output = Result<R, HistoryError>>
    where
        F: FnOnce(&HistoryStore) -> R + Send + 'static,
        R: Send + 'static;

    /// [`Self::run`] for a call that can fail with a history error itself.
    fn try_run<R, F>(&self, f: F) -> impl Future<Output = Result<R, HistoryError>>
    where
        F: FnOnce(&HistoryStore) -> Result<R, HistoryError> + Send + 'static,
        R: Send + 'static,
    {
        async move { self.run(f).await? }
    }
}

/// On the caller's thread.
impl HistoryAccess for HistoryStore {
    async fn run<R, F>(&self, f: F) -> Result<R, HistoryError>
    where
        F: FnOnce(&HistoryStore) -> R + Send + 'static,
        R: Send + 'static,
    {
        Ok(f(self))
    }
}

/// The warning of an operation done in AEP that the history could not record: `done` says
/// what (`"the connection was created"`).
pub fn not_recorded(done: &str, error: &HistoryError) -> String {
    format!("{done}, but the history could not record it: {error}")
}

/// A page of the records matching `query`, and how many match in all.
pub fn page(
    history: &HistoryStore,
    query: &HistoryQuery,
) -> Result<(Vec<Attempt>, usize), HistoryError> {
    Ok((history.search(query)?, history.count(query)?))
}

/// Every record matching `query`, whatever its limit and offset say (an export).
pub fn all_matching(
    history: &HistoryStore,
    query: HistoryQuery,
) -> Result<Vec<Attempt>, HistoryError> {
    history.search(&HistoryQuery {
        limit: None,
        offset: 0,
        ..query
    })
}

/// Removes record `id` and returns it, for an undo.
pub fn remove_attempt(
    history: &HistoryStore,
    id: AttemptId,
) -> Result<Option<Attempt>, HistoryError> {
    let attempt = history.get(id)?;
    history.delete(id)?;
    Ok(attempt)
}
