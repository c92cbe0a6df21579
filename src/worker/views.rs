//! What the worker's answers carry for the screens: rows, results and failures as the window
//! shows them, each already worded ([`ErrorView`]).

use crate::api::Connection;
use crate::error::{Problem, Remedy};
use crate::model::{CreatedConnection, EpochMs};
use crate::ops::SandboxStep;
use crate::ops::connections::MergedConnection;
use crate::store::history::AttemptId;

/// The Connections view's rows, and why AEP's list stopped early when it did (the rows are
/// then only the part read).
#[derive(Clone, Debug)]
pub struct ConnectionsList {
    /// Merged rows, newest first.
    pub rows: Vec<MergedConnection>,
    /// Why the list is incomplete; `None` when every page was read.
    pub cut_short: Option<ErrorView>,
}

/// One sandbox's part of the organisation's connections.
#[derive(Clone, Debug)]
pub struct SandboxList {
    /// The sandbox's name.
    pub sandbox: String,
    /// Whether it is a production sandbox (by its type in the sandbox API).
    pub production: bool,
    /// Merged rows, newest first: the part read when `failure` is set.
    pub rows: Vec<MergedConnection>,
    /// Why the sandbox's list is missing or incomplete.
    pub failure: Option<ErrorView>,
}

/// A rotation that did not apply: the message, and on a conflict the current version with what
/// changed, so the user can look and retry.
#[derive(Clone, Debug)]
pub struct RotateFailure {
    /// What happened.
    pub error: ErrorView,
    /// The current version and the changes, when someone else changed the connection.
    pub stale: Option<(Box<Connection>, Vec<String>)>,
}

/// The token state shown in the top bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenState {
    /// No token yet.
    None,
    /// Valid until then; `None` for a pasted token, whose end is not known.
    Valid(Option<EpochMs>),
    /// The last attempt failed.
    Error(String),
}

/// A create's success, as the result card shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CreatedView {
    /// History record.
    pub attempt: AttemptId,
    /// The connection.
    pub connection: CreatedConnection,
    /// Connection name.
    pub name: String,
    /// Sandbox.
    pub sandbox: String,
    /// Warnings to show.
    pub warnings: Vec<String>,
    /// The runnable, redacted cURL.
    pub curl: String,
    /// Other S3 connections of the same name that AEP showed right after the create (made at
    /// the same time elsewhere), newest first, and the warning that names them.
    pub duplicates: Option<(Vec<crate::api::Connection>, String)>,
}

/// A batch's result, as the result card shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchView {
    /// The batch ID.
    pub batch: String,
    /// Each sandbox, in the order asked.
    pub rows: Vec<BatchRow>,
    /// Warnings to show (a field warning once, a duplicate made elsewhere, history trouble).
    pub warnings: Vec<String>,
}

/// One sandbox of a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchRow {
    /// The sandbox.
    pub sandbox: String,
    /// Where it ended.
    pub step: SandboxStep,
    /// The connection's ID, when the sandbox has it.
    pub connection_id: Option<String>,
    /// Why not, when it failed.
    pub error: Option<ErrorView>,
}

/// A failure, as the UI shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorView {
    /// HTTP status.
    pub status: Option<u16>,
    /// Adobe's code.
    pub code: Option<String>,
    /// The message.
    pub message: String,
    /// `x-request-id`.
    pub request_id: Option<String>,
    /// What to do.
    pub hint: Option<String>,
    /// Raw response excerpt.
    pub raw_body: Option<String>,
    /// The redacted cURL of the request, when there was one.
    pub curl: Option<String>,
    /// The way out the window offers for it (a button, a choice), if any.
    pub remedy: Option<Remedy>,
}

/// A change made in AEP (a rotation, a deletion).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// The connection.
    pub id: String,
    /// Said when the history could not record the change ([`crate::ops::history::not_recorded`]).
    pub unrecorded: Option<String>,
}

/// A [`Remedy`] in the window's words, where the window offers it as advice (the others are
/// buttons or choices drawn beside the error).
fn remedy_hint(remedy: &Remedy) -> Option<String> {
    match remedy {
        Remedy::StoreClientSecret { profile: Some(p) } => Some(format!(
            "Open Profiles, edit {p} and enter its client secret (or keep it for this session only)."
        )),
        Remedy::StoreClientSecret { profile: None } => {
            Some("Add a profile under Profiles with its client secret, or try the demo.".to_owned())
        }
        Remedy::SecretsWithoutKeyring | Remedy::CreateAnyway => None,
    }
}

impl ErrorView {
    /// From any domain error: the message (Adobe's own words where its status, code and request
    /// ID are shown beside them), the hint, and Adobe's details when Adobe answered.
    pub fn of(problem: &(impl Problem + ?Sized)) -> Self {
        let answer = problem.answer().unwrap_or_default();
        let remedy = problem.remedy();
        Self {
            status: answer.status,
            code: answer.code.map(str::to_owned),
            message: problem.summary(),
            request_id: answer.request_id.map(str::to_owned),
            hint: problem
                .hint()
                .or_else(|| remedy.as_ref().and_then(remedy_hint)),
            raw_body: answer.raw_body.map(str::to_owned),
            curl: None,
            remedy,
        }
    }

    /// A plain message.
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_client_secret_is_told_once_and_advised_in_the_windows_terms() {
        let e = crate::api::ClientError::from(crate::error::NoClientSecret {
            profile: Some("dev".into()),
        });
        let view = ErrorView::of(&e);
        assert_eq!(
            view.message,
            "profile `dev` has no client secret in the keyring"
        );
        assert_eq!(
            view.hint.as_deref(),
            Some(
                "Open Profiles, edit dev and enter its client secret (or keep it for this session only)."
            )
        );
        assert!(!view.hint.unwrap().contains("aep-s3-connect"));
    }
}
