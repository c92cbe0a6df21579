//! One error type for everything Adobe (or a proxy in front of it) can answer, and for the ways a
//! request can fail before an answer arrives.
//!
//! Every body shape of docs/flow-service-api.md §4 is parsed into status, Adobe code, message, request
//! ID and, for the codes whose cause is known, a plain-language hint.

mod hint;
mod response;

use std::fmt;
use std::time::Duration;

use crate::error::{Answer, ErrorClass, NoClientSecret, Problem, Remedy};

pub use hint::{describe_wait, hint_for, response_hint};
pub use response::excerpt;

/// Longest raw body excerpt kept on an error (the whole body is never kept).
pub const EXCERPT_LIMIT: usize = 4096;

/// An error status answered by IMS, the API gateway, Flow Service or a proxy in front of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Adobe's code as Adobe writes it: `401013`, `FLOW-2100-404`, `invalid_client`, `BadRequestError`.
    pub code: Option<String>,
    /// Adobe's message, or a short excerpt of an HTML/plain body.
    pub message: String,
    /// `x-request-id` of the response (users quote it to Adobe support).
    pub request_id: Option<String>,
    /// What the user can do about it, when the cause is known.
    pub hint: Option<String>,
    /// `Retry-After`, when the server sent one.
    pub retry_after: Option<Duration>,
    /// The start of the raw body, for "show raw response".
    pub raw_body: String,
}

/// How a request failed before a complete answer arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkErrorKind {
    /// Could not connect (refused, DNS, TLS handshake).
    Connect,
    /// The connect or total timeout ran out.
    Timeout,
    /// The connection broke after the request may have been sent.
    Dropped,
}

/// Every way a call to IMS or Platform can fail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No complete answer arrived.
    #[error("{}", network_message(*.kind, .url, .detail))]
    Network {
        /// Connect, timeout or dropped.
        kind: NetworkErrorKind,
        /// The URL called (never contains secrets: they travel in headers and bodies).
        url: String,
        /// The transport's own words.
        detail: String,
    },
    /// The server answered success, but with a body this client cannot use.
    #[error(
        "{what}: the server answered HTTP {status} with a body that could not be read ({detail}){}",
        request_id_suffix(.request_id)
    )]
    InvalidResponse {
        /// Which call.
        what: String,
        /// HTTP status.
        status: u16,
        /// Why the body is unusable.
        detail: String,
        /// `x-request-id`, if any.
        request_id: Option<String>,
    },
    /// A URL that would send credentials in clear text or is not a URL.
    #[error("{0}")]
    BadUrl(String),
    /// The call needs something the caller did not give (a token, a usable URL).
    #[error("{0}")]
    Missing(String),
    /// IMS must be asked for a token and there is no client secret to ask with.
    #[error(transparent)]
    NoClientSecret(#[from] NoClientSecret),
    /// A create failed ambiguously (timeout, dropped connection) and no lookup could tell whether
    /// Adobe made the connection: it may still be landing, or the lookup itself failed.
    #[error(
        "{cause}\nThe connection may have been created; run `aep-s3-connect history` to settle it (it shows as pending until AEP's list tells). {lookup}"
    )]
    OutcomeUnknown {
        /// The create's own failure.
        cause: Box<ClientError>,
        /// What the lookup after it found, as a sentence.
        lookup: String,
    },
    /// The gateway refused the access token (401) and IMS could not renew it. Adobe answered,
    /// so the request changed nothing.
    #[error(
        "{rejected}\nAdobe refused the request, so nothing was created or changed; asking IMS for a new access token failed too: {renewal}"
    )]
    TokenRenewal {
        /// The gateway's 401.
        rejected: Box<ApiError>,
        /// Why IMS gave no new token.
        renewal: Box<ClientError>,
    },
    /// A paged list could not be read to its end: what was read is not the whole list.
    #[error(
        "{what}: the list could not be read to its end (stopped after {pages} page(s), {items} item(s)): {reason}"
    )]
    Incomplete {
        /// Which call.
        what: String,
        /// Pages read.
        pages: usize,
        /// Items read.
        items: usize,
        /// Why it stopped, as a sentence.
        reason: String,
        /// The failure of the page that could not be read, when that is why.
        cause: Option<Box<ClientError>>,
    },
}

impl ClientError {
    /// True when the request may have reached the server and been processed although no success
    /// arrived: a timeout, a dropped connection or a 5xx. A `POST` must not simply be repeated then.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Self::Api(e) => e.status >= 500,
            Self::Network { kind, .. } => {
                matches!(kind, NetworkErrorKind::Timeout | NetworkErrorKind::Dropped)
            }
            Self::InvalidResponse { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// True for a 429: too many requests for the organisation's limit.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::Api(e) if e.status == 429)
    }

    /// The `x-request-id` of the answer, if one arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id.as_deref(),
            Self::InvalidResponse { request_id, .. } => request_id.as_deref(),
            Self::OutcomeUnknown { cause, .. } => cause.request_id(),
            Self::TokenRenewal { rejected, .. } => rejected.request_id.as_deref(),
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(Self::request_id),
            _ => None,
        }
    }

    /// The HTTP status, if an answer arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::InvalidResponse { status, .. } => Some(*status),
            Self::OutcomeUnknown { cause, .. } => cause.status(),
            Self::TokenRenewal { rejected, .. } => Some(rejected.status),
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(Self::status),
            _ => None,
        }
    }

    /// Adobe's code, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.code.as_deref(),
            Self::OutcomeUnknown { cause, .. } => cause.code(),
            Self::TokenRenewal { rejected, .. } => rejected.code.as_deref(),
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(Self::code),
            _ => None,
        }
    }

    /// The plain-language hint, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.hint.as_deref(),
            Self::Network { kind, .. } => Some(match kind {
                NetworkErrorKind::Connect => {
                    "Check the network, a proxy or the platform/IMS URL of the profile."
                }
                NetworkErrorKind::Timeout => {
                    "The server did not answer in time; try again, or raise the timeouts in config.toml."
                }
                NetworkErrorKind::Dropped => "The connection broke; try again.",
            }),
            Self::OutcomeUnknown { cause, .. } => cause.hint(),
            Self::TokenRenewal { renewal, .. } => renewal.hint(),
            Self::Incomplete { cause, .. } => Some(cause.as_deref().and_then(Self::hint).unwrap_or(
                "Nothing was concluded from the part that was read; try again, and if it keeps stopping, quote the request ID to Adobe support.",
            )),
            _ => None,
        }
    }
}

impl ClientError {
    /// The raw answer's status, code, request ID and body start, as front ends show them.
    fn answer_of(&self) -> Answer<'_> {
        let raw_body = match self {
            Self::Api(api) => Some(api.raw_body.as_str()),
            Self::TokenRenewal { rejected, .. } => Some(rejected.raw_body.as_str()),
            Self::OutcomeUnknown { cause, .. } => cause.answer_of().raw_body,
            Self::Incomplete { cause, .. } => cause.as_deref().and_then(|c| c.answer_of().raw_body),
            _ => None,
        };
        Answer {
            status: self.status(),
            code: self.code(),
            request_id: self.request_id(),
            raw_body,
        }
    }
}

/// A client error's class: an answer below 500 is a refusal, no answer or a 5xx is
/// unavailability, and a bad URL or a missing credential is the user's input.
impl Problem for ClientError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Api(e) if e.status < 500 => ErrorClass::Rejected,
            Self::Api(_)
            | Self::Network { .. }
            | Self::InvalidResponse { .. }
            | Self::OutcomeUnknown { .. } => ErrorClass::Unavailable,
            Self::BadUrl(_) | Self::Missing(_) | Self::NoClientSecret(_) => ErrorClass::Input,
            Self::TokenRenewal { renewal, .. } => renewal.class(),
            Self::Incomplete { cause, .. } => cause
                .as_deref()
                .map_or(ErrorClass::Unavailable, Problem::class),
        }
    }

    fn answer(&self) -> Option<Answer<'_>> {
        Some(self.answer_of())
    }

    fn hint(&self) -> Option<String> {
        ClientError::hint(self).map(str::to_owned)
    }

    fn remedy(&self) -> Option<Remedy> {
        match self {
            Self::NoClientSecret(e) => e.remedy(),
            _ => None,
        }
    }

    fn summary(&self) -> String {
        match self {
            Self::Api(api) => api.message.clone(),
            other => other.to_string(),
        }
    }
}

fn request_id_suffix(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" (request ID {id})"))
        .unwrap_or_default()
}

fn network_message(kind: NetworkErrorKind, url: &str, detail: &str) -> String {
    let what = match kind {
        NetworkErrorKind::Connect => "could not connect to",
        NetworkErrorKind::Timeout => "timed out waiting for",
        NetworkErrorKind::Dropped => "lost the connection to",
    };
    format!("{what} {url}: {detail}")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::with_hint;

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
