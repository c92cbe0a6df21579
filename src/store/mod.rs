//! Everything the app keeps between runs: config (TOML), secrets (OS keyring), history (SQLite).

pub mod config;
pub mod history;
pub mod paths;
#[cfg(target_os = "linux")]
mod secret_service;
pub mod secrets;
