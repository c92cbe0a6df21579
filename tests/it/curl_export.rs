//! "Copy as cURL" run by a real bash, and history exports written to real files.

// A failed unwrap is a failed test; clippy's test exemption does not reach helper functions.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

#[cfg(unix)]
use crate::common::environment::permissions_bind_or_run_as_nobody;
use aep_s3_connect::api::flow::redacted_create_body;
use aep_s3_connect::model::EpochMs;
use aep_s3_connect::model::S3ConnectionInput;
use aep_s3_connect::records::curl::{create_connection_curl, curl_for_attempt};
use aep_s3_connect::records::export::{ExportError, ExportFormat, export_to_file, write_attempts};
use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::history::{Attempt, AttemptId, AttemptStatus};
use serde_json::Value;

/// Everything the shell could misread, in one string.
const NASTY: &str = "Landing $HOME `id` $(id) 'single' \"double\" back\\slash \\$HOME \\n %s";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "FQoGZXIvYXdzE+/EXAMPLE/TOKEN==";
const ACCESS_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.EXAMPLE.sig";

fn input() -> S3ConnectionInput {
    S3ConnectionInput {
        name: NASTY.into(),
        description: Some(format!("desc: {NASTY}")),
        access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
        secret_key: Secret::new(SECRET_KEY),
        session_token: Some(Secret::new(SESSION_TOKEN)),
        bucket_name: Some("my-bucket".into()),
        folder_path: Some("in/$USER/`daily`".into()),
        service_url: Some("https://s3.eu-west-1.amazonaws.com".into()),
    }
}

/// A record of an ordinary attempt, as the history returns it.
fn attempt(i: usize) -> Attempt {
    let input = input();
    Attempt {
        id: AttemptId(i64::try_from(i).unwrap() + 1),
        status: [
            AttemptStatus::Created,
            AttemptStatus::Failed,
            AttemptStatus::Pending,
        ][i % 3],
        profile: "default".into(),
        org_id: "5C1328435BF324E90A49@AdobeOrg".into(),
        sandbox: "prod".into(),
        platform_url: "https://platform.adobe.io/".into(),
        name: format!("{NASTY} #{i}"),
        description: input.description.clone(),
        access_key_id: input.access_key_id.clone(),
        bucket_name: input.bucket_name.clone(),
        folder_path: input.folder_path.clone(),
        service_url: input.service_url.clone(),
        has_session_token: true,
        request_body_redacted: redacted_create_body(&input).to_string(),
        started_at_ms: EpochMs(1_700_000_000_000 + i64::try_from(i).unwrap()),
        connection_id: Some(format!("4cb0c374-d3bb-4557-b139-{i:012}")),
        etag: Some("\"1700d77b-0000-0200-0000-5e3b41a10000\"".into()),
        request_id: Some(format!("req-{i}")),
        http_status: (i % 3 == 1).then_some(400),
        error_code: (i % 3 == 1).then(|| "CONNECTOR-1001-400".into()),
        error_message: (i % 3 == 1).then(|| "=cmd|' /C calc'!A0".into()),
        finished_at_ms: (i % 3 != 2)
            .then_some(EpochMs(1_700_000_001_000 + i64::try_from(i).unwrap())),
        duration_ms: (i % 3 != 2).then_some(1000),
        reconciled: false,
        batch_id: None,
    }
}

/// Runs `command` with bash, `curl` replaced by a function that records its arguments (one per
/// line) and its stdin in `dir`. `env` is set; every other variable the command reads is unset.
fn run_with_fake_curl(dir: &Path, command: &str, env: &[(&str, &str)]) -> Output {
    let script = format!(
        "curl() {{ printf '%s\\n' \"$@\" > '{args}'; cat > '{stdin}'; }}\n{command}",
        args = dir.join("args").display(),
        stdin = dir.join("stdin").display(),
    );
    let path = dir.join("create.sh");
    fs::write(&path, script).unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(&path).env("HOME", "/home/should-not-appear");
    for var in [
        "AEP_ACCESS_TOKEN",
        "AEP_CLIENT_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

const ALL_ENV: [(&str, &str); 3] = [
    ("AEP_ACCESS_TOKEN", ACCESS_TOKEN),
    ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
    ("AWS_SESSION_TOKEN", SESSION_TOKEN),
];

#[test]
fn curl_command_holds_no_secret() {
    let input = input();
    let cmd = create_connection_curl(
        "https://platform.adobe.io",
        Some("client-id"),
        "ORG@AdobeOrg",
        "prod",
        &redacted_create_body(&input),
    );
    assert!(!cmd.contains(SECRET_KEY), "{cmd}");
    assert!(!cmd.contains(SESSION_TOKEN), "{cmd}");
    // Even the unredacted body must not leak through.
    let cmd = create_connection_curl(
        "https://platform.adobe.io",
        None,
        "ORG@AdobeOrg",
        "prod",
        &aep_s3_connect::api::flow::create_body(&input),
    );
    assert!(!cmd.contains(SECRET_KEY), "{cmd}");
    assert!(!cmd.contains(SESSION_TOKEN), "{cmd}");
}

#[test]
fn bash_runs_the_command_and_sends_the_exact_body() {
    let dir = tempfile::tempdir().unwrap();
    let input = input();
    let cmd = create_connection_curl(
        "https://platform.adobe.io/",
        Some("client'id"),
        "ORG'$HOME@AdobeOrg",
        "prod",
        &redacted_create_body(&input),
    );
    let out = run_with_fake_curl(dir.path(), &cmd, &ALL_ENV);
    assert!(
        out.status.success(),
        "bash failed: {}\n{cmd}",
        String::from_utf8_lossy(&out.stderr)
    );

    let body: Value = serde_json::from_slice(&fs::read(dir.path().join("stdin")).unwrap())
        .unwrap_or_else(|e| panic!("stdin is not JSON ({e}):\n{cmd}"));
    assert_eq!(body["name"], NASTY);
    assert_eq!(body["description"], format!("desc: {NASTY}"));
    let params = &body["auth"]["params"];
    assert_eq!(params["s3SecretKey"], SECRET_KEY);
    assert_eq!(params["s3SessionToken"], SESSION_TOKEN);
    assert_eq!(params["folderPath"], "in/$USER/`daily`");
    assert_eq!(params["s3AccessKey"], "ASIAIOSFODNN7EXAMPLE");
    // Apart from the secrets, the body is exactly the one the app sends.
    let mut expected = aep_s3_connect::api::flow::create_body(&input);
    expected["auth"]["params"]["s3SecretKey"] = SECRET_KEY.into();
    assert_eq!(body, expected);

    let args = fs::read_to_string(dir.path().join("args")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(
        args,
        [
            "-sS",
            "-X",
            "POST",
            "https://platform.adobe.io/data/foundation/flowservice/connections",
            "-H",
            &format!("Authorization: Bearer {ACCESS_TOKEN}"),
            "-H",
            "x-api-key: client'id",
            "-H",
            "x-gw-ims-org-id: ORG'$HOME@AdobeOrg",
            "-H",
            "x-sandbox-name: prod",
            "-H",
            "Content-Type: application/json",
            "-H",
            "Accept: application/json",
            "--data-binary",
            "@-",
        ]
    );
}

#[test]
fn bash_reads_the_client_id_from_the_environment_when_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let cmd = curl_for_attempt(&attempt(0), None);
    let mut env = ALL_ENV.to_vec();
    env.push(("AEP_CLIENT_ID", "from-env"));
    let out = run_with_fake_curl(dir.path(), &cmd, &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let args = fs::read_to_string(dir.path().join("args")).unwrap();
    assert!(args.lines().any(|l| l == "x-api-key: from-env"), "{args}");
    let body: Value = serde_json::from_slice(&fs::read(dir.path().join("stdin")).unwrap()).unwrap();
    assert_eq!(body["name"], NASTY, "the recorded body is the one replayed");
}

#[test]
fn bash_stops_and_names_each_missing_variable() {
    for missing in [
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AEP_ACCESS_TOKEN",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let cmd = curl_for_attempt(&attempt(0), Some("client-id"));
        let env: Vec<_> = ALL_ENV
            .iter()
            .copied()
            .filter(|(k, _)| *k != missing)
            .collect();
        let out = run_with_fake_curl(dir.path(), &cmd, &env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{missing}: bash succeeded");
        assert!(stderr.contains(missing), "{missing}: {stderr}");
        assert!(
            !dir.path().join("stdin").exists(),
            "{missing}: curl ran without it"
        );
    }
}

#[test]
fn csv_export_round_trips_with_formula_guard_and_etag_quotes() {
    let attempts: Vec<Attempt> = (0..3).map(attempt).collect();
    let mut out = Vec::new();
    write_attempts(&mut out, &attempts, ExportFormat::Csv).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("s3SecretKey"), "request body must stay out");
    assert!(!text.contains("(redacted)"), "request body must stay out");

    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "status",
            "started_at",
            "finished_at",
            "duration_ms",
            "profile",
            "org_id",
            "sandbox",
            "name",
            "description",
            "connection_id",
            "etag",
            "request_id",
            "access_key_id",
            "bucket_name",
            "folder_path",
            "service_url",
            "has_session_token",
            "http_status",
            "error_code",
            "error_message",
            "reconciled",
            "batch_id",
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let col = |row: &csv::StringRecord, name: &str| -> String {
        row[header.iter().position(|h| h == name).unwrap()].to_owned()
    };
    for (row, a) in rows.iter().zip(&attempts) {
        assert_eq!(col(row, "id"), a.id.to_string());
        assert_eq!(col(row, "status"), a.status.as_str());
        assert_eq!(col(row, "name"), a.name, "no guard needed, kept as is");
        assert_eq!(col(row, "etag"), a.etag.clone().unwrap(), "byte for byte");
        assert_eq!(col(row, "org_id"), a.org_id);
        assert_eq!(col(row, "has_session_token"), "true");
    }
    assert_eq!(col(&rows[0], "started_at"), "2023-11-14T22:13:20Z");
    assert_eq!(col(&rows[0], "finished_at"), "2023-11-14T22:13:21Z");
    assert_eq!(col(&rows[0], "duration_ms"), "1000");
    assert_eq!(col(&rows[0], "error_message"), "");
    assert_eq!(col(&rows[1], "http_status"), "400");
    assert_eq!(
        col(&rows[1], "error_message"),
        "'=cmd|' /C calc'!A0",
        "formula guard"
    );
    assert_eq!(col(&rows[2], "finished_at"), "", "pending has no end");
    assert_eq!(col(&rows[2], "status"), "pending");
}

#[test]
fn json_export_parses_back_without_the_request_body() {
    let attempts: Vec<Attempt> = (0..3).map(attempt).collect();
    let mut out = Vec::new();
    write_attempts(&mut out, &attempts, ExportFormat::Json).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["count"], 3);
    assert!(doc["exportedAt"].as_str().unwrap().ends_with('Z'));
    let records = doc["attempts"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    for (record, a) in records.iter().zip(&attempts) {
        assert!(record.get("requestBodyRedacted").is_none(), "{record}");
        // Put the left-out field back: everything else must be the record as serde wrote it.
        let mut record = record.clone();
        record["requestBodyRedacted"] = a.request_body_redacted.clone().into();
        let back: Attempt = serde_json::from_value(record).unwrap();
        assert_eq!(&back, a);
    }
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("s3SecretKey") && !text.contains(SECRET_KEY));
}

#[test]
fn ten_thousand_rows_export_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let attempts: Vec<Attempt> = (0..10_000).map(attempt).collect();
    let path = dir.path().join("history.csv");
    assert_eq!(ExportFormat::from_path(&path), Some(ExportFormat::Csv));
    assert_eq!(
        export_to_file(&path, &attempts, ExportFormat::Csv).unwrap(),
        10_000
    );
    let rows = csv::Reader::from_path(&path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .count();
    assert_eq!(rows, 10_000);

    let path = dir.path().join("history.json");
    assert_eq!(
        export_to_file(&path, &attempts, ExportFormat::Json).unwrap(),
        10_000
    );
    let doc: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(doc["count"], 10_000);
    assert_eq!(doc["attempts"].as_array().unwrap().len(), 10_000);
    assert_eq!(
        dir_entries(dir.path()),
        ["history.csv", "history.json"],
        "no temporary file is left"
    );
}

#[test]
fn export_replaces_an_existing_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    fs::write(&path, "x".repeat(1_000_000)).unwrap();
    export_to_file(&path, &[attempt(0)], ExportFormat::Json).unwrap();
    let doc: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(doc["count"], 1);
    assert_eq!(dir_entries(dir.path()), ["out.json"]);
}

fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn export_to_a_read_only_folder_names_the_path_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    // Root ignores folder permissions: then this runs again as nobody.
    if !permissions_bind_or_run_as_nobody(
        module_path!(),
        "export_to_a_read_only_folder_names_the_path_and_leaves_nothing",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("read-only");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o500)).unwrap();
    let path = ro.join("history.csv");
    let result = export_to_file(&path, &[attempt(0)], ExportFormat::Csv);
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o700)).unwrap();
    let err = result.unwrap_err();
    assert!(matches!(err, ExportError::CreateTemp { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("may write"), "{message}");
    assert!(dir_entries(&ro).is_empty());
}

#[test]
fn export_into_a_missing_folder_names_the_path_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // A regular file where the folder should be: fails for root too.
    let not_a_dir = tmp.path().join("file");
    fs::write(&not_a_dir, "keep").unwrap();
    let path = not_a_dir.join("history.json");
    let err = export_to_file(&path, &[attempt(0)], ExportFormat::Json).unwrap_err();
    assert!(matches!(err, ExportError::CreateTemp { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(dir_entries(tmp.path()), ["file"]);
    assert_eq!(fs::read_to_string(&not_a_dir).unwrap(), "keep");
}

#[test]
fn export_onto_a_folder_fails_after_writing_and_leaves_no_temp_file() {
    let tmp = tempfile::tempdir().unwrap();
    // The rename onto a non-empty folder fails for root too, after the temp file was written.
    let path = tmp.path().join("taken.csv");
    fs::create_dir(&path).unwrap();
    fs::write(path.join("inside"), "keep").unwrap();
    let err = export_to_file(&path, &[attempt(0)], ExportFormat::Csv).unwrap_err();
    assert!(matches!(err, ExportError::Persist { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(dir_entries(tmp.path()), ["taken.csv"]);
    assert_eq!(dir_entries(&path), ["inside"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_write_error() {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let attempts: Vec<Attempt> = (0..100).map(attempt).collect();
    for format in [ExportFormat::Csv, ExportFormat::Json] {
        let err = write_attempts(&full, &attempts, format).unwrap_err();
        let chain = std::error::Error::source(&err).map(ToString::to_string);
        assert!(
            chain.is_some_and(|s| s.contains("No space")),
            "{format:?}: {err:?}"
        );
    }
}
