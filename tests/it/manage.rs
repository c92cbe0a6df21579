//! Managing what exists in AEP, against the emulator over real loopback HTTP: paging, the merged
//! view, explore and preview, rotation with If-Match, deletion, the duplicate guard, sandboxes,
//! and the CLI commands on top of them.

use std::process::Output;

use aep_s3_connect::api::explore::{ExploreItemType, ExploreTarget, FileType};
use aep_s3_connect::api::{Connection, PlatformClient};
use aep_s3_connect::cli::ToExit as _;
use aep_s3_connect::emulator::{DEMO_CLIENT_SECRET, Fault, FaultRoute, RecordedRequest};
use aep_s3_connect::model::S3ConnectionInput;
use aep_s3_connect::ops;
use aep_s3_connect::ops::connections::{
    self as manage, DeleteError, MergedKind, NewCredentials, RotateError,
};
use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::history::{EventKind, EventOutcome, HistoryStore};
use serde_json::{Value, json};

use crate::common::cli::{CliWorld, json_of};
use crate::common::{World, assert_no_secret_in_files};

const OLD_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const OLD_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const NEW_KEY: &str = "AKIAI44QH8DHBEXAMPL2";
const NEW_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const CONNECTIONS: &str = "/data/foundation/flowservice/connections";

fn client(w: &World) -> PlatformClient {
    w.client("prod")
}

fn input(name: &str) -> S3ConnectionInput {
    S3ConnectionInput {
        name: name.into(),
        access_key_id: OLD_KEY.into(),
        secret_key: Secret::new(OLD_SECRET),
        ..Default::default()
    }
}

fn with_place(name: &str) -> S3ConnectionInput {
    S3ConnectionInput {
        bucket_name: Some("my-bucket".into()),
        folder_path: Some("incoming/daily".into()),
        service_url: Some("https://s3.eu-west-1.amazonaws.com".into()),
        ..input(name)
    }
}

/// Creates a connection without recording it anywhere (as another tool would).
fn create_elsewhere(w: &World, c: &PlatformClient, input: &S3ConnectionInput) -> String {
    w.runtime
        .block_on(c.create_s3_connection(input))
        .unwrap()
        .id
}

/// Creates a connection the way the app does: recorded in `history`.
fn create_here(w: &World, c: &PlatformClient, history: &HistoryStore, name: &str) -> String {
    w.runtime
        .block_on(ops::create_connection(
            history,
            c,
            "test",
            &with_place(name),
            false,
        ))
        .unwrap()
        .connection
        .id
}

fn new_credentials() -> NewCredentials {
    NewCredentials {
        access_key_id: NEW_KEY.into(),
        secret_key: Secret::new(NEW_SECRET),
        session_token: None,
    }
}

fn requests(w: &World, method: &str, path_prefix: &str) -> Vec<RecordedRequest> {
    w.emu()
        .requests()
        .into_iter()
        .filter(|r| r.method == method && r.path.starts_with(path_prefix))
        .collect()
}

#[test]
fn listing_follows_continuation_pages_across_several_pages() {
    let w = World::new();
    let prod = client(&w);
    for i in 0..205 {
        create_elsewhere(&w, &prod, &input(&format!("bulk {i:03}")));
    }
    create_elsewhere(&w, &w.client("dev"), &input("in dev"));
    let before = requests(&w, "GET", CONNECTIONS).len();
    let all = w.runtime.block_on(prod.list_s3_connections()).unwrap();
    assert_eq!(all.len(), 205, "every page is followed, and only prod's");
    let mut ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 205, "no connection is listed twice");
    let pages = &requests(&w, "GET", CONNECTIONS)[before..];
    assert_eq!(pages.len(), 3, "100 + 100 + 5");
    for page in pages {
        let query = page.query.as_deref().unwrap_or_default();
        assert!(
            query.contains("connectionSpec.id%3D%3Decadc60c"),
            "the S3 filter is on every page: {query}"
        );
    }
    assert!(
        pages[1]
            .query
            .as_deref()
            .unwrap()
            .contains("continuationToken")
    );
}

#[test]
fn merged_view_joins_aep_and_history_by_connection_id() {
    let w = World::new();
    let prod = client(&w);
    let history = HistoryStore::open_in_memory().unwrap();
    let here = create_here(&w, &prod, &history, "made here");
    let gone = create_here(&w, &prod, &history, "gone later");
    let elsewhere = create_elsewhere(&w, &prod, &input("made elsewhere"));
    // A record of another sandbox is not part of prod's view.
    create_here(&w, &w.client("dev"), &history, "dev one");
    // Deleted behind the app's back (AEP UI): no event in the history.
    w.runtime.block_on(prod.delete_connection(&gone)).unwrap();

    let remote = w.runtime.block_on(prod.list_s3_connections()).unwrap();
    let rows = manage::merged_connections(remote, true, &history, prod.target()).unwrap();
    let kind_of = |id: &str| rows.iter().find(|r| r.id == id).map(|r| r.kind);
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert_eq!(kind_of(&here), Some(MergedKind::BothSides));
    assert_eq!(kind_of(&elsewhere), Some(MergedKind::RemoteOnly));
    assert_eq!(kind_of(&gone), Some(MergedKind::LocalDeleted));
    let both = rows.iter().find(|r| r.id == here).unwrap();
    assert!(both.attempt.is_some() && both.state.as_deref() == Some("enabled"));
    assert!(both.created_by.is_some() && both.updated_at_ms.is_some());
    assert_eq!(both.bucket_name.as_deref(), Some("my-bucket"));
    let deleted = rows.iter().find(|r| r.id == gone).unwrap();
    assert_eq!(deleted.name, "gone later");
    assert!(deleted.state.is_none() && deleted.deleted_at_ms.is_none());
    let remote_only = rows.iter().find(|r| r.id == elsewhere).unwrap();
    assert!(remote_only.attempt.is_none());
}

#[test]
fn explore_root_then_folders_then_preview() {
    let w = World::new();
    let c = client(&w);
    let history = HistoryStore::open_in_memory().unwrap();
    let id = create_here(&w, &c, &history, "explorable");
    assert!(w.runtime.block_on(c.test_connection(&id)).unwrap());

    let root = w
        .runtime
        .block_on(c.explore(&id, &ExploreTarget::Root))
        .unwrap();
    assert_eq!(root.len(), 1, "restricted to its bucket: {root:?}");
    assert_eq!(root[0].item_type, ExploreItemType::Folder);
    assert_eq!(root[0].path, "/my-bucket");

    let bucket = w
        .runtime
        .block_on(c.explore(&id, &ExploreTarget::Folder(root[0].path.clone())))
        .unwrap();
    let folder = bucket
        .iter()
        .find(|i| i.item_type == ExploreItemType::Folder && i.name == "incoming")
        .unwrap();
    let csv = bucket
        .iter()
        .find(|i| i.item_type == ExploreItemType::File)
        .unwrap();
    assert_eq!(csv.path, "/my-bucket/customers.csv");
    assert!(csv.can_preview);

    let inside = w
        .runtime
        .block_on(c.explore(&id, &ExploreTarget::Folder(folder.path.clone())))
        .unwrap();
    let json_file = inside.iter().find(|i| i.name == "orders.json").unwrap();

    let preview = w
        .runtime
        .block_on(c.preview(&id, &csv.path, FileType::from_path(&csv.path).unwrap()))
        .unwrap();
    assert_eq!(preview.columns.len(), 5);
    assert_eq!(preview.columns[0], ("Id".to_owned(), "string".to_owned()));
    assert_eq!(preview.rows.len(), 3);
    assert_eq!(preview.rows[0]["FirstName"], "Ada");
    let explore_calls = requests(&w, "GET", &format!("{CONNECTIONS}/{id}/explore"));
    let last = explore_calls.last().unwrap().query.clone().unwrap();
    for part in [
        "objectType=file",
        "fileType=delimited",
        "preview=true",
        "object=%2Fmy-bucket%2Fcustomers.csv",
    ] {
        assert!(last.contains(part), "{part} missing from {last}");
    }

    let orders = w
        .runtime
        .block_on(c.preview(&id, &json_file.path, FileType::Json))
        .unwrap();
    assert!(
        orders
            .columns
            .iter()
            .any(|(n, t)| n == "total" && t == "double")
    );

    // A missing folder is Adobe's 404 with its code, not a crash.
    let err = w
        .runtime
        .block_on(c.explore(&id, &ExploreTarget::Folder("/my-bucket/nope".into())))
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[test]
fn rotate_with_a_stale_etag_reports_the_changes_then_succeeds_keeping_the_params() {
    let w = World::new();
    let c = client(&w);
    let history = HistoryStore::open_in_memory().unwrap();
    let id = create_here(&w, &c, &history, "to rotate");
    let seen: Connection = w.runtime.block_on(c.get_connection(&id)).unwrap();

    // Someone renames it in the AEP UI after we read it.
    w.runtime
        .block_on(c.patch_connection(
            &id,
            seen.etag.as_deref().unwrap(),
            &json!([{"op": "replace", "path": "/name", "value": "renamed elsewhere"}]),
        ))
        .unwrap();

    let stale = w
        .runtime
        .block_on(manage::rotate(
            &history,
            &c,
            "test",
            &id,
            Some(&seen),
            &new_credentials(),
        ))
        .unwrap_err();
    let RotateError::Stale {
        current, changes, ..
    } = &stale
    else {
        panic!("expected Stale, got {stale:?}");
    };
    assert_eq!(stale.exit() as i32, 3);
    assert_eq!(current.name, "renamed elsewhere");
    assert!(
        changes
            .iter()
            .any(|c| c.contains("name") && c.contains("renamed elsewhere")),
        "{changes:?}"
    );
    assert!(
        changes.iter().any(|c| c.starts_with("updated ")),
        "{changes:?}"
    );
    let patches = requests(&w, "PATCH", CONNECTIONS);
    assert_eq!(
        patches.last().unwrap().header("if-match"),
        seen.etag.as_deref(),
        "If-Match is the etag as received, quotes included"
    );

    let done = w
        .runtime
        .block_on(manage::rotate(
            &history,
            &c,
            "test",
            &id,
            Some(current),
            &new_credentials(),
        ))
        .unwrap();
    assert_ne!(Some(done.etag.as_str()), current.etag.as_deref());
    assert_eq!(done.name, "renamed elsewhere");

    let patch = requests(&w, "PATCH", CONNECTIONS).pop().unwrap();
    assert_eq!(patch.header("if-match"), current.etag.as_deref());
    let body: Value = serde_json::from_slice(&patch.body).unwrap();
    assert_eq!(body[0]["op"], "replace");
    assert_eq!(body[0]["path"], "/auth/params");
    let params = &body[0]["value"];
    assert_eq!(params["s3AccessKey"], NEW_KEY);
    assert_eq!(params["s3SecretKey"], NEW_SECRET);
    assert_eq!(params["bucketName"], "my-bucket");
    assert_eq!(params["folderPath"], "incoming/daily");
    assert_eq!(params["serviceUrl"], "https://s3.eu-west-1.amazonaws.com");
    assert!(
        !String::from_utf8_lossy(&patch.body).contains("***"),
        "masked values are never sent back"
    );

    let after = w.runtime.block_on(c.get_connection(&id)).unwrap();
    assert_eq!(after.etag.as_deref(), Some(done.etag.as_str()));
    assert_eq!(after.auth_param("bucketName"), Some("my-bucket"));
    assert_eq!(after.auth_param("folderPath"), Some("incoming/daily"));
    // AEP masks the key (both example keys mask alike); the PATCH body above shows the new one.
    assert!(after.auth_param("s3AccessKey").unwrap().starts_with("AKIA"));

    let events = history.events_for(&id).unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].outcome, EventOutcome::Ok);
    assert_eq!(events[0].etag.as_deref(), Some(done.etag.as_str()));
    assert_eq!(events[1].outcome, EventOutcome::Failed);
    assert_eq!(events[1].http_status, Some(412));
    assert!(events.iter().all(|e| e.kind == EventKind::Rotate));

    let new_users = manage::find_key(&history, NEW_KEY).unwrap();
    assert_eq!(new_users.len(), 1);
    assert!(new_users[0].current);
    let old_users = manage::find_key(&history, OLD_KEY).unwrap();
    assert_eq!(old_users.len(), 1);
    assert!(!old_users[0].current, "rotated away from the old key");
}

#[test]
fn rotate_whose_answer_is_lost_is_confirmed_by_reading_back() {
    let w = World::new();
    let c = client(&w);
    let history = HistoryStore::open_in_memory().unwrap();
    let id = create_here(&w, &c, &history, "lossy");
    w.emu()
        .inject(Fault::new(FaultRoute::PatchConnection).process_then_drop());
    let done = w
        .runtime
        .block_on(manage::rotate(
            &history,
            &c,
            "test",
            &id,
            None,
            &new_credentials(),
        ))
        .unwrap();
    assert!(done.confirmed_by_lookup);
    assert_eq!(
        requests(&w, "PATCH", CONNECTIONS).len(),
        1,
        "a PATCH is never repeated blindly"
    );
    assert_eq!(
        history.events_for(&id).unwrap()[0].outcome,
        EventOutcome::Ok
    );
}

#[test]
fn rotate_refuses_bad_credentials_before_sending_anything() {
    let w = World::new();
    let c = client(&w);
    let history = HistoryStore::open_in_memory().unwrap();
    let bad = NewCredentials {
        access_key_id: "ASIAI44QH8DHBEXAMPLE".into(),
        secret_key: Secret::new(NEW_SECRET),
        session_token: None,
    };
    let err = w
        .runtime
        .block_on(manage::rotate(&history, &c, "test", "any", None, &bad))
        .unwrap_err();
    assert!(matches!(err, RotateError::Invalid(_)));
    assert!(err.to_string().contains("session token"), "{err}");
    assert!(w.emu().requests().is_empty());
}

#[test]
fn delete_in_use_explains_the_dataflow_then_deletes_once_freed() {
    let w = World::new();
    let c = client(&w);
    let history = HistoryStore::open_in_memory().unwrap();
    let id = create_here(&w, &c, &history, "inuse feed");
    let err = w
        .runtime
        .block_on(manage::delete(
            &history,
            &c,
            "test",
            &id,
            Some("inuse feed"),
        ))
        .unwrap_err();
    assert!(matches!(err, DeleteError::InUse { .. }), "{err:?}");
    assert_eq!(err.exit() as i32, 3);
    let text = err.to_string();
    assert!(text.contains("used by one or more dataflows"), "{text}");
    assert!(text.contains("Sources > Dataflows"), "{text}");
    assert!(text.contains("FLOW-1418-400"), "{text}");
    assert_eq!(w.emu().connections().len(), 1, "still there");

    // The dataflow is gone (the emulator ties "in use" to the name).
    let seen = w.runtime.block_on(c.get_connection(&id)).unwrap();
    w.runtime
        .block_on(c.patch_connection(
            &id,
            seen.etag.as_deref().unwrap(),
            &json!([{"op": "replace", "path": "/name", "value": "retired feed"}]),
        ))
        .unwrap();
    let done = w
        .runtime
        .block_on(manage::delete(
            &history,
            &c,
            "test",
            &id,
            Some("retired feed"),
        ))
        .unwrap();
    assert!(done.request_id.is_some() && !done.confirmed_by_lookup);
    assert!(w.emu().connections().is_empty());
    let events = history.events_for(&id).unwrap();
    assert_eq!(
        events.iter().map(|e| e.outcome).collect::<Vec<_>>(),
        [EventOutcome::Ok, EventOutcome::Failed]
    );
    assert_eq!(events[1].error_code.as_deref(), Some("FLOW-1418-400"));

    let remote = w.runtime.block_on(c.list_s3_connections()).unwrap();
    let rows = manage::merged_connections(remote, true, &history, c.target()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].kind, MergedKind::LocalDeleted);
    assert!(rows[0].deleted_at_ms.is_some(), "deleted from here");
}

#[test]
fn delete_whose_answer_is_lost_is_confirmed_by_reading_back() {
    let w = World::new();
    let c = client(&w);
    let history = HistoryStore::open_in_memory().unwrap();
    let id = create_here(&w, &c, &history, "going");
    w.emu()
        .inject(Fault::new(FaultRoute::DeleteConnection).process_then_drop());
    let done = w
        .runtime
        .block_on(manage::delete(&history, &c, "test", &id, None))
        .unwrap();
    assert!(done.confirmed_by_lookup);
    assert_eq!(requests(&w, "DELETE", CONNECTIONS).len(), 1);

    // Answer lost and the read-back failing too: reported as unknown (exit 4), recorded so.
    let other = create_here(&w, &c, &history, "unknowable");
    w.emu()
        .inject(Fault::new(FaultRoute::DeleteConnection).process_then_drop());
    w.emu()
        .inject(Fault::new(FaultRoute::GetConnection).status(503).times(0));
    let err = w
        .runtime
        .block_on(manage::delete(&history, &c, "test", &other, None))
        .unwrap_err();
    assert!(matches!(err, DeleteError::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(err.exit() as i32, 4);
    assert!(
        err.to_string().contains("may or may not have been deleted"),
        "{err}"
    );
    assert_eq!(
        history.events_for(&other).unwrap()[0].outcome,
        EventOutcome::Unknown
    );
}

#[test]
fn duplicate_guard_finds_the_same_name_in_the_same_sandbox_only() {
    let w = World::new();
    let prod = client(&w);
    let id = create_elsewhere(&w, &prod, &input("Landing"));
    create_elsewhere(&w, &prod, &input("Landing bucket"));
    let found = w
        .runtime
        .block_on(manage::duplicate_guard(&prod, "Landing"))
        .unwrap();
    assert_eq!(found.map(|c| c.id), Some(id));
    assert!(
        w.runtime
            .block_on(manage::duplicate_guard(&prod, "Landin"))
            .unwrap()
            .is_none()
    );
    let dev = w.client("dev");
    assert!(
        w.runtime
            .block_on(manage::duplicate_guard(&dev, "Landing"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn sandboxes_are_paged_and_sent_without_a_sandbox_header() {
    let w = World::new();
    let c = client(&w);
    let all = w.runtime.block_on(c.list_sandboxes_paged(1)).unwrap();
    let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["prod", "dev", "live", "noaccess"]);
    assert!(all[0].is_production() && all[0].is_default);
    assert_eq!(all[0].title.as_deref(), Some("Production"));
    assert_eq!(all[0].region.as_deref(), Some("VA7"));
    assert!(!all[1].is_production() && all[1].is_active());
    let calls = requests(&w, "GET", "/data/foundation/sandbox-management");
    assert!(calls.len() >= 3, "one page per sandbox at limit 1");
    for call in &calls {
        assert_eq!(call.header("x-sandbox-name"), None);
        assert!(call.header("x-gw-ims-org-id").is_some());
        assert!(call.header("x-api-key").is_some());
    }
    assert_eq!(w.runtime.block_on(c.list_sandboxes()).unwrap().len(), 4);
}

// ---- The command line ----

/// The binary with a clean environment pointing at the emulator (as in tests/cli.rs).
/// The binary on the emulator (`CliWorld::cmd`), with this file's AWS key pair.
fn cmd(w: &World) -> assert_cmd::Command {
    let mut cmd = w.cmd();
    cmd.env("AWS_ACCESS_KEY_ID", OLD_KEY)
        .env("AWS_SECRET_ACCESS_KEY", OLD_SECRET);
    cmd
}

fn run(w: &World, args: &[&str]) -> Output {
    cmd(w).args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn cli_create(w: &World, name: &str) -> String {
    let out = run(
        w,
        &[
            "create",
            "--name",
            name,
            "--bucket",
            "my-bucket",
            "--folder-path",
            "in",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    json_of(&out)["id"].as_str().unwrap().to_owned()
}

#[test]
fn cli_sandboxes_json_marks_production_and_needs_no_sandbox() {
    let w = World::new();
    let out = run(&w, &["sandboxes", "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["current"], "prod");
    let list = v["sandboxes"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[0]["name"], "prod");
    assert_eq!(list[0]["type"], "production");
    assert_eq!(list[0]["production"], true);
    assert_eq!(list[0]["state"], "active");
    assert_eq!(list[1]["production"], false);
    assert_eq!(list[2]["name"], "live");
    assert_eq!(list[2]["production"], true, "production by its type");

    // Choosing a sandbox is why one lists them: none configured still works.
    let out = cmd(&w)
        .env_remove("AEP_SANDBOX")
        .args(["sandboxes", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["current"], Value::Null);

    let out = run(&w, &["sandboxes"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PRODUCTION"), "{text}");
}

#[test]
fn cli_connections_list_show_and_explore() {
    let w = World::new();
    let here = cli_create(&w, "From CLI");
    let elsewhere = create_elsewhere(&w, &client(&w), &input("From the AEP UI"));

    let out = run(&w, &["connections", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["sandbox"], "prod");
    assert_eq!(v["total"], 2);
    let kind_of = |id: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["kind"].clone())
    };
    assert_eq!(kind_of(&here), Some(json!("bothSides")));
    assert_eq!(kind_of(&elsewhere), Some(json!("remoteOnly")));

    let out = run(&w, &["connections", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("made elsewhere") && text.contains("From CLI"),
        "{text}"
    );

    let out = run(&w, &["connections", "show", &here, "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["connection"]["id"], here.as_str());
    assert_eq!(v["connection"]["auth"]["params"]["s3SecretKey"], "***");
    assert_eq!(v["attempt"]["connectionId"], here.as_str());

    let out = run(
        &w,
        &[
            "connections",
            "explore",
            &here,
            "/my-bucket",
            "--preview",
            "customers.csv",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["file"], "/my-bucket/customers.csv");
    assert_eq!(v["fileType"], "delimited");
    assert_eq!(v["columns"][0]["name"], "Id");
    assert_eq!(v["rows"].as_array().unwrap().len(), 3);

    let out = run(&w, &["connections", "explore", &here]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("/my-bucket"));

    let out = run(&w, &["connections", "show", "no-such-id", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json_of(&out)["error"]["status"], 404);
}

#[test]
fn cli_delete_needs_yes_without_a_terminal() {
    let w = World::new();
    let id = cli_create(&w, "to delete");
    let before = w.emu().requests().len();
    let out = run(&w, &["connections", "delete", &id]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(w.emu().requests().len(), before, "nothing was sent");
    assert_eq!(w.emu().connections().len(), 1);

    let out = run(&w, &["connections", "delete", &id, "--yes", "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["deleted"], true);
    assert_eq!(v["name"], "to delete");
    assert!(v["requestId"].is_string());
    assert!(w.emu().connections().is_empty());

    let out = run(&w, &["connections", "list", "--json"]);
    assert_eq!(json_of(&out)["items"][0]["kind"], "localDeleted");
}

#[test]
fn cli_delete_in_use_exits_3_with_what_to_do() {
    let w = World::new();
    let id = cli_create(&w, "inuse by a dataflow");
    let out = run(&w, &["connections", "delete", &id, "--yes", "--json"]);
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["error"]["inUse"], true);
    assert_eq!(v["error"]["code"], "FLOW-1418-400");
    assert!(
        v["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("Sources > Dataflows")
    );
    assert!(stderr(&out).contains("dataflow"), "{}", stderr(&out));
    assert_eq!(w.emu().connections().len(), 1);
}

#[test]
fn cli_rotate_with_env_secrets_then_find_key() {
    let w = World::new();
    let id = cli_create(&w, "rotating");
    let out = cmd(&w)
        .env("AWS_ACCESS_KEY_ID", NEW_KEY)
        .env("AWS_SECRET_ACCESS_KEY", NEW_SECRET)
        .args(["connections", "rotate", &id, "--yes", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["accessKeyId"], NEW_KEY);
    assert_eq!(v["retried"], false);
    let remote = &w.emu().connections()[0];
    assert_eq!(v["etag"], remote["etag"]);
    assert_eq!(remote["auth"]["params"]["bucketName"], "my-bucket");
    assert_eq!(remote["auth"]["params"]["folderPath"], "in");
    let patch = requests(&w, "PATCH", CONNECTIONS).pop().unwrap();
    let body: Value = serde_json::from_slice(&patch.body).unwrap();
    assert_eq!(body[0]["value"]["s3SecretKey"], NEW_SECRET);

    // Without --yes and without a terminal: refused before anything is sent.
    let before = w.emu().requests().len();
    let out = run(&w, &["connections", "rotate", &id]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert_eq!(w.emu().requests().len(), before);

    let out = run(&w, &["connections", "find-key", NEW_KEY, "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["items"][0]["connectionId"], id.as_str());
    assert_eq!(v["items"][0]["source"], "rotated");
    assert_eq!(v["items"][0]["current"], true);
    let out = run(&w, &["connections", "find-key", OLD_KEY, "--json"]);
    let v = json_of(&out);
    assert_eq!(v["items"][0]["source"], "created");
    assert_eq!(v["items"][0]["current"], false);

    assert_no_secret_in_files(w.home.path(), &[OLD_SECRET, NEW_SECRET, DEMO_CLIENT_SECRET]);
}

#[test]
fn cli_rotate_yes_retries_once_after_a_412() {
    let w = World::new();
    let id = cli_create(&w, "raced");
    // Someone else's change lands between our read and our PATCH.
    w.emu()
        .inject(Fault::new(FaultRoute::PatchConnection).status(412));
    let out = cmd(&w)
        .env("AWS_ACCESS_KEY_ID", NEW_KEY)
        .env("AWS_SECRET_ACCESS_KEY", NEW_SECRET)
        .args(["connections", "rotate", &id, "--yes", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["retried"], true);
    assert!(
        stderr(&out).contains("was changed in AEP"),
        "{}",
        stderr(&out)
    );
    assert_eq!(requests(&w, "PATCH", CONNECTIONS).len(), 2);

    // Twice in a row: reported (exit 3) with the changes, not retried forever.
    w.emu()
        .inject(Fault::new(FaultRoute::PatchConnection).status(412).times(0));
    let out = cmd(&w)
        .env("AWS_ACCESS_KEY_ID", NEW_KEY)
        .env("AWS_SECRET_ACCESS_KEY", NEW_SECRET)
        .args(["connections", "rotate", &id, "--yes", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["error"]["status"], 412);
    assert!(v["error"]["changes"].is_array());
    assert!(v["error"]["currentEtag"].is_string());
    assert_eq!(requests(&w, "PATCH", CONNECTIONS).len(), 4);
}

#[test]
fn cli_create_refuses_a_duplicate_name_unless_allowed() {
    let w = World::new();
    let first = cli_create(&w, "Landing");
    let out = run(&w, &["create", "--name", "Landing", "--json"]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("already has"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--allow-duplicate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_of(&out)["error"]["existing"]["id"], first.as_str());
    assert_eq!(w.emu().connections().len(), 1);

    let out = run(&w, &["create", "--name", "Landing", "--allow-duplicate"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(w.emu().connections().len(), 2);
    assert_no_secret_in_files(w.home.path(), &[OLD_SECRET, DEMO_CLIENT_SECRET]);
}
