//! The command-line contract end to end: the real binary against the emulator on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Emulator, Fault, FaultRoute,
};
use aep_s3_connect::store::history::{AttemptStatus, HistoryStore};
use serde_json::Value;

const SESSION_TOKEN: &str = "FwoGZXIvYXdzEJr//////////wEaDSessionTokenForTests";

mod common;

use common::cli::{AWS_SECRET, CliWorld, json_of, kill_during_create, made_anyway, stderr};
use common::{World, assert_no_secret_in_files};

#[test]
fn create_with_env_secrets_prints_json_and_records_history() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "create",
            "--name",
            "From CLI",
            "--bucket",
            "my-bucket",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let created = json_of(&out);
    for key in ["id", "etag", "requestId", "sandbox", "name"] {
        assert!(
            created.get(key).is_some_and(|v| !v.is_null()),
            "missing {key}: {created}"
        );
    }
    assert_eq!(created["name"], "From CLI");
    assert_eq!(created["sandbox"], "prod");
    let remote = w.emu().connections();
    assert_eq!(remote.len(), 1);
    assert_eq!(remote[0]["id"], created["id"]);

    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let history = json_of(&out);
    assert_eq!(history["total"], 1);
    let item = &history["items"][0];
    assert_eq!(item["status"], "created");
    assert_eq!(item["connectionId"], created["id"]);
    assert_eq!(item["etag"], created["etag"]);
    assert_eq!(item["accessKeyId"], "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(item["bucketName"], "my-bucket");

    let out = w
        .cmd()
        .args(["history", "--search", "nothing-like-this"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No history records match"));
    assert_no_secret_in_files(w.home.path(), &[AWS_SECRET, DEMO_CLIENT_SECRET]);
}

#[test]
fn secrets_from_stdin_with_a_session_token() {
    let w = World::new();
    let out = w
        .cmd()
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_ACCESS_KEY_ID", "ASIAIOSFODNN7EXAMPLE")
        .args([
            "create",
            "--name",
            "temp creds",
            "--secret-key-stdin",
            "--session-token-stdin",
            "--json",
        ])
        .write_stdin(format!("{AWS_SECRET}\n{SESSION_TOKEN}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let post = w
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/connections"))
        .unwrap();
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body["auth"]["params"]["s3SecretKey"], AWS_SECRET);
    assert_eq!(body["auth"]["params"]["s3SessionToken"], SESSION_TOKEN);
    assert_no_secret_in_files(
        w.home.path(),
        &[AWS_SECRET, SESSION_TOKEN, DEMO_CLIENT_SECRET],
    );
}

#[test]
fn bad_input_exits_2_and_sends_nothing() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["create", "--name", "x", "--bucket", "Bad_Bucket"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bucket name"), "{}", stderr(&out));
    assert!(w.emu().requests().is_empty());
    // A key session token without an ASIA key is refused too.
    let out = w
        .cmd()
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["create", "--name", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rejected_token_exits_3_with_message_hint_and_failed_record() {
    let w = World::new();
    let out = w
        .cmd()
        .env("AEP_ACCESS_TOKEN", "not-a-valid-token")
        .args(["create", "--name", "unauthorised", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = json_of(&out);
    assert_eq!(err["error"]["status"], 401);
    assert_eq!(err["error"]["code"], "401013");
    assert!(err["error"]["requestId"].is_string());
    assert!(err["error"]["hint"].is_string());
    assert!(stderr(&out).contains("hint:"), "{}", stderr(&out));

    let db = HistoryStore::open(&w.history_db()).unwrap().0;
    let records = db.search(&Default::default()).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].status, AttemptStatus::Failed);
    assert_eq!(records[0].http_status, Some(401));
    assert_eq!(records[0].error_code.as_deref(), Some("401013"));
    assert_no_secret_in_files(w.home.path(), &["not-a-valid-token", AWS_SECRET]);
}

#[test]
fn server_error_exits_4() {
    let w = World::new();
    w.emu().inject(
        Fault::new(FaultRoute::CreateConnection)
            .status(500)
            .times(0),
    );
    let out = w
        .cmd()
        .args(["create", "--name", "doomed"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("500"), "{}", stderr(&out));
    assert!(w.emu().connections().is_empty());
}

#[test]
fn token_prints_expiry_never_the_token() {
    let w = World::new();
    let out = w.cmd().args(["token", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let t = json_of(&out);
    assert_eq!(t["source"], "ims");
    assert!(t["expiresAtMs"].as_i64().unwrap() > 0);
    let token = issued_token(w.emu());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
    assert!(!stderr(&out).contains(&token));
}

/// The first token the emulator saw in an Authorization header or handed out.
fn issued_token(emu: &Emulator) -> String {
    let state: Vec<_> = emu.requests();
    state
        .iter()
        .find_map(|r| {
            r.header("authorization")
                .map(|a| a.trim_start_matches("Bearer ").to_owned())
        })
        .unwrap_or_else(|| "no-token-seen".to_owned())
}

#[test]
fn profile_add_list_use_remove() {
    let w = World::new();
    let plain = |args: &[&str]| {
        let mut c = w.cmd();
        c.env_remove("AEP_ORG_ID")
            .env_remove("AEP_CLIENT_ID")
            .env_remove("AEP_SANDBOX");
        c.args(args);
        c
    };
    let out = plain(&[
        "profile",
        "add",
        "demo",
        "--org-id",
        DEMO_ORG_ID,
        "--client-id",
        DEMO_CLIENT_ID,
        "--sandbox",
        "dev",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let out = plain(&["profile", "list", "--json"]).output().unwrap();
    let list = json_of(&out);
    assert_eq!(list["active"], "demo");
    assert_eq!(list["profiles"][0]["sandbox"], "dev");
    // The active profile is used: the connection lands in `dev`.
    let out = plain(&["create", "--name", "via profile", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["sandbox"], "dev");
    let out = plain(&[
        "profile",
        "add",
        "bad",
        "--org-id",
        "nope",
        "--client-id",
        "x",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("organization ID"), "{}", stderr(&out));
    let out = plain(&["profile", "remove", "demo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let out = plain(&["profile", "list", "--json"]).output().unwrap();
    assert_eq!(json_of(&out)["profiles"].as_array().unwrap().len(), 0);
}

#[test]
fn sigkill_mid_create_leaves_pending_which_the_next_start_settles_as_not_created() {
    let w = World::new();
    kill_during_create(&w, "killed");
    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("created no connection"),
        "{}",
        stderr(&out)
    );
    let h = json_of(&out);
    assert_eq!(h["items"][0]["status"], "failed");
    assert!(
        h["items"][0]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("Interrupted")
    );
}

#[test]
fn sigkill_mid_create_then_adobe_had_it_settles_as_created() {
    let w = World::new();
    kill_during_create(&w, "killed but made");
    // Adobe finished the request although the process was gone: the connection exists.
    let made = made_anyway(&w, "killed but made");

    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("did create connection"),
        "{}",
        stderr(&out)
    );
    let h = json_of(&out);
    assert_eq!(h["total"], 1);
    assert_eq!(h["items"][0]["status"], "created");
    assert_eq!(h["items"][0]["connectionId"], made.as_str());
    assert_eq!(h["items"][0]["reconciled"], true);
}

/// With a real Secret Service (scripts/test.sh starts one): the profile's client secret lives in
/// the keyring, `create` finds it there, and the token is fetched once and then reused from the
/// keyring by the next process.
#[test]
fn keyring_profile_secret_and_token_cache_across_processes() {
    let required = std::env::var("AEP_S3_CONNECT_REQUIRE_KEYRING").is_ok_and(|v| v == "1");
    if !required {
        eprintln!("SKIPPED: no Secret Service session (run through scripts/test.sh)");
        return;
    }
    let w = World::new();
    let name = format!("kr-{}", std::process::id());
    let with_keyring = |args: &[&str]| {
        let mut c = w.cmd();
        c.env_remove("AEP_S3_CONNECT_NO_KEYRING")
            .env_remove("AEP_CLIENT_SECRET")
            .env_remove("AEP_ORG_ID")
            .env_remove("AEP_CLIENT_ID")
            .env_remove("AEP_SANDBOX");
        // The private test keyring lives where scripts/test.sh put it.
        for var in [
            "DBUS_SESSION_BUS_ADDRESS",
            "XDG_RUNTIME_DIR",
            "XDG_DATA_HOME",
        ] {
            if let Ok(v) = std::env::var(var) {
                c.env(var, v);
            }
        }
        c.args(args);
        c
    };
    let out = with_keyring(&[
        "profile",
        "add",
        &name,
        "--org-id",
        DEMO_ORG_ID,
        "--client-id",
        DEMO_CLIENT_ID,
        "--sandbox",
        "prod",
        "--client-secret-stdin",
    ])
    .write_stdin(DEMO_CLIENT_SECRET)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let out = with_keyring(&["profile", "show", &name, "--json"])
        .output()
        .unwrap();
    assert!(
        json_of(&out)["clientSecret"]
            .as_str()
            .unwrap()
            .starts_with("stored")
    );

    let out = with_keyring(&["create", "--name", "keyring one", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let out = with_keyring(&["token", "--json"]).output().unwrap();
    assert_eq!(
        json_of(&out)["source"],
        "cache",
        "the second process reused the cached token"
    );
    assert_eq!(w.emu().ims_token_requests(), 1);
    assert_no_secret_in_files(
        w.home.path(),
        &[DEMO_CLIENT_SECRET, AWS_SECRET, &issued_token(w.emu())],
    );

    let out = with_keyring(&["profile", "remove", &name])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
}

#[test]
fn aws_credentials_file_and_iam_csv_imports() {
    let w = World::new();
    let creds = w.home.path().join("aws-credentials");
    std::fs::write(
        &creds,
        format!("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {AWS_SECRET}\n\n[temp]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = {AWS_SECRET}\naws_session_token = {SESSION_TOKEN}\n"),
    )
    .unwrap();
    let out = w
        .cmd()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .args([
            "create",
            "--name",
            "from ini",
            "--aws-profile",
            "temp",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let body: Value = serde_json::from_slice(&w.emu().requests().last().unwrap().body).unwrap();
    assert_eq!(
        body["auth"]["params"]["s3AccessKey"],
        "ASIAIOSFODNN7EXAMPLE"
    );
    assert_eq!(body["auth"]["params"]["s3SessionToken"], SESSION_TOKEN);

    let out = w
        .cmd()
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .args(["create", "--name", "x", "--aws-profile", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[nosuch]") && stderr(&out).contains("default, temp"),
        "{}",
        stderr(&out)
    );

    let csv = w.home.path().join("keys.csv");
    std::fs::write(
        &csv,
        "Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,\n",
    )
    .unwrap();
    let out = w
        .cmd()
        .args(["create", "--name", "x", "--aws-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("keys.csv, line 2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn console_json_import_needs_the_keyring_and_says_so() {
    let w = World::new();
    let json = w.home.path().join("project.json");
    std::fs::write(
        &json,
        format!(r#"{{"project": {{"name": "aep", "org": {{"ims_org_id": "{DEMO_ORG_ID}"}}, "workspace": {{"details": {{"credentials": [
            {{"integration_type": "oauth_server_to_server", "oauth_server_to_server": {{"client_id": "{DEMO_CLIENT_ID}",
              "client_secrets": ["{DEMO_CLIENT_SECRET}"], "scopes": ["openid", "AdobeID"]}}}}]}}}}}}}}"#),
    )
    .unwrap();
    // No keyring: the secret cannot be stored, so nothing is saved, and the message says why.
    let out = w
        .cmd()
        .env_remove("AEP_ORG_ID")
        .env_remove("AEP_CLIENT_ID")
        .args(["profile", "add", "imported", "--from-console-json"])
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("AEP_S3_CONNECT_NO_KEYRING"),
        "{}",
        stderr(&out)
    );
    assert!(!w.home.path().join("config").join("config.toml").exists());
    assert_no_secret_in_files(
        w.home.path().join("config").parent().unwrap(),
        &[AWS_SECRET],
    );

    let broken = w.home.path().join("broken.json");
    std::fs::write(&broken, "{\n \"project\": {\n  \"org\": 5,\n").unwrap();
    let out = w
        .cmd()
        .args(["profile", "add", "b", "--from-console-json"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("broken.json, line 4"),
        "{}",
        stderr(&out)
    );
}
