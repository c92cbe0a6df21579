//! History records in bulk: the realistic rows that the history tests and the benchmarks share.

use std::path::Path;

use aep_s3_connect::model::EpochMs;
use aep_s3_connect::store::history::{HistoryStore, NewAttempt};

/// An attempt with every field set, distinct per `i`.
pub fn sample(i: usize) -> NewAttempt {
    NewAttempt {
        profile: format!("profile-{}", i % 3),
        org_id: format!("ORG{i:05}@AdobeOrg"),
        sandbox: format!("sandbox-{}", i % 4),
        platform_url: "https://platform.adobe.io".into(),
        name: format!("Connection {i:05}"),
        description: Some(format!("description of {i:05}")),
        access_key_id: format!("AKIA{i:016}"),
        bucket_name: Some(format!("bucket-{i:05}")),
        folder_path: Some(format!("in/{i}")),
        service_url: Some("https://s3.eu-west-1.amazonaws.com".into()),
        has_session_token: i.is_multiple_of(2),
        request_body_redacted: format!(
            r#"{{"name":"Connection {i:05}","secretKey":"(redacted)"}}"#
        ),
        started_at_ms: EpochMs(1_700_000_000_000 + i64::try_from(i).unwrap() * 1000),
    }
}

/// Writes `n` [`sample`] attempts to the history at `path` and completes them as a real history
/// looks: of every 20, 16 created (connection ID, etag, request ID), 3 failed (HTTP status, code
/// and message) and 1 still pending. One transaction, so 100,000 rows take seconds, not hours.
pub fn fill(path: &Path, n: usize) {
    let (store, _) = HistoryStore::open(path).unwrap();
    let batch: Vec<NewAttempt> = (0..n).map(sample).collect();
    store.insert_many(&batch).unwrap();
    drop(store);
    // The store completes records one durable write at a time; in bulk, SQL is the way. The
    // triggers keep the search index in step exactly as for the store's own writes.
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(
        "UPDATE attempts SET status = 'created',
             connection_id = printf('%08x-%04x-4%03x-a%03x-%012x', id * 2654435761 % 4294967296,
                 id % 65536, id % 4096, (id * 7) % 4096, id * 40503),
             etag = printf('\"%08x-0000-0200-0000-%012x\"', id, id * 31),
             request_id = printf('req-%010d', id), finished_at_ms = started_at_ms + 850
             WHERE id % 20 < 16;
         UPDATE attempts SET status = 'failed', http_status = 400, error_code = 'CONNECTOR-1001-400',
             error_message = printf('Bad request: the bucket bucket-%05d could not be reached (%d)', id - 1, id % 7),
             request_id = printf('req-%010d', id), finished_at_ms = started_at_ms + 420
             WHERE id % 20 BETWEEN 16 AND 18;",
    )
    .unwrap();
    tx.commit().unwrap();
}

/// How many records a benchmark's history holds: `AEP_BENCH_ROWS`, else 100,000 under
/// `cargo bench`, else 1,000 (`cargo test --all-targets` runs benchmarks once without `--bench`,
/// as a smoke test that they still work, not to measure).
pub fn bench_rows() -> usize {
    let measuring = std::env::args().any(|a| a == "--bench");
    std::env::var("AEP_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if measuring { 100_000 } else { 1_000 })
}
