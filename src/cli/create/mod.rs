//! `aep-s3-connect create`; [`batch`]: the same connection in several sandboxes.

mod batch;

use std::fmt;

use clap::Args;

use serde_json::{Value, json};

use super::context::{AwsKey, AwsKeyArgs, Context};
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
    /// Take the key pair (and session token) from this profile of the AWS shared credentials
    /// file (`AWS_SHARED_CREDENTIALS_FILE` or ~/.aws/credentials).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["secret_key_stdin", "session_token_stdin", "aws_csv"])]
    pub aws_profile: Option<String>,
    /// Take the key pair from the IAM console's access-key CSV (it must hold exactly one key).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["secret_key_stdin", "session_token_stdin"])]
    pub aws_csv: Option<std::path::PathBuf>,
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
    let input = input(args)?;
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
pub(super) fn input(args: CreateArgs) -> Result<S3ConnectionInput, Failure> {
    let key = match imported_key(&args)? {
        Some(c) => AwsKey {
            access_key_id: c.access_key_id.trim().to_owned(),
            secret_key: c.secret_key,
            session_token: c.session_token,
        },
        None => super::context::aws_key(&args.key)?,
    };
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

/// The key pair from `--aws-profile` or `--aws-csv`, if one was asked for.
fn imported_key(args: &CreateArgs) -> Result<Option<crate::import::aws::AwsCredential>, Failure> {
    use crate::import::{self, aws};
    if let Some(profile) = &args.aws_profile {
        let path = aws::default_credentials_path()
            .ok_or_else(|| Failure::usage("no home directory: set AWS_SHARED_CREDENTIALS_FILE"))?;
        let all = import::read_file(&path)
            .and_then(|text| aws::parse_credentials_ini(&text, &path.display().to_string()))
            .map_err(|e| Failure::of(&e))?;
        let names: Vec<String> = all.iter().map(|c| c.label.clone()).collect();
        return all
            .into_iter()
            .find(|c| &c.label == profile)
            .map(Some)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "{} has no access key for profile [{profile}] (profiles with keys: {})",
                    path.display(),
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ))
            });
    }
    if let Some(path) = &args.aws_csv {
        let name = path.display().to_string();
        // Exactly one key: of several, the one meant cannot be known.
        let key = import::read_file(path)
            .and_then(|text| aws::parse_iam_csv(&text, &name))
            .and_then(|keys| aws::only_key(keys, &name))
            .map_err(|e| {
                Failure::advised(
                    &e,
                    "or give the key with --access-key-id and --secret-key-stdin",
                )
            })?;
        return Ok(Some(key));
    }
    Ok(None)
}
