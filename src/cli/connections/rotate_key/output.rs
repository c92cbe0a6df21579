//! What `connections rotate-key` prints: the plan, the S3 pre-flight, each result, as text or
//! JSON, and the exit that ends it.

use std::fmt;

use serde_json::{Value, json};

use super::super::super::output::truncate;
use super::super::super::{Exit, Failure, Output};
use crate::api::sandboxes::sandbox_label;
use crate::ops::connections::NewCredentials;
use crate::ops::connections::rotate_key::{
    PreflightVerdict, RememberedKey, RotationOutcome, RotationPlan, StorageCheck, preflight_verdict,
};

pub(super) fn remembered_text(f: &mut fmt::Formatter<'_>, settled: &RememberedKey) -> fmt::Result {
    match settled {
        RememberedKey::Updated(_) => writeln!(f, "{}", settled.message().unwrap_or_default()),
        _ => Ok(()),
    }
}

/// A pre-flight that did not pass: S3 denied a permission (exit 3) or could not be asked
/// (exit 4). Nothing was PATCHed.
pub(super) fn preflight_failure(checks: &[StorageCheck]) -> Option<Failure> {
    let verdict = preflight_verdict(checks)?;
    let exit = match verdict {
        PreflightVerdict::Denied => Exit::Rejected,
        PreflightVerdict::Unreachable => Exit::Network,
    };
    Some(Failure::new(
        exit,
        format!(
            "{verdict} (above), so nothing was rotated. Fix the key's IAM policy (or pass --skip-s3-check to rotate anyway)."
        ),
    ))
}

pub(super) fn checks_text(f: &mut fmt::Formatter<'_>, checks: &[StorageCheck]) -> fmt::Result {
    for c in checks {
        let place = c.place();
        writeln!(f, "S3 pre-flight of the new key on {place}:")?;
        for p in &c.report.checks {
            writeln!(
                f,
                "  {:<26} {}{}",
                p.permission,
                p.outcome.label(),
                p.outcome
                    .code()
                    .map(|code| format!(" ({code})"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(())
}

pub(super) fn plan_text(
    f: &mut fmt::Formatter<'_>,
    plan: &RotationPlan,
    old: &str,
    new: &str,
) -> fmt::Result {
    if let Some(run) = &plan.resumed {
        writeln!(
            f,
            "Resuming the rotation started {} (run {}): {} connection(s) already rotated.",
            run.started_at_ms.utc(),
            run.start.id,
            plan.already.len()
        )?;
    }
    writeln!(
        f,
        "{} connection(s) use {old} in {} sandbox(es); each gets {new}:",
        plan.connections.len(),
        plan.sandboxes().len()
    )?;
    for c in &plan.connections {
        writeln!(
            f,
            "  {:<24} {:<38} {}",
            truncate(
                &sandbox_label(&c.sandbox, plan.is_production(&c.sandbox)),
                24
            ),
            c.connection.id,
            c.connection.name
        )?;
    }
    for item in &plan.read_back {
        writeln!(
            f,
            "  {:<24} {:<38} {} (an earlier PATCH got no answer: read back first)",
            truncate(
                &sandbox_label(&item.sandbox, plan.is_production(&item.sandbox)),
                24
            ),
            item.connection_id,
            item.name
        )?;
    }
    for u in &plan.unsearched {
        writeln!(f, "  {}", u.describe(old))?;
    }
    Ok(())
}

pub(super) fn plan_json(plan: &RotationPlan) -> Value {
    json!({
        "resumedRun": plan.resumed.as_ref().map(|r| &r.start.id),
        "connections": plan.connections.iter().map(|c| json!({
            "sandbox": c.sandbox, "production": plan.is_production(&c.sandbox), "connectionId": c.connection.id,
            "name": c.connection.name, "etag": c.connection.etag,
        })).collect::<Vec<_>>(),
        "readBack": plan.read_back.iter().map(|i| &i.connection_id).collect::<Vec<_>>(),
        "alreadyRotated": plan.already.len(),
        "unsearched": plan.unsearched.iter().map(|u| json!({
            "sandbox": u.sandbox, "reason": u.reason,
        })).collect::<Vec<_>>(),
    })
}

/// `--plan`: the plan and the pre-flight, nothing changed. Exit 0, or the failure of a sandbox
/// that could not be searched.
pub(super) fn plan_output(
    plan: &RotationPlan,
    old: &str,
    new: &str,
    checks: &[StorageCheck],
) -> Output {
    let mut doc = plan_json(plan);
    doc["oldKey"] = json!(old);
    doc["newKey"] = json!(new);
    doc["s3Checked"] = json!(checks.len());
    let text = fmt::from_fn(|f| {
        plan_text(f, plan, old, new)?;
        checks_text(f, checks)?;
        writeln!(f, "Nothing was changed (--plan).")
    });
    Output::new(doc, text).ending_with(unsearched_failure(plan, old))
}

pub(super) fn unsearched_failure(plan: &RotationPlan, old: &str) -> Option<Failure> {
    let worst = plan
        .unsearched
        .iter()
        .find(|u| u.class == crate::error::ErrorClass::Unavailable)
        .or_else(|| plan.unsearched.first())?;
    Some(Failure::new(
        worst.class.into(),
        format!(
            "{} sandbox(es) could not be searched ({}): connections there may still use {old}",
            plan.unsearched.len(),
            plan.unsearched
                .iter()
                .map(|u| u.sandbox.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

pub(super) fn result_output(
    outcome: &RotationOutcome,
    plan: &RotationPlan,
    old: &str,
    credentials: &NewCredentials,
    updated: &RememberedKey,
) -> Output {
    let items: Vec<Value> = outcome
        .items
        .iter()
        .map(|i| {
            json!({
                "sandbox": i.sandbox, "production": i.production,
                "connectionId": i.connection_id, "name": i.name, "status": i.result.status(),
                "error": i.result.failure(),
            })
        })
        .collect();
    let complete = outcome.finished(plan);
    let mut doc = plan_json(plan);
    doc["run"] = json!(outcome.run);
    doc["oldKey"] = json!(old);
    doc["newKey"] = json!(credentials.access_key_id);
    doc["complete"] = json!(complete);
    doc["cancelled"] = json!(outcome.cancelled);
    doc["items"] = json!(items);
    doc["rememberedKeysUpdated"] = json!(updated.updated());
    let text = fmt::from_fn(|f| {
        for i in &outcome.items {
            if let Some(why) = i.result.failure() {
                writeln!(f, "{} {}: {why}", i.sandbox, i.connection_id)?;
            }
        }
        writeln!(f, "{}", outcome.summary(&credentials.access_key_id))?;
        writeln!(f, "Journal run: {}", outcome.run)?;
        remembered_text(f, updated)
    });
    let ending = ending(outcome, plan, old);
    Output::new(doc, text).ending_with(ending)
}

/// The exit: 0 when every connection has the new key and every sandbox was searched; else the
/// worst failure's, saying what is left and that the same command finishes it.
pub(super) fn ending(outcome: &RotationOutcome, plan: &RotationPlan, old: &str) -> Option<Failure> {
    match (
        outcome.worst_failure(),
        outcome.left_to_do(old, "Run the same command again"),
    ) {
        (Some(class), Some(left)) => Some(Failure::new(class.into(), left)),
        _ => unsearched_failure(plan, old),
    }
}
