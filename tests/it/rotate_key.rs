//! `connections rotate-key OLD`: one key replaced on every connection that uses it, across
//! sandboxes, journaled; a run cut short by `kill -9` finished by the same command; a 412 where
//! only the version moved retried, one where the connection changed reported; a rate limit met
//! by several workers. The real binary on the emulator over loopback HTTP.

use aep_s3_connect::emulator::{EmulatorConfig, Fault, FaultRoute};
use aep_s3_connect::model::S3ConnectionInput;
use aep_s3_connect::store::history::{HistoryStore, ItemState};
use serde_json::Value;

use crate::common::World;
use crate::common::cli::{
    AWS_SECRET, CliWorld, input, json_of, on_private_keyring, stderr, wait_until,
};

pub(crate) const OLD: &str = "AKIAIOSFODNN7EXAMPLE";
pub(crate) const NEW: &str = "AKIAI44QH8DHBEXAMPL3";
pub(crate) const NEW_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
pub(crate) const OTHER: &str = "AKIAJ55QH8DHBEXAMPL9";

fn world() -> World {
    World::with(EmulatorConfig {
        extra_sandboxes: 2,
        ..EmulatorConfig::default()
    })
}

/// Makes a connection named `name` with `key` in `sandbox` (as another tool would).
pub(crate) fn make(w: &World, sandbox: &str, name: &str, key: &str) -> String {
    let connection = S3ConnectionInput {
        access_key_id: key.into(),
        bucket_name: Some("landing".into()),
        ..input(name)
    };
    w.runtime
        .block_on(w.client(sandbox).create_s3_connection(&connection))
        .unwrap()
        .id
}

/// `connections rotate-key OLD` to the new key, plus `extra`.
fn rotate_key(w: &World, extra: &[&str]) -> std::process::Output {
    w.cmd()
        .args([
            "connections",
            "rotate-key",
            OLD,
            "--json",
            "--skip-s3-check",
        ])
        .args(extra)
        .env("AWS_ACCESS_KEY_ID", NEW)
        .env("AWS_SECRET_ACCESS_KEY", NEW_SECRET)
        .output()
        .unwrap()
}

/// `key` as AEP shows it: its first and last four characters.
pub(crate) fn masked(key: &str) -> String {
    format!(
        "{}{}{}",
        &key[..4],
        "*".repeat(key.len() - 8),
        &key[key.len() - 4..]
    )
}

/// The access key ID the emulator shows for connection `id`, unmasked when it is one of the
/// test's keys.
pub(crate) fn key_of(w: &World, id: &str) -> String {
    let c = w
        .emu()
        .connections()
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no connection {id}"));
    let shown = c["auth"]["params"]["s3AccessKey"].as_str().unwrap();
    [OLD, NEW, OTHER]
        .into_iter()
        .find(|k| masked(k) == shown || *k == shown)
        .unwrap_or(shown)
        .to_owned()
}

/// How many PATCHes of connection `id` the emulator received.
pub(crate) fn patches(w: &World, id: &str) -> usize {
    w.emu()
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.contains(id))
        .count()
}

fn statuses(doc: &Value) -> Vec<(String, String)> {
    doc["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {doc}"))
        .iter()
        .map(|i| {
            (
                i["connectionId"].as_str().unwrap().to_owned(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_connection_of_the_key_in_the_sandboxes_named_and_nothing_else() {
    let w = world();
    let dev = make(&w, "dev", "Landing dev", OLD);
    let one = make(&w, "sandbox-01", "Landing 01", OLD);
    let live = make(&w, "live", "Landing live", OLD);
    let other = make(&w, "dev", "Other key", OTHER);
    let elsewhere = make(&w, "sandbox-02", "Not asked", OLD);

    // The plan first: nothing changes, `live` is production by its type.
    let args = [
        "--sandbox",
        "dev",
        "--sandbox",
        "sandbox-01",
        "--sandbox",
        "live",
    ];
    let plan = rotate_key(&w, &[&args[..], &["--plan"]].concat());
    assert_eq!(plan.status.code(), Some(0), "stderr: {}", stderr(&plan));
    let doc = json_of(&plan);
    let planned: Vec<(&str, bool)> = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["connectionId"].as_str().unwrap(), c["production"] == true))
        .collect();
    assert_eq!(planned.len(), 3, "{doc}");
    assert!(planned.contains(&(live.as_str(), true)));
    assert!(planned.contains(&(dev.as_str(), false)));
    assert_eq!(patches(&w, &dev), 0, "--plan sends nothing");

    // Without a terminal and without --yes: nothing sent.
    let refused = w
        .cmd()
        .args(["connections", "rotate-key", OLD, "--skip-s3-check"])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", NEW)
        .env("AWS_SECRET_ACCESS_KEY", NEW_SECRET)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));

    let out = rotate_key(&w, &[&args[..], &["--yes"]].concat());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["complete"], true);
    for id in [&dev, &one, &live] {
        assert_eq!(key_of(&w, id), NEW, "{id}");
        assert_eq!(patches(&w, id), 1, "{id}");
    }
    assert_eq!(key_of(&w, &other), OTHER, "another key is left alone");
    assert_eq!(
        key_of(&w, &elsewhere),
        OLD,
        "a sandbox not named is left alone"
    );
    assert_eq!(patches(&w, &other) + patches(&w, &elsewhere), 0);
    // The journal holds a complete run.
    let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
    assert!(db.unfinished_rotations().unwrap().is_empty());

    // Again: nothing uses the old key there any more; nothing is sent.
    let again = rotate_key(&w, &[&args[..], &["--yes"]].concat());
    assert_eq!(again.status.code(), Some(0), "stderr: {}", stderr(&again));
    assert_eq!(json_of(&again)["items"], serde_json::json!([]));
    for id in [&dev, &one, &live] {
        assert_eq!(patches(&w, id), 1, "{id}");
    }
}

#[test]
fn killed_half_way_then_the_same_command_finishes_without_a_second_patch() {
    let w = world();
    let dev = make(&w, "dev", "Landing dev", OLD);
    let one = make(&w, "sandbox-01", "Landing 01", OLD);
    let two = make(&w, "sandbox-02", "Landing 02", OLD);
    // sandbox-02's PATCH hangs; the process is killed once the other two are rotated and that
    // PATCH has arrived.
    w.emu().inject(
        Fault::new(FaultRoute::PatchConnection)
            .in_sandbox("sandbox-02")
            .delay_ms(60_000),
    );
    let mut child = w
        .spawn_cmd()
        .args(["connections", "rotate-key", OLD, "--skip-s3-check", "--yes"])
        .args([
            "--sandbox",
            "dev",
            "--sandbox",
            "sandbox-01",
            "--sandbox",
            "sandbox-02",
        ])
        .env("AWS_ACCESS_KEY_ID", NEW)
        .env("AWS_SECRET_ACCESS_KEY", NEW_SECRET)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Two rotated and recorded so in the journal, the third's PATCH arrived.
    wait_until("two rotated, the third in flight", || {
        let journaled = HistoryStore::open(&w.history_db())
            .ok()
            .and_then(|(db, _)| {
                let run = db.unfinished_rotations().ok()?.pop()?;
                db.rotation_items(&run.start.id).ok()
            })
            .is_some_and(|items| {
                items
                    .iter()
                    .filter(|i| i.state == ItemState::Rotated)
                    .count()
                    == 2
            });
        journaled && patches(&w, &two) == 1
    });
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    w.emu().clear_faults();
    // The journal says where it stopped: an unfinished run.
    let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
    assert_eq!(db.unfinished_rotations().unwrap().len(), 1);
    drop(db);
    // Adobe applied the PATCH whose answer the killed process never read.
    let mut patched = S3ConnectionInput {
        access_key_id: NEW.into(),
        ..input("x")
    };
    patched.secret_key = aep_s3_connect::secret::Secret::new(NEW_SECRET);
    let c = w
        .runtime
        .block_on(w.client("sandbox-02").get_connection(&two))
        .unwrap();
    let ops = aep_s3_connect::api::bodies::rotation_ops(&c, NEW, &patched.secret_key, None);
    w.runtime
        .block_on(w.client("sandbox-02").patch_connection_full(
            &two,
            c.etag.as_deref().unwrap(),
            &ops,
        ))
        .unwrap();
    let before = [patches(&w, &dev), patches(&w, &one), patches(&w, &two)];

    let out = rotate_key(
        &w,
        &[
            "--yes",
            "--sandbox",
            "dev",
            "--sandbox",
            "sandbox-01",
            "--sandbox",
            "sandbox-02",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["complete"], true);
    // The lost one was read back, not PATCHed; the other two were not touched again.
    assert_eq!(
        statuses(&doc),
        [(two.clone(), "rotated earlier".to_owned())]
    );
    assert_eq!(doc["alreadyRotated"], 2);
    assert_eq!(
        [patches(&w, &dev), patches(&w, &one), patches(&w, &two)],
        before
    );
    for id in [&dev, &one, &two] {
        assert_eq!(key_of(&w, id), NEW);
    }
    let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
    assert!(
        db.unfinished_rotations().unwrap().is_empty(),
        "the run is complete"
    );
}

#[test]
fn a_412_where_only_the_version_moved_is_retried_and_a_real_change_is_reported() {
    let w = world();
    let moved = make(&w, "dev", "Version moved", OLD);
    // The first PATCH of `moved` answers 412 (someone saved it unchanged meanwhile).
    w.emu()
        .inject(Fault::new(FaultRoute::PatchConnection).status(412));
    let out = rotate_key(&w, &["--yes", "--sandbox", "dev"]);
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(statuses(&doc), [(moved.clone(), "rotated".to_owned())]);
    assert_eq!(key_of(&w, &moved), NEW);
    assert_eq!(patches(&w, &moved), 2, "the 412, then the retry");

    // Someone renames the connection between the list and the PATCH: reported, not rotated.
    let renamed = make(&w, "dev", "Will be renamed", OLD);
    w.emu().inject(
        Fault::new(FaultRoute::GetConnection)
            .in_sandbox("dev")
            .delay_ms(1_500),
    );
    let child = w
        .spawn_cmd()
        .args([
            "connections",
            "rotate-key",
            OLD,
            "--skip-s3-check",
            "--yes",
            "--json",
            "--sandbox",
            "dev",
        ])
        .env("AWS_ACCESS_KEY_ID", NEW)
        .env("AWS_SECRET_ACCESS_KEY", NEW_SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the rotation's read of the connection", || {
        w.emu()
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.ends_with(&renamed))
    });
    let c = w
        .runtime
        .block_on(w.client("dev").get_connection(&renamed))
        .unwrap();
    let rename = serde_json::json!([{"op": "replace", "path": "/name", "value": "Renamed"}]);
    w.runtime
        .block_on(w.client("dev").patch_connection_full(
            &renamed,
            c.etag.as_deref().unwrap(),
            &rename,
        ))
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let doc = json_of(&out);
    let item = &doc["items"][0];
    assert_eq!(item["status"], "failed", "{doc}");
    assert!(
        item["error"].as_str().unwrap().contains("\"Renamed\""),
        "the change is named: {item}"
    );
    assert_eq!(key_of(&w, &renamed), OLD, "not rotated");
}

#[test]
fn a_rate_limit_is_met_by_every_worker_and_every_connection_is_rotated() {
    let w = world();
    let ids: Vec<String> = (0..12)
        .map(|i| {
            let sandbox = ["dev", "sandbox-01", "sandbox-02"][i % 3];
            make(&w, sandbox, &format!("Landing {i:02}"), OLD)
        })
        .collect();
    w.emu().handle().set_rate_limit(Some(8));
    let out = rotate_key(
        &w,
        &[
            "--yes",
            "--parallel",
            "4",
            "--sandbox",
            "dev",
            "--sandbox",
            "sandbox-01",
            "--sandbox",
            "sandbox-02",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        w.emu().handle().throttled_requests() > 0,
        "the limit was met"
    );
    let doc = json_of(&out);
    assert_eq!(statuses(&doc).len(), 12);
    assert!(statuses(&doc).iter().all(|(_, s)| s == "rotated"), "{doc}");
    for id in &ids {
        assert_eq!(key_of(&w, id), NEW, "{id}");
    }
}

#[test]
fn the_secrets_of_both_keys_stay_out_of_output_and_history() {
    let w = world();
    make(&w, "dev", "Landing", OLD);
    let out = rotate_key(&w, &["--yes", "-vvv", "--sandbox", "dev"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(
        !all.contains(NEW_SECRET) && !all.contains(AWS_SECRET),
        "{all}"
    );
    let db = std::fs::read(w.history_db()).unwrap();
    let text = String::from_utf8_lossy(&db);
    assert!(!text.contains(NEW_SECRET) && !text.contains(AWS_SECRET));
}

#[test]
fn a_temporary_key_gets_its_new_session_token_alone() {
    let w = world();
    const TEMP: &str = "ASIAIOSFODNN7EXAMPLE";
    let connection = S3ConnectionInput {
        access_key_id: TEMP.into(),
        session_token: Some(aep_s3_connect::secret::Secret::new("old-token-xyz")),
        ..input("Temporary")
    };
    let id = w
        .runtime
        .block_on(w.client("dev").create_s3_connection(&connection))
        .unwrap()
        .id;
    let out = w
        .cmd()
        .args([
            "connections",
            "rotate-key",
            TEMP,
            "--session-token-only",
            "--sandbox",
            "dev",
        ])
        .args(["--yes", "--json"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SESSION_TOKEN", "new-token-abc")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        statuses(&json_of(&out)),
        [(id.clone(), "rotated".to_owned())]
    );
    let patch = w
        .emu()
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PATCH")
        .unwrap();
    let body: Value = serde_json::from_slice(&patch.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!([{"op": "replace", "path": "/auth/params/s3SessionToken", "value": "new-token-abc"}]),
        "the token alone: the key and its secret are not sent"
    );
    // An AKIA key has no session token to replace.
    let refused = w
        .cmd()
        .args([
            "connections",
            "rotate-key",
            OLD,
            "--session-token-only",
            "--yes",
        ])
        .env("AWS_SESSION_TOKEN", "t")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
}

/// The new key from where users keep it: a profile of the AWS shared credentials file, and a key
/// remembered in the keyring (the real one, under scripts/test.sh), as for `create`.
#[test]
fn the_new_key_comes_from_the_shared_credentials_file_or_a_remembered_key() {
    use aep_s3_connect::ops::aws_keys;
    use aep_s3_connect::secret::Secret;
    use aep_s3_connect::store::config::Config;
    use aep_s3_connect::store::paths::AppPaths;
    use aep_s3_connect::store::secrets::{SecretKind, SecretStore};

    use crate::common::environment::{private_keyring, require};

    let w = world();
    let dev = make(&w, "dev", "Landing", OLD);
    let credentials = w.home.path().join("aws-credentials");
    std::fs::write(
        &credentials,
        format!("[fresh]\naws_access_key_id = {NEW}\naws_secret_access_key = {NEW_SECRET}\n"),
    )
    .unwrap();
    let out = w
        .cmd()
        .args(["connections", "rotate-key", OLD, "--sandbox", "dev"])
        .args([
            "--aws-profile",
            "fresh",
            "--yes",
            "--skip-s3-check",
            "--json",
        ])
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["newKey"], NEW);
    assert_eq!(key_of(&w, &dev), NEW);

    // Back again, from a key remembered in the keyring as "previous".
    if !require(
        "the private keyring of scripts/with-keyring.sh (run the tests with scripts/test.sh)",
        private_keyring(),
    ) {
        return;
    }
    let label = format!("previous-{}", std::process::id());
    let paths = AppPaths::under(w.home.path());
    paths.create_dirs().unwrap();
    let store = SecretStore::open_default();
    let mut config = Config::default();
    let old_key = S3ConnectionInput {
        access_key_id: OLD.into(),
        secret_key: Secret::new(AWS_SECRET),
        ..input("key")
    };
    aws_keys::remember(&mut config, &paths.config_file(), &store, &label, &old_key).unwrap();
    let out = on_private_keyring(&mut w.cmd())
        .args(["connections", "rotate-key", NEW, "--sandbox", "dev"])
        .args(["--aws-key", &label, "--yes", "--skip-s3-check", "--json"])
        .output()
        .unwrap();
    let forgotten = store.delete(&label, SecretKind::AwsSecretKey);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["newKey"], OLD);
    assert_eq!(key_of(&w, &dev), OLD);
    forgotten.unwrap();
    // A name nothing is remembered under is said, with the names there are.
    let out = w
        .cmd()
        .args([
            "connections",
            "rotate-key",
            OLD,
            "--aws-key",
            "nosuch",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("no AWS key is remembered as \"nosuch\""),
        "{}",
        stderr(&out)
    );
}
