//! What a command hands back, and how it is printed: decided once, by [`super::run`], from
//! whether `--json` was asked for. A command returns an [`Output`] (its result as JSON and as
//! text, the warnings that go with it, and for the "done, but" cases the failure it ends with) or
//! a [`Failure`]; no command prints its result itself. Human text goes to stdout, diagnostics to
//! stderr, and under `--json` stdout carries exactly one JSON object: the result, or
//! `{"error": {...}}`.
//!
//! Every failure is told one way: the error's message, its hint on a line of its own, and its
//! class as the exit code.

use std::fmt::Display;

use serde_json::{Map, Value, json};

use super::Exit;
use crate::error::{Problem, Remedy, join_hint};

/// A command's result or its failure.
pub type Outcome = Result<Output, Failure>;

/// What a command that did its work prints.
#[must_use]
#[derive(Debug, Default)]
pub struct Output {
    /// The result under `--json` (`None` for a command that takes no `--json`).
    json: Option<Value>,
    /// The result as text for a person (lines, each ending in a newline).
    text: String,
    /// Told on stderr after the result.
    warnings: Vec<String>,
    /// The command printed its result but ends with this failure: its exit code, its message on
    /// stderr, and no JSON of its own (the result is stdout's one object).
    ending: Option<Failure>,
}

impl Output {
    /// A result: `json` under `--json`, `text` otherwise.
    pub fn new(json: Value, text: impl Display) -> Self {
        Self {
            json: Some(json),
            text: text.to_string(),
            ..Self::default()
        }
    }

    /// The result of a command that takes no `--json`.
    pub fn text(text: impl Display) -> Self {
        Self {
            text: text.to_string(),
            ..Self::default()
        }
    }

    /// Adds warnings, told on stderr after the result.
    pub fn warnings<W: Display>(mut self, warnings: impl IntoIterator<Item = W>) -> Self {
        self.warnings
            .extend(warnings.into_iter().map(|w| w.to_string()));
        self
    }

    /// The "done, but" cases: the result is printed, then the command ends with `failure` (a
    /// list cut short, a permission S3 denied, a duplicate made elsewhere).
    pub fn ending_with(mut self, failure: Option<Failure>) -> Self {
        self.ending = failure;
        self
    }

    /// Prints the result (as JSON when `json`), its warnings and its failure, if any; returns
    /// the exit code.
    pub(super) fn print(self, json: bool) -> Exit {
        match (json, &self.json) {
            (true, Some(value)) => println!("{value}"),
            _ => print!("{}", self.text),
        }
        for warning in &self.warnings {
            warn(warning);
        }
        match self.ending {
            Some(failure) => failure.print(false),
            None => Exit::Ok,
        }
    }
}

/// A command's failure: the exit code and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub exit: Exit,
    /// The message (may span lines; `hint:` lines included).
    pub message: String,
    /// The object printed under `"error"` with `--json`.
    error: Map<String, Value>,
    /// Told as a warning, not an error: the command did its work, with something to look at.
    warning: bool,
}

impl Failure {
    /// A failure with a message.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut error = Map::new();
        error.insert("exitCode".into(), json!(exit.code()));
        error.insert("message".into(), json!(message));
        Self {
            exit,
            message,
            error,
            warning: false,
        }
    }

    /// The command did its work, but ends with `exit` and this warning (with
    /// [`Output::ending_with`]).
    pub fn warning(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            warning: true,
            ..Self::new(exit, message)
        }
    }

    /// Bad usage or input.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// A local store or keyring failure.
    pub fn store(message: impl Into<String>) -> Self {
        Self::new(Exit::Store, message)
    }

    /// From a domain error: the exit code of its class, its message with its hint, and in the
    /// JSON Adobe's status, code and request ID when Adobe answered.
    pub fn of(problem: &(impl Problem + ?Sized)) -> Self {
        Self::build(problem, problem.hint())
    }

    /// [`Self::of`] with this front end's own advice in place of the error's hint (a flag to
    /// pass, a command to run).
    pub fn advised(problem: &(impl Problem + ?Sized), hint: impl Into<String>) -> Self {
        Self::build(problem, Some(hint.into()))
    }

    fn build(problem: &(impl Problem + ?Sized), hint: Option<String>) -> Self {
        let text = problem.to_string();
        // The error's way out, in this front end's terms, after its own hint.
        let hint = match (hint, problem.remedy().map(|r| remedy_text(&r))) {
            (Some(h), Some(r)) if !h.contains(&r) => Some(format!("{h}; {r}")),
            (None, Some(r)) => Some(r),
            (h, _) => h,
        };
        let answer = problem.answer();
        let mut failure = Self::new(Exit::of(problem), join_hint(text.clone(), hint.as_deref()));
        // Adobe's answer spans lines (its hint among them): its first line is the message.
        let message = if answer.is_some() {
            text.lines().next().unwrap_or_default().to_owned()
        } else {
            text
        };
        failure.error.insert("message".into(), json!(message));
        if let Some(answer) = answer {
            failure = failure
                .with_detail("status", json!(answer.status))
                .with_detail("code", json!(answer.code))
                .with_detail("requestId", json!(answer.request_id));
        }
        if answer.is_some() || hint.is_some() {
            failure = failure.with_detail("hint", json!(hint));
        }
        failure
    }

    /// Adds `value` under `key` to the JSON error object.
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.error.insert(key.to_owned(), value);
        self
    }

    /// The JSON error object (what `--json` prints under `"error"`).
    pub fn error_json(&self) -> Value {
        Value::Object(self.error.clone())
    }

    /// Prints the failure (`{"error": {...}}` on stdout when `json`, the message on stderr) and
    /// returns its exit code.
    pub(super) fn print(self, json: bool) -> Exit {
        if json {
            println!("{}", json!({ "error": self.error }));
        }
        let label = if self.warning { "warning" } else { "error" };
        eprintln!("{label}: {}", self.message);
        self.exit
    }
}

/// A [`Remedy`] as the command line offers it: the flags and variables to use.
pub fn remedy_text(remedy: &Remedy) -> String {
    const DIRECT: &str = "set AEP_CLIENT_SECRET (or AEP_ACCESS_TOKEN)";
    match remedy {
        Remedy::SecretsWithoutKeyring => "or pass secrets directly with AEP_CLIENT_SECRET / AWS_SECRET_ACCESS_KEY / --secret-key-stdin, which do not use the keyring".to_owned(),
        Remedy::StoreClientSecret { profile: Some(p) } => format!(
            "store it with `aep-s3-connect profile add {p} --client-secret-stdin ...`, or {DIRECT}"
        ),
        Remedy::StoreClientSecret { profile: None } => format!(
            "{DIRECT}, or store a profile with `aep-s3-connect profile add NAME --client-secret-stdin ...`"
        ),
        Remedy::CreateAnyway => {
            "to create another one with the same name anyway: add --allow-duplicate".to_owned()
        }
    }
}

/// Tells a warning on stderr at once: one that bears on what comes next (a question, a long
/// check) or that no result carries. A result's own warnings go in [`Output::warnings`].
pub fn warn(message: impl Display) {
    eprintln!("warning: {message}");
}

/// Tells a note on stderr at once: something done on the way that the user may want to know.
pub fn note(message: impl Display) {
    eprintln!("note: {message}");
}

/// `s` cut to `width` characters for a table column, the cut marked with `…`.
pub fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn a_plain_failure_has_its_exit_code_and_message_in_json() {
        let f = Failure::usage("bad").with_detail("field", json!("name"));
        assert_eq!(
            f.error_json(),
            json!({"exitCode": 2, "message": "bad", "field": "name"})
        );
    }

    #[test]
    fn a_missing_client_secret_is_told_once_and_advised_in_command_line_terms() {
        let e = crate::api::ClientError::from(crate::error::NoClientSecret {
            profile: Some("dev".into()),
        });
        let f = Failure::of(&e);
        assert_eq!(f.exit, Exit::Usage);
        assert_eq!(
            f.message,
            "profile `dev` has no client secret in the keyring\nhint: store it with `aep-s3-connect profile add dev --client-secret-stdin ...`, or set AEP_CLIENT_SECRET (or AEP_ACCESS_TOKEN)"
        );
    }
}
