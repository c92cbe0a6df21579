//! Many sandboxes, one credential: every S3 connection of the organisation in one list, with one
//! sandbox failing while the others still list. On the emulator (its sandboxes `prod`, `dev`,
//! `live` (production by type) and `noaccess` (every Flow call 403)), over real loopback HTTP.

use aep_s3_connect::emulator::{Fault, FaultRoute};
use serde_json::Value;

use crate::common::World;
use crate::common::cli::{CliWorld, input, json_of, stderr};

/// Creates `name` in `sandbox` as another tool would (not recorded here).
fn create_in(w: &World, sandbox: &str, name: &str) -> String {
    w.runtime
        .block_on(w.client(sandbox).create_s3_connection(&input(name)))
        .unwrap()
        .id
}

/// Fails unless stdout holds each of `expected`.
fn assert_lines(out: &std::process::Output, expected: &[&str]) {
    let text = String::from_utf8_lossy(&out.stdout);
    for line in expected {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
}

/// `connections list --all-sandboxes --json`, which exits 3 for `noaccess` alone; its JSON.
fn listed_but_noaccess(w: &World) -> Value {
    let out = run(w, &["connections", "list", "--all-sandboxes", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "noaccess only: {}",
        stderr(&out)
    );
    json_of(&out)
}

/// The binary on the emulator with `args`, run to its end.
fn run(w: &World, args: &[&str]) -> std::process::Output {
    w.cmd().args(args).output().unwrap()
}

fn sandbox<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sandbox"] == name)
        .unwrap_or_else(|| panic!("no sandbox {name} in {doc}"))
}

#[test]
fn list_all_sandboxes_prints_every_sandbox_then_fails_for_the_one_it_could_not_read() {
    let w = World::new();
    let in_prod = create_in(&w, "prod", "Landing prod");
    let in_dev = create_in(&w, "dev", "Landing dev");
    let in_live = create_in(&w, "live", "Landing live");

    let out = run(&w, &["connections", "list", "--all-sandboxes", "--json"]);
    // `noaccess` answers 403 to every Flow call: rejected, exit 3, after the whole list.
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["complete"], false);
    assert_eq!(doc["total"], 3);
    let names: Vec<&str> = doc["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sandbox"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["prod", "dev", "live", "noaccess"]);
    for (name, id) in [("prod", &in_prod), ("dev", &in_dev), ("live", &in_live)] {
        let s = sandbox(&doc, name);
        assert_eq!(s["complete"], true, "{s}");
        assert_eq!(s["total"], 1, "{s}");
        let item = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} not listed: {doc}"));
        assert_eq!(item["sandbox"], name);
        assert_eq!(item["kind"], "remoteOnly");
    }
    assert_eq!(sandbox(&doc, "live")["production"], true, "by its type");
    assert_eq!(sandbox(&doc, "dev")["production"], false);
    let noaccess = sandbox(&doc, "noaccess");
    assert_eq!(noaccess["complete"], false);
    assert_eq!(noaccess["error"]["status"], 403, "{noaccess}");
    assert_eq!(doc["error"]["sandbox"], "noaccess");
    assert!(
        stderr(&out).contains("not every sandbox could be listed (noaccess)"),
        "{}",
        stderr(&out)
    );

    // The text names each sandbox, production in capitals, and the one that failed.
    let out = run(&w, &["connections", "list", "--all-sandboxes"]);
    assert_eq!(out.status.code(), Some(3));
    assert_lines(
        &out,
        &[
            "Sandbox prod (PRODUCTION): 1 S3 connection(s)",
            "Sandbox dev: 1 S3 connection(s)",
            "Sandbox live (PRODUCTION): 1 S3 connection(s)",
            "Sandbox noaccess: could not be listed",
            "Landing live",
            "4 sandbox(es), 3 S3 connection(s) read; 1 sandbox(es) not listed in full.",
        ],
    );
}

#[test]
fn a_sandbox_that_is_unavailable_makes_the_list_exit_4_and_the_rest_still_list() {
    let w = World::new();
    create_in(&w, "prod", "Landing prod");
    create_in(&w, "live", "Landing live");
    w.emu().inject(
        Fault::new(FaultRoute::ListConnections)
            .in_sandbox("dev")
            .status(503)
            .times(0),
    );
    let out = run(&w, &["connections", "list", "--all-sandboxes", "--json"]);
    // Unavailable (worth a retry) outranks the 403 of `noaccess`.
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["error"]["sandbox"], "dev");
    assert_eq!(
        doc["error"]["failedSandboxes"],
        serde_json::json!(["dev", "noaccess"])
    );
    assert_eq!(sandbox(&doc, "dev")["error"]["status"], 503);
    assert_eq!(sandbox(&doc, "prod")["total"], 1);
    assert_eq!(sandbox(&doc, "live")["total"], 1);
    assert_eq!(doc["total"], 2);
}

#[test]
fn find_key_all_sandboxes_asks_aep_in_every_sandbox() {
    const KEY: &str = "AKIAI44QH8DHBEXAMPL2";
    let w = World::new();
    let with_key = |sandbox: &str, name: &str| {
        let mut input = input(name);
        input.access_key_id = KEY.into();
        w.runtime
            .block_on(w.client(sandbox).create_s3_connection(&input))
            .unwrap()
            .id
    };
    let in_dev = with_key("dev", "Key in dev");
    let in_live = with_key("live", "Key in live");
    create_in(&w, "prod", "Another key"); // AKIAIOSFODNN7EXAMPLE

    // The history alone knows none of them (made elsewhere).
    let out = run(&w, &["connections", "find-key", KEY, "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["items"], serde_json::json!([]));

    let out = run(
        &w,
        &["connections", "find-key", KEY, "--all-sandboxes", "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "noaccess could not be searched: {}",
        stderr(&out)
    );
    let doc = json_of(&out);
    let found: Vec<(&str, &str, bool)> = doc["inAep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["sandbox"].as_str().unwrap(),
                k["connectionId"].as_str().unwrap(),
                k["production"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("dev", in_dev.as_str(), false),
            ("live", in_live.as_str(), true)
        ]
    );
    // The emulator masks keys as AEP does (AKIA************MPL2).
    assert_eq!(doc["inAep"][0]["shownInFull"], false);
    assert_eq!(doc["complete"], false);
    assert_eq!(doc["error"]["sandbox"], "noaccess");

    let out = run(&w, &["connections", "find-key", KEY, "--all-sandboxes"]);
    assert_lines(
        &out,
        &[
            "In AEP: 2 connection(s) in 2 of 4 sandbox(es) use AKIAI44QH8DHBEXAMPL2.",
            "not searched in full: noaccess",
            "live (PRODUCTION)",
            "Key in dev",
        ],
    );
}

/// Adobe's gateway answers 429 with `Retry-After` when an organisation sends too much: every
/// request of the run waits it out (the pause is shared), and every sandbox is still listed.
#[test]
fn a_rate_limit_slows_the_whole_list_down_and_nothing_is_lost() {
    let w = World::new();
    for sandbox in ["prod", "dev", "live"] {
        create_in(&w, sandbox, &format!("Landing {sandbox}"));
    }
    w.emu().handle().set_rate_limit(Some(2));
    let doc = listed_but_noaccess(&w);
    assert_eq!(doc["total"], 3);
    assert_eq!(
        doc["error"]["failedSandboxes"],
        serde_json::json!(["noaccess"])
    );
    assert!(
        w.emu().handle().throttled_requests() > 0,
        "the limit was met"
    );
}

/// An organisation with many sandboxes (the emulator's extra ones, each request 100 ms away):
/// every one is listed.
#[test]
fn extra_sandboxes_are_listed_too() {
    let w = World::with(aep_s3_connect::emulator::EmulatorConfig {
        extra_sandboxes: 5,
        latency_ms: 100,
        ..Default::default()
    });
    create_in(&w, "sandbox-05", "In the fifth extra sandbox");
    let doc = listed_but_noaccess(&w);
    assert_eq!(doc["sandboxes"].as_array().unwrap().len(), 9);
    assert_eq!(sandbox(&doc, "sandbox-05")["total"], 1);
    assert_eq!(sandbox(&doc, "sandbox-01")["complete"], true);
    assert_eq!(sandbox(&doc, "sandbox-01")["production"], false);
}
