//! Secret hygiene, proven: one whole session with recognisable secrets (client secret, AWS secret
//! keys, session tokens, and the access tokens the emulator issues), run at the most verbose log
//! level, then every file the session left under its temp home (config and data dirs, logs,
//! exports, the window's persisted state) is searched for each secret in every encoding of
//! `crate::common::secret_forms`: zero hits.
//!
//! The session: `profile add` with the client secret on stdin (into the OS keyring), `token`
//! (fetched, cached in the keyring, reused), a rejected client secret (IMS 401), `create` with
//! the secret key and session token on stdin, a 503 retried, a 400 rejected, a token expired
//! mid-session (renewed), `history`, `connections list|show`, `sandboxes`; then the window
//! (egui_kittest, the real app, on keyring-core's in-memory store as in demo mode): a create
//! remembering the AWS key in the keyring, copy as cURL,
//! a 400 and a retried 503, history export to CSV and JSON, a row's cURL and details, the
//! profile editor, and its eframe-persisted state; then the real binary's window under Xvfb,
//! which writes eframe's own `app.ron`; finally `profile remove`.
//!
//! The keyring is the one place secrets may be. Under `scripts/test.sh` it is a private
//! gnome-keyring whose files live in that script's temp dir (its `XDG_DATA_HOME`), outside the
//! session's temp home. Without a keyring (plain `cargo test`) the CLI gets the client secret
//! from the environment and the rest runs the same.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Fault, FaultRoute,
};
use aep_s3_connect::model::{DEFAULT_SCOPES, Target};
use aep_s3_connect::ops::token::token_cache_scope;
use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::store::secrets::{SecretKind, SecretStore};
use aep_s3_connect::ui::AepApp;
use aep_s3_connect::ui::dialogs::PresetDialogs;
use aep_s3_connect::worker::WorkerSettings;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::Value;

use crate::common::cli::BIN;
use crate::common::environment::{have_tool, keyring_needed, real_keyring, require};
use crate::common::ui::{
    click_create, copied, harness, has_label, start_export, step_until, type_into, window_text,
};
use crate::common::{World, scan_for_secrets, secret_forms};

/// The only client secret the emulator's IMS accepts.
const CLIENT_SECRET: &str = DEMO_CLIENT_SECRET;
/// A client secret IMS rejects (the error path); `+`, `/`, `=` and a space make every encoding
/// differ from the plain text.
const WRONG_CLIENT_SECRET: &str = "p8e-Hygiene+Wrong/Client=Secret x";
const ACCESS_KEY_ID: &str = "ASIAHYGIENE0EXAMPLE1";
const AWS_SECRET_CLI: &str = "HygCli/SecretKey+0123456789abcdefGHIJKLm";
const SESSION_TOKEN_CLI: &str =
    "IQoJHygieneCliSessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+Cli==";
const AWS_SECRET_UI: &str = "HygWin/SecretKey+0123456789abcdefGHIJKLm";
const SESSION_TOKEN_UI: &str =
    "IQoJHygieneWinSessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+Win==";

/// One session's temp home and what it has run so far.
struct Session {
    w: World,
    /// `HOME` of every process; everything below it is searched.
    root: PathBuf,
    /// `AEP_S3_CONNECT_HOME`: `config/` and `data/`.
    app_home: PathBuf,
    /// stderr (at trace level) and stdout of every process.
    logs: PathBuf,
    /// History exports and copied cURL commands.
    exports: PathBuf,
    /// `XDG_DATA_HOME` of the processes: eframe's persisted state lands here.
    xdg_data: PathBuf,
    profile: String,
    /// The AWS key label the window remembers.
    aws_label: String,
    /// The real OS keyring is used (else the client secret comes from the environment).
    keyring: bool,
    step: usize,
}

impl Session {
    fn new() -> Self {
        let w = World::new();
        let root = w.home.path().to_path_buf();
        let dir = |name: &str| {
            let d = root.join(name);
            fs::create_dir_all(&d).unwrap();
            d
        };
        let (app_home, logs, exports, xdg_data) =
            (dir("app"), dir("logs"), dir("exports"), dir("xdg/data"));
        for d in ["xdg/config", "xdg/cache", "xdg/state"] {
            dir(d);
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            w,
            root,
            app_home,
            logs,
            exports,
            xdg_data,
            profile: format!("hyg-{}", &id[..8]),
            aws_label: format!("hygkey-{}", &id[..8]),
            keyring: real_keyring_available(),
            step: 0,
        }
    }

    /// The next log file name for `what`.
    fn log_path(&mut self, what: &str, ext: &str) -> PathBuf {
        self.step += 1;
        self.logs.join(format!("{:02}-{what}.{ext}", self.step))
    }

    /// The real binary at the most verbose level, with the session's dirs and environment.
    fn command(&self, program: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env_clear();
        // The keyring is reached over D-Bus; its files are not under our temp home.
        for var in ["PATH", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
            if let Some(v) = std::env::var_os(var) {
                cmd.env(var, v);
            }
        }
        let xdg = self.root.join("xdg");
        cmd.env("HOME", &self.root)
            .env("XDG_DATA_HOME", &self.xdg_data)
            .env("XDG_CONFIG_HOME", xdg.join("config"))
            .env("XDG_CACHE_HOME", xdg.join("cache"))
            .env("XDG_STATE_HOME", xdg.join("state"))
            .env("AEP_S3_CONNECT_HOME", &self.app_home)
            .env("AEP_S3_CONNECT_LOG", "trace")
            .env("AEP_PLATFORM_URL", self.w.emu().base_url())
            .env("AEP_IMS_URL", self.w.emu().base_url());
        if !self.keyring {
            cmd.env("AEP_S3_CONNECT_NO_KEYRING", "1")
                .env("AEP_CLIENT_SECRET", CLIENT_SECRET);
        }
        cmd
    }

    /// Runs one CLI command (`-vvv`, `AEP_S3_CONNECT_LOG=trace`), saves its stdout and stderr
    /// under `logs/`, and checks its exit code.
    fn cli(
        &mut self,
        what: &str,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
        code: i32,
    ) -> Output {
        let mut cmd = assert_cmd::Command::from_std(self.command(BIN));
        cmd.arg("-vvv")
            .args(args)
            .write_stdin(stdin)
            .timeout(Duration::from_secs(120));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let err_log = self.log_path(what, "stderr");
        fs::write(&err_log, &out.stderr).unwrap();
        fs::write(err_log.with_extension("stdout"), &out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what}: stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// `create` of an S3 connection named `name`, the secrets on stdin.
    fn cli_create(&mut self, what: &str, name: &str, code: i32) -> Value {
        let stdin = format!("{AWS_SECRET_CLI}\n{SESSION_TOKEN_CLI}\n");
        let args = [
            "create",
            "--name",
            name,
            "--bucket",
            "hygiene-bucket",
            "--folder-path",
            "in/daily",
            "--secret-key-stdin",
            "--session-token-stdin",
            "--json",
        ];
        let out = self.cli(
            what,
            &args,
            &stdin,
            &[("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)],
            code,
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The access token the keyring caches for the session's profile.
    fn cached_token(&self) -> Option<String> {
        let base = self.w.emu().base_url();
        let target = Target {
            org_id: DEMO_ORG_ID.into(),
            client_id: DEMO_CLIENT_ID.into(),
            sandbox: "prod".into(),
            platform_url: base.clone(),
            ims_url: base,
            scopes: DEFAULT_SCOPES.into(),
        };
        let scope = token_cache_scope(&self.profile, &target);
        let cached = SecretStore::open_default()
            .get_cached_token(&scope)
            .unwrap()?;
        Some(cached.token.expose().to_owned())
    }

    /// Every access token the emulator saw in an `Authorization` header (it issued them all).
    fn bearer_tokens(&self) -> Vec<String> {
        let mut tokens: Vec<String> = self
            .w
            .emu()
            .requests()
            .iter()
            .filter_map(|r| {
                r.header("authorization")?
                    .strip_prefix("Bearer ")
                    .map(str::to_owned)
            })
            .collect();
        tokens.sort();
        tokens.dedup();
        tokens
    }
}

/// True when the OS keyring can be used; otherwise the keyring part is skipped through
/// [`require`] (a failure under CI) and the CLI gets the client secret from the environment.
fn real_keyring_available() -> bool {
    match real_keyring() {
        Ok(_) => true,
        Err(why) => require(&keyring_needed(&why), false),
    }
}

/// The CLI half: profile, token, creates through faults, history, connections.
fn cli_session(s: &mut Session) {
    let profile = s.profile.clone();
    let mut add = vec!["profile", "add", profile.as_str(), "--activate"];
    let stdin = if s.keyring {
        add.push("--client-secret-stdin");
        format!("{CLIENT_SECRET}\n")
    } else {
        String::new()
    };
    let identity = [
        ("AEP_ORG_ID", DEMO_ORG_ID),
        ("AEP_CLIENT_ID", DEMO_CLIENT_ID),
        ("AEP_SANDBOX", "prod"),
    ];
    s.cli("profile-add", &add, &stdin, &identity, 0);
    if s.keyring {
        let stored = SecretStore::open_default()
            .get(&profile, SecretKind::ClientSecret)
            .unwrap();
        assert_eq!(
            stored.unwrap().expose(),
            CLIENT_SECRET,
            "the client secret is in the keyring"
        );
    }
    s.cli("profile-show", &["profile", "show", "--json"], "", &[], 0);
    s.cli("token", &["token", "--json"], "", &[], 0);
    s.cli("token-again", &["token"], "", &[], 0);
    // IMS refuses a wrong secret; without the keyring there is no cached token to fall back on.
    let wrong = [
        ("AEP_CLIENT_SECRET", WRONG_CLIENT_SECRET),
        ("AEP_S3_CONNECT_NO_KEYRING", "1"),
    ];
    s.cli("token-wrong-secret", &["token", "--json"], "", &wrong, 3);
    let ims =
        s.w.emu()
            .requests()
            .into_iter()
            .filter(|r| r.path == "/ims/token/v3")
            .count();
    assert!(
        ims >= 2,
        "IMS saw the good and the wrong client secret ({ims} requests)"
    );

    let created = s.cli_create("create", "CLI hygiene", 0);
    let post =
        s.w.emu()
            .requests()
            .into_iter()
            .rfind(|r| r.method == "POST" && r.path.ends_with("/connections"))
            .unwrap();
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(
        body["auth"]["params"]["s3SecretKey"], AWS_SECRET_CLI,
        "the secret key reached Adobe"
    );
    assert_eq!(body["auth"]["params"]["s3SessionToken"], SESSION_TOKEN_CLI);

    let emu = s.w.emu().handle();
    emu.inject(
        Fault::new(FaultRoute::CreateConnection)
            .status(503)
            .retry_after(1),
    );
    s.cli_create("create-503-retried", "CLI hygiene retried", 0);
    emu.inject(Fault::new(FaultRoute::CreateConnection).status(400));
    let rejected = s.cli_create("create-400", "CLI hygiene rejected", 3);
    assert_eq!(rejected["error"]["status"], 400, "{rejected}");
    s.w.emu().expire_all_tokens();
    let env_secrets = [
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", AWS_SECRET_CLI),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN_CLI),
    ];
    s.cli(
        "create-token-expired",
        &["create", "--name", "CLI hygiene renewed", "--json"],
        "",
        &env_secrets,
        0,
    );

    // One connection in two sandboxes (a batch), the secrets from the environment, with -vvv.
    s.cli(
        "create-batch",
        &[
            "create",
            "--name",
            "CLI hygiene batch",
            "--sandbox",
            "dev",
            "--sandbox",
            "prod",
            "--yes",
            "--json",
        ],
        "",
        &env_secrets,
        0,
    );
    s.cli("history-json", &["history", "--json"], "", &[], 0);
    s.cli(
        "history-search",
        &["history", "--search", "hygiene"],
        "",
        &[],
        0,
    );
    s.cli(
        "connections-list",
        &["connections", "list", "--json"],
        "",
        &[],
        0,
    );
    let id = created["id"].as_str().unwrap();
    s.cli(
        "connections-show",
        &["connections", "show", id, "--json"],
        "",
        &[],
        0,
    );
    s.cli("sandboxes", &["sandboxes", "--json"], "", &[], 0);
    assert_eq!(
        s.w.emu().connections().len(),
        5,
        "three CLI creates and a batch of two succeeded, none twice"
    );
}

/// No label or value in the window shows a secret.
fn assert_no_secret_on_screen(h: &Harness<'_, AepApp>, secrets: &[&str], when: &str) {
    let text = window_text(h);
    for (i, secret) in secrets.iter().enumerate() {
        assert!(!text.contains(secret), "{when}: secret #{i} is shown");
    }
}

/// Steps until `path` exists (the worker writes it).
fn step_until_file(h: &mut Harness<'_, AepApp>, path: &Path) {
    step_until(h, &format!("{} to be written", path.display()), |_| {
        path.is_file()
    });
}

/// Clicks the first node whose label contains `label`, through AccessKit (a pointer click lands
/// on whatever the last frame's layout put at the node's centre, which may have moved since).
fn click(h: &mut Harness<'_, AepApp>, label: &str) {
    h.query_all_by_label_contains(label)
        .next()
        .unwrap_or_else(|| panic!("no {label:?}"))
        .click_accesskit();
    h.step();
}

/// Opens the first history row's "More" menu (a pointer click: menus open on one) until it
/// shows `item`. A menu that just closed can swallow the next click, hence the few tries.
fn open_more_menu(h: &mut Harness<'_, AepApp>, item: &str) {
    for _ in 0..5 {
        h.query_all_by_label_contains("More")
            .next()
            .unwrap()
            .click();
        for _ in 0..3 {
            h.step();
            if has_label(h, item) {
                return;
            }
        }
    }
    panic!("the More menu did not open with {item:?}");
}

/// Saves what the clipboard got in the last frame to `exports/`, for the file search.
fn save_copied(s: &Session, h: &Harness<'_, AepApp>, name: &str) -> String {
    let text = copied(h)
        .pop()
        .unwrap_or_else(|| panic!("{name}: nothing was copied"));
    fs::write(s.exports.join(name), &text).unwrap();
    text
}

/// The window half, driven with egui_kittest: create (remembering the AWS key), copy as cURL,
/// a 400 and a retried 503, history exports, a row's cURL and details, the profile editor.
fn window_session(s: &mut Session, screen_secrets: &[&str]) {
    // keyring-core's in-memory store, as demo mode uses: keyring-core logs each entry it touches
    // with the entry's `Debug`, which for this store shows the secret's bytes (the logging cap
    // of `cli::init_logging_to` is what keeps them out of the log). The real keyring is the CLI's
    // and the real window's.
    let keyring = SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock");
    keyring
        .set(
            &s.profile,
            SecretKind::ClientSecret,
            &Secret::new(CLIENT_SECRET),
        )
        .unwrap();
    let settings = WorkerSettings {
        paths: AppPaths::under(&s.app_home),
        secrets: keyring.clone(),
        demo_client_secret: None,
        access_token: None,
    };
    let (csv, json) = (
        s.exports.join("history.csv"),
        s.exports.join("history.json"),
    );
    let mut h = harness(
        settings,
        PresetDialogs::new([Some(csv.clone()), Some(json.clone())]),
    );
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    step_until(&mut h, "the token", |h| has_label(h, "token valid until"));

    type_into(&mut h, "Name", "Window hygiene");
    type_into(&mut h, "Access key ID", ACCESS_KEY_ID);
    type_into(&mut h, "Secret access key", AWS_SECRET_UI);
    type_into(&mut h, "Session token", SESSION_TOKEN_UI);
    click(&mut h, "Remember these AWS credentials");
    type_into(&mut h, "Remember as", &s.aws_label.clone());
    assert_no_secret_on_screen(&h, screen_secrets, "the filled form");
    click_create(&mut h);
    step_until(&mut h, "the result card", |h| {
        has_label(h, "Copy Connection ID")
    });
    click(&mut h, "Copy as cURL");
    let curl = save_copied(s, &h, "window-result-curl.sh");
    assert!(
        curl.contains("${AWS_SECRET_ACCESS_KEY"),
        "the cURL refers to the secret: {curl}"
    );
    let key = keyring.get(&s.aws_label, SecretKind::AwsSecretKey).unwrap();
    assert_eq!(
        key.unwrap().expose(),
        AWS_SECRET_UI,
        "the window remembered the key in the keyring"
    );

    // A 400, then a 503 the worker retries after checking nothing was created.
    s.w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).status(400));
    type_into(&mut h, "Name", " rejected");
    click_create(&mut h);
    step_until(&mut h, "the error card", |h| has_label(h, "1400-400"));
    assert_no_secret_on_screen(&h, screen_secrets, "the error card");
    s.w.emu().inject(
        Fault::new(FaultRoute::CreateConnection)
            .status(503)
            .retry_after(1),
    );
    type_into(&mut h, "Name", " retried");
    click_create(&mut h);
    step_until(&mut h, "the retried create", |h| {
        !h.state().is_creating() && has_label(h, "Copy Connection ID")
    });
    assert_eq!(
        s.w.emu().connections().len(),
        7,
        "two window creates succeeded, none twice"
    );

    step_until(&mut h, "the history rows", |h| {
        has_label(h, "Window hygiene rejected retried")
    });
    // Export, through the file prompt's Browse… (the preset dialog answers with the path).
    start_export(&mut h, "CSV");
    click(&mut h, "Browse…");
    step_until_file(&mut h, &csv);
    start_export(&mut h, "JSON");
    click(&mut h, "Browse…");
    step_until_file(&mut h, &json);
    open_more_menu(&mut h, "Copy as cURL");
    click(&mut h, "Copy as cURL");
    save_copied(s, &h, "history-row-curl.sh");
    open_more_menu(&mut h, "Details");
    click(&mut h, "Details");
    step_until(&mut h, "the record's details", |h| {
        has_label(h, "Request body (secrets redacted)")
    });
    assert_no_secret_on_screen(&h, screen_secrets, "a history row's details");
    h.key_press(egui::Key::Escape);
    h.step();

    h.get_by_role_and_label(Role::Button, "Profiles").click();
    let edit = format!("Edit {}", s.profile);
    step_until(&mut h, "the profiles", |h| has_label(h, &edit));
    h.get_by_role_and_label(Role::Button, &edit).click();
    step_until(&mut h, "the editor", |h| {
        h.query_by_role_and_label(Role::PasswordInput, "Client secret")
            .is_some()
    });
    assert_no_secret_on_screen(&h, screen_secrets, "the profile editor");

    save_window_state(&mut h, &s.xdg_data.join("kittest-window").join("app.ron"));
}

/// eframe's `Storage` on a file, flushed as eframe's own file storage does on exit (which is not
/// public): the keys and RON values `App::save` and egui's memory produce.
struct FileStorage {
    path: PathBuf,
    kv: BTreeMap<String, String>,
}

impl eframe::Storage for FileStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.kv.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.kv.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.kv.remove(key);
    }

    fn flush(&mut self) {
        fs::create_dir_all(self.path.parent().unwrap()).unwrap();
        fs::write(&self.path, serde_json::to_string_pretty(&self.kv).unwrap()).unwrap();
    }
}

/// Saves the window's state as eframe does on exit: egui's memory (text edit states among it)
/// and the app's own `save`.
fn save_window_state(h: &mut Harness<'_, AepApp>, path: &Path) {
    use eframe::App as _;
    let mut storage = FileStorage {
        path: path.to_owned(),
        kv: BTreeMap::new(),
    };
    h.ctx.memory(|m| eframe::set_value(&mut storage, "egui", m));
    h.state_mut().save(&mut storage);
    eframe::Storage::flush(&mut storage);
    assert!(
        storage.kv.contains_key("aep-s3-connect-state"),
        "the app saved its state"
    );
}

/// The real binary's window under Xvfb on the session's profile: it loads the client secret or
/// token from the keyring and, on exit, eframe writes `XDG_DATA_HOME/aep-s3-connect/app.ron`.
fn real_window_process(s: &mut Session) -> bool {
    if !require(
        "xvfb-run for the real window's app.ron (apt-get install xvfb xauth)",
        have_tool("xvfb-run"),
    ) {
        return false;
    }
    let stderr = s.log_path("window-xvfb", "stderr");
    let mut cmd = s.command("xvfb-run");
    cmd.args([
        "-a",
        "-s",
        "-screen 0 1280x900x24",
        BIN,
        "-vvv",
        "--screenshot",
    ])
    .arg(s.logs.join("window.png"))
    .stdout(fs::File::create(stderr.with_extension("stdout")).unwrap())
    .stderr(fs::File::create(&stderr).unwrap());
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the window did not exit within 180 s; see {}",
                stderr.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "exit status {status}: {}",
        fs::read_to_string(&stderr).unwrap_or_default()
    );
    let ron = s.xdg_data.join("aep-s3-connect").join("app.ron");
    let saved = fs::read_to_string(&ron).unwrap_or_default();
    assert!(
        saved.contains("aep-s3-connect-state") && saved.contains("egui"),
        "eframe persisted the app's and egui's state to {}: {saved}",
        ron.display()
    );
    true
}

#[test]
fn a_whole_session_leaves_no_secret_in_any_file() {
    let mut s = Session::new();
    // The window's own process logs to a file at trace level, through the app's filter.
    let window_log = s.logs.join("kittest-window.trace.log");
    let file = std::sync::Mutex::new(fs::File::create(&window_log).unwrap());
    aep_s3_connect::cli::init_logging_to(3, Some("trace"), file, false).unwrap();

    cli_session(&mut s);
    let screen = [
        CLIENT_SECRET,
        WRONG_CLIENT_SECRET,
        AWS_SECRET_CLI,
        SESSION_TOKEN_CLI,
        AWS_SECRET_UI,
        SESSION_TOKEN_UI,
    ];
    window_session(&mut s, &screen);
    let real_window = real_window_process(&mut s);
    // The access token cached in the keyring (it must be one the emulator saw in use).
    let cached = s.keyring.then(|| s.cached_token()).flatten();
    if let Some(token) = &cached {
        assert!(
            s.bearer_tokens().contains(token),
            "the keyring caches a token that was used"
        );
    } else {
        assert!(!s.keyring, "the keyring holds the cached access token");
    }
    if s.keyring {
        let profile = s.profile.clone();
        s.cli(
            "profile-remove",
            &["profile", "remove", &profile],
            "",
            &[],
            0,
        );
        let gone = SecretStore::open_default()
            .get(&profile, SecretKind::ClientSecret)
            .unwrap();
        assert!(
            gone.is_none(),
            "profile remove deleted the client secret from the keyring"
        );
    }

    // The logs really are at the most verbose level: the app's debug lines and the trace lines
    // of its dependencies (hyper, zbus, ...) are there.
    let all_logs: String = fs::read_dir(&s.logs)
        .unwrap()
        .map(|e| String::from_utf8_lossy(&fs::read(e.unwrap().path()).unwrap()).into_owned())
        .collect();
    assert!(
        all_logs.contains("TRACE") && all_logs.contains("response method=POST"),
        "the logs hold trace output and the app's debug lines"
    );

    let mut tokens = s.bearer_tokens();
    tokens.extend(cached);
    tokens.sort();
    tokens.dedup();
    assert!(
        tokens.len() >= 2,
        "the session used a token and a renewed one: {}",
        tokens.len()
    );
    let basic = |secret: &str| format!("{DEMO_CLIENT_ID}:{secret}");
    let (basic_good, basic_wrong) = (basic(CLIENT_SECRET), basic(WRONG_CLIENT_SECRET));
    let mut secrets: Vec<&str> = screen.to_vec();
    secrets.extend([basic_good.as_str(), basic_wrong.as_str()]);
    secrets.extend(tokens.iter().map(String::as_str));
    let scan = scan_for_secrets(&[&s.root], &secrets);
    eprintln!(
        "secret_hygiene: keyring {}, real window {}, {} secrets ({} access tokens) in {} byte strings, searched {} files ({} bytes) under {}: {} hits",
        if s.keyring { "real" } else { "mock/env" },
        if real_window { "checked" } else { "skipped" },
        secrets.len(),
        tokens.len(),
        scan.needles,
        scan.files,
        scan.bytes,
        s.root.display(),
        scan.hits.len()
    );
    for dir in ["app/config", "app/data", "logs", "exports", "xdg/data"] {
        let n = scan_for_secrets(&[&s.root.join(dir)], &["x-unused-needle"]).files;
        eprintln!("secret_hygiene:   {dir}: {n} files");
        assert!(n > 0, "the session wrote files to {dir}");
    }
    scan.assert_clean();
}

/// The search finds a secret in each form it claims to search, so "zero hits" means something.
#[test]
fn the_search_finds_each_form_of_a_secret() {
    // A quote, a backslash, `-~`, a space and `+/=` make every form differ (its base64 has `+`
    // and padding).
    const CANARY: &str = r#"Canary-"q"\~ ?>??+/="#;
    let dir = tempfile::tempdir().unwrap();
    let forms = secret_forms(CANARY);
    assert_eq!(forms.len(), 11, "every form is distinct for this canary");
    for (i, (_, bytes)) in forms.iter().enumerate() {
        let mut content = b"prefix ".to_vec();
        content.extend(bytes);
        content.extend(b" suffix");
        fs::write(dir.path().join(format!("{i}.txt")), content).unwrap();
    }
    fs::write(dir.path().join("clean.txt"), "nothing here").unwrap();
    let scan = scan_for_secrets(&[dir.path()], &[CANARY]);
    assert_eq!(scan.files, forms.len() + 1);
    let mut found: Vec<&str> = scan.hits.iter().map(|(_, _, form)| *form).collect();
    found.sort_unstable();
    found.dedup();
    let mut wanted: Vec<&str> = forms.iter().map(|(form, _)| *form).collect();
    wanted.sort_unstable();
    assert_eq!(found, wanted);
    assert!(
        scan.hits
            .iter()
            .all(|(path, _, _)| !path.ends_with("clean.txt"))
    );
}
