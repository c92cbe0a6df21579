//! `aep-s3-connect token`.

use clap::Args;
use serde_json::json;

use super::context::Context;
use super::{Exit, Failure, GlobalArgs, Outcome, Output};
use crate::api::TokenOrigin;
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
    let token = runtime()?
        .block_on(client.tokens().token())
        .map_err(|e| Failure::of(&e))?;
    // The names scripts read in `source` (kept from before the origin was a type).
    let source = match token.origin {
        TokenOrigin::Given => "env",
        TokenOrigin::Ims => "ims",
        TokenOrigin::Cache => "cache",
    };
    let json = json!({
        "expiresAtMs": token.expires_at,
        "expiresAt": token.expires_at.map(EpochMs::local),
        "source": source,
        "profile": ctx.profile_name,
    });
    let text = match (token.expires_at, token.origin) {
        (Some(end), origin) => format!(
            "Token for {} valid until {} ({})\n",
            ctx.profile_name,
            end.local(),
            if origin == TokenOrigin::Ims {
                "new from IMS"
            } else {
                "cached"
            }
        ),
        (None, _) => "Using AEP_ACCESS_TOKEN (its expiry is not known)\n".to_owned(),
    };
    Ok(Output::new(json, text))
}
