//! The command-line contract end to end: the real binary against the emulator on loopback.

use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Emulator, Fault, FaultRoute,
};
use aep_s3_connect::store::history::{AttemptStatus, HistoryStore};
use serde_json::Value;

const SESSION_TOKEN: &str = "FwoGZXIvYXdzEJr//////////wEaDSessionTokenForTests";

use crate::common::cli::{
    AWS_SECRET, CliWorld, json_of, kill_during_create, kill_during_create_with, last_create,
    made_anyway, on_private_keyring, stderr,
};
use crate::common::environment::{NobodyCopy, private_keyring, require};
use crate::common::{World, assert_no_secret_in_files};

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
    let records = db
        .search(&aep_s3_connect::store::history::HistoryQuery::default())
        .unwrap();
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

/// Regression: `history` right after a `kill -9` settled the attempt as "not
/// created" while Adobe could still be creating it. It stays pending until its request can no
/// longer land (start + total timeout + clock slack), and only then is settled as not created.
#[test]
fn sigkill_mid_create_stays_pending_until_its_request_cannot_land_then_settles_as_not_created() {
    let w = World::new();
    crate::common::cli::set_timeouts(&w, 3, 2);
    // The request hangs, then fails: Adobe never makes this one.
    kill_during_create_with(
        &w,
        "killed",
        Fault::new(FaultRoute::CreateConnection)
            .delay_ms(60_000)
            .status(503),
    );
    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("still pending"), "{}", stderr(&out));
    assert_eq!(json_of(&out)["items"][0]["status"], "pending");
    // A second create of the name meanwhile could make a duplicate: refused, exit 4.
    let again = w
        .cmd()
        .args(["create", "--name", "killed"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(4), "stderr: {}", stderr(&again));
    assert!(
        stderr(&again).contains("may still be created"),
        "{}",
        stderr(&again)
    );
    // Past start + 3 s + 2 s it can no longer land: settled.
    let mut out = w.cmd().args(["history", "--json"]).output().unwrap();
    crate::common::cli::wait_until("the attempt settled", || {
        out = w.cmd().args(["history", "--json"]).output().unwrap();
        json_of(&out)["items"][0]["status"] != "pending"
    });
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
    // Only in the private keyring: the binary stores a profile's client secret and token there.
    if !require(
        "the private keyring of scripts/with-keyring.sh (run the tests with scripts/test.sh)",
        private_keyring(),
    ) {
        return;
    }
    let w = World::new();
    let name = format!("kr-{}", std::process::id());
    let with_keyring = |args: &[&str]| {
        let mut c = w.cmd();
        on_private_keyring(&mut c)
            .env_remove("AEP_CLIENT_SECRET")
            .env_remove("AEP_ORG_ID")
            .env_remove("AEP_CLIENT_ID")
            .env_remove("AEP_SANDBOX")
            .args(args);
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
    // The last create, not the lookup of the name that follows it.
    let body: Value = serde_json::from_slice(&last_create(w.emu()).body).unwrap();
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

/// An IMS on loopback that answers every request with HTTP 200 and `body`; returns its URL.
fn fake_ims(body: &'static str) -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::Builder::new()
        .name("fake-ims".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                // The whole request (head, then Content-Length bytes) before the answer.
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = stream.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    request.extend_from_slice(&chunk[..n]);
                    let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: fake-ims-1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        })
        .unwrap();
    url
}

/// Regression: IMS answering a token with a newline ended with exit 2 (a usage error,
/// when the token would not go into a header); it is IMS answering garbage: exit 4, naming IMS,
/// and nothing reaches AEP. The token is never printed.
#[test]
fn ims_token_with_a_newline_is_an_invalid_ims_answer_exit_4() {
    let w = World::new();
    let ims = fake_ims(r#"{"access_token": "eyJhbGciOi\nJSUzI1NiJ9garbage", "expires_in": 86399}"#);
    for args in [
        &["token"][..],
        &["create", "--name", "after garbage token"][..],
    ] {
        let out = w
            .cmd()
            .env("AEP_IMS_URL", &ims)
            .args(args)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(err.contains("IMS token request"), "{err}");
        assert!(err.contains("line break"), "{err}");
        assert!(err.contains("fake-ims-1"), "the request ID is shown: {err}");
        assert!(
            !err.contains("eyJhbGciOi") && !err.contains("garbage"),
            "{err}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("eyJhbGciOi"));
    }
    assert_eq!(
        crate::common::cli::create_posts(w.emu()),
        0,
        "nothing was sent to AEP"
    );
}

/// Regression: a secret variable holding bytes that are not UTF-8 was taken as unset
/// (falling back to IMS, to no session token, or to "no secret"); it is a usage error (exit 2)
/// naming the variable, and nothing is sent.
#[cfg(unix)]
#[test]
fn non_utf8_secret_variables_are_refused_by_name() {
    use std::os::unix::ffi::OsStringExt as _;
    let w = World::new();
    let not_utf8 = || std::ffi::OsString::from_vec(b"wJalrXUtnFEMI\xff\xfeKEY".to_vec());
    for (var, args) in [
        ("AEP_CLIENT_SECRET", &["token"][..]),
        ("AEP_ACCESS_TOKEN", &["token"][..]),
        (
            "AWS_SECRET_ACCESS_KEY",
            &["create", "--name", "bad secret"][..],
        ),
        ("AWS_SESSION_TOKEN", &["create", "--name", "bad token"][..]),
    ] {
        let out = w.cmd().env(var, not_utf8()).args(args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{var}: {err}");
        assert!(
            err.contains(&format!("{var} is set but is not valid UTF-8")),
            "{var}: {err}"
        );
        assert!(!err.contains("wJalrXUtnFEMI"), "{err}");
    }
    assert_eq!(w.emu().ims_token_requests(), 0, "IMS was not asked");
    assert_eq!(
        crate::common::cli::create_posts(w.emu()),
        0,
        "nothing was created"
    );
    // A broken variable that stdin replaces is not used, so it is no error.
    let out = w
        .cmd()
        .env("AWS_SECRET_ACCESS_KEY", not_utf8())
        .args(["create", "--name", "key from stdin", "--secret-key-stdin"])
        .write_stdin(format!("{AWS_SECRET}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Sets every folder under `dir` (itself included) to mode `dirs` and every file to `files`.
#[cfg(unix)]
fn set_modes(dir: &std::path::Path, dirs: u32, files: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            set_modes(&path, dirs, files);
        } else {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(files)).unwrap();
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(dirs)).unwrap();
}

/// Makes a folder read-only for the test's life, and writable again after (so it can be removed).
#[cfg(unix)]
struct ReadOnlyTree<'a>(&'a std::path::Path);

#[cfg(unix)]
impl Drop for ReadOnlyTree<'_> {
    fn drop(&mut self) {
        set_modes(self.0, 0o755, 0o644);
    }
}

/// Regression: `history` failed (exit 5) when the data folder and the database were
/// read-only (`chmod -R a-w`); it reads them as they are, says so on stderr, and writes nothing:
/// no file created or changed, and no reconciling of the pending record with AEP.
///
/// Root ignores file permissions, and CI runs as root: there a copy of the binary runs as
/// `nobody` (through `setpriv`), for whom they bind; when that is impossible the test is skipped
/// (a failure under CI).
#[cfg(unix)]
#[test]
fn history_reads_a_read_only_data_dir_without_writing() {
    let w = World::new();
    let db = w.history_db();
    crate::common::history::fill(&db, 20); // 16 created, 3 failed, 1 pending
    let before = std::fs::read(&db).unwrap();
    let data_dir = db.parent().unwrap().to_owned();
    let _tree = ReadOnlyTree(w.home.path());
    set_modes(w.home.path(), 0o555, 0o444);
    let probe = data_dir.join("write-probe");
    let permissions_bind = std::fs::write(&probe, b"").is_err();
    let _ = std::fs::remove_file(&probe);
    let nobody =
        (!permissions_bind).then(|| NobodyCopy::of(std::path::Path::new(crate::common::cli::BIN)));
    let as_nobody = |args: &[&str]| {
        let mut cmd = nobody.as_ref().unwrap().command();
        cmd.env_clear()
            .envs(
                w.spawn_cmd()
                    .get_envs()
                    .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
            )
            .args(args);
        cmd.output()
    };
    if !permissions_bind {
        let version = as_nobody(&["--version"]);
        if !require(
            &format!(
                "a user whom `chmod a-w` binds: this is root, and setpriv could not run the binary as nobody ({version:?})"
            ),
            version.is_ok_and(|out| out.status.success()),
        ) {
            return;
        }
    }
    let run = |args: &[&str]| {
        if permissions_bind {
            w.spawn_cmd().args(args).output().unwrap()
        } else {
            as_nobody(args).unwrap()
        }
    };

    let out = run(&["history", "--json", "--limit", "0"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("read-only"), "says so on stderr: {err}");
    let listed = json_of(&out);
    assert_eq!(listed["total"], 20, "{listed}");
    assert_eq!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["status"] == "pending")
            .count(),
        1,
        "the pending record stays pending"
    );
    let out = run(&["history", "--search", "connection 00003"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Connection 00003"));

    assert!(
        w.emu().requests().is_empty(),
        "nothing was reconciled with AEP"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is unchanged"
    );
    let files: Vec<_> = std::fs::read_dir(&data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, ["history.sqlite3"], "no file was created");
}

/// Regression: a credentials file's `[profile x]` section (the ~/.aws/config syntax)
/// was silently taken as profile `x`, and of a section written twice the first silently won;
/// an IAM CSV with two keys gave its first. Each is refused, naming the file and the lines.
#[test]
fn ambiguous_aws_credential_files_are_refused_with_their_lines() {
    let w = World::new();
    let run = |file: &std::path::Path, args: &[&str]| {
        w.cmd()
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_SHARED_CREDENTIALS_FILE", file)
            .args(args)
            .output()
            .unwrap()
    };
    let creds = w.home.path().join("aws-credentials");
    let pair =
        format!("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {AWS_SECRET}\n");
    std::fs::write(&creds, format!("[default]\n{pair}\n[profile dev]\n{pair}")).unwrap();
    let out = run(&creds, &["create", "--name", "x", "--aws-profile", "dev"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("aws-credentials, line 5: [profile dev]"),
        "{err}"
    );
    assert!(err.contains("[dev]") && !err.contains(AWS_SECRET), "{err}");

    std::fs::write(
        &creds,
        format!("[dev]\n{pair}[default]\n{pair}[dev]\n{pair}"),
    )
    .unwrap();
    let out = run(&creds, &["create", "--name", "x", "--aws-profile", "dev"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("aws-credentials, line 7: profile [dev] appears twice, on lines 1 and 7"),
        "{err}"
    );

    let csv = w.home.path().join("keys.csv");
    std::fs::write(
        &csv,
        format!("Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,{AWS_SECRET}\nAKIAI44QH8DHBEXAMPLE,je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n"),
    )
    .unwrap();
    let out = run(
        &creds,
        &["create", "--name", "x", "--aws-csv", csv.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("keys.csv, line 3: the file holds 2 access keys"),
        "{err}"
    );
    assert!(
        err.contains("line 2: AKIAIOSFODNN7EXAMPLE; line 3: AKIAI44QH8DHBEXAMPLE"),
        "{err}"
    );
    assert!(
        !err.contains(AWS_SECRET) && !err.contains("je7MtGbClwBF"),
        "{err}"
    );
    assert_eq!(
        crate::common::cli::create_posts(w.emu()),
        0,
        "nothing was created"
    );
}

/// Regression: of a console JSON's two client secrets the first was stored silently,
/// and an empty `client_secrets` made a profile without one. Two must be chosen between
/// (`--client-secret-index N` or `--client-secret-stdin`); none is an error with its line.
#[test]
fn console_json_with_two_secrets_needs_a_choice() {
    let w = World::new();
    let json = w.home.path().join("project.json");
    let write = |secrets: &str| {
        std::fs::write(
            &json,
            format!(
                "{{\"project\": {{\"name\": \"aep\", \"org\": {{\"ims_org_id\": \"{DEMO_ORG_ID}\"}},\n \"workspace\": {{\"details\": {{\"credentials\": [\n  {{\"integration_type\": \"oauth_server_to_server\", \"oauth_server_to_server\": {{\"client_id\": \"{DEMO_CLIENT_ID}\",\n   \"client_secrets\": {secrets}, \"scopes\": [\"openid\", \"AdobeID\"]}}}}]}}}}}}}}"
            ),
        )
        .unwrap();
    };
    let add = |extra: &[&str]| {
        w.cmd()
            .env_remove("AEP_ORG_ID")
            .env_remove("AEP_CLIENT_ID")
            .args(["profile", "add", "imported", "--from-console-json"])
            .arg(&json)
            .args(extra)
            .output()
            .unwrap()
    };
    write(r#"["p8e-FIRST-secret", "p8e-SECOND-secret"]"#);
    let out = add(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("project.json, line 4: the OAuth credential holds 2 client secrets"),
        "{err}"
    );
    assert!(err.contains("--client-secret-index"), "{err}");
    assert!(!err.contains("p8e-"), "{err}");
    let out = add(&["--client-secret-index", "3"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("there is no number 3"),
        "{}",
        stderr(&out)
    );
    // A valid choice gets past the import to the keyring, which this test has none of.
    let out = add(&["--client-secret-index", "2"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("AEP_S3_CONNECT_NO_KEYRING"),
        "{}",
        stderr(&out)
    );
    assert!(!w.home.path().join("config").join("config.toml").exists());

    write("[]");
    let out = add(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("project.json, line 4: the OAuth credential has no client secret"),
        "{err}"
    );
}
