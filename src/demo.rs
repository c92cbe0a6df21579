//! Demo mode: the built-in emulator on 127.0.0.1, a throwaway data dir, demo profiles and an
//! in-memory keyring, so every feature works without an Adobe account and nothing is left behind.

use crate::model::DEFAULT_PRODUCTION_SANDBOX;
use std::sync::mpsc;

use crate::emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Emulator, EmulatorConfig};
use crate::secret::Secret;
use crate::store::config::{Config, Profile};
use crate::store::paths::AppPaths;
use crate::store::secrets::SecretStore;
use crate::worker::WorkerSettings;

/// A running demo: keep it alive as long as the window is open.
pub struct Demo {
    /// Worker settings pointing at the demo.
    pub settings: WorkerSettings,
    /// The emulator's URL.
    pub base_url: String,
    _home: tempfile::TempDir,
}

/// Starts the emulator on its own thread and writes the demo config.
pub fn start() -> anyhow::Result<Demo> {
    let home = tempfile::Builder::new()
        .prefix("aep-s3-connect-demo-")
        .tempdir()?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("demo-emulator".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            runtime.block_on(async move {
                match Emulator::start(EmulatorConfig::default()).await {
                    Ok(emu) => {
                        let _ = tx.send(Ok(emu.base_url()));
                        // Serve until the process exits.
                        std::future::pending::<()>().await;
                        drop(emu);
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                    }
                }
            });
        })?;
    let base_url = rx
        .recv()?
        .map_err(|e| anyhow::anyhow!("could not start the demo emulator: {e}"))?;
    let paths = AppPaths::under(home.path());
    let profile = |name: &str, sandbox: &str| {
        let mut p = Profile::new(name, DEMO_ORG_ID, DEMO_CLIENT_ID, sandbox);
        p.platform_url = base_url.clone();
        p.ims_url = base_url.clone();
        p
    };
    let config = Config {
        active_profile: Some("demo-dev".to_owned()),
        profiles: vec![
            profile("demo-dev", "dev"),
            profile("demo-prod", DEFAULT_PRODUCTION_SANDBOX),
        ],
        ..Config::default()
    };
    paths.create_dirs()?;
    config.save(&paths.config_file())?;
    let mock = keyring_core::mock::Store::new()
        .map_err(|e| anyhow::anyhow!("could not create the demo keyring: {e}"))?;
    Ok(Demo {
        settings: WorkerSettings {
            paths,
            secrets: SecretStore::with_store(mock, "demo keyring (in memory)"),
            demo_client_secret: Some(Secret::new(DEMO_CLIENT_SECRET)),
            access_token: None,
        },
        base_url,
        _home: home,
    })
}
