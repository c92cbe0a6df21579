//! The user operations, written once and called by both front ends: the CLI (`src/cli`) and the
//! window's worker (`src/worker`). They combine the API client and the stores; neither front end
//! repeats their logic, only renders their results and errors.
//!
//! - [`create`]: create a connection (duplicate guard, name lock, pending record), also in
//!   several sandboxes as one batch.
//! - [`profiles`]: save (and rename), remove and activate profiles, with their keyring entries.
//! - [`aws_keys`]: read AWS keys from files, remember them in the keyring, load them back.
//! - [`token`]: where the IMS credential comes from, and the client built on it.
//! - [`sandboxes`]: the sandboxes a credential may use, and whether one is production.
//! - [`connections`]: list, inspect, rotate and delete what exists in AEP; the duplicate guard;
//!   "which connections use this key"; settling pending records with what AEP has.
//! - [`history`]: how operations reach the store.
//!
//! Their failures are told through [`crate::error::Problem`].
//!
//! Functions that read the keyring, the config or the disk are blocking: the worker runs them
//! with `spawn_blocking`. The async ones reach the history through [`HistoryAccess`], which the
//! worker implements with the store's own thread.

pub mod aws_keys;
pub mod connections;
pub mod create;
pub mod history;
pub mod profiles;
pub mod sandboxes;
pub mod token;

pub use connections::reconcile::{RECONCILE_WINDOW_MS, Reconciled, reconcile_pending};
pub use create::batch::{
    BatchOutcome, BatchRequest, SandboxOutcome, SandboxResult, SandboxStep, batch_id_for,
    create_in_sandboxes,
};
pub use create::{AfterCreate, CreateError, CreateSuccess, create_connection};
pub use history::HistoryAccess;
