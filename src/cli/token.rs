//! `aep-s3-connect token`.

use clap::Args;
use serde_json::json;

use super::context::Context;
use super::{Exit, Failure, GlobalArgs, Outcome, Output};
use crate::model::EpochMs;

/// `token` options.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Print one JSON object: {"expiresAtMs", "expiresAt", "source"}.
    #[arg(long)]
    pub json: bool,
}

/// The runtime commands use: one thread is plenty for one request at a time.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::new(
                Exit::Store,
                format!("could not start the async runtime: {e}"),
            )
        })
}

/// Runs `token`: gets a token (cached or new) and prints its expiry, never the token.
pub fn run(global: &GlobalArgs) -> Outcome {
    let ctx = Context::load(global)?;
    let client = ctx.client()?;
    let tokens = client.tokens().clone();
    // Only a token given in AEP_ACCESS_TOKEN cannot be renewed.
    let fixed = !tokens.can_renew();
    let token = runtime()?
        .block_on(tokens.token())
        .map_err(|e| Failure::of(&e))?;
    let source = if fixed {
        "env"
    } else if tokens.ims_calls() > 0 {
        "ims"
    } else {
        "cache"
    };
    let expires = (token.expires_at_ms != i64::MAX).then_some(token.expires_at_ms);
    let json = json!({
        "expiresAtMs": expires,
        "expiresAt": expires.map(|ms| EpochMs(ms).local()),
        "source": source,
        "profile": ctx.profile_name,
    });
    let text = match expires {
        Some(ms) => format!(
            "Token for {} valid until {} ({})\n",
            ctx.profile_name,
            EpochMs(ms).local(),
            match source {
                "ims" => "new from IMS",
                _ => "cached",
            }
        ),
        None => "Using AEP_ACCESS_TOKEN (its expiry is not known)\n".to_owned(),
    };
    Ok(Output::new(json, text))
}
