//! Why a create did not produce a connection, classed and told the same way on every front end.

use crate::api::{ClientError, Connection};
use crate::error::{ErrorClass, Problem, Remedy};
use crate::model::EpochMs;
use crate::store::history::{AttemptId, HistoryError};
use crate::validate::FieldError;

/// The start of the message of [`CreateError::Token`].
const NO_TOKEN: &str = "could not get an access token from IMS, so nothing was sent to AEP";

/// Why a create did not produce a connection.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// One or more fields break a rule; nothing was sent or recorded.
    #[error("{}", crate::validate::join_errors(.0))]
    Invalid(Vec<FieldError>),
    /// The history could not record the attempt, so nothing was sent.
    #[error("could not record the attempt in the history, so nothing was sent: {0}")]
    Store(#[from] HistoryError),
    /// No access token could be had from IMS, so nothing was sent to AEP (the attempt is
    /// recorded as failed).
    #[error("{NO_TOKEN}: {error}")]
    Token {
        /// History record of the attempt.
        attempt: AttemptId,
        /// Why IMS gave no token.
        error: ClientError,
    },
    /// The sandbox already has an S3 connection of this name; nothing was sent or recorded.
    #[error(
        "sandbox {sandbox} already has an S3 connection named \"{}\": {} (created {}{}). Nothing was created.",
        .existing.name, .existing.id,
        .existing.created_at.unwrap_or_default().utc(),
        .existing.created_by.as_deref().map(|by| format!(" by {by}")).unwrap_or_default()
    )]
    Duplicate {
        /// The sandbox.
        sandbox: String,
        /// The newest connection of that name.
        existing: Box<Connection>,
    },
    /// Whether the sandbox already has a connection of this name could not be checked, so
    /// nothing was created (a second connection of the same name is worse than a retry).
    #[error(
        "could not check whether sandbox {sandbox} already has an S3 connection named \"{name}\", so nothing was created: {error}"
    )]
    DuplicateCheck {
        /// The sandbox.
        sandbox: String,
        /// The name.
        name: String,
        /// Why the check failed.
        error: ClientError,
    },
    /// An earlier attempt to create this name may still land at Adobe; nothing was sent.
    #[error(
        "an earlier attempt (#{}) to create \"{name}\" in sandbox {sandbox} may still be created by Adobe until {}, so nothing was created. Run `aep-s3-connect history` after that time to settle it.",
        .attempt.0, .until_ms.utc()
    )]
    EarlierAttemptPending {
        /// The sandbox.
        sandbox: String,
        /// The name.
        name: String,
        /// The pending record.
        attempt: AttemptId,
        /// When it can no longer land (clock slack included).
        until_ms: EpochMs,
    },
    /// The lock that serialises creates of one name could not be taken (the data dir is not
    /// writable, say); nothing was sent.
    #[error(
        "could not take the lock that keeps two creates of \"{name}\" apart ({path}): {source}"
    )]
    Lock {
        /// The name.
        name: String,
        /// The lock's directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Adobe or the network said no (the attempt is recorded as failed, or left pending when
    /// the outcome is unknown).
    #[error("{error}")]
    Client {
        /// History record of the attempt.
        attempt: AttemptId,
        /// What failed.
        error: ClientError,
    },
}

impl Problem for CreateError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Invalid(_) | Self::Duplicate { .. } => ErrorClass::Input,
            Self::Store(_) | Self::Lock { .. } => ErrorClass::Local,
            Self::EarlierAttemptPending { .. } => ErrorClass::Unavailable,
            // Unavailable when AEP could not answer (5xx, timeout); rejected when it refused.
            Self::DuplicateCheck { error, .. }
            | Self::Client { error, .. }
            | Self::Token { error, .. } => error.class(),
        }
    }

    fn behind(&self) -> Option<&dyn Problem> {
        match self {
            Self::DuplicateCheck { error, .. }
            | Self::Client { error, .. }
            | Self::Token { error, .. } => Some(error),
            Self::Store(e) => Some(e),
            _ => None,
        }
    }

    fn remedy(&self) -> Option<Remedy> {
        match self {
            // The user may judge that a second connection of the name is what they want.
            Self::Duplicate { .. } | Self::EarlierAttemptPending { .. } => {
                Some(Remedy::CreateAnyway)
            }
            // Not when Adobe refused the credential: a create would be refused too.
            Self::DuplicateCheck { error, .. } if error.class() != ErrorClass::Rejected => {
                Some(Remedy::CreateAnyway)
            }
            other => other.behind().and_then(Problem::remedy),
        }
    }

    fn summary(&self) -> String {
        match self {
            Self::Token { error, .. } => format!("{NO_TOKEN}: {}", error.summary()),
            Self::Client { error, .. } => error.summary(),
            other => other.to_string(),
        }
    }
}
