//! Regressions: where the client broke against Adobe's documented contract and our own
//! emulator was too kind to show it. Each test names the bug it guards; each drives the real
//! binary (or the library client) against the emulator on loopback, which now answers as Adobe
//! documents (service-relative next links, commas in filters read as lists of values, creates
//! that finish after the client gave up).

use std::process::Stdio;

use aep_s3_connect::emulator::{Fault, FaultRoute};
use aep_s3_connect::store::history::HistoryStore;

use crate::common::World;
use crate::common::cli::{
    CliWorld, create_posts, input, json_of, list_requests, named, set_timeouts, stderr, wait_until,
};

/// Regression: the spec's next link (`/connections?continuationToken=...`, relative to the service)
/// was resolved against the host root, so `connections list` failed (404) past 100 connections;
/// and `limit` was repeated on every next page.
#[test]
fn connections_list_follows_service_relative_next_links_past_the_first_page() {
    let w = World::new();
    let client = w.client("prod");
    w.runtime.block_on(async {
        for i in 0..230 {
            client
                .create_s3_connection(&input(&format!("paged {i}")))
                .await
                .unwrap();
        }
    });
    let out = w
        .cmd()
        .args(["connections", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["total"], 230);

    let lists = list_requests(w.emu());
    assert!(lists.len() >= 3, "three pages of 100: {}", lists.len());
    for r in &lists {
        assert_eq!(r.path, "/data/foundation/flowservice/connections");
        let query = r.query.clone().unwrap_or_default();
        let limits = url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == "limit")
            .count();
        assert!(limits <= 1, "a parameter sent twice: {query}");
    }
}

/// Regression: when the name lookup before a create failed (5xx, timeout), `create` warned and posted
/// anyway. It must not create: exit 4 with a message, `--allow-duplicate` as the override.
#[test]
fn create_refuses_when_the_duplicate_check_cannot_run() {
    let w = World::new();
    w.emu()
        .inject(Fault::new(FaultRoute::ListConnections).status(503).times(0));
    let out = w
        .cmd()
        .args(["create", "--name", "unchecked", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("could not check whether sandbox prod"),
        "{err}"
    );
    assert!(err.contains("--allow-duplicate"), "{err}");
    assert_eq!(json_of(&out)["error"]["exitCode"], 4);
    assert_eq!(create_posts(w.emu()), 0, "nothing was posted");
    assert_eq!(named(&w, "unchecked"), 0);

    let out = w
        .cmd()
        .args([
            "create",
            "--name",
            "unchecked",
            "--allow-duplicate",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(named(&w, "unchecked"), 1);
}

/// Regression: 20 parallel `create --name X` processes made 12-16 connections. Creates of one
/// (org, sandbox, name) are serialised across processes and re-checked under the lock.
#[test]
fn twenty_parallel_creates_of_one_name_make_exactly_one_connection() {
    let w = World::new();
    let children: Vec<_> = (0..20)
        .map(|_| {
            w.spawn_cmd()
                .args(["create", "--name", "raced", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    assert_eq!(named(&w, "raced"), 1, "exactly one connection");
    let codes: Vec<_> = outputs.iter().map(|o| o.status.code()).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == Some(0)).count(),
        1,
        "{codes:?}"
    );
    for o in outputs.iter().filter(|o| o.status.code() != Some(0)) {
        assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
        assert!(stderr(o).contains("already has an S3 connection named \"raced\""));
    }
}

/// Regression: a name with a comma never matched its own `property=name==` lookup (Adobe reads the
/// comma as a list of values), so the duplicate guard and reconciliation were blind to it.
#[test]
fn names_with_a_comma_are_found_by_the_guard_and_by_reconciliation() {
    let w = World::new();
    let name = "Landing, daily";
    let first = w.cmd().args(["create", "--name", name]).output().unwrap();
    assert_eq!(first.status.code(), Some(0), "stderr: {}", stderr(&first));
    let second = w.cmd().args(["create", "--name", name]).output().unwrap();
    assert_eq!(second.status.code(), Some(2), "stderr: {}", stderr(&second));
    assert_eq!(named(&w, name), 1);

    // Reconciliation: a create killed mid-flight that Adobe finished is found by its name.
    let other = "Archive, 2026";
    crate::common::cli::kill_during_create(&w, other);
    w.runtime
        .block_on(w.client("prod").create_s3_connection(&input(other)))
        .unwrap();
    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let items = json_of(&out)["items"].as_array().unwrap().clone();
    let settled = items.iter().find(|i| i["name"] == other).unwrap();
    assert_eq!(settled["status"], "created", "{settled}");
}

/// Regression: a create that Adobe completes after our timeout was recorded as failed for good. An
/// ambiguous outcome stays pending, says "may have been created; run `history` to settle", and
/// the next `history` settles it by lookup.
#[test]
fn a_create_that_lands_after_our_timeout_stays_pending_and_settles_as_created() {
    let w = World::new();
    set_timeouts(&w, 1, 60);
    w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).delay_ms(4_000));
    let out = w
        .cmd()
        .args(["create", "--name", "slow lane"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("may have been created"), "{err}");
    assert!(
        err.contains("run `aep-s3-connect history` to settle"),
        "{err}"
    );
    let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
    let pending = db.pending().unwrap();
    assert_eq!(pending.len(), 1, "recorded as pending, not failed");

    // Adobe finishes the request although the client gave up.
    wait_until("Adobe made the connection", || named(&w, "slow lane") == 1);
    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let h = json_of(&out);
    assert_eq!(h["items"][0]["status"], "created", "{h}");
    assert_eq!(h["items"][0]["reconciled"], true);
}

/// The emulator serves Adobe's connection spec (`GET /connectionSpecs/{id}`) and the client reads
/// each auth spec's parameters from it.
#[test]
fn connections_spec_reads_the_auth_params_from_adobes_spec() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["connections", "spec", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let spec = json_of(&out);
    assert_eq!(spec["id"], "ecadc60c-7455-4d87-84dc-2a0e293d997b");
    let access_key = spec["authSpecs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Access Key")
        .unwrap()
        .clone();
    let param = |name: &str| {
        access_key["params"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {access_key}"))
            .clone()
    };
    assert_eq!(param("s3AccessKey")["required"], true);
    assert_eq!(param("s3SecretKey")["secret"], true);
    assert_eq!(param("bucketName")["required"], false);
    let text = w.cmd().args(["connections", "spec"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("auth spec \"Access Key\""));
}
