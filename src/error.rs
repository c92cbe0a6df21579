//! How a failure is told, the same way by both front ends: its class (which the CLI turns into
//! an exit code), its message (the error's `Display`), what to do about it (the hint) and, when
//! Adobe answered, the answer's status, code and request ID.
//!
//! This sits below every layer that has errors of its own: [`crate::api`], [`crate::store`] and
//! [`crate::import`] implement [`Problem`] for theirs, and the operations in [`crate::ops`] for
//! theirs, pointing at the failure behind them with [`Problem::behind`].

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

/// What Adobe (or a proxy before it) answered, as a front end shows it beside the message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Answer<'a> {
    /// HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// Adobe's code (`401013`, `FLOW-2100-404`).
    pub code: Option<&'a str>,
    /// `x-request-id`, which users quote to Adobe support.
    pub request_id: Option<&'a str>,
    /// The start of the raw body, for "show raw response".
    pub raw_body: Option<&'a str>,
}

/// A way out that each front end offers in its own terms (a flag or a variable on the command
/// line, a button in the window): data, so that the sentence around it is written once and
/// each front end words only its own part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remedy {
    /// Give the secrets without the keyring (the command line: variables and stdin; the window:
    /// for this session only, or the demo, which needs none).
    SecretsWithoutKeyring,
    /// Store the client secret of `profile` (`None`: no profile is stored yet).
    StoreClientSecret {
        /// The profile that has none.
        profile: Option<String>,
    },
    /// Create although a connection of that name exists, or although that could not be checked.
    CreateAnyway,
}

/// A domain error as the front ends show it. Its `Display` is the message.
pub trait Problem: std::error::Error {
    /// What kind of failure it is.
    fn class(&self) -> ErrorClass;

    /// The failure behind this one, whose answer and hint it shares unless it says otherwise (a
    /// create's network error, say).
    fn behind(&self) -> Option<&dyn Problem> {
        None
    }

    /// What Adobe answered, when the failure is an answer (by default the one behind it).
    fn answer(&self) -> Option<Answer<'_>> {
        self.behind().and_then(Problem::answer)
    }

    /// What to do about it, when known (by default the hint of the failure behind it).
    fn hint(&self) -> Option<String> {
        self.behind().and_then(Problem::hint)
    }

    /// The way out a front end offers in its own terms, if any (by default the one of the
    /// failure behind it).
    fn remedy(&self) -> Option<Remedy> {
        self.behind().and_then(Problem::remedy)
    }

    /// The message for a display that shows Adobe's status, code and request ID beside it (the
    /// window's error card): Adobe's own words in place of its whole answer.
    fn summary(&self) -> String {
        match self.behind() {
            Some(behind) if behind.to_string() == self.to_string() => behind.summary(),
            _ => self.to_string(),
        }
    }
}

/// No client secret to ask IMS for a token with: the profile has none in the keyring, or there
/// is no stored profile to have one. Worded here once; each front end adds its own way to give
/// one ([`Remedy::StoreClientSecret`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", match profile {
    Some(p) => format!("profile `{p}` has no client secret in the keyring"),
    None => "no client secret".to_owned(),
})]
pub struct NoClientSecret {
    /// The profile that has none (`None`: no profile is stored).
    pub profile: Option<String>,
}

impl Problem for NoClientSecret {
    fn class(&self) -> ErrorClass {
        ErrorClass::Input
    }

    fn remedy(&self) -> Option<Remedy> {
        Some(Remedy::StoreClientSecret {
            profile: self.profile.clone(),
        })
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
