//! How commands print: human text on stdout, diagnostics on stderr, `--json` as one object.
//! Every failure is told one way: the error's message, its hint on a line of its own, and its
//! class as the exit code.

use serde_json::{Value, json};

use super::Exit;
use crate::api::ClientError;
use crate::error::{Problem, Remedy, join_hint};

/// A command's failure: the exit code and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub exit: Exit,
    /// The message (may span lines; `hint:` lines included).
    pub message: String,
    /// JSON to print on stdout when `--json` was asked for.
    pub json: Option<Value>,
    /// Told as a warning, not an error: the command did its work, with something to look at.
    pub warning: bool,
}

impl Failure {
    /// A failure with a message.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            json: None,
            warning: false,
        }
    }

    /// The command did its work, but ends with `exit` and this warning.
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

    /// Attaches the JSON error object printed under `--json`.
    pub fn with_json(mut self, json: bool) -> Self {
        if json {
            self.json = Some(json!({
                "error": {
                    "exitCode": self.exit as i32,
                    "message": self.message,
                }
            }));
        }
        self
    }

    /// From a domain error: the exit code of its class, its message with its hint, and under
    /// `--json` Adobe's status, code and request ID when Adobe answered.
    pub fn of(problem: &(impl Problem + ?Sized), json: bool) -> Self {
        Self::build(problem, problem.hint(), json)
    }

    /// [`Self::of`] with this front end's own advice in place of the error's hint (a flag to
    /// pass, a command to run).
    pub fn advised(problem: &(impl Problem + ?Sized), hint: impl Into<String>, json: bool) -> Self {
        Self::build(problem, Some(hint.into()), json)
    }

    /// From a client error, with status, code, request ID and hint in the JSON.
    pub fn client(error: &ClientError, json: bool) -> Self {
        Self::of(error, json)
    }

    fn build(problem: &(impl Problem + ?Sized), hint: Option<String>, json: bool) -> Self {
        let text = problem.to_string();
        // The error's way out, in this front end's terms, after its own hint.
        let hint = match (hint, problem.remedy().map(|r| remedy_text(&r))) {
            (Some(h), Some(r)) if !h.contains(&r) => Some(format!("{h}; {r}")),
            (None, Some(r)) => Some(r),
            (h, _) => h,
        };
        let mut failure = Self::new(Exit::of(problem), join_hint(text.clone(), hint.as_deref()));
        if json {
            let answer = problem.answer();
            let mut error = json!({
                "exitCode": failure.exit as i32,
                // Adobe's answer spans lines (its hint among them): its first line is the message.
                "message": if answer.is_some() { first_line(&text) } else { text },
            });
            if let Some(answer) = answer {
                error["status"] = json!(answer.status);
                error["code"] = json!(answer.code);
                error["requestId"] = json!(answer.request_id);
            }
            if answer.is_some() || hint.is_some() {
                error["hint"] = json!(hint);
            }
            failure.json = Some(json!({ "error": error }));
        }
        failure
    }

    /// Adds `value` under `key` to the JSON error object, when there is one.
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        if let Some(obj) = self.json.as_mut().and_then(|j| j.get_mut("error")) {
            obj[key] = value;
        }
        self
    }

    /// Prints the failure and returns its exit code.
    pub fn report(self) -> i32 {
        if let Some(json) = &self.json {
            println!("{json}");
        }
        let label = if self.warning { "warning" } else { "error" };
        eprintln!("{label}: {}", self.message);
        self.exit as i32
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

/// The first line of `text`.
pub fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// Prints each warning on stderr.
pub fn warn_all(warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}
