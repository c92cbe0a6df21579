//! Driving the real binary against the World's emulator: a command with a clean environment,
//! its output, waiting on what the emulator saw, and killing a create mid-flight.

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Emulator, Fault, FaultRoute,
};
use aep_s3_connect::store::history::HistoryStore;
use serde_json::Value;

use super::World;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_aep-s3-connect");
/// The AWS secret access key every CLI test sends (AWS's documented example key).
pub const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// The CLI's view of the world.
pub trait CliWorld {
    /// The binary with a clean environment pointing at the emulator.
    fn cmd(&self) -> assert_cmd::Command;
    /// The same as a plain `std::process::Command`, to spawn, wait on or kill.
    fn spawn_cmd(&self) -> std::process::Command;
    /// The history database the binary writes.
    fn history_db(&self) -> PathBuf;
}

impl CliWorld for World {
    fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("AEP_S3_CONNECT_HOME", self.home.path())
            .env("AEP_S3_CONNECT_NO_KEYRING", "1")
            .env("AEP_PLATFORM_URL", self.emu().base_url())
            .env("AEP_IMS_URL", self.emu().base_url())
            .env("AEP_ORG_ID", DEMO_ORG_ID)
            .env("AEP_CLIENT_ID", DEMO_CLIENT_ID)
            .env("AEP_SANDBOX", "prod")
            .env("AEP_CLIENT_SECRET", DEMO_CLIENT_SECRET)
            .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
            .timeout(Duration::from_secs(60));
        cmd
    }

    fn spawn_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env_clear().envs(
            self.cmd()
                .get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        );
        cmd
    }

    fn history_db(&self) -> PathBuf {
        self.home.path().join("data").join("history.sqlite3")
    }
}

/// `cmd` on the private keyring scripts/test.sh started (its D-Bus session and data dirs),
/// instead of none.
pub fn on_private_keyring(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env_remove("AEP_S3_CONNECT_NO_KEYRING");
    for var in [
        "DBUS_SESSION_BUS_ADDRESS",
        "XDG_RUNTIME_DIR",
        "XDG_DATA_HOME",
    ] {
        if let Ok(v) = std::env::var(var) {
            cmd.env(var, v);
        }
    }
    cmd
}

/// Writes `config.toml` with these HTTP timeouts (seconds) into the world's home.
pub fn set_timeouts(w: &World, total_secs: u64, clock_slack_secs: u64) {
    let dir = w.home.path().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[timeouts]\nconnect_secs = 2\ntotal_secs = {total_secs}\nclock_slack_secs = {clock_slack_secs}\n"
        ),
    )
    .unwrap();
}

/// Stdout parsed as the one JSON object `--json` promises.
pub fn json_of(output: &Output) -> Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {text}"))
}

/// Stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// How many `POST .../connections` (creates) the emulator received.
pub fn create_posts(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/connections"))
        .count()
}

/// Connections named `name` in the emulator's `prod` sandbox.
pub fn named(w: &World, name: &str) -> usize {
    w.emu()
        .connections()
        .iter()
        .filter(|c| c["name"] == name && c["sandboxName"] == "prod")
        .count()
}

/// A create of `name` with the AWS example key pair and nothing else.
pub fn input(name: &str) -> aep_s3_connect::model::S3ConnectionInput {
    aep_s3_connect::model::S3ConnectionInput {
        name: name.into(),
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_key: aep_s3_connect::secret::Secret::new(AWS_SECRET),
        ..Default::default()
    }
}

/// The last `POST .../connections` (create) the emulator received.
pub fn last_create(emu: &Emulator) -> aep_s3_connect::emulator::RecordedRequest {
    emu.requests()
        .into_iter()
        .rfind(|r| r.method == "POST" && r.path.ends_with("/connections"))
        .expect("a create was sent")
}

/// The `GET .../connections` (list) requests the emulator received.
pub fn list_requests(emu: &Emulator) -> Vec<aep_s3_connect::emulator::RecordedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/connections"))
        .collect()
}

/// Polls `cond` until it holds (30 s at most, generous for a loaded machine).
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts a create that hangs in the emulator, waits until its pending record is written and
/// its POST has arrived, then SIGKILLs the process: the record must survive as `pending`.
pub fn kill_during_create(w: &World, name: &str) {
    kill_during_create_with(
        w,
        name,
        Fault::new(FaultRoute::CreateConnection).delay_ms(60_000),
    );
}

/// [`kill_during_create`] with the fault that holds the create up (e.g. one that ends in a 503,
/// so that the request never creates anything).
pub fn kill_during_create_with(w: &World, name: &str, fault: Fault) {
    w.emu().inject(fault);
    let mut child = w
        .spawn_cmd()
        .args(["create", "--name", name])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the create in flight", || {
        let pending = w.history_db().exists()
            && HistoryStore::open(&w.history_db())
                .ok()
                .and_then(|(db, _)| db.pending().ok())
                .is_some_and(|p| !p.is_empty());
        pending && create_posts(w.emu()) > 0
    });
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    w.emu().clear_faults();
    let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
    let pending = db.pending().unwrap();
    assert_eq!(pending.len(), 1, "the killed attempt is still recorded");
    assert_eq!(pending[0].name, name);
}

/// Creates a connection named `name` in `prod` with the library client, as Adobe would have
/// finished a request whose process was gone; returns its ID.
pub fn made_anyway(w: &World, name: &str) -> String {
    w.runtime
        .block_on(w.client("prod").create_s3_connection(&input(name)))
        .unwrap()
        .id
}
