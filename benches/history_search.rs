//! History search at the product's target size: every query the window's history tab runs, on a
//! real SQLite file of 100,000 realistic records (`AEP_BENCH_ROWS` to change the size).
//!
//! Each page the table loads is one `Job::LoadHistory` on the worker: `search` (one page of
//! rows) then `count` (the total, which sizes the table and fills "N records"). Both are timed
//! as repeated (`page`, `count`: the in-memory match of the same query is reused, as when
//! scrolling) and for a new query (`new query`: page and count, as after a keystroke).
//! Aim: each under 10 ms.
//!
//! Run: `cargo bench --bench history_search` (add a filter, e.g. `-- 2-char`, to run a few).
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]
#![expect(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented functions"
)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use aep_s3_connect::store::history::{
    AttemptStatus, CreatedOutcome, HistoryOrder, HistoryQuery, HistoryStore,
};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/it/common/mod.rs"]
mod common;

/// Rows per page the history table asks for (`PAGE` in src/ui/history.rs).
const PAGE: usize = 200;

/// How many records the history holds.
fn rows() -> usize {
    common::history::bench_rows()
}

/// The first page of `query`, as the table asks for it.
fn page(query: HistoryQuery) -> HistoryQuery {
    HistoryQuery {
        limit: Some(PAGE),
        ..query
    }
}

fn search(text: &str) -> HistoryQuery {
    page(HistoryQuery {
        search: Some(text.into()),
        ..HistoryQuery::default()
    })
}

/// The queries the history tab runs, by what the user did.
fn cases() -> Vec<(&'static str, HistoryQuery)> {
    vec![
        ("first page", page(HistoryQuery::default())),
        ("rare term", search("AKIA0000000000054321")),
        ("common term", search("connection")),
        ("10% term", search("connection 01")),
        ("1% term", search("connection 001")),
        ("1-char term", search("c")),
        ("2-char term", search("co")),
        ("2-char no match", search("zz")),
        ("3-char no match", search("zzz")),
        (
            "status filter",
            page(HistoryQuery {
                status: Some(AttemptStatus::Failed),
                ..HistoryQuery::default()
            }),
        ),
        (
            "profile filter",
            page(HistoryQuery {
                profile: Some("profile-1".into()),
                ..HistoryQuery::default()
            }),
        ),
        (
            "sandbox filter",
            page(HistoryQuery {
                sandbox: Some("sandbox-2".into()),
                ..HistoryQuery::default()
            }),
        ),
        (
            "filter and term",
            page(HistoryQuery {
                search: Some("bucket-0".into()),
                status: Some(AttemptStatus::Failed),
                sandbox: Some("sandbox-2".into()),
                ..HistoryQuery::default()
            }),
        ),
        (
            "sort by name",
            page(HistoryQuery {
                order: HistoryOrder::NameDesc,
                ..HistoryQuery::default()
            }),
        ),
        (
            "sort by status",
            page(HistoryQuery {
                order: HistoryOrder::StatusAsc,
                ..HistoryQuery::default()
            }),
        ),
        (
            "deep page",
            HistoryQuery {
                offset: 90_000,
                ..page(HistoryQuery::default())
            },
        ),
    ]
}

/// A history of [`rows`] records, opened afresh as the app opens it.
fn history(dir: &Path) -> HistoryStore {
    let path = dir.join("history.sqlite3");
    let n = rows();
    let started = std::time::Instant::now();
    common::history::fill(&path, n);
    eprintln!("filled {n} records in {:.1?}", started.elapsed());
    HistoryStore::open(&path).unwrap().0
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = history(dir.path());
    // The first short search reads every record's search text into memory: a one-off cost per
    // store (and after another process wrote), paid on the worker thread, which the window
    // pays ahead, when idle (`HistoryStore::warm_search`).
    let started = std::time::Instant::now();
    let cold = store.count(&search("zz")).unwrap();
    eprintln!(
        "first 2-char search (reads the search text): {:.1?} ({cold} found)",
        started.elapsed()
    );
    let mut group = c.benchmark_group("history");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for (label, query) in cases() {
        // What each case finds, so the timings can be read against it.
        let found = store.search(&query).unwrap().len();
        let total = store.count(&query).unwrap();
        eprintln!("{label}: {found} rows on the page, {total} in all");
        group.bench_function(format!("{label}/page"), |b| {
            b.iter(|| black_box(store.search(black_box(&query)).unwrap()));
        });
        group.bench_function(format!("{label}/count"), |b| {
            b.iter(|| black_box(store.count(black_box(&query)).unwrap()));
        });
        // A new query, as after a keystroke: the store keeps the last in-memory match, so
        // another search runs first (untimed) and this one scans afresh.
        let other = search("zz");
        group.bench_function(format!("{label}/new query"), |b| {
            b.iter_batched(
                || store.count(&other).unwrap(),
                |_| {
                    let rows = store.search(black_box(&query)).unwrap();
                    black_box((rows, store.count(&query).unwrap()))
                },
                criterion::BatchSize::PerIteration,
            );
        });
    }
    // A search right after a create through the same store (as in the window: the worker
    // records the attempt, then the history tab reloads): the write updates the search text in
    // place, where it used to drop it and make this search read all of it again.
    let mut next = rows();
    let query = search("co");
    group.bench_function("after a create/2-char term", |b| {
        b.iter_batched(
            || {
                let id = store
                    .insert_pending(&common::history::sample(next))
                    .unwrap();
                next += 1;
                let created = CreatedOutcome {
                    connection_id: format!("conn-{next}"),
                    ..CreatedOutcome::default()
                };
                store.complete_created(id, &created).unwrap();
            },
            |()| {
                let rows = store.search(black_box(&query)).unwrap();
                black_box((rows, store.count(&query).unwrap()))
            },
            criterion::BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// The same questions as the store asked them before the in-memory search text (LIKE over the
/// nine search columns, row by row) and before the page was chosen by ID: the "before" figures.
fn before(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    common::history::fill(&path, rows());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let like = [
        "name",
        "description",
        "connection_id",
        "bucket_name",
        "sandbox",
        "org_id",
        "access_key_id",
        "error_message",
        "request_id",
    ]
    .map(|column| format!("{column} LIKE ?1 ESCAPE '\\'"))
    .join(" OR ");
    let newest = "ORDER BY started_at_ms DESC, id DESC";
    let cases = [
        (
            "2-char no match/page",
            format!("SELECT * FROM attempts WHERE ({like}) {newest} LIMIT 200"),
            "%zz%",
        ),
        (
            "2-char no match/count",
            format!("SELECT count(*) FROM attempts WHERE ({like})"),
            "%zz%",
        ),
        (
            "1-char term/count",
            format!("SELECT count(*) FROM attempts WHERE ({like})"),
            "%c%",
        ),
        (
            "2-char term/count",
            format!("SELECT count(*) FROM attempts WHERE ({like})"),
            "%co%",
        ),
        (
            "common term/count",
            format!("SELECT count(*) FROM attempts WHERE ({like})"),
            "%connection%",
        ),
        (
            "deep page/page",
            format!("SELECT * FROM attempts WHERE ?1 = ?1 {newest} LIMIT 200 OFFSET 90000"),
            "",
        ),
    ];
    let mut group = c.benchmark_group("before");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (label, sql, pattern) in cases {
        let mut statement = conn.prepare(&sql).unwrap();
        group.bench_function(label, |b| {
            b.iter(|| {
                let mut rows = statement.query([pattern]).unwrap();
                let mut n = 0;
                while rows.next().unwrap().is_some() {
                    n += 1;
                }
                black_box(n)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench, before);
criterion_main!(benches);
