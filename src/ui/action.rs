//! What the screens ask for. Each `*_ui` function draws from its screen's state and view-model
//! and pushes [`Action`]s; [`AepApp::apply`](super::AepApp) applies them once per frame, and is
//! the one place that hands jobs to the worker and marks what is loading.

use std::ops::Range;
use std::path::PathBuf;

use super::dialogs::FileRequest;
use super::persisted::{Tab, ThemeChoice};
use crate::api::Connection;
use crate::ops::connections::NewCredentials;
use crate::secret::Secret;
use crate::store::config::Profile;
use crate::store::history::{Attempt, AttemptId};

/// A user's intent (or a worker answer's consequence), applied at the end of the frame.
#[must_use]
#[derive(Debug)]
pub enum Action {
    // The window.
    /// Switch tab.
    Tab(Tab),
    /// Change the theme.
    Theme(ThemeChoice),
    /// Put text on the clipboard and say what was copied.
    Copy {
        /// The text.
        text: String,
        /// What it is ("connection ID").
        what: String,
    },
    /// Ask for a file: opens the in-window file prompt ([`super::file_prompt`]).
    Pick(FileRequest),
    /// A file was chosen (in the file prompt, or its dialog): import it, or export to it.
    Picked(FileRequest, PathBuf),
    /// Open the system's file dialog for the open file prompt ("Browse…").
    BrowseFile,
    /// Open the demo in a new process.
    LaunchDemo,
    /// Leave the welcome screen for an empty profile editor.
    EnterCredentials,

    // Setup, profiles and the token.
    /// Make a profile active.
    SwitchProfile(String),
    /// Use another sandbox with the active profile for this session; the profile keeps its
    /// saved sandbox (choosing that one ends the session's choice).
    SwitchSandbox(String),
    /// Save a sandbox as the active profile's own, in the config file.
    SaveSandbox(String),
    /// List the sandboxes the active credential may use.
    ListSandboxes,
    /// Get a token for the active profile now.
    RefreshToken,
    /// Settle the active profile's pending records (at start).
    Reconcile,
    /// Save a profile (and its client secret, when typed).
    SaveProfile {
        /// The profile.
        profile: Profile,
        /// The typed client secret, if any.
        client_secret: Option<Secret>,
        /// Its old name when renamed.
        previous_name: Option<String>,
        /// Keep the secret for this session only, not in the keyring.
        secret_for_session_only: bool,
    },
    /// Get a token with a profile being edited.
    TestProfile {
        /// The profile.
        profile: Profile,
        /// The typed client secret, if any.
        client_secret: Option<Secret>,
    },
    /// Remove a profile.
    RemoveProfile(String),

    // The new connection.
    /// Create the connection in the form.
    Create,
    /// Create it although a connection of that name exists (or could not be checked).
    CreateAnyway,
    /// Create, the user having confirmed the production sandbox.
    CreateConfirmed {
        /// Create although a connection of that name exists (or could not be checked).
        allow_duplicate: bool,
    },
    /// Cancel the running create.
    CancelCreate,
    /// Create again in the sandboxes of the last batch that do not have the connection.
    RetryFailed,
    /// Fill the key fields from a remembered AWS key.
    LoadSavedAwsKey(String),

    // The history.
    /// These rows of the history table are (nearly) in view: load their pages.
    ShowHistoryRows(Range<usize>),
    /// Load the profiles and sandboxes the history holds (its filters' choices).
    LoadHistoryFacets,
    /// Remove a record from the history.
    RemoveAttempt(AttemptId),
    /// Put a removed record back.
    RestoreAttempt(Box<Attempt>),
    /// Copy a record's request as cURL.
    CopyCurl(Box<Attempt>),

    // Connections in AEP.
    /// List the active sandbox's connections (again).
    RefreshConnections,
    /// Open the details window of a connection.
    Inspect(String),
    /// Open the explorer on a connection.
    Explore {
        /// Connection ID.
        id: String,
        /// Its name, for the title.
        name: String,
    },
    /// Load a folder of the open explorer.
    ExploreFolder {
        /// Connection ID.
        id: String,
        /// Folder path.
        path: String,
    },
    /// Preview a file of the open explorer.
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
        /// The version the user saw.
        seen: Option<Box<Connection>>,
        /// The new key.
        credentials: NewCredentials,
    },
    /// Open *Rotate a key everywhere* for this access key ID (or what AEP shows of it).
    RotateKeyEverywhere(String),
    /// Find, run or cancel a key rotation.
    RotateKey(crate::worker::RotateKeyJob),
    /// Delete a connection in AEP.
    DeleteConnection {
        /// Connection ID.
        id: String,
        /// Its name.
        name: String,
    },
}

impl Action {
    /// Copying `text`, described as `what`.
    pub fn copy(text: impl Into<String>, what: impl Into<String>) -> Self {
        Self::Copy {
            text: text.into(),
            what: what.into(),
        }
    }
}
