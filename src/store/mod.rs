//! Everything the app keeps between runs: config (TOML), secrets (OS keyring), history (SQLite).

pub mod config;
pub mod history;
pub mod paths;
pub mod sandboxes;
pub mod secrets;
