//! `connections rotate` and `connections delete`: the commands that change a connection, with
//! their confirmations.

use std::io::{BufRead, IsTerminal};

use serde_json::json;

use super::super::GlobalArgs;
use super::super::output::Failure;
use super::{DeleteArgs, RotateArgs, session};
use crate::cli::Exit;
use crate::ops::connections::{
    self as manage, DeleteError, NewCredentials, RotateError, RotateSuccess,
};

pub(super) fn rotate(global: &GlobalArgs, args: RotateArgs) -> Result<(), Failure> {
    let json_out = args.json;
    let usage = |m: String| Failure::usage(m).with_json(json_out);
    let stdin_used = args.secret_key_stdin || args.session_token_stdin;
    if !args.yes && (stdin_used || !std::io::stdin().is_terminal()) {
        let why = if stdin_used {
            "stdin carries the secrets"
        } else {
            "stdin is not a terminal"
        };
        return Err(usage(format!(
            "not rotating connection {} without confirmation: {why}, so there is no way to ask. Pass --yes to rotate it from a script.",
            args.id
        )));
    }
    let (secret_key, session_token) =
        crate::cli::context::aws_secrets(args.secret_key_stdin, args.session_token_stdin)
            .map_err(usage)?;
    let credentials = NewCredentials {
        access_key_id: args
            .access_key_id
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                usage(
                    "no new AWS access key ID: give --access-key-id or set AWS_ACCESS_KEY_ID"
                        .into(),
                )
            })?
            .to_owned(),
        secret_key,
        session_token,
    };
    let warnings = credentials
        .validate()
        .map_err(|e| Failure::of(&RotateError::Invalid(e), json_out))?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let s = session(global, json_out)?;
    let seen = s
        .runtime
        .block_on(s.client.get_connection(&args.id))
        .map_err(|e| Failure::client(&e, json_out))?;
    let sandbox = s.client.target().sandbox.clone();
    if !args.yes {
        let question = format!(
            "Rotate the credentials of connection \"{}\" ({}) in sandbox {sandbox} to access key {}? Its bucket, folder and service URL stay as they are.",
            seen.name, seen.id, credentials.access_key_id
        );
        if !confirm(&question, None)? {
            return Err(Failure::usage("not rotated: not confirmed").with_json(json_out));
        }
    }
    let mut retried = false;
    let mut version = seen;
    let done = loop {
        let outcome = s.runtime.block_on(manage::rotate(
            &s.history,
            &s.client,
            &s.ctx.profile_name,
            &args.id,
            Some(&version),
            &credentials,
        ));
        match outcome {
            Ok(done) => break done,
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
                let again = args.yes
                    || confirm(
                        "Rotate the current version (its bucket, folder and service URL are kept)?",
                        None,
                    )?;
                if !again {
                    return Err(Failure::new(
                        Exit::Rejected,
                        "not rotated: the connection changed and the retry was not confirmed",
                    )
                    .with_json(json_out));
                }
                if args.yes {
                    eprintln!("--yes: rotating the current version");
                }
                retried = true;
                version = *current;
            }
            Err(e) => return Err(rotate_failure(&e, json_out)),
        }
    };
    print_rotated(
        &done,
        &sandbox,
        &credentials.access_key_id,
        retried,
        json_out,
    );
    Ok(())
}

fn print_rotated(done: &RotateSuccess, sandbox: &str, key: &str, retried: bool, json_out: bool) {
    if let Some(e) = &done.history_error {
        eprintln!("warning: the credentials were rotated but the history could not record it: {e}");
    }
    if json_out {
        println!(
            "{}",
            json!({
                "id": done.id, "etag": done.etag, "requestId": done.request_id,
                "name": done.name, "sandbox": sandbox, "accessKeyId": key,
                "retried": retried, "confirmedByLookup": done.confirmed_by_lookup,
                "historyEventId": done.event.0,
            })
        );
        return;
    }
    println!(
        "Rotated the credentials of connection \"{}\" in sandbox {sandbox} to access key {key}",
        done.name
    );
    println!("  id:         {}", done.id);
    println!("  etag:       {}", done.etag);
    println!(
        "  request ID: {}",
        done.request_id.as_deref().unwrap_or("-")
    );
    if done.confirmed_by_lookup {
        println!("  (Adobe's answer was lost; reading the connection back showed the change)");
    }
}

fn rotate_failure(error: &RotateError, json_out: bool) -> Failure {
    let failure = Failure::of(error, json_out);
    match error {
        RotateError::Stale {
            current, changes, ..
        } => failure
            .with_detail("changes", json!(changes))
            .with_detail("currentEtag", json!(current.etag)),
        _ => failure,
    }
}

pub(super) fn delete(global: &GlobalArgs, args: DeleteArgs) -> Result<(), Failure> {
    let json_out = args.json;
    // Refused before anything is sent: a script must say --yes.
    if !args.yes && !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "not deleting connection {} without confirmation: stdin is not a terminal, so there is no way to ask. Pass --yes to delete it from a script.",
            args.id
        ))
        .with_json(json_out));
    }
    let s = session(global, json_out)?;
    let connection = s
        .runtime
        .block_on(s.client.get_connection(&args.id))
        .map_err(|e| Failure::client(&e, json_out))?;
    let sandbox = s.client.target().sandbox.clone();
    if !args.yes {
        let production = s
            .runtime
            .block_on(crate::ops::sandboxes::kind_now(
                &s.client,
                &s.ctx.paths.sandboxes_file(),
            ))
            .production;
        let confirmed = if production {
            confirm(
                &format!(
                    "Sandbox {sandbox} is a PRODUCTION sandbox. To delete connection \"{}\" ({}), type its name",
                    connection.name, connection.id
                ),
                Some(&connection.name),
            )?
        } else {
            confirm(
                &format!(
                    "Delete connection \"{}\" ({}) from sandbox {sandbox}?",
                    connection.name, connection.id
                ),
                None,
            )?
        };
        if !confirmed {
            return Err(Failure::usage("not deleted: not confirmed").with_json(json_out));
        }
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
        .map_err(|e| delete_failure(&e, json_out))?;
    if let Some(e) = &done.history_error {
        eprintln!("warning: the connection was deleted but the history could not record it: {e}");
    }
    if json_out {
        println!(
            "{}",
            json!({
                "id": args.id, "deleted": true, "requestId": done.request_id,
                "name": connection.name, "sandbox": sandbox,
                "confirmedByLookup": done.confirmed_by_lookup, "historyEventId": done.event.0,
            })
        );
    } else {
        println!(
            "Deleted connection \"{}\" ({}) from sandbox {sandbox} (request ID {})",
            connection.name,
            args.id,
            done.request_id.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

fn delete_failure(error: &DeleteError, json_out: bool) -> Failure {
    let failure = Failure::of(error, json_out);
    match error {
        DeleteError::InUse { .. } => failure.with_detail("inUse", json!(true)),
        _ => failure,
    }
}

/// Asks on the terminal. With `type_this`, the answer must be exactly that text (production
/// deletions); otherwise `y` or `yes`.
fn confirm(question: &str, type_this: Option<&str>) -> Result<bool, Failure> {
    match type_this {
        Some(_) => eprint!("{question}: "),
        None => eprint!("{question} [y/N] "),
    }
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("could not read the answer from the terminal: {e}")))?;
    Ok(answer_confirms(&answer, type_this))
}

fn answer_confirms(answer: &str, type_this: Option<&str>) -> bool {
    let answer = answer.trim_end_matches(['\r', '\n']);
    match type_this {
        Some(expected) => answer.trim() == expected.trim(),
        None => matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_answers() {
        assert!(answer_confirms("y\n", None));
        assert!(answer_confirms(" YES \r\n", None));
        assert!(!answer_confirms("\n", None));
        assert!(!answer_confirms("no", None));
        assert!(answer_confirms("Landing bucket\n", Some("Landing bucket")));
        assert!(!answer_confirms("landing bucket\n", Some("Landing bucket")));
        assert!(!answer_confirms("y\n", Some("Landing bucket")));
    }
}
