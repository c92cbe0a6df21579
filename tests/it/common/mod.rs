//! Shared test fixtures: the emulator on its own runtime with a throwaway home, and helpers for
//! driving the window. Each test crate uses a part of it.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "shared by the test binary and the benchmarks (through #[path]): each uses a part, and fixtures fail loudly"
)]

pub mod environment;
pub mod history;
pub mod ui;
// The CLI runner and the fault matrix (tests/faults.rs, tests/ui_faults.rs, tests/cli.rs).
pub mod cli;
pub mod faults;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use aep_s3_connect::api::{
    ClientCredentials, Http, HttpSettings, PlatformClient, TokenManager, TokenSource,
};
use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Emulator, EmulatorConfig,
};
use aep_s3_connect::model::{DEFAULT_SCOPES, Target};
use aep_s3_connect::secret::Secret;

/// An emulator on 127.0.0.1 (its own runtime, so blocking test code can run beside it) and a
/// temp dir for the app's files.
pub struct World {
    /// Runs the emulator.
    pub runtime: tokio::runtime::Runtime,
    emu: Option<Emulator>,
    /// The app's home (`AEP_S3_CONNECT_HOME`).
    pub home: tempfile::TempDir,
}

impl World {
    /// Starts a fresh emulator.
    pub fn new() -> Self {
        Self::with(EmulatorConfig::default())
    }

    /// Starts a fresh emulator started with `config`.
    pub fn with(config: EmulatorConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emu = runtime.block_on(Emulator::start(config)).unwrap();
        Self {
            runtime,
            emu: Some(emu),
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// The emulator.
    pub fn emu(&self) -> &Emulator {
        self.emu.as_ref().unwrap()
    }

    /// A library client on the emulator's `sandbox` with the demo credential (short timeouts
    /// and backoff), e.g. to make connections "elsewhere" than the app under test.
    pub fn client(&self, sandbox: &str) -> PlatformClient {
        let base = self.emu().base_url();
        platform_client(
            demo_target(&base, sandbox),
            TokenSource::Ims(demo_credentials(&base)),
            test_http_settings(),
        )
    }
}

/// Short timeouts and backoff, so a fault case ends in seconds.
pub fn test_http_settings() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(10),
        backoff_base: Duration::from_millis(20),
        ..HttpSettings::default()
    }
}

/// The demo org and client on the emulator at `base`, in `sandbox`.
pub fn demo_target(base: &str, sandbox: &str) -> Target {
    Target {
        org_id: DEMO_ORG_ID.into(),
        client_id: DEMO_CLIENT_ID.into(),
        sandbox: sandbox.into(),
        platform_url: base.to_owned(),
        ims_url: base.to_owned(),
        scopes: DEFAULT_SCOPES.into(),
    }
}

/// The demo OAuth Server-to-Server credential for the emulator's IMS at `base`.
pub fn demo_credentials(base: &str) -> ClientCredentials {
    ClientCredentials {
        ims_url: base.to_owned(),
        client_id: DEMO_CLIENT_ID.into(),
        client_secret: Secret::new(DEMO_CLIENT_SECRET).into(),
        scopes: DEFAULT_SCOPES.into(),
    }
}

/// A client of `target` whose tokens come from `source`.
pub fn platform_client(target: Target, source: TokenSource, http: HttpSettings) -> PlatformClient {
    let http = Http::new(http).unwrap();
    let tokens = Arc::new(TokenManager::new(http.clone(), source, None));
    PlatformClient::new(http, tokens, target)
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(emu) = self.emu.take() {
            self.runtime.block_on(emu.shutdown());
        }
    }
}

/// Every file under `dir` is free of each secret, in every form of [`secret_forms`].
pub fn assert_no_secret_in_files(dir: &std::path::Path, secrets: &[&str]) {
    let scan = scan_for_secrets(&[dir], secrets);
    assert!(
        scan.files > 0,
        "the app wrote no files under {}",
        dir.display()
    );
    scan.assert_clean();
}

/// The forms a secret can take on its way into a file: plain, standard and URL-safe base64 (with
/// and without padding), percent-encoded (every non-alphanumeric byte, or only RFC 3986's
/// reserved ones), form-encoded (`+` for a space), JSON-escaped, as a `Debug` byte list and as
/// hex. Each with its name.
pub fn secret_forms(secret: &str) -> Vec<(&'static str, Vec<u8>)> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    const RFC3986_RESERVED: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let json = serde_json::to_string(secret).unwrap();
    let mut forms = vec![
        ("plain", secret.as_bytes().to_vec()),
        ("base64", STANDARD.encode(secret).into_bytes()),
        (
            "base64 (no padding)",
            STANDARD_NO_PAD.encode(secret).into_bytes(),
        ),
        ("URL-safe base64", URL_SAFE.encode(secret).into_bytes()),
        (
            "URL-safe base64 (no padding)",
            URL_SAFE_NO_PAD.encode(secret).into_bytes(),
        ),
        (
            "percent-encoded",
            utf8_percent_encode(secret, NON_ALPHANUMERIC)
                .to_string()
                .into_bytes(),
        ),
        (
            "percent-encoded (RFC 3986)",
            utf8_percent_encode(secret, RFC3986_RESERVED)
                .to_string()
                .into_bytes(),
        ),
        (
            "form-encoded",
            url::form_urlencoded::byte_serialize(secret.as_bytes())
                .collect::<String>()
                .into_bytes(),
        ),
        ("JSON-escaped", json.as_bytes()[1..json.len() - 1].to_vec()),
        // How `Debug` shows raw bytes (zbus traces D-Bus messages that way) and hex dumps.
        (
            "byte list",
            format!("{:?}", secret.as_bytes())
                .trim_matches(['[', ']'])
                .as_bytes()
                .to_vec(),
        ),
        (
            "hex",
            secret
                .bytes()
                .fold(String::new(), |mut hex, b| {
                    let _ = write!(hex, "{b:02x}");
                    hex
                })
                .into_bytes(),
        ),
    ];
    // Several encodings agree on most secrets: search each byte string once.
    let mut seen = std::collections::HashSet::new();
    forms.retain(|(_, bytes)| seen.insert(bytes.clone()));
    forms
}

/// What [`scan_for_secrets`] found.
#[derive(Debug, Default)]
pub struct SecretScan {
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Byte strings searched for (every form of every secret).
    pub needles: usize,
    /// Each hit: the file, which secret (its index in the list) and in which form.
    pub hits: Vec<(std::path::PathBuf, usize, &'static str)>,
}

impl SecretScan {
    /// Fails listing every hit (file and form, never the secret itself).
    pub fn assert_clean(&self) {
        assert!(
            self.hits.is_empty(),
            "{} secret hits in the {} files searched:\n{}",
            self.hits.len(),
            self.files,
            self.hits
                .iter()
                .map(|(path, i, form)| format!("  secret #{i} ({form}) in {}", path.display()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Reads every file under each of `dirs` (recursively; symlinks are not followed) and looks for
/// every form of each secret.
pub fn scan_for_secrets(dirs: &[&std::path::Path], secrets: &[&str]) -> SecretScan {
    let needles: Vec<(usize, &'static str, Vec<u8>)> = secrets
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            assert!(
                !s.is_empty(),
                "secret #{i} is empty: it would match everywhere"
            );
            secret_forms(s)
                .into_iter()
                .map(move |(form, bytes)| (i, form, bytes))
        })
        .collect();
    let mut scan = SecretScan {
        needles: needles.len(),
        ..SecretScan::default()
    };
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<std::path::PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    while let Some(path) = stack.pop() {
        let meta = std::fs::symlink_metadata(&path)
            .unwrap_or_else(|e| panic!("cannot stat {}: {e}", path.display()));
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
            continue;
        }
        // The same file may sit under two of the dirs (the home holds the data dir).
        if !meta.is_file() || !seen.insert(path.clone()) {
            continue;
        }
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        scan.files += 1;
        scan.bytes += bytes.len() as u64;
        for (i, form, needle) in &needles {
            if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                scan.hits.push((path.clone(), *i, form));
            }
        }
    }
    scan
}
