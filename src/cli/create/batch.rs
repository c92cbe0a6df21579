//! `create --sandbox A --sandbox B …`: the same connection in several sandboxes, one batch.

use std::fmt;
use std::io::IsTerminal as _;

use serde_json::{Value, json};

use super::super::confirm::confirm;
use super::super::output::{note, truncate};
use super::super::{Exit, Failure, GlobalArgs, Outcome, Output, ToExit};
use super::{CreateArgs, input, refused};
use crate::api::sandboxes::sandbox_label;
use crate::ops::create::batch::distinct_sandboxes;
use crate::ops::{self, BatchOutcome, BatchRequest, CreateError, SandboxStep};

/// Runs `create` with several `--sandbox`.
pub(super) fn run(global: &GlobalArgs, args: CreateArgs) -> Outcome {
    let (allow_duplicate, yes) = (args.allow_duplicate, args.yes);
    let stdin_used = args.key.reads_stdin();
    let input = input(args, global)?;
    let sandboxes = distinct_sandboxes(&global.sandboxes);
    let ctx = super::super::context::Context::load(global)?;
    let history = ctx
        .open_history()
        .map_err(|e| Failure::of(&CreateError::Store(e)))?;
    let client = ctx.client()?;
    let runtime = super::super::token::runtime()?;
    let kinds = runtime.block_on(ops::sandboxes::kinds_now(
        &client,
        &ctx.paths.sandboxes_file(),
        &sandboxes,
    ));
    let production: Vec<&str> = sandboxes
        .iter()
        .zip(&kinds)
        .filter(|(_, kind)| kind.production)
        .map(|(name, _)| name.as_str())
        .collect();
    if !production.is_empty() && !yes {
        confirm_production(&input.name, &sandboxes, &production, stdin_used)?;
    }
    let request = BatchRequest {
        profile: &ctx.profile_name,
        input: &input,
        sandboxes: &sandboxes,
        allow_duplicate,
    };
    let progress = |sandbox: &str, step: SandboxStep| {
        if step != SandboxStep::Waiting {
            eprintln!("  {sandbox}: {}", step.as_str());
        }
    };
    let outcome = runtime.block_on(async {
        let batch = ops::batch_id_for(&history, &client, &input.name, &sandboxes)
            .await
            .map_err(CreateError::Store)?;
        eprintln!(
            "Creating S3 connection \"{}\" in {} sandboxes (batch {batch}): {}",
            input.name,
            sandboxes.len(),
            sandboxes.join(", ")
        );
        ops::create_in_sandboxes(&history, &client, &request, &batch, &progress).await
    });
    let outcome = outcome.map_err(|e| refused(&e))?;
    let production = |sandbox: &str| production.contains(&sandbox);
    Ok(batch_output(&outcome, &input.name, &production))
}

/// Asks once before creating in production sandboxes, naming them; without a terminal to ask
/// on, refuses (nothing sent): `--yes` answers for scripts.
fn confirm_production(
    name: &str,
    sandboxes: &[String],
    production: &[&str],
    stdin_used: bool,
) -> Result<(), Failure> {
    let listed = production.join(", ");
    if stdin_used || !std::io::stdin().is_terminal() {
        let why = if stdin_used {
            "stdin carries the secrets"
        } else {
            "stdin is not a terminal"
        };
        return Err(Failure::usage(format!(
            "not creating \"{name}\": the sandboxes include production ones ({listed}) and {why}, so there is no way to confirm. Nothing was created. Pass --yes to create in them from a script."
        )));
    }
    let question = format!(
        "Create S3 connection \"{name}\" in {} sandboxes, {} of them PRODUCTION ({listed})?",
        sandboxes.len(),
        production.len()
    );
    if confirm(&question, None)? {
        Ok(())
    } else {
        Err(Failure::usage("not created: not confirmed"))
    }
}

/// The batch as JSON and as a table, the notes and warnings each sandbox brought, and the exit:
/// 0 when every sandbox has the connection, else the worst failure's (after the whole result).
fn batch_output(outcome: &BatchOutcome, name: &str, production: &dyn Fn(&str) -> bool) -> Output {
    for r in outcome.sandboxes.iter().flat_map(|s| &s.reconciled) {
        note(r.describe());
    }
    let warnings = outcome.warnings(name);
    let results: Vec<Value> = outcome
        .sandboxes
        .iter()
        .map(|s| {
            let (id, etag) = s.result.connection().unzip();
            json!({
                "sandbox": s.sandbox,
                "production": production(&s.sandbox),
                "status": s.result.step().as_str(),
                "id": id,
                "etag": etag.flatten(),
                "error": s.result.error().map(|e| refused(e).error_json()),
            })
        })
        .collect();
    let ending = ending(outcome, outcome.duplicates_elsewhere());
    let mut doc = json!({ "batch": outcome.batch, "name": name, "results": results });
    doc["complete"] = json!(outcome.complete());
    let text = fmt::from_fn(|f| table(f, outcome, name, production));
    Output::new(doc, text)
        .warnings(warnings)
        .ending_with(ending)
}

fn table(
    f: &mut fmt::Formatter<'_>,
    outcome: &BatchOutcome,
    name: &str,
    production: &dyn Fn(&str) -> bool,
) -> fmt::Result {
    writeln!(
        f,
        "S3 connection \"{name}\" in {} sandboxes (batch {}):",
        outcome.sandboxes.len(),
        outcome.batch
    )?;
    writeln!(f, "  {:<28} {:<9} ID", "SANDBOX", "STATUS")?;
    for s in &outcome.sandboxes {
        let label = sandbox_label(&s.sandbox, production(&s.sandbox));
        let id = s.result.connection().map_or("-", |(id, _)| id);
        writeln!(
            f,
            "  {:<28} {:<9} {id}",
            truncate(&label, 28),
            s.result.step().as_str()
        )?;
    }
    for s in &outcome.sandboxes {
        if let Some(e) = s.result.error() {
            writeln!(f, "{}: {}", s.sandbox, refused(e).message)?;
        }
    }
    Ok(())
}

/// How the command ends: the worst failure, naming the sandboxes still without the connection
/// and the way to finish them; or exit 6 when all were made but AEP shows another connection of
/// the name made meanwhile elsewhere.
fn ending(outcome: &BatchOutcome, duplicates_elsewhere: bool) -> Option<Failure> {
    let Some((_, worst)) = outcome.worst_failure() else {
        return duplicates_elsewhere.then(|| {
            Failure::warning(
                Exit::CreatedWithDuplicates,
                "every sandbox has the connection, and AEP shows another S3 connection of the same name in some of them (see the warnings above)",
            )
        });
    };
    let missing = outcome.missing();
    Some(Failure::new(
        worst.exit(),
        format!(
            "{} of {} sandboxes still without the connection ({}). Run the same command again to finish them: sandboxes that have it are left alone, and nothing is sent where an earlier attempt may still land.",
            missing.len(),
            outcome.sandboxes.len(),
            missing.join(", ")
        ),
    ))
}
