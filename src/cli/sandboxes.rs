//! `aep-s3-connect sandboxes`: the sandboxes the credential may use.

use std::fmt;

use clap::Args;
use serde_json::json;

use super::context::Context;
use super::output::note;
use super::{Failure, GlobalArgs, Outcome, Output};
use crate::api::sandboxes::Sandbox;

/// Stands in for a sandbox when none is configured: listing sandboxes sends no sandbox header,
/// and choosing one is the reason to list them.
const PLACEHOLDER_SANDBOX: &str = crate::model::DEFAULT_PRODUCTION_SANDBOX;

/// `sandboxes` options.
#[derive(Debug, Args)]
pub struct SandboxesArgs {
    /// Print one JSON object: {"current", "sandboxes": [{"name", "title", "type", "production",
    /// "state", "region", "isDefault"}]}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sandboxes`.
pub fn run(global: &GlobalArgs) -> Outcome {
    let (ctx, current) = context_without_sandbox(global)?;
    let client = ctx.client()?;
    let runtime = super::token::runtime()?;
    let sandboxes = runtime
        .block_on(crate::ops::sandboxes::list(
            &client,
            &ctx.paths.sandboxes_file(),
        ))
        .map_err(|e| Failure::of(&e))?;
    let items: Vec<_> = sandboxes
        .iter()
        .map(|s| {
            json!({
                "name": s.name, "title": s.title, "type": s.sandbox_type,
                "production": s.is_production(), "state": s.state, "region": s.region,
                "isDefault": s.is_default,
            })
        })
        .collect();
    let text = fmt::from_fn(|f| table(f, &sandboxes, current.as_deref()));
    Ok(Output::new(
        json!({ "current": current, "sandboxes": items }),
        text,
    ))
}

fn table(f: &mut fmt::Formatter<'_>, sandboxes: &[Sandbox], current: Option<&str>) -> fmt::Result {
    if sandboxes.is_empty() {
        return writeln!(
            f,
            "This credential may use no sandbox: give its Developer Console project an Experience Platform product profile."
        );
    }
    writeln!(
        f,
        "{:<2} {:<24}  {:<28}  {:<12}  {:<9}  {:<7}  NOTE",
        "", "NAME", "TITLE", "TYPE", "STATE", "REGION"
    )?;
    for s in sandboxes {
        let mut notes = Vec::new();
        if s.is_default {
            notes.push("default");
        }
        if !s.is_active() {
            notes.push("not usable until active");
        }
        let kind = if s.is_production() {
            "PRODUCTION".to_owned()
        } else {
            or_dash(s.sandbox_type.as_deref()).to_owned()
        };
        writeln!(
            f,
            "{:<2} {:<24}  {:<28}  {:<12}  {:<9}  {:<7}  {}",
            if current == Some(s.name.as_str()) {
                "*"
            } else {
                ""
            },
            s.name,
            or_dash(s.title.as_deref()),
            kind,
            or_dash(s.state.as_deref()),
            or_dash(s.region.as_deref()),
            notes.join(", ")
        )?;
    }
    if current.is_some() {
        writeln!(
            f,
            "(* the sandbox in use; another one: --sandbox NAME, AEP_SANDBOX or `profile add ... --sandbox`)"
        )?;
    }
    Ok(())
}

/// The context, and the configured sandbox if there is one. A missing sandbox does not stop
/// the listing: a placeholder stands in (it is never sent).
fn context_without_sandbox(global: &GlobalArgs) -> Result<(Context, Option<String>), Failure> {
    let ctx = Context::load(global)?;
    match ctx.target() {
        Ok(target) => {
            let current = target.sandbox.clone();
            Ok((ctx, Some(current)))
        }
        Err(original) => {
            let mut without = global.clone();
            without.sandboxes = vec![PLACEHOLDER_SANDBOX.to_owned()];
            let ctx = Context::load(&without)?;
            match ctx.target() {
                Ok(_) => {
                    if global.sandbox().is_some() {
                        note(&original.message);
                    }
                    Ok((ctx, None))
                }
                Err(_) => Err(original),
            }
        }
    }
}

fn or_dash(text: Option<&str>) -> &str {
    text.filter(|t| !t.is_empty()).unwrap_or("-")
}
