//! Shared test fixtures: the emulator on its own runtime with a throwaway home, and helpers for
//! driving the window. Each test crate uses a part of it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod ui;

use aep_s3_connect::emulator::{Emulator, EmulatorConfig};

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
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(emu) = self.emu.take() {
            self.runtime.block_on(emu.shutdown());
        }
    }
}
