//! Shared test fixtures: the emulator on its own runtime with a throwaway home, and helpers for
//! driving the window. Each test crate uses a part of it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod ui;

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
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emu = runtime
            .block_on(Emulator::start(EmulatorConfig::default()))
            .unwrap();
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
        let http = Http::new(HttpSettings {
            connect_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(10),
            backoff_base: Duration::from_millis(20),
            ..HttpSettings::default()
        })
        .unwrap();
        let tokens = Arc::new(TokenManager::new(
            http.clone(),
            TokenSource::Ims(ClientCredentials {
                ims_url: base.clone(),
                client_id: DEMO_CLIENT_ID.into(),
                client_secret: Secret::new(DEMO_CLIENT_SECRET),
                scopes: DEFAULT_SCOPES.into(),
            }),
            None,
        ));
        let target = Target {
            org_id: DEMO_ORG_ID.into(),
            client_id: DEMO_CLIENT_ID.into(),
            sandbox: sandbox.into(),
            platform_url: base.clone(),
            ims_url: base,
            scopes: DEFAULT_SCOPES.into(),
        };
        PlatformClient::new(http, tokens, target)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(emu) = self.emu.take() {
            self.runtime.block_on(emu.shutdown());
        }
    }
}

/// Every file under `dir` is free of each secret, plain, base64 and URL-encoded.
pub fn assert_no_secret_in_files(dir: &std::path::Path, secrets: &[&str]) {
    use base64::Engine as _;
    let mut needles: Vec<Vec<u8>> = Vec::new();
    for s in secrets {
        needles.push(s.as_bytes().to_vec());
        needles.push(
            base64::engine::general_purpose::STANDARD
                .encode(s)
                .into_bytes(),
        );
        needles.push(
            url::form_urlencoded::byte_serialize(s.as_bytes())
                .collect::<String>()
                .into_bytes(),
        );
    }
    let mut stack = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).unwrap();
        for needle in &needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                "a secret was found in {}",
                path.display()
            );
        }
    }
    assert!(files > 0, "the app wrote no files under {}", dir.display());
}
