//! How commands print: human text on stdout, diagnostics on stderr, `--json` as one object.

use serde_json::{Value, json};

use crate::api::ClientError;
use crate::ops::Exit;

/// A command's failure: the exit code and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub exit: Exit,
    /// The message (may span lines; `hint:` lines included).
    pub message: String,
    /// JSON to print on stdout when `--json` was asked for.
    pub json: Option<Value>,
}

impl Failure {
    /// A failure with a message.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            json: None,
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

    /// From a client error, with status, code, request ID and hint in the JSON.
    pub fn client(error: &ClientError, json: bool) -> Self {
        let mut failure = Self::new(Exit::of(error), error_text(error));
        if json {
            failure.json = Some(json!({
                "error": {
                    "exitCode": failure.exit as i32,
                    "status": error.status(),
                    "code": error.code(),
                    "message": first_line(&error.to_string()),
                    "requestId": error.request_id(),
                    "hint": error.hint(),
                }
            }));
        }
        failure
    }

    /// Prints the failure and returns its exit code.
    pub fn report(self) -> i32 {
        if let Some(json) = &self.json {
            println!("{json}");
        }
        eprintln!("error: {}", self.message);
        self.exit as i32
    }
}

/// The error's message with its hint on its own line (once).
pub fn error_text(error: &ClientError) -> String {
    let text = error.to_string();
    match error.hint() {
        Some(hint) if !text.contains(hint) => format!("{text}\nhint: {hint}"),
        _ => text,
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// Epoch milliseconds as local `YYYY-MM-DD HH:MM:SS`.
pub fn format_time(ms: i64) -> String {
    let Ok(utc) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
    else {
        return ms.to_string();
    };
    let local = time::UtcOffset::current_local_offset()
        .map(|offset| utc.to_offset(offset))
        .unwrap_or(utc);
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    local.format(&format).unwrap_or_else(|_| ms.to_string())
}
