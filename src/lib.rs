//! aep-s3-connect: create Adobe Experience Platform base connections for Amazon S3.
//!
//! Layers, each using only those below it: [`model`], [`secret`], [`error`] and [`validate`]
//! (plain types and rules); [`import`] (credential files); [`api`] (IMS, Flow Service, sandbox
//! management); [`store`] (config, keyring, history) and [`records`] (history records as cURL,
//! CSV, JSON); [`s3check`]; [`ops`], the user operations written once for both front ends; then
//! the front ends: [`cli`], the command-line tool, and the window's [`worker`] and `ui`. The
//! [`emulator`] is a local stand-in for Adobe that only tests and the demo use. Only `ui` (and
//! `main.rs`) may use egui.

pub mod api;
pub mod cli;
#[cfg(feature = "gui")]
pub mod demo;
pub mod emulator;
pub mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod model;
pub mod ops;
pub mod records;
pub mod s3check;
pub mod secret;
pub mod store;
#[cfg(feature = "gui")]
pub mod ui;
pub mod validate;
pub mod version;
#[cfg(feature = "gui")]
pub mod worker;
