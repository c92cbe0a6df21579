//! What the window and its worker say to each other: the [`Job`]s the UI sends, the [`Event`]s
//! the worker answers with, and the views those carry. UI-free, like the rest of the worker.

use std::path::PathBuf;

use crate::api::Connection;
use crate::api::explore::{ExploreItem, Preview};
use crate::api::sandboxes::Sandbox;
use crate::import::{aws::AwsCredential, console::ConsoleCredential};
use crate::model::{EpochMs, S3ConnectionInput};
use crate::ops::connections::{Inspected, NewCredentials};
use crate::ops::{Reconciled, SandboxStep};
use crate::records::export::ExportFormat;
use crate::secret::Secret;
use crate::store::config::{Config, Profile};
use crate::store::history::{Attempt, AttemptId, HistoryQuery};
use crate::store::paths::AppPaths;
use crate::store::sandboxes::KnownSandboxes;
use crate::store::secrets::{KeyringStatus, SecretStore};

use super::views::{
    BatchView, Changed, ConnectionsList, CreatedView, ErrorView, RotateFailure, SandboxList,
    TokenState,
};

/// How the worker is set up.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// Config and data dirs.
    pub paths: AppPaths,
    /// The keyring to use.
    pub secrets: SecretStore,
    /// Demo mode: a client secret used for every profile instead of the keyring.
    pub demo_client_secret: Option<Secret>,
    /// A pasted access token (`AEP_ACCESS_TOKEN`): used for this session instead of IMS.
    pub access_token: Option<Secret>,
}

/// Work for the worker.
#[derive(Debug)]
pub enum Job {
    /// Load config, keyring status and history basics.
    LoadSetup,
    /// Make a profile active.
    SwitchProfile(String),
    /// Add or replace a profile; `client_secret` goes to the keyring when given.
    SaveProfile {
        /// The profile.
        profile: Profile,
        /// Its client secret, if the user typed one.
        client_secret: Option<Secret>,
        /// The profile's old name when it is renamed.
        previous_name: Option<String>,
        /// Keep `client_secret` in memory for this session only, not in the keyring (a machine
        /// without a usable keyring): it is never written anywhere.
        secret_for_session_only: bool,
    },
    /// Remove a profile and its keyring entries.
    RemoveProfile(String),
    /// Fetch a token for a profile (saved or being edited) and report success or the error.
    TestProfile {
        /// The profile.
        profile: Profile,
        /// A client secret typed in the editor, else the keyring's.
        client_secret: Option<Secret>,
    },
    /// Get (or reuse) a token for the active profile, for the top bar.
    FetchToken,
    /// Create a connection.
    Create {
        /// What to create.
        input: S3ConnectionInput,
        /// Create even when the sandbox has a connection of that name.
        allow_duplicate: bool,
        /// Remember the AWS key in the keyring under this label.
        remember_aws_as: Option<String>,
    },
    /// Create one connection in several sandboxes, as one batch.
    CreateBatch {
        /// What to create.
        input: S3ConnectionInput,
        /// The sandboxes (of the active profile's org).
        sandboxes: Vec<String>,
        /// *Retry failed*: the batch to finish; else the same create's newest batch or a new one.
        batch: Option<String>,
        /// Remember the AWS key in the keyring under this label.
        remember_aws_as: Option<String>,
    },
    /// Cancel the running create.
    Cancel,
    /// Rotate a key everywhere it is used (find, check, run, cancel).
    RotateKey(super::RotateKeyJob),
    /// Look pending records of the active profile up in AEP (at start).
    Reconcile,
    /// Load a page of history.
    LoadHistory {
        /// Filters, order, offset and limit.
        query: HistoryQuery,
        /// Echoed back so stale answers can be dropped.
        generation: u64,
    },
    /// The profiles and sandboxes the history holds, for its filters (answered by
    /// [`Event::HistoryFacets`]).
    LoadHistoryFacets,
    /// Remove a record.
    DeleteAttempt(AttemptId),
    /// Put a removed record back.
    RestoreAttempt(Box<Attempt>),
    /// Write the rows matching a query to a file.
    Export {
        /// Target file.
        path: PathBuf,
        /// CSV or JSON.
        format: ExportFormat,
        /// Which rows (limit and offset are ignored).
        query: HistoryQuery,
    },
    /// Parse a Developer Console project JSON.
    ImportConsoleJson(PathBuf),
    /// Parse `~/.aws/credentials` or an IAM CSV.
    ImportAwsFile(PathBuf),
    /// Load a remembered AWS key's secrets from the keyring.
    LoadSavedAwsKey(String),
    /// Work on what exists in AEP for the active profile and sandbox; the answer names them and
    /// carries `request` back ([`Event::Manage`]).
    Manage {
        /// Chosen by the UI, echoed in the answer: a newer request's answer replaces an older one.
        request: u64,
        /// What to do.
        job: ManageJob,
    },
    /// Use this sandbox for the active profile for this session only (the config file keeps
    /// the saved one; its saved sandbox ends the session's choice).
    UseSandbox(String),
    /// Save this sandbox as the active profile's sandbox (in the config file).
    SaveSandbox(String),
}

/// Work on what exists in AEP, for the active profile and sandbox.
#[derive(Debug)]
pub enum ManageJob {
    /// List the sandbox's S3 connections, merged with the history.
    ListConnections,
    /// The same for every sandbox the credential can use (answered by
    /// [`ManageAnswer::OrgConnections`]).
    ListOrgConnections,
    /// One connection's details.
    Inspect(String),
    /// One level of a connection's storage (`None` = the root).
    Explore {
        /// Connection ID.
        id: String,
        /// Folder path, or the root.
        path: Option<String>,
    },
    /// The first rows of a file.
    Preview {
        /// Connection ID.
        id: String,
        /// File path.
        path: String,
    },
    /// Replace a connection's access key.
    Rotate {
        /// Connection ID.
        id: String,
        /// The version the user saw (for "what changed" on a conflict).
        seen: Option<Box<Connection>>,
        /// The new key.
        credentials: NewCredentials,
    },
    /// Delete a connection in AEP.
    DeleteConnection {
        /// Connection ID.
        id: String,
        /// Its name, for the history and messages.
        name: Option<String>,
    },
    /// The sandboxes the active profile's credential may use (remembered in the data dir).
    ListSandboxes,
}

/// The active profile's sandbox for this session, when it is not the one saved in its profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSandbox {
    /// The active profile.
    pub profile: String,
    /// Its sandbox in the config file.
    pub saved: String,
    /// The sandbox it uses this session.
    pub session: String,
}

impl SessionSandbox {
    /// This session's sandbox if it is the one `profile` (as the window shows it) uses.
    pub fn of<'a>(session: Option<&'a Self>, profile: &Profile) -> Option<&'a Self> {
        session.filter(|s| s.profile == profile.name && s.session == profile.sandbox)
    }
}

/// Which profile, sandbox, platform and organisation an answer is for: the UI drops an answer
/// whose scope is no longer the one it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// Profile name.
    pub profile: String,
    /// The sandbox the profile used for the job (its session sandbox, if any).
    pub sandbox: String,
    /// Platform URL.
    pub platform_url: String,
    /// Organisation.
    pub org_id: String,
}

impl Scope {
    /// The scope of `profile` (as this session uses it).
    pub fn of(profile: &Profile) -> Self {
        Self {
            profile: profile.name.clone(),
            sandbox: profile.sandbox.clone(),
            platform_url: profile.platform_url.clone(),
            org_id: profile.org_id.clone(),
        }
    }
}

/// The answer to a [`ManageJob`].
#[derive(Debug)]
pub enum ManageAnswer {
    /// The connections view.
    Connections(Result<ConnectionsList, ErrorView>),
    /// The connections view of every sandbox (the sandbox list failing is the error).
    OrgConnections(Result<Vec<SandboxList>, ErrorView>),
    /// One connection's details.
    Inspected(Result<Box<Inspected>, ErrorView>),
    /// One level of storage.
    Explored {
        /// Connection ID.
        id: String,
        /// The folder, or the root.
        path: Option<String>,
        /// Its items.
        result: Result<Vec<ExploreItem>, ErrorView>,
    },
    /// A file preview.
    Previewed {
        /// Connection ID.
        id: String,
        /// File path.
        path: String,
        /// Columns and rows.
        result: Result<Preview, ErrorView>,
    },
    /// A rotation finished.
    Rotated(Result<Changed, RotateFailure>),
    /// A deletion finished.
    ConnectionDeleted(Result<Changed, ErrorView>),
    /// The sandboxes the credential may use.
    Sandboxes(Result<Vec<Sandbox>, ErrorView>),
    /// The job could not start: no active profile, or no client for it.
    NotStarted(ErrorView),
}

/// A page of the history and how many records match its query.
#[derive(Debug)]
pub struct HistoryPage {
    /// The query it answers (filters, order, offset and limit).
    pub query: HistoryQuery,
    /// Its rows.
    pub rows: Vec<Attempt>,
    /// Rows matching without limit.
    pub total: usize,
}

/// What the worker reports.
#[derive(Debug)]
pub enum Event {
    /// Config and keyring state (after start and after profile changes).
    Setup {
        /// The config, as saved.
        config: Config,
        /// The active profile as this session uses it (with its session sandbox, if any).
        active: Option<Profile>,
        /// The active profile's sandbox for this session, when it is not the saved one: the
        /// worker owns this choice; it is never written to the config.
        session_sandbox: Option<SessionSandbox>,
        /// The sandbox lists last read from AEP, for every organisation (the production rule's
        /// input until the active one is read again).
        known_sandboxes: KnownSandboxes,
        /// The profiles whose client secret is held in memory for this session only.
        session_secrets: Vec<String>,
        /// The keyring.
        keyring: KeyringStatus,
        /// Message when the history file was moved aside or could not be opened.
        history_notice: Option<String>,
        /// At start only: the history's first page in its default order, read as it opened, so
        /// the first frame can show it without another round trip.
        first_history_page: Option<Box<HistoryPage>>,
    },
    /// A profile save finished: the editor closes on success, and keeps what was typed on a
    /// failure.
    ProfileSaved {
        /// The profile's name.
        name: String,
        /// What went wrong, if anything.
        result: Result<(), ErrorView>,
    },
    /// Token state of a profile.
    Token {
        /// The profile it is for (`None`: no profile was active).
        profile: Option<String>,
        /// Its state.
        state: TokenState,
    },
    /// Result of a profile test.
    ProfileTested {
        /// Profile name.
        name: String,
        /// Expiry on success (`None`: not known), the error otherwise.
        result: Result<Option<EpochMs>, ErrorView>,
    },
    /// A create finished.
    CreateFinished(Result<CreatedView, ErrorView>),
    /// Pending records were settled.
    Reconciled(Vec<Reconciled>),
    /// A page of history.
    History {
        /// The query it answers.
        query: HistoryQuery,
        /// Its generation.
        generation: u64,
        /// Rows.
        rows: Vec<Attempt>,
        /// Rows matching without limit.
        total: usize,
    },
    /// The history changed (a create, delete or restore): reload what is shown.
    HistoryChanged,
    /// The values the history's Profile and Sandbox filters offer: those in the history, each
    /// once, in natural order ("sandbox 2" before "sandbox 10").
    HistoryFacets {
        /// Profile names found in the history.
        profiles: Vec<String>,
        /// Sandbox names found in the history.
        sandboxes: Vec<String>,
    },
    /// A record was removed; the attempt is kept for undo.
    Deleted(Box<Attempt>),
    /// Export done.
    Exported {
        /// File written.
        path: PathBuf,
        /// Rows written.
        rows: usize,
    },
    /// A console JSON was read.
    ConsoleImported(Box<ConsoleCredential>),
    /// AWS keys were read from a file (or the keyring).
    AwsImported(Vec<AwsCredential>),
    /// The answer to [`Job::Manage`], for the scope it ran in.
    Manage {
        /// The profile and sandbox it ran for (`None` when no profile was active).
        scope: Option<Scope>,
        /// The request it answers.
        request: u64,
        /// The answer.
        answer: ManageAnswer,
    },
    /// A connection with the same name already exists: the create was not sent.
    DuplicateFound(Box<Connection>),
    /// One sandbox of a batch moved on.
    BatchStep {
        /// The batch.
        batch: String,
        /// The sandbox.
        sandbox: String,
        /// Where it stands now.
        step: SandboxStep,
    },
    /// A batch ended: each sandbox's result, or why none was tried.
    BatchFinished(Result<BatchView, ErrorView>),
    /// A key rotation moved on.
    Rotation(super::RotationEvent),
    /// Something worth a look that stopped nothing (a config key this version does not know).
    Notice(String),
    /// Something failed outside a create; `context` says what was being done.
    Error {
        /// What was being done.
        context: String,
        /// The message.
        message: String,
    },
}
