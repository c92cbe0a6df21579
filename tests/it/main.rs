//! The integration tests, as one binary: each test binary links the whole app (eframe, the
//! renderer, reqwest, SQLite), so one link instead of twenty saves minutes of every CI run.
//! Each module is one area; `common` holds the fixtures they share.
//!
//! Run one area with `scripts/test.sh --test it MODULE::` (e.g. `--test it snapshots::`).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on the first thing that is not as expected"
)]
#![expect(
    clippy::too_many_lines,
    reason = "a test is one scenario, read top to bottom: split, it would be harder to follow"
)]

mod common;

mod adobe_contract;
mod aep_truth;
mod batch_create;
mod cli;
mod client;
mod config;
mod curl_export;
mod emulator;
mod emulator_fidelity;
mod faults;
mod fuzz_corpus;
mod history;
mod keyring;
mod manage;
mod many_sandboxes;
mod production;
mod rotate_key;
mod s3check;
mod secret_hygiene;
mod smoke;
mod snapshots;
mod source_rules;
mod ui;
mod ui_batch;
mod ui_faults;
mod ui_layout;
mod ui_manage;
mod ui_records;
mod ui_rotate_key;
mod ui_sessions;
