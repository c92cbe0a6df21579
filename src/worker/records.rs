//! Jobs on the history's records: pages, removal and undo, export. Each runs on the history's
//! own thread (see [`super::history`]); an export's file is written off the loop too.

use std::path::PathBuf;

use super::{Event, Worker, blocking};
use crate::ops::{HistoryAccess, history};
use crate::records::export::{self, ExportFormat};
use crate::store::history::{Attempt, AttemptId, HistoryFacets, HistoryQuery, HistoryStore};

/// A page of history, and how many records match.
pub(super) async fn load_page(w: &Worker, query: HistoryQuery, generation: u64) {
    let Some(store) = w.history().await else {
        return;
    };
    let page_of = query.clone();
    match store.try_run(move |h| history::page(h, &page_of)).await {
        Ok((rows, total)) => w.send(Event::History {
            query,
            generation,
            rows,
            total,
        }),
        Err(e) => w.error("loading the history", e),
    }
}

/// The profiles and sandboxes the history holds, for the history's filters.
pub(super) async fn load_facets(w: &Worker) {
    let Some(store) = w.history().await else {
        return;
    };
    match store.try_run(HistoryStore::facets).await {
        Ok(HistoryFacets {
            profiles,
            sandboxes,
        }) => w.send(Event::HistoryFacets {
            profiles,
            sandboxes,
        }),
        Err(e) => w.error("reading the history's profiles and sandboxes", e),
    }
}

/// Removes a record, keeping it for undo.
pub(super) async fn delete(w: &Worker, id: AttemptId) {
    let Some(store) = w.history().await else {
        return;
    };
    match store.try_run(move |h| history::remove_attempt(h, id)).await {
        Ok(Some(attempt)) => {
            w.send(Event::Deleted(Box::new(attempt)));
            w.send(Event::HistoryChanged);
        }
        Ok(None) => w.send(Event::HistoryChanged),
        Err(e) => w.error("removing the record", e),
    }
}

/// Puts a removed record back.
pub(super) async fn restore(w: &Worker, attempt: Attempt) {
    let Some(store) = w.history().await else {
        return;
    };
    match store.try_run(move |h| h.restore(&attempt)).await {
        Ok(()) => w.send(Event::HistoryChanged),
        Err(e) => w.error("restoring the record", e),
    }
}

/// Writes the records matching `query` (all of them, whatever its limit) to `path`.
pub(super) async fn export(w: &Worker, path: PathBuf, format: ExportFormat, query: HistoryQuery) {
    let Some(store) = w.history().await else {
        return;
    };
    let rows = match store
        .try_run(move |h| history::all_matching(h, query))
        .await
    {
        Ok(rows) => rows,
        Err(e) => return w.error("exporting the history", e),
    };
    let file = path.clone();
    match blocking(move || export::export_to_file(&file, &rows, format)).await {
        Ok(rows) => w.send(Event::Exported { path, rows }),
        Err(e) => w.error("exporting the history", e),
    }
}

/// Reads the history's search text ahead if it is missing or stale (at start, or after another
/// process wrote), so the next search does not wait for it: ~80 ms at 100,000 records
/// (BENCHMARKS.md). Once read, the store's own writes keep it current. Queued without waiting;
/// skipped while the history is being opened.
pub(super) fn warm_search(w: &Worker) {
    let Ok(slot) = w.history.try_lock() else {
        return;
    };
    if let Some(store) = slot.as_ref() {
        store.spawn(|h| {
            if let Err(e) = h.warm_search() {
                tracing::debug!(error = %e, "could not read the history's search text ahead");
            }
        });
    }
}
