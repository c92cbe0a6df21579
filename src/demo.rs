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
    // Dropped before the dir: the lock says "in use" for as long as the demo runs.
    _in_use: std::fs::File,
    _home: tempfile::TempDir,
}

/// The prefix of every demo's data dir in the temp dir.
const DEMO_DIR_PREFIX: &str = "aep-s3-connect-demo-";
/// The file a running demo holds locked inside its data dir.
const IN_USE_FILE: &str = "in-use.lock";

/// Removes the data dirs that demos ended without removing (a SIGTERM or a kill skips the
/// clean-up at exit): each whose lock no running demo holds. Best effort: a dir that cannot be
/// removed is left, and logged.
fn remove_abandoned_demo_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(DEMO_DIR_PREFIX));
        // A demo starting right now has not locked its dir yet: leave the young ones alone.
        let young = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age < std::time::Duration::from_secs(60));
        if !ours || young || !path.is_dir() {
            continue;
        }
        let abandoned = match std::fs::File::open(path.join(IN_USE_FILE)) {
            // Lockable: its demo is gone (the OS releases a dead process's locks).
            Ok(file) => file.try_lock().is_ok(),
            // A dir without a lock file is an older build's, or half made: gone too.
            Err(_) => true,
        };
        if abandoned && let Err(e) = std::fs::remove_dir_all(&path) {
            tracing::info!(path = %path.display(), error = %e, "could not remove an old demo dir");
        }
    }
}

/// Starts the emulator on its own thread and writes the demo config.
pub fn start() -> anyhow::Result<Demo> {
    remove_abandoned_demo_dirs();
    let home = tempfile::Builder::new().prefix(DEMO_DIR_PREFIX).tempdir()?;
    let in_use = std::fs::File::create(home.path().join(IN_USE_FILE))?;
    in_use.lock()?;
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
        _in_use: in_use,
        _home: home,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aged(dir: &std::path::Path) {
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
        std::fs::File::open(dir).unwrap().set_modified(old).unwrap();
    }

    /// Regression: a demo ended by SIGTERM left its data dir (with a history) in the temp dir.
    /// The next demo removes each one no running demo holds.
    #[test]
    fn abandoned_demo_dirs_go_and_live_ones_stay() {
        let abandoned = tempfile::Builder::new()
            .prefix(DEMO_DIR_PREFIX)
            .tempdir()
            .unwrap()
            .keep();
        std::fs::write(abandoned.join("history.sqlite3"), b"x").unwrap();
        std::fs::File::create(abandoned.join(IN_USE_FILE)).unwrap();
        aged(&abandoned);
        let live = tempfile::Builder::new()
            .prefix(DEMO_DIR_PREFIX)
            .tempdir()
            .unwrap();
        let lock = std::fs::File::create(live.path().join(IN_USE_FILE)).unwrap();
        lock.lock().unwrap();
        aged(live.path());
        remove_abandoned_demo_dirs();
        assert!(!abandoned.exists(), "the abandoned dir is gone");
        assert!(live.path().exists(), "a running demo's dir stays");
    }
}
