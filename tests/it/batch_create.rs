//! One connection created in several sandboxes with one command (`create --sandbox A --sandbox B
//! …`): a batch in the history, one failing sandbox not stopping the others, the same command
//! again finishing only what is missing, production confirmed once, and a `kill -9` half way.
//! The real binary on the emulator over loopback HTTP; the history read back from its file.

use aep_s3_connect::emulator::{EmulatorConfig, Fault, FaultRoute};
use aep_s3_connect::store::history::{AttemptStatus, HistoryQuery, HistoryStore};
use serde_json::Value;

use crate::common::World;
use crate::common::cli::{CliWorld, create_posts, input, json_of, stderr, wait_until};

const NAME: &str = "Landing everywhere";

/// An emulator with `sandbox-01` and `sandbox-02` (development) besides `prod`, `dev`, `live`
/// (production by type) and `noaccess`.
fn world() -> World {
    World::with(EmulatorConfig {
        extra_sandboxes: 2,
        ..EmulatorConfig::default()
    })
}

/// `create --name NAME --sandbox S…` plus `extra`, run to its end.
fn create(w: &World, sandboxes: &[&str], extra: &[&str]) -> std::process::Output {
    let mut cmd = w.cmd();
    cmd.args(["create", "--name", NAME, "--json"]);
    for s in sandboxes {
        cmd.args(["--sandbox", s]);
    }
    cmd.args(extra).output().unwrap()
}

/// The connections named [`NAME`] the emulator holds in `sandbox`.
fn in_sandbox(w: &World, sandbox: &str) -> Vec<String> {
    w.emu()
        .connections()
        .iter()
        .filter(|c| c["name"] == NAME && c["sandboxName"] == sandbox)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `(sandbox, status, id)` of each result, in order.
fn results(doc: &Value) -> Vec<(String, String, Option<String>)> {
    doc["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {doc}"))
        .iter()
        .map(|r| {
            (
                r["sandbox"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
                r["id"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// The history's attempts of `batch`, as `(sandbox, status)`, by sandbox, oldest first.
fn batch_attempts(w: &World, batch: &str) -> Vec<(String, AttemptStatus)> {
    let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
    let mut attempts: Vec<_> = db
        .batch(batch)
        .unwrap()
        .into_iter()
        .rev()
        .map(|a| (a.sandbox, a.status))
        .collect();
    attempts.sort_by(|a, b| a.0.cmp(&b.0));
    attempts
}

#[test]
fn three_sandboxes_in_one_go_then_the_same_command_sends_nothing() {
    let w = world();
    let sandboxes = ["dev", "sandbox-01", "sandbox-02"];

    let out = create(&w, &sandboxes, &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    let batch = doc["batch"].as_str().unwrap().to_owned();
    assert_eq!(doc["complete"], true);
    let first = results(&doc);
    assert_eq!(first.len(), 3);
    for ((sandbox, status, id), expected) in first.iter().zip(sandboxes) {
        assert_eq!(sandbox, expected);
        assert_eq!(status, "created");
        assert_eq!(in_sandbox(&w, sandbox), [id.clone().unwrap()]);
    }
    // Progress per sandbox on stderr.
    let progress = stderr(&out);
    for s in sandboxes {
        assert!(progress.contains(&format!("  {s}: created")), "{progress}");
    }
    assert_eq!(create_posts(w.emu()), 3);
    assert_eq!(
        batch_attempts(&w, &batch),
        sandboxes.map(|s| (s.to_owned(), AttemptStatus::Created))
    );

    // Again: every sandbox has it, nothing is sent, the batch is the same.
    let again = create(&w, &sandboxes, &[]);
    assert_eq!(again.status.code(), Some(0), "stderr: {}", stderr(&again));
    let doc = json_of(&again);
    assert_eq!(doc["batch"], batch.as_str());
    for ((_, status, id), (_, _, first_id)) in results(&doc).iter().zip(&first) {
        assert_eq!(status, "exists");
        assert_eq!(id, first_id);
    }
    assert_eq!(create_posts(w.emu()), 3, "no second create anywhere");
    assert_eq!(batch_attempts(&w, &batch).len(), 3);
}

#[test]
fn one_sandbox_failing_does_not_stop_the_others_and_the_same_command_finishes_it() {
    let w = world();
    let sandboxes = ["dev", "sandbox-01", "sandbox-02"];
    // sandbox-01 cannot be asked whether the name is taken (503 on every list): nothing is
    // created there, and AEP is unavailable: exit 4, after the whole result.
    w.emu().inject(
        Fault::new(FaultRoute::ListConnections)
            .in_sandbox("sandbox-01")
            .status(503)
            .times(0),
    );
    let out = create(&w, &sandboxes, &[]);
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["complete"], false);
    let statuses: Vec<_> = results(&doc).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, ["created", "failed", "created"]);
    let failed = &doc["results"][1];
    assert_eq!(failed["id"], Value::Null);
    assert_eq!(failed["error"]["exitCode"], 4, "{failed}");
    assert!(
        stderr(&out).contains("still without the connection (sandbox-01)"),
        "{}",
        stderr(&out)
    );
    assert!(in_sandbox(&w, "sandbox-01").is_empty());
    let batch = doc["batch"].as_str().unwrap().to_owned();

    // AEP answers again: the same command creates only in sandbox-01, in the same batch.
    w.emu().clear_faults();
    let again = create(&w, &sandboxes, &[]);
    assert_eq!(again.status.code(), Some(0), "stderr: {}", stderr(&again));
    let doc = json_of(&again);
    assert_eq!(doc["batch"], batch.as_str());
    let statuses: Vec<_> = results(&doc).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, ["exists", "created", "exists"]);
    for s in sandboxes {
        assert_eq!(in_sandbox(&w, s).len(), 1, "{s}");
    }
    assert_eq!(create_posts(w.emu()), 3);
    assert_eq!(
        batch_attempts(&w, &batch),
        [
            ("dev".to_owned(), AttemptStatus::Created),
            ("sandbox-01".to_owned(), AttemptStatus::Failed),
            ("sandbox-01".to_owned(), AttemptStatus::Created),
            ("sandbox-02".to_owned(), AttemptStatus::Created),
        ]
    );
}

#[test]
fn production_sandboxes_are_confirmed_once_and_without_a_terminal_only_by_yes() {
    let w = world();
    let sandboxes = ["dev", "prod", "live"];
    // No terminal (the test's stdin), no --yes: exit 2, naming both production sandboxes
    // (`live` by its type), and nothing sent anywhere.
    let out = create(&w, &sandboxes, &[]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("production ones (prod, live)"),
        "{message}"
    );
    assert!(message.contains("--yes"), "{message}");
    assert_eq!(create_posts(w.emu()), 0);
    if w.history_db().exists() {
        let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
        assert_eq!(
            db.count(&HistoryQuery::default()).unwrap(),
            0,
            "nothing recorded"
        );
    }

    let out = create(&w, &sandboxes, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    let production: Vec<_> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["production"].as_bool().unwrap())
        .collect();
    assert_eq!(production, [false, true, true]);
    for s in sandboxes {
        assert_eq!(in_sandbox(&w, s).len(), 1, "{s}");
    }
}

#[test]
fn a_different_connection_of_the_name_is_not_taken_for_this_one() {
    let w = world();
    // Someone else's connection of the same name in sandbox-02, with another key. (AEP masks a
    // key but for its first and last four characters: these are what tell two keys apart.)
    let mut theirs = input(NAME);
    theirs.access_key_id = "AKIAI44QH8DHBEXAMPL3".into();
    w.runtime
        .block_on(w.client("sandbox-02").create_s3_connection(&theirs))
        .unwrap();

    let out = create(&w, &["dev", "sandbox-02"], &[]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let statuses: Vec<_> = results(&json_of(&out)).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, ["created", "failed"]);
    assert!(stderr(&out).contains("(sandbox-02)"), "{}", stderr(&out));
    assert_eq!(in_sandbox(&w, "sandbox-02").len(), 1, "no second one made");
}

#[test]
fn killed_half_way_then_the_same_command_creates_nothing_twice() {
    let w = world();
    let sandboxes = ["dev", "sandbox-01", "sandbox-02"];
    // sandbox-02's create hangs; the process is killed once its record is pending and the other
    // two are made.
    w.emu().inject(
        Fault::new(FaultRoute::CreateConnection)
            .in_sandbox("sandbox-02")
            .delay_ms(60_000),
    );
    let mut child = w
        .spawn_cmd()
        .args(["create", "--name", NAME])
        .args(sandboxes.iter().flat_map(|s| ["--sandbox", s]))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until("two created and the third in flight", || {
        let pending = w.history_db().exists()
            && HistoryStore::open(&w.history_db())
                .ok()
                .and_then(|(db, _)| db.pending().ok())
                .is_some_and(|p| p.iter().any(|a| a.sandbox == "sandbox-02"));
        pending && create_posts(w.emu()) == 3 && w.emu().connections().len() == 2
    });
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    w.emu().clear_faults();
    // Adobe finished the request the killed process was waiting on.
    w.runtime
        .block_on(w.client("sandbox-02").create_s3_connection(&input(NAME)))
        .unwrap();
    let posts = create_posts(w.emu());

    let out = create(&w, &sandboxes, &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    let statuses: Vec<_> = results(&doc).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, ["exists", "exists", "exists"]);
    for s in sandboxes {
        assert_eq!(in_sandbox(&w, s).len(), 1, "{s}");
    }
    assert_eq!(create_posts(w.emu()), posts, "nothing sent again");
    // The killed attempt was settled as created by the connection Adobe made, in the batch.
    let batch = doc["batch"].as_str().unwrap();
    assert_eq!(
        batch_attempts(&w, batch),
        sandboxes.map(|s| (s.to_owned(), AttemptStatus::Created))
    );
}

#[test]
fn only_create_takes_several_sandboxes() {
    let w = world();
    let out = w
        .cmd()
        .args([
            "connections",
            "list",
            "--sandbox",
            "dev",
            "--sandbox",
            "prod",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("only to `create`"),
        "{}",
        stderr(&out)
    );
}
