//! `connections rotate-key OLD`: the new key on every connection that uses the old one, in the
//! profile's sandbox, the sandboxes named or all of them; journaled, so the same command again
//! finishes a run that was cut short.

use std::fmt;
use std::io::IsTerminal as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use serde_json::json;

mod output;

use self::output::{
    checks_text, plan_json, plan_output, plan_text, preflight_failure, remembered_text,
    result_output, unsearched_failure,
};
use super::super::confirm::confirm;
use super::super::output::{note, warn};
use super::super::{Failure, GlobalArgs, Outcome, Output};
use super::{Remote, session};
use crate::api::http::Http;
use crate::cli::aws_key::AwsKeyArgs;
use crate::ops::connections::NewCredentials;
use crate::ops::connections::rotate::RotateError;
use crate::ops::connections::rotate_key::{
    DEFAULT_PARALLEL, RememberedKey, RotatedItem, RotationOutcome, RotationPlan, RotationRequest,
    SandboxScope, StorageCheck, plan_rotation, preflight, run_rotation, settle_remembered,
};

/// `connections rotate-key` options.
#[derive(Debug, Args)]
pub struct RotateKeyArgs {
    /// The access key ID to replace, e.g. AKIAIOSFODNN7EXAMPLE.
    pub old_access_key_id: String,
    /// The new key: its ID (or AWS_ACCESS_KEY_ID) with its secrets from the environment or
    /// stdin, or the whole key from --aws-profile, --aws-csv or --aws-key (a remembered key).
    #[command(flatten)]
    pub key: AwsKeyArgs,
    /// Look in every sandbox the credential can use (else the profile's sandbox, or those
    /// named with --sandbox, which may be given more than once).
    #[arg(long)]
    pub all_sandboxes: bool,
    /// Print the plan (which connections, in which sandboxes) and stop: nothing is changed.
    #[arg(long)]
    pub plan: bool,
    /// Rotate without asking (needed when stdin is not a terminal or carries the secrets).
    #[arg(long)]
    pub yes: bool,
    /// How many connections are rotated at once.
    #[arg(long, default_value_t = DEFAULT_PARALLEL as u16, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub parallel: u16,
    /// Do not check the new key against each bucket and folder with the S3 pre-flight first.
    #[arg(long)]
    pub skip_s3_check: bool,
    /// For a temporary (ASIA…) key: replace only the session token (AWS_SESSION_TOKEN or
    /// --session-token-stdin) on every connection that uses the key; the key ID and secret stay.
    #[arg(long)]
    pub session_token_only: bool,
    /// Print one JSON object: {"run", "oldKey", "newKey", "complete", "items": [{"sandbox",
    /// "production", "connectionId", "name", "status", "error"}], "alreadyRotated",
    /// "unsearched", "rememberedKeysUpdated"}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `connections rotate-key`.
pub(super) fn rotate_key(global: &GlobalArgs, args: RotateKeyArgs) -> Outcome {
    if !args.plan && !args.yes {
        can_ask(args.key.reads_stdin())?;
    }
    let old = args.old_access_key_id.trim().to_owned();
    let credentials = new_credentials(global, &args, &old)?;
    let scope = if args.all_sandboxes {
        SandboxScope::All
    } else if global.sandboxes.len() > 1 {
        SandboxScope::These(global.sandboxes.clone())
    } else {
        SandboxScope::Current
    };
    let s = session(global)?;
    let plan = s
        .runtime
        .block_on(plan_rotation(
            &s.history,
            &s.client,
            &old,
            &credentials.access_key_id,
            &scope,
        ))
        .map_err(|e| Failure::of(&e))?;
    let checks = check_first(&s, &args, &credentials, &plan)?;
    if args.plan {
        return Ok(plan_output(
            &plan,
            &old,
            &credentials.access_key_id,
            &checks,
        ));
    }
    if plan.connections.is_empty() && plan.read_back.is_empty() && plan.resumed.is_none() {
        return Ok(nothing_to_do(&s, &plan, &old, &credentials));
    }
    eprint!(
        "{}",
        fmt::from_fn(|f| plan_text(f, &plan, &old, &credentials.access_key_id))
    );
    if !args.yes && !plan.connections.is_empty() {
        ask(&plan, &credentials)?;
    }
    let outcome = run(
        &s,
        (&old, &credentials, args.session_token_only),
        usize::from(args.parallel),
        &plan,
    )?;
    let complete = outcome.finished(&plan);
    let updated = remember_new_key(&s, &old, &credentials, complete);
    Ok(result_output(&outcome, &plan, &old, &credentials, &updated))
}

/// Refuses to go on when the confirmation could not be asked (stdin not a terminal, or
/// carrying the secrets): nothing is sent.
fn can_ask(stdin_used: bool) -> Result<(), Failure> {
    if !stdin_used && std::io::stdin().is_terminal() {
        return Ok(());
    }
    let why = if stdin_used {
        "stdin carries the secrets"
    } else {
        "stdin is not a terminal"
    };
    Err(Failure::usage(format!(
        "not rotating without confirmation: {why}, so there is no way to ask. Pass --yes to rotate from a script, or --plan to see what would change."
    )))
}

/// The new key (or, with `--session-token-only`, the old key's new token), checked.
fn new_credentials(
    global: &GlobalArgs,
    args: &RotateKeyArgs,
    old: &str,
) -> Result<NewCredentials, Failure> {
    if args.session_token_only {
        return token_only(args, old);
    }
    let key = crate::cli::aws_key::aws_key(&args.key, global)?;
    let credentials = NewCredentials {
        access_key_id: key.access_key_id,
        secret_key: key.secret_key,
        session_token: key.session_token,
    };
    for w in credentials
        .validate()
        .map_err(|e| Failure::of(&RotateError::Invalid(e)))?
    {
        warn(w);
    }
    if old == credentials.access_key_id {
        return Err(Failure::usage(format!(
            "the new access key ID is the old one ({old}): give the new key with --access-key-id or AWS_ACCESS_KEY_ID"
        )));
    }
    Ok(credentials)
}

/// The S3 pre-flight of the new key on each bucket and folder of the plan (unless skipped, or
/// impossible: a token alone cannot sign); a key that does not pass ends the command here.
fn check_first(
    s: &Remote,
    args: &RotateKeyArgs,
    credentials: &NewCredentials,
    plan: &RotationPlan,
) -> Result<Vec<StorageCheck>, Failure> {
    let unsigned = credentials.secret_key.expose().is_empty();
    if unsigned && !args.skip_s3_check {
        note("no AWS_SECRET_ACCESS_KEY: the new session token is not checked with S3 first");
    }
    if args.skip_s3_check || unsigned || plan.connections.is_empty() {
        return Ok(Vec::new());
    }
    let http = Http::new(s.ctx.http_settings()).map_err(|e| Failure::of(&e))?;
    let checks = s.runtime.block_on(preflight(&http, credentials, plan));
    if let Some(failure) = preflight_failure(&checks) {
        eprint!("{}", fmt::from_fn(|f| checks_text(f, &checks)));
        return Err(failure);
    }
    Ok(checks)
}

/// The one confirmation, naming the production sandboxes.
fn ask(plan: &RotationPlan, credentials: &NewCredentials) -> Result<(), Failure> {
    let production: Vec<&str> = plan.production().into_iter().collect();
    let question = format!(
        "Rotate {} connection(s) in {} sandbox(es){} to access key {}?",
        plan.connections.len(),
        plan.sandboxes().len(),
        if production.is_empty() {
            String::new()
        } else {
            format!(", PRODUCTION: {}", production.join(", "))
        },
        credentials.access_key_id
    );
    if confirm(&question, None)? {
        Ok(())
    } else {
        Err(Failure::usage("not rotated: not confirmed"))
    }
}

/// Rotates, telling each connection's result on stderr as it comes; Ctrl-C stops new PATCHes.
fn run(
    s: &Remote,
    (old, credentials, session_token_only): (&str, &NewCredentials, bool),
    parallel: usize,
    plan: &RotationPlan,
) -> Result<RotationOutcome, Failure> {
    let cancel = Arc::new(AtomicBool::new(false));
    let on_signal = Arc::clone(&cancel);
    let watcher = s.runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.store(true, Ordering::SeqCst);
            eprintln!(
                "Stopping: no new PATCH is sent; those in flight finish and are recorded. Run the same command again to finish."
            );
        }
    });
    let request = RotationRequest {
        profile: &s.ctx.profile_name,
        old_key: old,
        credentials,
        parallel,
        session_token_only,
        cancel: &cancel,
    };
    let progress = |item: &RotatedItem| {
        let status = item.result.status();
        let production = if item.production { " (PRODUCTION)" } else { "" };
        eprintln!(
            "  {}{production} {} \"{}\": {status}",
            item.sandbox, item.connection_id, item.name
        );
    };
    let outcome = s
        .runtime
        .block_on(run_rotation(
            &s.history, &s.client, &request, plan, &progress,
        ))
        .map_err(|e| Failure::of(&e))?;
    watcher.abort();
    Ok(outcome)
}

/// `--session-token-only`: the old (ASIA) key's ID, the new token from AWS_SESSION_TOKEN or
/// stdin, and the secret key when AWS_SECRET_ACCESS_KEY has it (only to sign the pre-flight).
fn token_only(args: &RotateKeyArgs, old: &str) -> Result<NewCredentials, Failure> {
    if !old.starts_with("ASIA") {
        return Err(Failure::usage(format!(
            "--session-token-only is for temporary keys (ASIA…); {old} is not one: rotate the key itself"
        )));
    }
    if let Some(id) = args.key.access_key_id.as_deref().map(str::trim)
        && !id.is_empty()
        && id != old
    {
        return Err(Failure::usage(format!(
            "--session-token-only keeps the key ID: --access-key-id / AWS_ACCESS_KEY_ID is {id}, not {old}"
        )));
    }
    if args.key.secret_key_stdin {
        return Err(Failure::usage(
            "--session-token-only reads only the token from stdin (--session-token-stdin)",
        ));
    }
    let session_token = if args.key.session_token_stdin {
        let text = crate::secret::read_zeroizing(std::io::stdin().lock())
            .map_err(|e| Failure::usage(format!("could not read stdin: {e}")))?;
        text.lines()
            .next()
            .map(|l| crate::secret::Secret::new(l.trim_end_matches('\r')))
    } else {
        crate::cli::context::env_secret("AWS_SESSION_TOKEN")?
    }
    .filter(|t| !t.expose().trim().is_empty())
    .ok_or_else(|| {
        Failure::usage(
            "no session token: set AWS_SESSION_TOKEN or pipe it with --session-token-stdin",
        )
    })?;
    Ok(NewCredentials {
        access_key_id: old.to_owned(),
        secret_key: crate::cli::context::env_secret("AWS_SECRET_ACCESS_KEY")?.unwrap_or_default(),
        session_token: Some(session_token),
    })
}

/// No connection (left) uses the old key: nothing is sent, no run is journaled. When every
/// sandbox was searched, a key still remembered with the old ID gets the new one.
fn nothing_to_do(s: &Remote, plan: &RotationPlan, old: &str, new: &NewCredentials) -> Output {
    let updated = remember_new_key(s, old, new, plan.unsearched.is_empty());
    let mut doc = plan_json(plan);
    doc["oldKey"] = json!(old);
    doc["newKey"] = json!(new.access_key_id);
    doc["complete"] = json!(plan.unsearched.is_empty());
    doc["items"] = json!([]);
    doc["rememberedKeysUpdated"] = json!(updated.updated());
    let text = fmt::from_fn(|f| {
        writeln!(
            f,
            "No connection uses {old} in the sandboxes searched: nothing to rotate."
        )?;
        remembered_text(f, &updated)
    });
    Output::new(doc, text).ending_with(unsearched_failure(plan, old))
}

/// When the rotation reached every connection (and every sandbox could be searched), the keys
/// remembered with the old ID get the new one ([`settle_remembered`]); said on stderr when they
/// keep the old one or could not be changed.
fn remember_new_key(
    s: &Remote,
    old: &str,
    credentials: &NewCredentials,
    complete: bool,
) -> RememberedKey {
    let mut config = s.ctx.config.clone();
    let settled = settle_remembered(
        &mut config,
        &s.ctx.paths.config_file(),
        s.ctx.secrets(),
        old,
        credentials,
        complete,
    );
    match &settled {
        RememberedKey::KeptOld(_) => note(settled.message().unwrap_or_default()),
        RememberedKey::NotUpdated(_) => warn(settled.message().unwrap_or_default()),
        RememberedKey::NotRemembered | RememberedKey::Updated(_) => {}
    }
    settled
}
