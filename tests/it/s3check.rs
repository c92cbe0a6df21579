//! The S3 pre-flight check against a real S3 implementation on loopback: moto's server (PyPI
//! `moto[server]`, installed by `.ci/run`), with IAM enforcement switched on, so that a denial is
//! S3 really refusing a request and not the check's own guess.
//!
//! Each test starts its own moto on a free 127.0.0.1 port (killed on drop) and sets it up over
//! moto's API as an admin with boto3 (a dependency of moto): IAM users with access keys and
//! inline policies, a role for temporary credentials, and a bucket in eu-west-1 with a folder
//! holding a file and an empty folder. Only then is authentication switched on
//! (`POST /moto-api/reset-auth` with `0`: every later request must be signed by a known key and
//! allowed by its policies). Without moto the tests are skipped (a failure under CI: `require`).

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aep_s3_connect::api::{Http, HttpSettings};
use aep_s3_connect::s3check::{
    self, CheckOutcome, GET_BUCKET_LOCATION, GET_OBJECT, GET_OBJECT_VERSION, LIST_ALL_MY_BUCKETS,
    LIST_BUCKET, S3CheckInput, S3CheckReport,
};
use aep_s3_connect::secret::Secret;
use serde_json::Value;

use crate::common::environment::require;

const BIN: &str = env!("CARGO_BIN_EXE_aep-s3-connect");
const BUCKET: &str = "aep-landing";
const FOLDER: &str = "in/daily";
const FILE: &str = "in/daily/2024-01-01.csv";

/// Starts moto's server with one fix: moto checks a signature against werkzeug's IRI form of the
/// URL, which decodes `%2F` (and other escapes) in the query, while AWS canonicalises the
/// decoded query by encoding it again. Unpatched, every listing with a `/` in its prefix fails
/// with SignatureDoesNotMatch, for boto3 and the AWS CLI too (getmoto/moto#5948). The patch
/// re-encodes path and query the way AWS does before moto computes its signature.
const LAUNCHER: &str = r#"
import sys
from urllib.parse import parse_qsl, quote, unquote, urlsplit
import moto.iam.access_control as access_control
from moto.server import main

original_init = access_control.IAMRequestBase.__init__

def aws_canonical_init(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    parts = urlsplit(self._path)
    path = quote(unquote(parts.path), safe="/-_.~")
    query = "&".join(
        quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~")
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    self._path = path + ("?" + query if query else "")

access_control.IAMRequestBase.__init__ = aws_canonical_init
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
"#;

/// The admin's setup over moto's API; prints the users' keys as JSON, then turns auth on.
const SETUP: &str = r#"
import json, os, urllib.request
import boto3

url = os.environ["MOTO_URL"]
admin = dict(endpoint_url=url, aws_access_key_id="admin", aws_secret_access_key="admin")
iam = boto3.client("iam", region_name="us-east-1", **admin)
sts = boto3.client("sts", region_name="us-east-1", **admin)
s3 = boto3.client("s3", region_name="eu-west-1", **admin)

bucket = "aep-landing"
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3.put_object(Bucket=bucket, Key="in/daily/", Body=b"")
s3.put_object(Bucket=bucket, Key="in/daily/2024-01-01.csv", Body=b"id,name\n1,a\n")
s3.put_object(Bucket=bucket, Key="empty/", Body=b"")

resources = {
    "s3:ListAllMyBuckets": "*",
    "s3:GetBucketLocation": f"arn:aws:s3:::{bucket}",
    "s3:ListBucket": f"arn:aws:s3:::{bucket}",
    "s3:GetObject": f"arn:aws:s3:::{bucket}/*",
    "s3:GetObjectVersion": f"arn:aws:s3:::{bucket}/*",
}

def policy(actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": a, "Resource": resources[a]} for a in actions]})

keys = {}
for name, actions in {
    "full": list(resources),
    "no-get-object": [a for a in resources if a != "s3:GetObject"],
}.items():
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="aep", PolicyDocument=policy(actions))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    keys[name] = {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}

trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
iam.create_role(RoleName="aep-reader", AssumeRolePolicyDocument=trust)
iam.put_role_policy(RoleName="aep-reader", PolicyName="aep", PolicyDocument=policy(list(resources)))
c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/aep-reader",
                    RoleSessionName="preflight")["Credentials"]
keys["temporary"] = {"id": c["AccessKeyId"], "secret": c["SecretAccessKey"], "token": c["SessionToken"]}

# From here on moto checks each request's signature and the caller's IAM policies.
request = urllib.request.Request(url + "/moto-api/reset-auth", data=b"0", method="POST",
                                 headers={"Content-Type": "text/plain"})
urllib.request.urlopen(request).read()
print(json.dumps(keys))
"#;

/// A running moto server with its users' keys; killed on drop.
struct Moto {
    child: Child,
    url: String,
    keys: Value,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Moto, set up and with auth on; `None` (the test skipped through [`require`]) when moto
    /// is not installed.
    fn start() -> Option<Moto> {
        let probe = Command::new("python3")
            .args(["-c", "import moto.server, boto3, flask, flask_cors"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !require(
            "moto's S3 server (pip install 'moto[server]')",
            probe.is_ok_and(|s| s.success()),
        ) {
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("python3")
            .args(["-c", LAUNCHER, &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start moto");
        // Werkzeug says "Running on http://127.0.0.1:PORT" when it listens; the pipes are
        // drained for the server's whole life so its request log never blocks it.
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = ready_tx.clone();
            std::thread::Builder::new()
                .name("moto-log".into())
                .spawn(move || {
                    let mut log = String::new();
                    for line in BufReader::new(stream).lines().map_while(Result::ok) {
                        if line.contains("Running on") {
                            let _ = tx.send(Ok(()));
                        }
                        if log.len() < 16_000 {
                            log.push_str(&line);
                            log.push('\n');
                        }
                    }
                    let _ = tx.send(Err(log));
                })
                .unwrap();
        }
        drop(ready_tx);
        match ready_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(())) => {}
            Ok(Err(log)) => panic!("moto exited before listening:\n{log}"),
            Err(e) => panic!("moto did not start listening within 60 s ({e})"),
        }
        let url = format!("http://127.0.0.1:{port}");
        let mut moto = Moto {
            child,
            url,
            keys: Value::Null,
        };
        let setup = Command::new("python3")
            .args(["-c", SETUP])
            .env("MOTO_URL", &moto.url)
            .output()
            .expect("run the moto setup");
        assert!(
            setup.status.success(),
            "moto setup failed:\n{}",
            String::from_utf8_lossy(&setup.stderr)
        );
        moto.keys = serde_json::from_slice(&setup.stdout).expect("setup prints the keys");
        Some(moto)
    }

    fn key(&self, user: &str, field: &str) -> String {
        self.keys[user][field].as_str().unwrap().to_owned()
    }

    /// The input for `user` on the test bucket and folder.
    fn input(&self, user: &str) -> S3CheckInput {
        S3CheckInput {
            access_key_id: self.key(user, "id"),
            secret_key: Secret::new(self.key(user, "secret")),
            session_token: self.keys[user]["token"].as_str().map(Secret::new),
            bucket: Some(BUCKET.into()),
            folder_path: Some(FOLDER.into()),
            service_url: Some(self.url.clone()),
            region: None,
        }
    }
}

fn http() -> Http {
    Http::new(HttpSettings {
        connect_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(30),
        max_retries: 1,
        ..HttpSettings::default()
    })
    .unwrap()
}

fn check(input: &S3CheckInput) -> S3CheckReport {
    assert!(s3check::validate_input(input).is_ok(), "valid input");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(s3check::check_s3(&http(), input))
}

fn outcome<'a>(report: &'a S3CheckReport, permission: &str) -> &'a CheckOutcome {
    &report
        .check(permission)
        .unwrap_or_else(|| panic!("{permission} missing from {report:#?}"))
        .outcome
}

/// Every text of the report, for "never a secret" assertions.
fn all_text(report: &S3CheckReport) -> String {
    format!("{report:?}")
}

#[test]
fn all_five_permissions_pass_and_the_bucket_region_is_used() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let input = moto.input("full");
    let report = check(&input);
    let order: Vec<&str> = report.checks.iter().map(|c| c.permission).collect();
    assert_eq!(order, s3check::PERMISSIONS, "{report:#?}");
    for c in &report.checks {
        assert_eq!(c.outcome, CheckOutcome::Passed, "{report:#?}");
    }
    assert!(report.all_passed());
    assert_eq!(
        report.region_used, "eu-west-1",
        "GetBucketLocation's answer"
    );
    let detail = |p| report.check(p).unwrap().detail.clone();
    assert!(detail(GET_BUCKET_LOCATION).contains("eu-west-1"));
    assert!(detail(LIST_BUCKET).contains("1 file(s)"), "{report:#?}");
    assert!(detail(GET_OBJECT).contains(FILE), "{report:#?}");
    assert!(!all_text(&report).contains(input.secret_key.expose()));
}

#[test]
fn a_policy_without_get_object_is_denied_there_and_only_there() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let report = check(&moto.input("no-get-object"));
    assert_eq!(
        outcome(&report, GET_OBJECT),
        &CheckOutcome::Denied("AccessDenied".into()),
        "{report:#?}"
    );
    for p in [
        LIST_ALL_MY_BUCKETS,
        GET_BUCKET_LOCATION,
        LIST_BUCKET,
        GET_OBJECT_VERSION,
    ] {
        assert_eq!(
            outcome(&report, p),
            &CheckOutcome::Passed,
            "{p}: {report:#?}"
        );
    }
    assert!(!report.all_passed() && report.any_denied() && !report.any_failed());
    assert!(
        report
            .check(GET_OBJECT)
            .unwrap()
            .detail
            .contains("s3:GetObject")
    );
}

#[test]
fn a_wrong_secret_or_an_unknown_key_is_denied_with_aws_code() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let mut input = moto.input("full");
    let wrong = format!("{}x", &input.secret_key.expose()[1..]);
    input.secret_key = Secret::new(wrong.clone());
    let report = check(&input);
    assert_eq!(
        outcome(&report, LIST_ALL_MY_BUCKETS),
        &CheckOutcome::Denied("SignatureDoesNotMatch".into()),
        "{report:#?}"
    );
    // Every other request would be refused the same way: they are reported as skipped.
    for c in &report.checks[1..] {
        assert!(
            matches!(c.outcome, CheckOutcome::NotChecked(_)),
            "{report:#?}"
        );
    }
    assert!(!all_text(&report).contains(&wrong));

    let mut unknown = moto.input("full");
    unknown.access_key_id = "AKIAIOSFODNN7EXAMPLE".into();
    let report = check(&unknown);
    assert_eq!(
        outcome(&report, LIST_ALL_MY_BUCKETS),
        &CheckOutcome::Denied("InvalidAccessKeyId".into()),
        "{report:#?}"
    );
}

#[test]
fn an_empty_folder_leaves_the_object_reads_not_checked() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let mut input = moto.input("full");
    input.folder_path = Some("/empty/".into());
    let report = check(&input);
    assert_eq!(
        outcome(&report, LIST_BUCKET),
        &CheckOutcome::Passed,
        "{report:#?}"
    );
    for p in [GET_OBJECT, GET_OBJECT_VERSION] {
        assert!(
            matches!(outcome(&report, p), CheckOutcome::NotChecked(r) if r.contains("no file")),
            "{p}: {report:#?}"
        );
    }
    assert!(report.all_passed(), "nothing denied, nothing failed");
}

#[test]
fn temporary_credentials_carry_their_session_token() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let input = moto.input("temporary");
    assert!(input.access_key_id.starts_with("ASIA"));
    let token = input.session_token.clone().unwrap();
    let report = check(&input);
    assert!(report.all_passed(), "{report:#?}");
    assert!(!all_text(&report).contains(token.expose()));

    let mut stale = moto.input("temporary");
    stale.session_token = Some(Secret::new(format!("{}A", token.expose())));
    let report = check(&stale);
    assert_eq!(
        outcome(&report, LIST_ALL_MY_BUCKETS),
        &CheckOutcome::Denied("InvalidToken".into()),
        "{report:#?}"
    );
}

/// The binary with a clean environment and a throwaway data dir.
fn cli(home: &tempfile::TempDir) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AEP_S3_CONNECT_HOME", home.path())
        .env("AEP_S3_CONNECT_NO_KEYRING", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

#[test]
fn cli_check_s3_end_to_end() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let secret = moto.key("no-get-object", "secret");
    let output = cli(&home)
        .args(["check-s3", "--bucket", BUCKET, "--folder-path", FOLDER])
        .args(["--service-url", &moto.url, "--secret-key-stdin", "--json"])
        .env("AWS_ACCESS_KEY_ID", moto.key("no-get-object", "id"))
        .write_stdin(format!("{secret}\n"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(3),
        "AWS denied one: {stdout}\n{stderr}"
    );
    let json: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(json["allPassed"], false);
    assert_eq!(json["regionUsed"], "eu-west-1");
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 5);
    assert_eq!(checks[0]["result"], "passed");
    assert_eq!(checks[3]["permission"], "s3:GetObject");
    assert_eq!(checks[3]["result"], "denied");
    assert_eq!(checks[3]["code"], "AccessDenied");
    assert_eq!(checks[4]["result"], "passed");
    assert!(!stdout.contains(&secret) && !stderr.contains(&secret));

    // The human table, with every permission passing: exit 0.
    let full_secret = moto.key("full", "secret");
    let output = cli(&home)
        .args(["check-s3", "--bucket", BUCKET, "--folder-path", FOLDER])
        .args(["--service-url", &moto.url])
        .env("AWS_ACCESS_KEY_ID", moto.key("full", "id"))
        .env("AWS_SECRET_ACCESS_KEY", &full_secret)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("s3:GetObjectVersion"), "{stdout}");
    assert!(
        stdout.contains("Every checked permission passed."),
        "{stdout}"
    );
    assert!(!stdout.contains(&full_secret));
}

#[test]
fn cli_bad_input_is_exit_2_and_an_unreachable_store_exit_4() {
    let home = tempfile::tempdir().unwrap();
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let bad = cli(&home)
        .args([
            "check-s3",
            "--bucket",
            "Not_A_Bucket",
            "--region",
            "Mars 1",
            "--json",
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bucket name") && stderr.contains("region"),
        "{stderr}"
    );

    // Nothing listens on a port just released: the check fails without an answer.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = cli(&home)
        .args(["check-s3", "--bucket", BUCKET, "--json"])
        .args(["--service-url", &format!("http://127.0.0.1:{port}")])
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&down.stdout);
    assert_eq!(down.status.code(), Some(4), "{stdout}");
    let json: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(json["checks"][0]["result"], "failed");
    assert_eq!(json["checks"][1]["result"], "notChecked");
    assert!(!stdout.contains(secret) && !String::from_utf8_lossy(&down.stderr).contains(secret));
}

/// A store that, like AWS and MinIO, refuses a bucket request signed for the wrong region with
/// `AuthorizationHeaderMalformed` naming the right one (moto never checks the region).
async fn region_strict_store(refusals: std::sync::Arc<std::sync::atomic::AtomicUsize>) -> String {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let refusals = refusals.clone();
        async move {
            let auth = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let path = req.uri().path().to_owned();
            let query = req.uri().query().unwrap_or_default().to_owned();
            if path == "/" {
                let body = "<ListAllMyBucketsResult><Buckets><Bucket><Name>bucket-one</Name></Bucket></Buckets></ListAllMyBucketsResult>";
                return (StatusCode::OK, body).into_response();
            }
            if !auth.contains("/eu-west-1/s3/aws4_request") {
                refusals.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let body = "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region></Error>";
                return (StatusCode::BAD_REQUEST, body).into_response();
            }
            match (path.as_str(), query.as_str()) {
                ("/bucket-one", "location") => (
                    StatusCode::OK,
                    "<LocationConstraint>eu-west-1</LocationConstraint>",
                )
                    .into_response(),
                ("/bucket-one", _) => (
                    StatusCode::OK,
                    "<ListBucketResult><Contents><Key>x/f.csv</Key><Size>3</Size></Contents></ListBucketResult>",
                )
                    .into_response(),
                ("/bucket-one/x/f.csv", _) => (StatusCode::PARTIAL_CONTENT, "a").into_response(),
                _ => (StatusCode::NOT_FOUND, "").into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn a_refusal_naming_the_region_is_retried_signed_for_it() {
    let refusals = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let url = region_strict_store(refusals.clone()).await;
    let input = S3CheckInput {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        bucket: Some("bucket-one".into()),
        folder_path: Some("x".into()),
        service_url: Some(url),
        ..S3CheckInput::default()
    };
    let report = s3check::check_s3(&http(), &input).await;
    assert!(report.all_passed(), "{report:#?}");
    assert_eq!(report.region_used, "eu-west-1");
    // One refusal (the first bucket request, signed for us-east-1); everything after is signed right.
    assert_eq!(refusals.load(std::sync::atomic::Ordering::SeqCst), 1);
}

/// `connections rotate-key` checks the new key against each bucket and folder its connections
/// read from before anything is changed: a key whose policy lacks a permission AEP needs is
/// refused (exit 3) with nothing PATCHed; one that passes (temporary credentials here, with
/// their session token) is rotated.
#[test]
fn rotate_key_checks_the_new_key_on_each_bucket_first() {
    use crate::common::World;
    use crate::common::cli::CliWorld;

    let Some(moto) = Moto::start() else {
        return;
    };
    let w = World::new();
    let old = moto.key("full", "id");
    let connection = aep_s3_connect::model::S3ConnectionInput {
        name: "Landing on moto".into(),
        access_key_id: old.clone(),
        secret_key: Secret::new(moto.key("full", "secret")),
        bucket_name: Some(BUCKET.into()),
        folder_path: Some(FOLDER.into()),
        service_url: Some(moto.url.clone()),
        ..Default::default()
    };
    let id = w
        .runtime
        .block_on(w.client("dev").create_s3_connection(&connection))
        .unwrap()
        .id;
    let patches = || {
        w.emu()
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH" && r.path.contains(&id))
            .count()
    };
    let rotate_to = |user: &str| {
        let mut cmd = w.cmd();
        cmd.args([
            "connections",
            "rotate-key",
            &old,
            "--sandbox",
            "dev",
            "--yes",
        ])
        .env("AWS_ACCESS_KEY_ID", moto.key(user, "id"))
        .env("AWS_SECRET_ACCESS_KEY", moto.key(user, "secret"));
        if let Some(token) = moto.keys[user]["token"].as_str() {
            cmd.env("AWS_SESSION_TOKEN", token);
        }
        cmd.output().unwrap()
    };

    let refused = rotate_to("no-get-object");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "S3 denied: {stderr}");
    assert!(stderr.contains("s3:GetObject"), "{stderr}");
    assert!(stderr.contains("AccessDenied"), "{stderr}");
    assert!(stderr.contains("nothing was rotated"), "{stderr}");
    assert_eq!(patches(), 0, "nothing PATCHed");

    let rotated = rotate_to("temporary");
    assert_eq!(
        rotated.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&rotated.stdout),
        String::from_utf8_lossy(&rotated.stderr)
    );
    assert_eq!(patches(), 1);
}
