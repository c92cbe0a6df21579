//! `connections rotate` and `connections delete`: the commands that change a connection, with
//! their confirmations.

use std::fmt;
use std::io::IsTerminal;

use serde_json::json;

use super::super::confirm::confirm;
use super::super::output::warn;
use super::super::{Exit, Failure, GlobalArgs, Outcome, Output};
use super::{DeleteArgs, Remote, RotateArgs, session};
use crate::api::Connection;
use crate::ops::connections::{
    self as manage, DeleteError, NewCredentials, RotateError, RotateSuccess,
};
use crate::ops::history::not_recorded;

/// A change to a connection, as its confirmations word it.
#[derive(Clone, Copy)]
enum Change {
    Rotate,
    Delete,
}

impl Change {
    fn verb(self) -> &'static str {
        match self {
            Self::Rotate => "rotate",
            Self::Delete => "delete",
        }
    }

    fn doing(self) -> &'static str {
        match self {
            Self::Rotate => "rotating",
            Self::Delete => "deleting",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Self::Rotate => "rotated",
            Self::Delete => "deleted",
        }
    }

    /// Refused before anything is sent: there is no one to ask (`why`), and a script must say
    /// `--yes`.
    fn cannot_ask(self, id: &str, why: &str) -> Failure {
        Failure::usage(format!(
            "not {} connection {id} without confirmation: {why}, so there is no way to ask. Pass --yes to {} it from a script.",
            self.doing(),
            self.verb()
        ))
    }

    /// The user said no.
    fn not_confirmed(self) -> Failure {
        Failure::usage(format!("not {}: not confirmed", self.done()))
    }
}

pub(super) fn rotate(global: &GlobalArgs, args: RotateArgs) -> Outcome {
    let stdin_used = args.key.reads_stdin();
    if !args.yes && (stdin_used || !std::io::stdin().is_terminal()) {
        let why = if stdin_used {
            "stdin carries the secrets"
        } else {
            "stdin is not a terminal"
        };
        return Err(Change::Rotate.cannot_ask(&args.id, why));
    }
    let key = crate::cli::aws_key::aws_key(&args.key, global)?;
    let credentials = NewCredentials {
        access_key_id: key.access_key_id,
        secret_key: key.secret_key,
        session_token: key.session_token,
    };
    let warnings = credentials
        .validate()
        .map_err(|e| Failure::of(&RotateError::Invalid(e)))?;
    // Said now, not with the result: they bear on the answer to the question below.
    for w in &warnings {
        warn(w);
    }
    let s = session(global)?;
    let seen = s
        .runtime
        .block_on(s.client.get_connection(&args.id))
        .map_err(|e| Failure::of(&e))?;
    let sandbox = s.client.target().sandbox.clone();
    if !args.yes {
        let question = format!(
            "Rotate the credentials of connection \"{}\" ({}) in sandbox {sandbox} to access key {}? Its bucket, folder and service URL stay as they are.",
            seen.name, seen.id, credentials.access_key_id
        );
        if !confirm(&question, None)? {
            return Err(Change::Rotate.not_confirmed());
        }
    }
    let (done, retried) = rotate_version(&s, &args.id, seen, &credentials, args.yes)?;
    Ok(rotated(
        &done,
        &sandbox,
        &credentials.access_key_id,
        retried,
    ))
}

/// Rotates the version `seen`. When the connection changed since it was read, lists the changes
/// and, if confirmed (`yes` confirms), rotates the current version, once. True when it did.
fn rotate_version(
    s: &Remote,
    id: &str,
    seen: Connection,
    credentials: &NewCredentials,
    yes: bool,
) -> Result<(RotateSuccess, bool), Failure> {
    let mut retried = false;
    let mut version = seen;
    loop {
        let outcome = s.runtime.block_on(manage::rotate(
            &s.history,
            &s.client,
            &s.ctx.profile_name,
            id,
            Some(&version),
            credentials,
        ));
        match outcome {
            Ok(done) => return Ok((done, retried)),
            Err(RotateError::Stale {
                current, changes, ..
            }) if !retried => {
                eprintln!(
                    "Connection \"{}\" was changed in AEP since it was read:",
                    current.name
                );
                for c in &changes {
                    eprintln!("  - {c}");
                }
                let again = yes
                    || confirm(
                        "Rotate the current version (its bucket, folder and service URL are kept)?",
                        None,
                    )?;
                if !again {
                    return Err(Failure::new(
                        Exit::Rejected,
                        "not rotated: the connection changed and the retry was not confirmed",
                    ));
                }
                if yes {
                    eprintln!("--yes: rotating the current version");
                }
                retried = true;
                version = *current;
            }
            Err(e) => return Err(rotate_failure(&e)),
        }
    }
}

fn rotated(done: &RotateSuccess, sandbox: &str, key: &str, retried: bool) -> Output {
    let json = json!({
        "id": done.id, "etag": done.etag, "requestId": done.request_id,
        "name": done.name, "sandbox": sandbox, "accessKeyId": key,
        "retried": retried, "confirmedByLookup": done.confirmed_by_lookup,
        "historyEventId": done.event.0,
    });
    let text = fmt::from_fn(|f| {
        writeln!(
            f,
            "Rotated the credentials of connection \"{}\" in sandbox {sandbox} to access key {key}",
            done.name
        )?;
        writeln!(f, "  id:         {}", done.id)?;
        writeln!(f, "  etag:       {}", done.etag)?;
        writeln!(
            f,
            "  request ID: {}",
            done.request_id.as_deref().unwrap_or("-")
        )?;
        if done.confirmed_by_lookup {
            writeln!(
                f,
                "  (Adobe's answer was lost; reading the connection back showed the change)"
            )?;
        }
        Ok(())
    });
    Output::new(json, text).warnings(
        done.history_error
            .as_ref()
            .map(|e| not_recorded("the credentials were rotated", e)),
    )
}

fn rotate_failure(error: &RotateError) -> Failure {
    let failure = Failure::of(error);
    match error {
        RotateError::Stale {
            current, changes, ..
        } => failure
            .with_detail("changes", json!(changes))
            .with_detail("currentEtag", json!(current.etag)),
        _ => failure,
    }
}

pub(super) fn delete(global: &GlobalArgs, args: DeleteArgs) -> Outcome {
    if !args.yes && !std::io::stdin().is_terminal() {
        return Err(Change::Delete.cannot_ask(&args.id, "stdin is not a terminal"));
    }
    let s = session(global)?;
    let connection = s
        .runtime
        .block_on(s.client.get_connection(&args.id))
        .map_err(|e| Failure::of(&e))?;
    let sandbox = s.client.target().sandbox.clone();
    if !args.yes && !confirm_delete(&s, &connection, &sandbox)? {
        return Err(Change::Delete.not_confirmed());
    }
    let done = s
        .runtime
        .block_on(manage::delete(
            &s.history,
            &s.client,
            &s.ctx.profile_name,
            &args.id,
            Some(&connection.name),
        ))
        .map_err(|e| delete_failure(&e))?;
    let json = json!({
        "id": args.id, "deleted": true, "requestId": done.request_id,
        "name": connection.name, "sandbox": sandbox,
        "confirmedByLookup": done.confirmed_by_lookup, "historyEventId": done.event.0,
    });
    let text = format!(
        "Deleted connection \"{}\" ({}) from sandbox {sandbox} (request ID {})\n",
        connection.name,
        args.id,
        done.request_id.as_deref().unwrap_or("-")
    );
    Ok(Output::new(json, text).warnings(
        done.history_error
            .as_ref()
            .map(|e| not_recorded("the connection was deleted", e)),
    ))
}

/// Asks whether to delete `connection`; in a production sandbox its name must be typed.
fn confirm_delete(s: &Remote, connection: &Connection, sandbox: &str) -> Result<bool, Failure> {
    let production = s
        .runtime
        .block_on(crate::ops::sandboxes::kind_now(
            &s.client,
            &s.ctx.paths.sandboxes_file(),
        ))
        .production;
    if production {
        confirm(
            &format!(
                "Sandbox {sandbox} is a PRODUCTION sandbox. To delete connection \"{}\" ({}), type its name",
                connection.name, connection.id
            ),
            Some(&connection.name),
        )
    } else {
        confirm(
            &format!(
                "Delete connection \"{}\" ({}) from sandbox {sandbox}?",
                connection.name, connection.id
            ),
            None,
        )
    }
}

fn delete_failure(error: &DeleteError) -> Failure {
    let failure = Failure::of(error);
    match error {
        DeleteError::InUse { .. } => failure.with_detail("inUse", json!(true)),
        _ => failure,
    }
}
