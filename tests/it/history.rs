//! The history store against real SQLite files in a temporary directory.

// A failed unwrap is a failed test; clippy's test exemption does not reach helper functions.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use aep_s3_connect::store::history::{
    Attempt, AttemptId, AttemptStatus, CreatedOutcome, FailedOutcome, HistoryError, HistoryOrder,
    HistoryQuery, HistoryStore, NewAttempt,
};

use crate::common::history::sample;
use aep_s3_connect::model::EpochMs;

/// A fresh database file in its own temporary directory (kept alive by the returned guard).
fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("history.sqlite3");
    (dir, path)
}

fn open(path: &Path) -> HistoryStore {
    let (store, notice) = HistoryStore::open(path).unwrap();
    assert_eq!(
        notice, None,
        "a healthy database must open without a notice"
    );
    store
}

fn all(store: &HistoryStore) -> Vec<Attempt> {
    store.search(&HistoryQuery::default()).unwrap()
}

fn names(attempts: &[Attempt]) -> Vec<String> {
    attempts.iter().map(|a| a.name.clone()).collect()
}

fn search_for(text: &str) -> HistoryQuery {
    HistoryQuery {
        search: Some(text.into()),
        ..HistoryQuery::default()
    }
}

/// Asserts that `attempt` holds exactly the fields of `new`.
fn assert_same_request(attempt: &Attempt, new: &NewAttempt) {
    let back = NewAttempt {
        profile: attempt.profile.clone(),
        org_id: attempt.org_id.clone(),
        sandbox: attempt.sandbox.clone(),
        platform_url: attempt.platform_url.clone(),
        name: attempt.name.clone(),
        description: attempt.description.clone(),
        access_key_id: attempt.access_key_id.clone(),
        bucket_name: attempt.bucket_name.clone(),
        folder_path: attempt.folder_path.clone(),
        service_url: attempt.service_url.clone(),
        has_session_token: attempt.has_session_token,
        request_body_redacted: attempt.request_body_redacted.clone(),
        started_at_ms: attempt.started_at_ms,
    };
    assert_eq!(&back, new);
}

#[test]
fn pending_then_created_round_trips_every_field() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    assert_eq!(store.path(), Some(path.as_path()));
    let new = sample(1);
    let id = store.insert_pending(&new).unwrap();

    let pending = store.get(id).unwrap().unwrap();
    assert_eq!(pending.id, id);
    assert_eq!(pending.status, AttemptStatus::Pending);
    assert_same_request(&pending, &new);
    assert_eq!(pending.connection_id, None);
    assert_eq!(pending.finished_at_ms, None);
    assert_eq!(pending.duration_ms, None);

    let outcome = CreatedOutcome {
        connection_id: "d8a68c6e-0a5e-4c3e-a68c-6e0a5e8c3e1f".into(),
        etag: "\"0a00d2c4-0000-0200-0000-65a0e1e10000\"".into(),
        request_id: Some("req-123".into()),
        finished_at_ms: new.started_at_ms.plus_ms(250),
        reconciled: true,
    };
    store.complete_created(id, &outcome).unwrap();
    let done = store.get(id).unwrap().unwrap();
    assert_eq!(done.status, AttemptStatus::Created);
    assert_same_request(&done, &new);
    assert_eq!(
        done.connection_id.as_deref(),
        Some(outcome.connection_id.as_str())
    );
    assert_eq!(done.etag.as_deref(), Some(outcome.etag.as_str()));
    assert_eq!(done.request_id.as_deref(), Some("req-123"));
    assert_eq!(done.finished_at_ms, Some(outcome.finished_at_ms));
    assert_eq!(done.duration_ms, Some(250));
    assert!(done.reconciled);
    assert_eq!(
        (
            done.http_status,
            done.error_code.as_ref(),
            done.error_message.as_ref()
        ),
        (None, None, None)
    );
}

#[test]
fn pending_then_failed_round_trips_every_field() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let new = NewAttempt {
        description: None,
        bucket_name: None,
        folder_path: None,
        service_url: None,
        ..sample(2)
    };
    let id = store.insert_pending(&new).unwrap();
    let outcome = FailedOutcome {
        http_status: Some(409),
        error_code: Some("FLOW-1234".into()),
        message: "A connection with this name already exists".into(),
        request_id: Some("req-409".into()),
        finished_at_ms: new.started_at_ms.plus_ms(75),
    };
    store.complete_failed(id, &outcome).unwrap();
    let done = store.get(id).unwrap().unwrap();
    assert_eq!(done.status, AttemptStatus::Failed);
    assert_same_request(&done, &new);
    assert_eq!(done.http_status, Some(409));
    assert_eq!(done.error_code.as_deref(), Some("FLOW-1234"));
    assert_eq!(
        done.error_message.as_deref(),
        Some(outcome.message.as_str())
    );
    assert_eq!(done.request_id.as_deref(), Some("req-409"));
    assert_eq!(done.finished_at_ms, Some(new.started_at_ms.plus_ms(75)));
    assert_eq!(done.duration_ms, Some(75));
    assert_eq!((done.connection_id, done.etag), (None, None));
    assert!(!done.reconciled);
}

#[test]
fn a_late_failure_never_overwrites_a_created_connection() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let id = store.insert_pending(&sample(3)).unwrap();
    let timeout = FailedOutcome {
        message: "timed out".into(),
        finished_at_ms: EpochMs(5),
        ..FailedOutcome::default()
    };
    store.complete_failed(id, &timeout).unwrap();
    // Reconciliation finds the connection after all: created wins over the earlier failure.
    let found = CreatedOutcome {
        connection_id: "conn-1".into(),
        etag: "e1".into(),
        finished_at_ms: EpochMs(9),
        reconciled: true,
        ..CreatedOutcome::default()
    };
    store.complete_created(id, &found).unwrap();
    // A failure reported after that must not erase the connection ID.
    let err = store.complete_failed(id, &timeout).unwrap_err();
    assert!(
        matches!(err, HistoryError::AlreadyCreated(got) if got == id),
        "{err:?}"
    );
    let record = store.get(id).unwrap().unwrap();
    assert_eq!(record.status, AttemptStatus::Created);
    assert_eq!(record.connection_id.as_deref(), Some("conn-1"));
    assert_eq!(record.error_message, None);
}

#[test]
fn pending_lists_only_unfinished_attempts_oldest_first() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let ids: Vec<AttemptId> = (0..5)
        .map(|i| store.insert_pending(&sample(i)).unwrap())
        .collect();
    store
        .complete_created(
            ids[1],
            &CreatedOutcome {
                connection_id: "c".into(),
                ..CreatedOutcome::default()
            },
        )
        .unwrap();
    store
        .complete_failed(ids[3], &FailedOutcome::default())
        .unwrap();
    let pending: Vec<AttemptId> = store.pending().unwrap().iter().map(|a| a.id).collect();
    assert_eq!(pending, vec![ids[0], ids[2], ids[4]]);
}

#[test]
fn search_finds_each_searchable_field_case_insensitively() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    store
        .insert_many(&(0..50).map(sample).collect::<Vec<_>>())
        .unwrap();
    let target = store
        .insert_pending(&NewAttempt {
            name: "Nightly Orders Feed".into(),
            description: Some("from the warehouse team".into()),
            bucket_name: Some("acme-exports-eu".into()),
            sandbox: "marketing-dev".into(),
            org_id: "ZYXWV@AdobeOrg".into(),
            access_key_id: "AKIAQQQQTARGET".into(),
            ..sample(100)
        })
        .unwrap();
    store
        .complete_failed(
            target,
            &FailedOutcome {
                message: "Bucket policy denies s3:ListBucket".into(),
                request_id: Some("rq-7f3e91".into()),
                ..FailedOutcome::default()
            },
        )
        .unwrap();
    let created = store.insert_pending(&sample(101)).unwrap();
    store
        .complete_created(
            created,
            &CreatedOutcome {
                connection_id: "6f1c2d3e-feed-beef-0000-abcdef123456".into(),
                etag: "e".into(),
                ..CreatedOutcome::default()
            },
        )
        .unwrap();

    let cases = [
        ("orders feed", target),    // name
        ("WAREHOUSE", target),      // description
        ("exports-EU", target),     // bucket_name
        ("marketing-d", target),    // sandbox
        ("zyxwv@", target),         // org_id
        ("qqqqtarget", target),     // access_key_id
        ("denies S3:list", target), // error_message
        ("RQ-7F3E", target),        // request_id
        ("FEED-BEEF", created),     // connection_id
    ];
    for (text, expected) in cases {
        let found: Vec<AttemptId> = store
            .search(&search_for(text))
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(found, vec![expected], "search {text:?}");
        assert_eq!(store.count(&search_for(text)).unwrap(), 1, "count {text:?}");
    }

    // Two characters are below the trigram index's reach and take the LIKE path; still a substring.
    assert_eq!(store.count(&search_for("Zy")).unwrap(), 1);
    // LIKE wildcards and FTS operators are plain text.
    assert_eq!(store.count(&search_for("%")).unwrap(), 0);
    assert_eq!(store.count(&search_for("_")).unwrap(), 0);
    assert_eq!(store.count(&search_for("Orders OR Feed")).unwrap(), 0);
    assert_eq!(store.count(&search_for("\"Nightly")).unwrap(), 0);
    // The redacted request body and the folder path are not searched.
    assert_eq!(store.count(&search_for("redacted")).unwrap(), 0);
    assert_eq!(store.count(&search_for("in/1")).unwrap(), 0);
    // Blank search means no search.
    assert_eq!(store.count(&search_for("  ")).unwrap(), 52);
    // Every sample has "Connection" in its name; the substring matches inside words too.
    assert_eq!(store.count(&search_for("nnectio")).unwrap(), 51);
}

#[test]
fn filters_combine_with_search() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    store
        .insert_many(&(0..24).map(sample).collect::<Vec<_>>())
        .unwrap();
    // Fail a scattering of attempts so the status filter has something to separate.
    for attempt in all(&store) {
        if attempt.name.ends_with('0') || attempt.name.ends_with('3') || attempt.name.ends_with('6')
        {
            store
                .complete_failed(attempt.id, &FailedOutcome::default())
                .unwrap();
        }
    }
    let failed = HistoryQuery {
        status: Some(AttemptStatus::Failed),
        ..HistoryQuery::default()
    };
    let failed_count = store.count(&failed).unwrap();
    assert_eq!(failed_count, store.search(&failed).unwrap().len());
    assert!(
        store
            .search(&failed)
            .unwrap()
            .iter()
            .all(|a| a.status == AttemptStatus::Failed)
    );

    let sandbox = HistoryQuery {
        sandbox: Some("sandbox-1".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(store.count(&sandbox).unwrap(), 6);
    assert!(
        store
            .search(&sandbox)
            .unwrap()
            .iter()
            .all(|a| a.sandbox == "sandbox-1")
    );

    let profile = HistoryQuery {
        profile: Some("profile-2".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(store.count(&profile).unwrap(), 8);

    // profile-0 is i % 3 == 0, sandbox-0 is i % 4 == 0: i in {0, 12}; "00012" narrows to one.
    let both = HistoryQuery {
        profile: Some("profile-0".into()),
        sandbox: Some("sandbox-0".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(
        names(&store.search(&both).unwrap()),
        ["Connection 00012", "Connection 00000"]
    );
    let narrowed = HistoryQuery {
        search: Some("00012".into()),
        ..both.clone()
    };
    assert_eq!(
        names(&store.search(&narrowed).unwrap()),
        ["Connection 00012"]
    );
    let nothing = HistoryQuery {
        status: Some(AttemptStatus::Created),
        ..both
    };
    assert_eq!(store.count(&nothing).unwrap(), 0);
    // Filters are exact, not substrings.
    let partial = HistoryQuery {
        sandbox: Some("sandbox".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(store.count(&partial).unwrap(), 0);
}

#[test]
fn every_order_sorts_as_documented_and_desc_reverses_asc() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let rows = [
        // (name, sandbox, started_at_ms)
        ("bravo", "prod", 30),
        ("Alpha", "dev", 10),
        ("charlie", "dev", 20),
        ("alpha", "stage", 40),
        ("Delta", "prod", 20),
    ];
    let mut ids = Vec::new();
    for (name, sandbox, started_at_ms) in rows {
        ids.push(
            store
                .insert_pending(&NewAttempt {
                    name: name.into(),
                    sandbox: sandbox.into(),
                    started_at_ms: EpochMs(started_at_ms),
                    ..NewAttempt::default()
                })
                .unwrap(),
        );
    }
    store
        .complete_created(ids[0], &CreatedOutcome::default())
        .unwrap();
    store
        .complete_failed(ids[2], &FailedOutcome::default())
        .unwrap();
    let ordered = |order| {
        names(
            &store
                .search(&HistoryQuery {
                    order,
                    ..HistoryQuery::default()
                })
                .unwrap(),
        )
    };
    // Equal times tie-break on id: Delta (inserted later) is newer than charlie.
    assert_eq!(
        ordered(HistoryOrder::NewestFirst),
        ["alpha", "bravo", "Delta", "charlie", "Alpha"]
    );
    assert_eq!(
        ordered(HistoryOrder::OldestFirst),
        ["Alpha", "charlie", "Delta", "bravo", "alpha"]
    );
    // Names compare without case; equal names come newest first.
    assert_eq!(
        ordered(HistoryOrder::NameAsc),
        ["alpha", "Alpha", "bravo", "charlie", "Delta"]
    );
    assert_eq!(
        ordered(HistoryOrder::SandboxAsc),
        ["charlie", "Alpha", "bravo", "Delta", "alpha"]
    );
    // created < failed < pending.
    assert_eq!(
        ordered(HistoryOrder::StatusAsc),
        ["bravo", "charlie", "alpha", "Delta", "Alpha"]
    );
    for (asc, desc) in [
        (HistoryOrder::NewestFirst, HistoryOrder::OldestFirst),
        (HistoryOrder::NameAsc, HistoryOrder::NameDesc),
        (HistoryOrder::SandboxAsc, HistoryOrder::SandboxDesc),
        (HistoryOrder::StatusAsc, HistoryOrder::StatusDesc),
    ] {
        let mut reversed = ordered(asc);
        reversed.reverse();
        assert_eq!(ordered(desc), reversed, "{desc:?} should reverse {asc:?}");
    }
}

#[test]
fn the_name_sort_is_natural_across_pages_and_reopens() {
    // Regression guard: "test 10" came before "test 2". Names as people write them:
    // numbered without zero padding, in mixed case, inserted in a shuffled order.
    let (_dir, path) = temp_db();
    let store = open(&path);
    let mut batch: Vec<NewAttempt> = (1..=120)
        .map(|n| NewAttempt {
            name: if n % 2 == 0 {
                format!("Test {n}")
            } else {
                format!("test {n}")
            },
            started_at_ms: EpochMs((n * 7919) % 1000),
            ..sample(usize::try_from(n).unwrap())
        })
        .collect();
    batch.push(NewAttempt {
        name: "test".into(),
        ..sample(0)
    });
    store.insert_many(&batch).unwrap();
    let mut expected: Vec<String> = std::iter::once("test".to_owned())
        .chain((1..=120).map(|n| {
            if n % 2 == 0 {
                format!("Test {n}")
            } else {
                format!("test {n}")
            }
        }))
        .collect();
    let pages = |store: &HistoryStore, order| {
        let mut paged = Vec::new();
        for offset in (0..121).step_by(25) {
            paged.extend(names(
                &store
                    .search(&HistoryQuery {
                        order,
                        limit: Some(25),
                        offset,
                        ..HistoryQuery::default()
                    })
                    .unwrap(),
            ));
        }
        paged
    };
    assert_eq!(pages(&store, HistoryOrder::NameAsc), expected);
    // A search and a filter keep the natural order.
    let found = store
        .search(&HistoryQuery {
            order: HistoryOrder::NameAsc,
            ..search_for("test 1")
        })
        .unwrap();
    assert_eq!(
        names(&found)[..4],
        ["test 1", "Test 10", "test 11", "Test 12"]
    );
    drop(store);
    let store = open(&path);
    expected.reverse();
    assert_eq!(pages(&store, HistoryOrder::NameDesc), expected);
    // Paging stays an index walk, not a sort of every row.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM attempts \
             ORDER BY name_sort ASC, started_at_ms DESC, id DESC LIMIT 25 OFFSET 50",
        )
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter().any(|p| p.contains("attempts_name_sort"))
            && !plan.iter().any(|p| p.contains("TEMP B-TREE")),
        "{plan:?}"
    );
}

#[test]
fn facets_are_the_profiles_and_sandboxes_in_the_history() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    // sample() spreads records over profile-0..2 and sandbox-0..3.
    store
        .insert_many(&(0..1_000).map(sample).collect::<Vec<_>>())
        .unwrap();
    let id = store
        .insert_pending(&NewAttempt {
            profile: "profile-10".into(),
            sandbox: "sandbox-10".into(),
            ..sample(1_000)
        })
        .unwrap();
    let facets = store.facets().unwrap();
    assert_eq!(
        facets.profiles,
        ["profile-0", "profile-1", "profile-2", "profile-10"]
    );
    assert_eq!(
        facets.sandboxes,
        [
            "sandbox-0",
            "sandbox-1",
            "sandbox-2",
            "sandbox-3",
            "sandbox-10"
        ]
    );
    // The last record of a profile and sandbox gone: they are no longer offered.
    store.delete(id).unwrap();
    let facets = store.facets().unwrap();
    assert!(!facets.profiles.contains(&"profile-10".to_owned()));
    assert!(!facets.sandboxes.contains(&"sandbox-10".to_owned()));
}

#[test]
fn limit_and_offset_page_through_results() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    store
        .insert_many(&(0..25).map(sample).collect::<Vec<_>>())
        .unwrap();
    let everything = names(&all(&store));
    assert_eq!(everything.len(), 25);
    let mut paged = Vec::new();
    for offset in (0..30).step_by(10) {
        let page = store
            .search(&HistoryQuery {
                limit: Some(10),
                offset,
                ..HistoryQuery::default()
            })
            .unwrap();
        assert!(page.len() <= 10);
        paged.extend(names(&page));
    }
    assert_eq!(paged, everything);
    let limited = HistoryQuery {
        search: Some("connection".into()),
        limit: Some(3),
        offset: 20,
        ..HistoryQuery::default()
    };
    assert_eq!(store.search(&limited).unwrap().len(), 3);
    assert_eq!(
        store.count(&limited).unwrap(),
        25,
        "count ignores limit and offset"
    );
    let past_the_end = HistoryQuery {
        offset: 25,
        ..HistoryQuery::default()
    };
    assert!(store.search(&past_the_end).unwrap().is_empty());
    let zero = HistoryQuery {
        limit: Some(0),
        ..HistoryQuery::default()
    };
    assert!(store.search(&zero).unwrap().is_empty());
}

#[test]
fn ten_thousand_records_are_all_found() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let batch: Vec<NewAttempt> = (0..10_000).map(sample).collect();
    store.insert_many(&batch).unwrap();
    assert_eq!(store.count(&HistoryQuery::default()).unwrap(), 10_000);
    assert_eq!(store.pending().unwrap().len(), 10_000);
    // One exact record by its access key ID, through the trigram index.
    let one = store
        .search(&search_for("akia0000000000000000 4321"))
        .unwrap();
    assert!(one.is_empty());
    let one = store.search(&search_for("AKIA0000000000004321")).unwrap();
    assert_eq!(names(&one), ["Connection 04321"]);
    // "Connection 012" prefixes 01200..01299: 100 records.
    assert_eq!(store.count(&search_for("connection 012")).unwrap(), 100);
    // A text in every record (a broad search, planned differently from a rare one).
    assert_eq!(store.count(&search_for("CONNECTION")).unwrap(), 10_000);
    let broad = store
        .search(&HistoryQuery {
            limit: Some(3),
            offset: 1,
            order: HistoryOrder::NameAsc,
            ..search_for("onnecti")
        })
        .unwrap();
    assert_eq!(
        names(&broad),
        ["Connection 00001", "Connection 00002", "Connection 00003"]
    );
    // "Connection 0" is in 10,000 names but also narrowed by a filter.
    let failed_broad = HistoryQuery {
        status: Some(AttemptStatus::Failed),
        ..search_for("connection 0")
    };
    assert_eq!(store.count(&failed_broad).unwrap(), 0);
    // Every 4th record is in sandbox-3.
    let sandbox = HistoryQuery {
        sandbox: Some("sandbox-3".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(store.count(&sandbox).unwrap(), 2_500);
    let page = store
        .search(&HistoryQuery {
            limit: Some(50),
            order: HistoryOrder::NameDesc,
            ..sandbox
        })
        .unwrap();
    assert_eq!(page.len(), 50);
    assert_eq!(page[0].name, "Connection 09999");
    // The data survives a reopen.
    drop(store);
    let store = open(&path);
    assert_eq!(store.count(&search_for("bucket-0999")).unwrap(), 10);
}

#[test]
fn a_garbage_file_is_moved_aside_with_its_bytes_intact() {
    let (dir, path) = temp_db();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let garbage = b"this is not a database, but it is the user's file\n".repeat(100);
    fs::write(&path, &garbage).unwrap();

    let (store, notice) = HistoryStore::open(&path).unwrap();
    let notice = notice.expect("moving the file aside must be reported");
    assert_eq!(fs::read(&notice.moved_to).unwrap(), garbage);
    assert_eq!(notice.moved_to.parent(), path.parent());
    let moved_name = notice
        .moved_to
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        moved_name.starts_with("history.sqlite3.corrupt-"),
        "{moved_name}"
    );
    assert!(
        notice
            .message
            .contains(&notice.moved_to.display().to_string()),
        "{}",
        notice.message
    );
    assert!(
        notice.message.contains(&path.display().to_string()),
        "{}",
        notice.message
    );
    // The fresh database works and the next open is quiet.
    store.insert_pending(&sample(1)).unwrap();
    drop(store);
    let store = open(&path);
    assert_eq!(all(&store).len(), 1);
    assert_eq!(fs::read(&notice.moved_to).unwrap(), garbage);
    drop(dir);
}

#[test]
fn a_truncated_database_is_moved_aside_with_its_bytes_intact() {
    let (_dir, path) = temp_db();
    {
        let store = open(&path);
        store
            .insert_many(&(0..3_000).map(sample).collect::<Vec<_>>())
            .unwrap();
    } // closing the last connection checkpoints the WAL into the main file
    let full = fs::read(&path).unwrap();
    let truncated = &full[..full.len() / 2];
    fs::write(&path, truncated).unwrap();

    let (store, notice) = HistoryStore::open(&path).unwrap();
    let notice = notice.expect("a truncated database must be moved aside");
    assert_eq!(fs::read(&notice.moved_to).unwrap(), truncated);
    assert!(all(&store).is_empty());
}

#[test]
fn a_database_with_a_damaged_page_is_moved_aside() {
    // Page 1 and the schema are intact, so only the integrity check can notice.
    let (_dir, path) = temp_db();
    {
        let store = open(&path);
        store
            .insert_many(&(0..3_000).map(sample).collect::<Vec<_>>())
            .unwrap();
    }
    let mut bytes = fs::read(&path).unwrap();
    let page = 4096;
    let middle = bytes.len() / page / 2 * page;
    bytes[middle..middle + page].fill(0xAB);
    fs::write(&path, &bytes).unwrap();

    let (store, notice) = HistoryStore::open(&path).unwrap();
    let notice = notice.expect("a damaged database must be moved aside");
    assert!(
        notice.message.contains("integrity check"),
        "{}",
        notice.message
    );
    assert_eq!(fs::read(&notice.moved_to).unwrap(), bytes);
    assert!(all(&store).is_empty());
}

#[test]
fn another_programs_database_is_moved_aside_not_altered() {
    let (_dir, path) = temp_db();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');")
            .unwrap();
    }
    let before = fs::read(&path).unwrap();
    let (_store, notice) = HistoryStore::open(&path).unwrap();
    let notice = notice.expect("a foreign database must be moved aside");
    assert_eq!(fs::read(&notice.moved_to).unwrap(), before);
    let old = rusqlite::Connection::open(&notice.moved_to).unwrap();
    let body: String = old
        .query_row("SELECT body FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(body, "keep me");
}

#[test]
fn a_schema_that_does_not_match_its_version_is_moved_aside() {
    // Our file, but its version says 1 while it holds version 3's tables: upgrading it fails on
    // "index already exists". That is a foreign schema, not a passing failure.
    let (_dir, path) = temp_db();
    {
        let store = open(&path);
        store.insert_pending(&sample(1)).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let before = fs::read(&path).unwrap();
    let (store, notice) = HistoryStore::open(&path).unwrap();
    let notice = notice.expect("a mismatched schema must be moved aside");
    assert!(
        notice.message.contains("upgrade step 2"),
        "{}",
        notice.message
    );
    assert_eq!(fs::read(&notice.moved_to).unwrap(), before);
    assert!(all(&store).is_empty());
}

#[test]
fn an_empty_file_becomes_a_fresh_database_quietly() {
    let (_dir, path) = temp_db();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"").unwrap();
    let store = open(&path);
    store.insert_pending(&sample(1)).unwrap();
    assert_eq!(all(&store).len(), 1);
}

#[test]
fn a_database_from_a_newer_build_is_refused_and_left_untouched() {
    let (_dir, path) = temp_db();
    {
        let store = open(&path);
        store.insert_pending(&sample(1)).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = fs::read(&path).unwrap();
    let files_before = dir_listing(path.parent().unwrap());

    let err = HistoryStore::open(&path).unwrap_err();
    assert!(
        matches!(err, HistoryError::TooNew { found: 999, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("Upgrade aep-s3-connect"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert_eq!(fs::read(&path).unwrap(), before, "the file must not change");
    assert_eq!(
        dir_listing(path.parent().unwrap()),
        files_before,
        "nothing moved aside"
    );
}

fn dir_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn two_stores_writing_at_once_lose_nothing() {
    let (_dir, path) = temp_db();
    drop(open(&path)); // create and migrate first, as the app does at start
    let start = Arc::new(Barrier::new(2));
    let writers: Vec<_> = (0..2)
        .map(|writer| {
            let path = path.clone();
            let start = Arc::clone(&start);
            std::thread::Builder::new()
                .name(format!("history-writer-{writer}"))
                .spawn(move || {
                    let store = open(&path);
                    start.wait();
                    (0..500)
                        .map(|i| {
                            let id = store.insert_pending(&sample(writer * 1000 + i)).unwrap();
                            if i % 5 == 0 {
                                store
                                    .complete_created(
                                        id,
                                        &CreatedOutcome {
                                            connection_id: format!("c-{writer}-{i}"),
                                            ..CreatedOutcome::default()
                                        },
                                    )
                                    .unwrap();
                            }
                            id
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap()
        })
        .collect();
    let mut ids: Vec<AttemptId> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "every insert got its own id");
    let store = open(&path);
    assert_eq!(store.count(&HistoryQuery::default()).unwrap(), 1000);
    let created = HistoryQuery {
        status: Some(AttemptStatus::Created),
        ..HistoryQuery::default()
    };
    assert_eq!(store.count(&created).unwrap(), 200);
    assert_eq!(store.pending().unwrap().len(), 800);
}

#[test]
fn reopening_keeps_data_and_schema() {
    let (_dir, path) = temp_db();
    let id = {
        let store = open(&path);
        store.insert_pending(&sample(7)).unwrap()
    };
    let version_after_first_open = user_version(&path);
    for _ in 0..3 {
        let store = open(&path);
        assert_same_request(&store.get(id).unwrap().unwrap(), &sample(7));
        assert_eq!(store.count(&HistoryQuery::default()).unwrap(), 1);
    }
    assert_eq!(user_version(&path), version_after_first_open);
    assert!(version_after_first_open >= 1);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

fn user_version(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_schema_has_no_place_for_secrets() {
    // Regression guard: secrets live in the keyring only; a column for one must never appear.
    let (_dir, path) = temp_db();
    drop(open(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut statement = conn
        .prepare("SELECT name FROM pragma_table_info('attempts')")
        .unwrap();
    let columns: Vec<String> = statement
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(columns.contains(&"access_key_id".to_owned()));
    for column in &columns {
        assert!(!column.contains("secret"), "{column}");
        assert!(
            !column.contains("token") || column == "has_session_token",
            "{column}"
        );
        assert!(!column.contains("password"), "{column}");
    }
}

#[test]
fn delete_then_restore_brings_the_same_record_back() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let keep = store.insert_pending(&sample(1)).unwrap();
    let id = store.insert_pending(&sample(2)).unwrap();
    store
        .complete_failed(
            id,
            &FailedOutcome {
                http_status: Some(500),
                message: "server error".into(),
                finished_at_ms: sample(2).started_at_ms.plus_ms(10),
                ..FailedOutcome::default()
            },
        )
        .unwrap();
    let record = store.get(id).unwrap().unwrap();

    store.delete(id).unwrap();
    assert_eq!(store.get(id).unwrap(), None);
    assert_eq!(store.count(&search_for("server error")).unwrap(), 0);
    assert!(matches!(store.delete(id), Err(HistoryError::NotFound(_))));
    // A record written after the delete never takes the deleted ID, so undo always fits.
    let later = store.insert_pending(&sample(3)).unwrap();
    assert!(later.0 > id.0);

    store.restore(&record).unwrap();
    assert_eq!(store.get(id).unwrap(), Some(record.clone()));
    let found = store.search(&search_for("server error")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0], record);
    assert!(matches!(
        store.restore(&record),
        Err(HistoryError::AlreadyExists(got)) if got == id
    ));
    assert!(store.get(keep).unwrap().is_some());
}

#[test]
fn insert_many_accepts_an_empty_batch() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    store.insert_many(&[]).unwrap();
    assert_eq!(store.count(&HistoryQuery::default()).unwrap(), 0);
    store
        .insert_many(&(0..3).map(sample).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(store.count(&HistoryQuery::default()).unwrap(), 3);
}

#[test]
fn open_creates_missing_folders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("a")
        .join("b")
        .join("c")
        .join("history.sqlite3");
    let store = open(&path);
    store.insert_pending(&sample(0)).unwrap();
    assert!(path.is_file());
}

/// What a search must find, worked out the slow, obvious way: every record whose search columns
/// contain `text` (trimmed) with ASCII case folded (LIKE's rule), newest first.
fn found_by_hand(every: &[Attempt], text: &str) -> Vec<AttemptId> {
    let text = text.trim().to_ascii_lowercase();
    every
        .iter()
        .filter(|a| {
            [
                Some(&a.name),
                a.description.as_ref(),
                a.connection_id.as_ref(),
                a.bucket_name.as_ref(),
                Some(&a.sandbox),
                Some(&a.org_id),
                Some(&a.access_key_id),
                a.error_message.as_ref(),
                a.request_id.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|column| column.to_ascii_lowercase().contains(&text))
        })
        .map(|a| a.id)
        .collect()
}

fn ids(attempts: &[Attempt]) -> Vec<AttemptId> {
    attempts.iter().map(|a| a.id).collect()
}

/// `query` finds exactly `expected`, in that order, and counts as many.
fn assert_finds(store: &HistoryStore, query: &HistoryQuery, expected: &[AttemptId]) {
    let found = ids(&store.search(query).unwrap());
    let what = &query.search;
    assert!(
        found == expected,
        "{what:?}: {} found, {} expected",
        found.len(),
        expected.len()
    );
    assert_eq!(store.count(query).unwrap(), expected.len(), "{what:?}");
}

#[test]
fn every_kind_of_search_finds_exactly_what_like_would() {
    // Regression guard for the search plans (trigram index, in-memory text fetched by ID or
    // walked in order): short, rare, common and absent terms all find the same rows as a plain
    // substring test, in the same order, with the same count, page by page.
    let (_dir, path) = temp_db();
    crate::common::history::fill(&path, 3_000);
    let store = open(&path);
    let every = all(&store);
    assert_eq!(every.len(), 3_000);
    for text in [
        "c",
        "C",
        "7",
        "-",
        "co",
        "zz",
        "0 ",
        "n 0",
        "e-1",
        "connection",
        "connection 0",
        "connection 00",
        "connection 001",
        "AKIA0000000000002999",
        "bucket-0",
        "req-",
        "could",
        "CONNECTOR-1001",
        "%",
        "a_b",
        "ä",
        "Ärger",
    ] {
        let expected = found_by_hand(&every, text);
        let query = search_for(text);
        assert_finds(&store, &query, &expected);
        let second_page = store
            .search(&HistoryQuery {
                limit: Some(200),
                offset: 200,
                ..query
            })
            .unwrap();
        let tail: Vec<_> = expected.iter().skip(200).take(200).copied().collect();
        assert_eq!(ids(&second_page), tail, "{text:?}, second page");
    }
    // With a filter and another order too.
    let failed: Vec<Attempt> = every
        .iter()
        .filter(|a| a.status == AttemptStatus::Failed && a.sandbox == "sandbox-1")
        .cloned()
        .collect();
    for text in ["c", "0", "zz", "could", "bucket-00"] {
        let query = HistoryQuery {
            status: Some(AttemptStatus::Failed),
            sandbox: Some("sandbox-1".into()),
            order: HistoryOrder::OldestFirst,
            ..search_for(text)
        };
        let mut expected = found_by_hand(&failed, text);
        expected.reverse();
        assert_finds(&store, &query, &expected);
    }
}

#[test]
fn a_search_sees_every_write_by_this_store_and_by_another_process() {
    // The short-term search keeps the history's text in memory: it must never answer from a
    // copy older than the database.
    let (_dir, path) = temp_db();
    let mine = open(&path);
    let theirs = open(&path);
    let zz = search_for("zz");
    assert_eq!(mine.count(&zz).unwrap(), 0);
    let id = mine
        .insert_pending(&NewAttempt {
            name: "Fizz".into(),
            ..sample(1)
        })
        .unwrap();
    assert_eq!(mine.count(&zz).unwrap(), 1, "this store's insert");
    theirs
        .insert_pending(&NewAttempt {
            name: "Buzz".into(),
            ..sample(2)
        })
        .unwrap();
    assert_eq!(mine.count(&zz).unwrap(), 2, "another connection's insert");
    mine.complete_failed(
        id,
        &FailedOutcome {
            message: "quota exceeded".into(),
            finished_at_ms: EpochMs(1),
            ..FailedOutcome::default()
        },
    )
    .unwrap();
    assert_eq!(mine.count(&search_for("qu")).unwrap(), 1, "an update");
    let failed = HistoryQuery {
        status: Some(AttemptStatus::Failed),
        ..zz.clone()
    };
    assert_eq!(names(&mine.search(&failed).unwrap()), ["Fizz"]);
    let removed = mine.get(id).unwrap().unwrap();
    theirs.delete(id).unwrap();
    assert_eq!(names(&mine.search(&zz).unwrap()), ["Buzz"], "a delete");
    mine.restore(&removed).unwrap();
    assert_eq!(mine.count(&zz).unwrap(), 2, "a restore");
}

/// The journal mode of the file, read without changing it.
fn journal_mode(path: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

/// Regression: `history` on a read-only data folder failed, because opening always
/// set up and migrated the file. The read-only open reads every record and writes nothing.
#[test]
fn read_only_open_reads_every_record_and_writes_nothing() {
    let (_dir, path) = temp_db();
    {
        let store = open(&path);
        for i in 0..3 {
            store.insert_pending(&sample(i)).unwrap();
        }
        assert!(!store.is_read_only());
    }
    let before = fs::read(&path).unwrap();
    let files_before = dir_listing(path.parent().unwrap());

    {
        let (store, note) = HistoryStore::open_read_only(&path).unwrap();
        assert_eq!(
            note, None,
            "nothing can be missing: no writer left a WAL behind"
        );
        assert!(store.is_read_only());
        assert_eq!(all(&store).len(), 3);
        assert_eq!(store.pending().unwrap().len(), 3);
        assert_eq!(
            names(&store.search(&search_for("connection 00001")).unwrap()),
            ["Connection 00001"]
        );
        assert_eq!(store.count(&search_for("bucket-0000")).unwrap(), 3);
        let refused = store.insert_pending(&sample(9)).unwrap_err();
        assert!(
            refused.to_string().contains(&path.display().to_string()),
            "{refused}"
        );
    }
    assert_eq!(fs::read(&path).unwrap(), before, "the file must not change");
    assert_eq!(dir_listing(path.parent().unwrap()), files_before);
}

/// Regression: reading read-only must not upgrade an older file nor switch it to WAL,
/// and a newer file is still refused as such.
#[test]
fn read_only_open_never_migrates_nor_switches_the_journal() {
    let (_dir, path) = temp_db();
    drop(open(&path));
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "delete", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
    }
    let before = fs::read(&path).unwrap();
    drop(HistoryStore::open_read_only(&path).unwrap());
    assert_eq!(journal_mode(&path), "delete", "not switched to WAL");
    assert_eq!(fs::read(&path).unwrap(), before);

    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 3)
        .unwrap();
    let before = fs::read(&path).unwrap();
    let err = HistoryStore::open_read_only(&path).unwrap_err();
    assert!(
        matches!(&err, HistoryError::Unusable { reason, .. } if reason.contains("upgraded")),
        "{err:?}"
    );
    assert!(err.to_string().contains("write access"), "{err}");
    assert_eq!(user_version(&path), 3, "not migrated");
    assert_eq!(fs::read(&path).unwrap(), before);

    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let err = HistoryStore::open_read_only(&path).unwrap_err();
    assert!(
        matches!(err, HistoryError::TooNew { found: 999, .. }),
        "{err:?}"
    );

    let foreign = path.with_file_name("other.sqlite3");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let err = HistoryStore::open_read_only(&foreign).unwrap_err();
    assert!(
        err.to_string().contains("not an aep-s3-connect history"),
        "{err}"
    );
    let err = HistoryStore::open_read_only(&path.with_file_name("none.sqlite3")).unwrap_err();
    assert!(matches!(err, HistoryError::Open { .. }), "{err:?}");
    assert!(
        !path.with_file_name("none.sqlite3").exists(),
        "nothing created"
    );
}

/// The read-only open sees what a writer still has open has written (its records are in the
/// `-wal` file, not yet in the database file).
#[test]
fn read_only_open_sees_a_running_writers_records() {
    let (_dir, path) = temp_db();
    let writer = open(&path);
    writer.insert_pending(&sample(1)).unwrap();
    writer.insert_pending(&sample(2)).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    assert!(
        fs::metadata(&wal).unwrap().len() > 0,
        "the records are in the WAL"
    );
    let (reader, note) = HistoryStore::open_read_only(&path).unwrap();
    assert_eq!(note, None);
    assert_eq!(
        names(&all(&reader)),
        ["Connection 00002", "Connection 00001"]
    );
    writer.insert_pending(&sample(3)).unwrap();
    assert_eq!(all(&reader).len(), 3, "and what it writes later");
}
