//! The AWS key of `create`, `check-s3`, `connections rotate` and `connections rotate-key`, from
//! wherever the user keeps it: the environment or stdin, a profile of the AWS shared credentials
//! file, the IAM console's access-key CSV, or a key remembered in the keyring. One set of
//! options, read in one place, for every command that takes a key.

use super::GlobalArgs;
use super::context::Context;
use super::output::Failure;
use crate::import::{self, aws};
use crate::secret::Secret;

/// An AWS key as the commands take it.
pub struct AwsKey {
    /// The access key ID, trimmed.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_key: Secret,
    /// The session token, for temporary credentials.
    pub session_token: Option<Secret>,
}

/// The AWS key arguments the commands share: the key ID as an option (or `AWS_ACCESS_KEY_ID`)
/// with the secrets from the environment or stdin, or the whole key from a file or the keyring;
/// never a secret in the arguments (which other users can read in the process list).
#[derive(Debug, clap::Args)]
pub struct AwsKeyArgs {
    /// AWS access key ID.
    #[arg(long, env = "AWS_ACCESS_KEY_ID")]
    pub access_key_id: Option<String>,
    /// Read the AWS secret access key from stdin (else AWS_SECRET_ACCESS_KEY).
    #[arg(long)]
    pub secret_key_stdin: bool,
    /// Read the AWS session token from stdin (else AWS_SESSION_TOKEN). With --secret-key-stdin
    /// too, stdin holds the secret key on its first line and the token on its second.
    #[arg(long)]
    pub session_token_stdin: bool,
    /// Take the key pair (and session token) from this profile of the AWS shared credentials
    /// file (`AWS_SHARED_CREDENTIALS_FILE` or ~/.aws/credentials).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["secret_key_stdin", "session_token_stdin", "aws_csv", "aws_key"])]
    pub aws_profile: Option<String>,
    /// Take the key pair from the IAM console's access-key CSV (it must hold exactly one key).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["secret_key_stdin", "session_token_stdin", "aws_key"])]
    pub aws_csv: Option<std::path::PathBuf>,
    /// Take the key remembered in the keyring under this name (the window's *Remember these
    /// AWS credentials as*).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["secret_key_stdin", "session_token_stdin"])]
    pub aws_key: Option<String>,
}

impl AwsKeyArgs {
    /// True when stdin carries a secret.
    pub fn reads_stdin(&self) -> bool {
        self.secret_key_stdin || self.session_token_stdin
    }
}

/// The AWS key: from `--aws-key` (the keyring of `global`'s config), `--aws-profile`,
/// `--aws-csv`, else its ID from `--access-key-id` (or `AWS_ACCESS_KEY_ID`, which clap reads into
/// it) and its secrets as [`aws_secrets`] reads them.
pub fn aws_key(args: &AwsKeyArgs, global: &GlobalArgs) -> Result<AwsKey, Failure> {
    let imported = if let Some(label) = &args.aws_key {
        Some(remembered(global, label)?)
    } else if let Some(profile) = &args.aws_profile {
        Some(from_shared_file(profile)?)
    } else if let Some(path) = &args.aws_csv {
        Some(from_iam_csv(path)?)
    } else {
        None
    };
    if let Some(c) = imported {
        return Ok(AwsKey {
            access_key_id: c.access_key_id.trim().to_owned(),
            secret_key: c.secret_key,
            session_token: c.session_token,
        });
    }
    let (secret_key, session_token) =
        aws_secrets(args.secret_key_stdin, args.session_token_stdin).map_err(Failure::usage)?;
    let access_key_id = args
        .access_key_id
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Failure::usage("no AWS access key ID: give --access-key-id or set AWS_ACCESS_KEY_ID")
        })?
        .to_owned();
    Ok(AwsKey {
        access_key_id,
        secret_key,
        session_token,
    })
}

/// The key remembered as `label`, with its secrets from the keyring.
fn remembered(global: &GlobalArgs, label: &str) -> Result<aws::AwsCredential, Failure> {
    let ctx = Context::load(global)?;
    crate::ops::aws_keys::load(&ctx.config, ctx.secrets(), label)
        .map_err(|e| Failure::of(&e))?
        .ok_or_else(|| {
            let labels: Vec<&str> = ctx
                .config
                .aws_keys
                .iter()
                .map(|k| k.label.as_str())
                .collect();
            Failure::usage(format!(
                "no AWS key is remembered as \"{label}\" (remembered: {})",
                listed(&labels)
            ))
        })
}

/// Names for a message: "a, b", or "none".
fn listed(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// The key of `profile` in the AWS shared credentials file.
fn from_shared_file(profile: &str) -> Result<aws::AwsCredential, Failure> {
    let path = aws::default_credentials_path()
        .ok_or_else(|| Failure::usage("no home directory: set AWS_SHARED_CREDENTIALS_FILE"))?;
    let all = import::read_file(&path)
        .and_then(|text| aws::parse_credentials_ini(&text, &path.display().to_string()))
        .map_err(|e| Failure::of(&e))?;
    let names: Vec<&str> = all.iter().map(|c| c.label.as_str()).collect();
    let names = listed(&names);
    all.into_iter().find(|c| c.label == profile).ok_or_else(|| {
        Failure::usage(format!(
            "{} has no access key for profile [{profile}] (profiles with keys: {names})",
            path.display(),
        ))
    })
}

/// The one key of an IAM console access-key CSV: of several, the one meant cannot be known.
fn from_iam_csv(path: &std::path::Path) -> Result<aws::AwsCredential, Failure> {
    let name = path.display().to_string();
    import::read_file(path)
        .and_then(|text| aws::parse_iam_csv(&text, &name))
        .and_then(|keys| aws::only_key(keys, &name))
        .map_err(|e| {
            Failure::advised(
                &e,
                "or give the key with --access-key-id and --secret-key-stdin",
            )
        })
}

/// The AWS secret key and session token, from stdin (`--secret-key-stdin`: first line;
/// `--session-token-stdin`: the next) or else `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
fn aws_secrets(
    key_from_stdin: bool,
    token_from_stdin: bool,
) -> Result<(Secret, Option<Secret>), String> {
    let (mut stdin_key, mut stdin_token) = (None, None);
    if key_from_stdin || token_from_stdin {
        let text = crate::secret::read_zeroizing(std::io::stdin().lock())
            .map_err(|e| format!("could not read stdin: {e}"))?;
        let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
        if key_from_stdin {
            stdin_key = lines.next().map(Secret::new);
        }
        if token_from_stdin {
            stdin_token = lines.next().map(Secret::new);
        }
    }
    // The variable is read only when stdin did not give the key: a broken one that is not used
    // is no error.
    let secret_key = match stdin_key {
        Some(key) => Some(key),
        None => crate::secret::env_secret("AWS_SECRET_ACCESS_KEY")?,
    }
    .filter(|s| !s.is_empty())
    .ok_or(
        "no AWS secret access key: pipe it with --secret-key-stdin or set AWS_SECRET_ACCESS_KEY",
    )?;
    let session_token = if token_from_stdin {
        Some(
            stdin_token
                .filter(|s| !s.is_empty())
                .ok_or("--session-token-stdin was given but stdin has no session token line")?,
        )
    } else {
        crate::secret::env_secret("AWS_SESSION_TOKEN")?
    };
    Ok((secret_key, session_token))
}
