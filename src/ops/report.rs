//! How a failure is told, the same way by both front ends: its class (which the CLI turns into
//! an exit code), its message (the error's `Display`) and what to do about it (the hint).

use crate::api::ClientError;
use crate::import::ImportError;
use crate::store::history::HistoryError;
use crate::store::secrets::KeyringError;

/// What kind of failure an error is: what the user can do about it, and the CLI's exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Bad usage or input: nothing was sent; fix it and try again.
    Input,
    /// Adobe refused the request (a 4xx answer).
    Rejected,
    /// No usable answer: the network, a timeout or a 5xx; the outcome may not be known.
    Unavailable,
    /// This machine's history, config or keyring failed.
    Local,
}

impl ErrorClass {
    /// The class of a client error: an answer below 500 is a refusal, no answer or a 5xx is
    /// unavailability, and a bad URL or a missing credential is the user's input.
    pub fn of_client(error: &ClientError) -> Self {
        match error {
            ClientError::Api(e) if e.status < 500 => Self::Rejected,
            ClientError::Api(_)
            | ClientError::Network { .. }
            | ClientError::InvalidResponse { .. }
            | ClientError::OutcomeUnknown { .. } => Self::Unavailable,
            ClientError::BadUrl(_) | ClientError::Missing(_) => Self::Input,
            ClientError::TokenRenewal { renewal, .. } => Self::of_client(renewal),
            ClientError::Incomplete { cause, .. } => {
                cause.as_deref().map_or(Self::Unavailable, Self::of_client)
            }
        }
    }
}

/// A domain error as the front ends show it. Its `Display` is the message.
pub trait Problem: std::error::Error {
    /// What kind of failure it is.
    fn class(&self) -> ErrorClass;

    /// Adobe's (or the network's) error behind it, when that is what it is: its status, code
    /// and request ID are shown with the message.
    fn client_error(&self) -> Option<&ClientError> {
        None
    }

    /// What to do about it, when known (by default the client error's hint).
    fn hint(&self) -> Option<String> {
        self.client_error()
            .and_then(ClientError::hint)
            .map(str::to_owned)
    }

    /// The message for a display that shows Adobe's status, code and request ID beside it (the
    /// window's error card): Adobe's own words in place of its whole answer.
    fn summary(&self) -> String {
        self.to_string()
    }
}

/// The message with the hint on a line of its own, unless the message already says it.
pub fn with_hint(problem: &(impl Problem + ?Sized)) -> String {
    join_hint(problem.to_string(), problem.hint().as_deref())
}

/// `text` with `hint` on a line of its own, unless `text` already says it.
pub fn join_hint(text: String, hint: Option<&str>) -> String {
    match hint {
        Some(hint) if !text.contains(hint) => format!("{text}\nhint: {hint}"),
        _ => text,
    }
}

impl Problem for ClientError {
    fn class(&self) -> ErrorClass {
        ErrorClass::of_client(self)
    }

    fn client_error(&self) -> Option<&ClientError> {
        Some(self)
    }

    fn summary(&self) -> String {
        match self {
            ClientError::Api(api) => api.message.clone(),
            other => other.to_string(),
        }
    }
}

impl Problem for HistoryError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Local
    }
}

impl Problem for KeyringError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Local
    }

    fn hint(&self) -> Option<String> {
        self.fix().map(str::to_owned)
    }
}

impl Problem for ImportError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Input
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiError, NetworkErrorKind};

    fn api(status: u16) -> ClientError {
        ClientError::Api(Box::new(ApiError::from_response(
            status,
            br#"{"error_code": "401013", "message": "Oauth token is not valid"}"#,
            Some("req-1".into()),
            None,
        )))
    }

    #[test]
    fn client_errors_fall_into_classes() {
        assert_eq!(api(401).class(), ErrorClass::Rejected);
        assert_eq!(api(503).class(), ErrorClass::Unavailable);
        let dropped = ClientError::Network {
            kind: NetworkErrorKind::Dropped,
            url: "http://127.0.0.1:1".into(),
            detail: "reset".into(),
        };
        assert_eq!(dropped.class(), ErrorClass::Unavailable);
        assert_eq!(
            ClientError::Missing("no secret".into()).class(),
            ErrorClass::Input
        );
    }

    #[test]
    fn the_hint_is_said_once() {
        // Adobe's answer carries its hint in its message already.
        let text = with_hint(&api(401));
        assert_eq!(text.matches("hint:").count(), 1, "{text}");
        let dropped = ClientError::Network {
            kind: NetworkErrorKind::Dropped,
            url: "http://127.0.0.1:1".into(),
            detail: "reset".into(),
        };
        let text = with_hint(&dropped);
        assert!(
            text.ends_with("\nhint: The connection broke; try again."),
            "{text}"
        );
        assert_eq!(api(401).summary(), "Oauth token is not valid");
    }
}
