//! `aep-s3-connect create`; [`batch`]: the same connection in several sandboxes.

mod batch;

use std::fmt;

use clap::Args;

use serde_json::{Value, json};

use super::aws_key::AwsKeyArgs;
use super::context::Context;
use super::{Exit, Failure, GlobalArgs, Outcome, Output, ToExit};
use crate::model::S3ConnectionInput;
use crate::ops::{self, AfterCreate, CreateError, CreateSuccess};

/// `create` options. Secrets come from the environment or stdin, never from arguments (which
/// other users can read in the process list).
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The AWS key.
    #[command(flatten)]
    pub key: AwsKeyArgs,
    /// Connection name.
    #[arg(long)]
    pub name: String,
    /// Connection description.
    #[arg(long)]
    pub description: Option<String>,
    /// Restrict the connection to this bucket.
    #[arg(long)]
    pub bucket: Option<String>,
    /// Restrict the connection to this folder of the bucket.
    #[arg(long)]
    pub folder_path: Option<String>,
    /// S3 endpoint, e.g. https://s3.eu-west-1.amazonaws.com or an S3-compatible store.
    #[arg(long)]
    pub service_url: Option<String>,
    /// Create even when the sandbox already has an S3 connection with this name.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// With several --sandbox: create without asking, also in production sandboxes (scripts).
    #[arg(long)]
    pub yes: bool,
    /// Print one JSON object: {"id", "etag", "requestId", "sandbox", "name", ...}; with several
    /// --sandbox {"batch", "results": [{"sandbox", "status", "id", "etag", "error"}]}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `create`.
pub fn run(global: &GlobalArgs, args: CreateArgs) -> Outcome {
    if global.sandboxes.len() > 1 {
        return batch::run(global, args);
    }
    let allow_duplicate = args.allow_duplicate;
    let input = input(args, global)?;
    let ctx = Context::load(global)?;
    // The attempt is recorded before anything is sent: no history, no request.
    let history = ctx
        .open_history()
        .map_err(|e| Failure::of(&CreateError::Store(e)))?;
    let client = ctx.client()?;
    let runtime = super::token::runtime()?;
    let result = runtime.block_on(async {
        super::history::reconcile_quietly(&history, &client).await;
        ops::create_connection(
            &history,
            &client,
            &ctx.profile_name,
            &input,
            allow_duplicate,
        )
        .await
    });
    match result {
        Ok(done) => Ok(created(&done, &input.name, &client.target().sandbox)),
        Err(e) => Err(refused(&e)),
    }
}

/// The connection to create, from the options, the environment and stdin: checked before
/// anything else is touched.
pub(super) fn input(args: CreateArgs, global: &GlobalArgs) -> Result<S3ConnectionInput, Failure> {
    let key = super::aws_key::aws_key(&args.key, global)?;
    let input = S3ConnectionInput {
        name: args.name.trim().to_owned(),
        description: args.description.filter(|d| !d.is_empty()),
        access_key_id: key.access_key_id,
        secret_key: key.secret_key,
        session_token: key.session_token,
        bucket_name: args.bucket.filter(|v| !v.is_empty()),
        folder_path: args.folder_path.filter(|v| !v.is_empty()),
        service_url: args.service_url.filter(|v| !v.is_empty()),
    };
    crate::validate::s3_input(&input)
        .map_err(|errors| Failure::of(&CreateError::Invalid(errors)))?;
    Ok(input)
}

/// A create that made the connection: the connection, and what to look at. Another S3
/// connection of the name made elsewhere meanwhile ends the command with exit 6.
fn created(done: &CreateSuccess, name: &str, sandbox: &str) -> Output {
    let c = &done.connection;
    let duplicates = match &done.after {
        AfterCreate::Duplicates(others) => others.as_slice(),
        _ => &[],
    };
    let others: Vec<Value> = duplicates
        .iter()
        .map(|d| {
            json!({
                "id": d.id, "name": d.name, "createdAt": d.created_at,
                "createdBy": d.created_by, "createdClient": d.created_client,
            })
        })
        .collect();
    let json = json!({
        "id": c.id, "etag": c.etag, "requestId": c.request_id,
        "sandbox": sandbox, "name": name,
        "reconciled": c.reconciled, "historyId": done.attempt.0,
        "duplicates": others,
    });
    let text = fmt::from_fn(|f| {
        writeln!(f, "Created S3 connection \"{name}\" in sandbox {sandbox}")?;
        writeln!(f, "  id:         {}", c.id)?;
        writeln!(f, "  etag:       {}", c.etag)?;
        writeln!(
            f,
            "  request ID: {}",
            c.request_id.as_deref().unwrap_or("-")
        )?;
        if c.reconciled {
            writeln!(
                f,
                "  (Adobe's answer was lost; the connection was found by name, nothing was created twice)"
            )?;
        }
        Ok(())
    });
    let mut warnings: Vec<String> = done.warnings.iter().map(ToString::to_string).collect();
    warnings.extend(
        done.history_error
            .as_ref()
            .map(|e| crate::ops::history::not_recorded("the connection was created", e)),
    );
    let ending = match done.after.warning(name, sandbox) {
        Some(warning) if !duplicates.is_empty() => Some(Failure::warning(
            Exit::CreatedWithDuplicates,
            format!(
                "{warning}\nTo delete this one: aep-s3-connect connections delete {}",
                c.id
            ),
        )),
        other => {
            warnings.extend(other);
            None
        }
    };
    Output::new(json, text)
        .warnings(warnings)
        .ending_with(ending)
}

/// Why nothing was created, with the command line's way out where there is one.
pub(super) fn refused(e: &CreateError) -> Failure {
    match e {
        CreateError::Duplicate { existing, .. } => Failure::advised(
            e,
            format!(
                "to look at it: aep-s3-connect connections show {}",
                existing.id
            ),
        )
        .with_detail(
            "existing",
            json!({
                "id": existing.id, "name": existing.name,
                "createdAt": existing.created_at, "createdBy": existing.created_by,
            }),
        ),
        // Adobe refused the lookup itself: its own hint says why.
        CreateError::DuplicateCheck { .. } if e.exit() == Exit::Rejected => Failure::of(e),
        // The remedy (create anyway) follows this hint.
        CreateError::DuplicateCheck { .. } => Failure::advised(e, "Try again when AEP answers"),
        _ => Failure::of(e),
    }
}
