//! aep-s3-connect: create Adobe Experience Platform base connections for Amazon S3.
//!
//! Layers: [`api`] talks to IMS and Flow Service, [`store`] keeps config, secrets and history,
//! [`emulator`] is a local stand-in for Adobe, [`ops`] and [`manage`] combine them into user
//! operations, written once for both front ends: [`cli`], the command-line tool, and the window,
//! whose [`worker`] runs them off the UI thread. Only `ui` (and `main.rs`) may use egui.

pub mod api;
pub mod cli;
pub mod curl;
pub mod demo;
pub mod emulator;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod manage;
pub mod model;
pub mod ops;
pub mod s3check;
pub mod secret;
pub mod session;
pub mod store;
#[cfg(feature = "gui")]
pub mod ui;
pub mod validate;
pub mod version;
pub mod worker;
