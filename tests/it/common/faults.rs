//! The fault matrix: every emulator fault a create can meet and what must come of it. One table,
//! run by a runner per front end: the real binary (tests/faults.rs) and the window
//! (tests/ui_faults.rs). Each case runs on its own [`World`].

use aep_s3_connect::emulator::{Fault, FaultRoute};
use aep_s3_connect::store::config::{Config, Timeouts};
use aep_s3_connect::store::history::{Attempt, AttemptStatus, HistoryQuery, HistoryStore};

use super::World;
use super::cli::{create_posts, wait_until};

/// What a create must end as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exactly one connection exists and the record holds it; `reconciled` when Adobe's answer
    /// was lost and the connection was found by name.
    Created {
        /// Found by name after a lost answer.
        reconciled: bool,
    },
    /// No connection exists and the record says why.
    Failed,
    /// Adobe may still make it: no connection exists yet and the record stays pending (a
    /// timeout is not a failure, since Adobe keeps working after the client gave up).
    Pending,
}

/// One row of the matrix.
pub struct Case {
    /// The test's name (also the connection name, so each row is told apart).
    pub name: &'static str,
    /// Faults injected before the create.
    pub faults: fn() -> Vec<Fault>,
    /// IMS is not listening at all (its URL points at a closed port).
    pub ims_unreachable: bool,
    /// `[timeouts] total_secs` in config.toml.
    pub total_timeout_secs: Option<u64>,
    /// Expire every token once the POST has arrived (it must then be delayed by a fault).
    pub expire_tokens_once_posted: bool,
    /// How it ends.
    pub outcome: Outcome,
    /// The CLI's exit code.
    pub exit: i32,
    /// How many create POSTs reach the emulator.
    pub posts: usize,
    /// The HTTP status the history records for a failure.
    pub http_status: Option<u16>,
    /// Text the user is shown (lowercase; both front ends).
    pub says: &'static [&'static str],
}

const MB: u64 = 1024 * 1024;

fn create() -> Fault {
    Fault::new(FaultRoute::CreateConnection)
}

/// The fault matrix (BENCHMARKS.md, "Fault matrix"). 5xx answers that leave nothing behind are posted again after a lookup
/// (at most `max_retries` = 4 times); a lost answer is never posted again, only looked up.
pub static CASES: &[Case] = &[
    Case {
        name: "throttled_429_three_times_then_created",
        faults: || vec![create().status(429).times(3)],
        posts: 4,
        ..Case::created(false)
    },
    Case {
        name: "server_error_500_every_time_fails",
        faults: || vec![create().status(500).times(0)],
        posts: 5,
        http_status: Some(500),
        says: &["500", "internal server error", "request id"],
        ..Case::failed(4)
    },
    Case {
        name: "proxy_502_html_page_every_time_fails",
        faults: || vec![create().html_body().times(0)],
        posts: 5,
        http_status: Some(502),
        says: &["502", "bad gateway"],
        ..Case::failed(4)
    },
    Case {
        name: "unavailable_503_with_retry_after_then_created",
        faults: || vec![create().status(503).retry_after(1)],
        posts: 2,
        ..Case::created(false)
    },
    Case {
        name: "processed_then_dropped_is_found_by_name",
        faults: || vec![create().process_then_drop()],
        ..Case::created(true)
    },
    Case {
        name: "slower_than_the_timeout_stays_pending_without_a_second_post",
        faults: || vec![create().delay_ms(60_000)],
        total_timeout_secs: Some(2),
        says: &[
            "timed out",
            "config.toml",
            "may have been created",
            "history",
        ],
        outcome: Outcome::Pending,
        ..Case::failed(4)
    },
    Case {
        name: "truncated_json_answer_is_found_by_name",
        faults: || vec![create().truncated_json()],
        ..Case::created(true)
    },
    Case {
        name: "fifty_megabyte_answer_is_capped_and_found_by_name",
        faults: || vec![create().huge_body(50 * MB)],
        ..Case::created(true)
    },
    Case {
        name: "ims_answering_503_sends_nothing",
        faults: || vec![Fault::new(FaultRoute::ImsToken).status(503).times(0)],
        posts: 0,
        http_status: Some(503),
        says: &["ims", "nothing was sent", "503"],
        ..Case::failed(4)
    },
    Case {
        name: "ims_unreachable_sends_nothing",
        faults: Vec::new,
        ims_unreachable: true,
        posts: 0,
        says: &["ims", "nothing was sent", "could not connect"],
        ..Case::failed(4)
    },
    Case {
        name: "token_expiring_mid_session_is_renewed_once",
        // Long enough for the test to see the POST and expire the token before it is checked.
        faults: || vec![create().delay_ms(4000)],
        expire_tokens_once_posted: true,
        posts: 2,
        ..Case::created(false)
    },
];

impl Case {
    const fn created(reconciled: bool) -> Case {
        Case {
            name: "",
            faults: Vec::new,
            ims_unreachable: false,
            total_timeout_secs: None,
            expire_tokens_once_posted: false,
            outcome: Outcome::Created { reconciled },
            exit: 0,
            posts: 1,
            http_status: None,
            says: &[],
        }
    }

    const fn failed(exit: i32) -> Case {
        Case {
            outcome: Outcome::Failed,
            exit,
            ..Case::created(false)
        }
    }
}

/// The case called `name`.
pub fn case(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no fault case named {name}"))
}

/// A URL on loopback where nothing listens.
pub fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// Sets the case's timeouts on `config` (both front ends read config.toml).
pub fn apply_timeouts(case: &Case, config: &mut Config) {
    if let Some(total) = case.total_timeout_secs {
        config.timeouts = Timeouts {
            total_secs: total,
            ..config.timeouts.clone()
        };
    }
}

/// Injects the case's faults.
pub fn inject(w: &World, case: &Case) {
    for fault in (case.faults)() {
        w.emu().inject(fault);
    }
}

/// What must happen while the create is in flight (call right after starting it).
pub fn while_in_flight(w: &World, case: &Case) {
    if case.expire_tokens_once_posted {
        wait_until("the create's POST", || create_posts(w.emu()) > 0);
        w.emu().expire_all_tokens();
    }
}

/// Checks the emulator, the history and the message after the create of `case` ended, and
/// returns the history record.
pub fn check(w: &World, case: &Case, message: &str) -> Attempt {
    let name = case.name;
    let remote: Vec<_> = w
        .emu()
        .connections()
        .into_iter()
        .filter(|c| c["name"] == name)
        .collect();
    assert_eq!(
        create_posts(w.emu()),
        case.posts,
        "{name}: create POSTs sent"
    );
    check_message(case, message);
    let record = the_record(w, name);
    check_outcome(case, &record, &remote);
    if case.ims_unreachable || case.posts == 0 {
        let text = record
            .error_message
            .clone()
            .unwrap_or_default()
            .to_lowercase();
        assert!(text.contains("ims"), "{name}: the record names IMS: {text}");
    }
    record
}

/// The message says what the case expects, and shows no internals (a panic, a Rust debug
/// print, a backtrace, a proxy's HTML).
fn check_message(case: &Case, message: &str) {
    let name = case.name;
    let text = message.to_lowercase();
    for part in case.says {
        assert!(
            text.contains(part),
            "{name}: the message lacks {part:?}:\n{message}"
        );
    }
    for bad in [
        "panicked",
        "os {",
        "error {",
        "backtrace",
        "<html",
        "<title",
    ] {
        assert!(
            !text.contains(bad),
            "{name}: the message shows {bad:?}:\n{message}"
        );
    }
}

/// The one history record of the create named `name`.
fn the_record(w: &World, name: &str) -> Attempt {
    let (db, _) = HistoryStore::open(&w.home.path().join("data").join("history.sqlite3")).unwrap();
    let records: Vec<Attempt> = db
        .search(&HistoryQuery::default())
        .unwrap()
        .into_iter()
        .filter(|a| a.name == name)
        .collect();
    assert_eq!(records.len(), 1, "{name}: one history record per attempt");
    records.into_iter().next().unwrap()
}

/// The connections in AEP and the history record agree with how the case must end.
fn check_outcome(case: &Case, record: &Attempt, remote: &[serde_json::Value]) {
    let name = case.name;
    match case.outcome {
        Outcome::Created { reconciled } => {
            assert_eq!(remote.len(), 1, "{name}: exactly one connection exists");
            assert_eq!(record.status, AttemptStatus::Created, "{name}: {record:?}");
            assert_eq!(
                record.connection_id.as_deref(),
                remote[0]["id"].as_str(),
                "{name}: the record holds the connection"
            );
            assert_eq!(record.reconciled, reconciled, "{name}: found by name");
        }
        Outcome::Failed => {
            assert!(
                remote.is_empty(),
                "{name}: no connection exists: {remote:?}"
            );
            assert_eq!(record.status, AttemptStatus::Failed, "{name}: {record:?}");
            assert_eq!(record.connection_id, None, "{name}");
            assert!(
                record
                    .error_message
                    .as_deref()
                    .is_some_and(|m| !m.is_empty()),
                "{name}: the record says why"
            );
            if case.http_status.is_some() {
                assert_eq!(record.http_status, case.http_status, "{name}: {record:?}");
            }
        }
        Outcome::Pending => {
            assert!(remote.is_empty(), "{name}: not made yet: {remote:?}");
            assert_eq!(record.status, AttemptStatus::Pending, "{name}: {record:?}");
        }
    }
}

/// Declares one `#[test]` per case of [`CASES`], each calling `runner(case)`, and a test that
/// the list below and [`CASES`] agree. `fault_tests!(run_cli)` is all a front end writes.
#[macro_export]
macro_rules! fault_tests {
    ($runner:path) => {
        $crate::fault_tests!($runner;
            throttled_429_three_times_then_created,
            server_error_500_every_time_fails,
            proxy_502_html_page_every_time_fails,
            unavailable_503_with_retry_after_then_created,
            processed_then_dropped_is_found_by_name,
            slower_than_the_timeout_stays_pending_without_a_second_post,
            truncated_json_answer_is_found_by_name,
            fifty_megabyte_answer_is_capped_and_found_by_name,
            ims_answering_503_sends_nothing,
            ims_unreachable_sends_nothing,
            token_expiring_mid_session_is_renewed_once,
        );
    };
    ($runner:path; $($name:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                $runner($crate::common::faults::case(stringify!($name)));
            }
        )+

        #[test]
        fn every_fault_case_is_run() {
            let run = [$(stringify!($name)),+];
            for case in $crate::common::faults::CASES {
                assert!(run.contains(&case.name), "{} is not run", case.name);
            }
            assert_eq!(run.len(), $crate::common::faults::CASES.len());
        }
    };
}
