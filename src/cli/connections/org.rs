//! `connections list --all-sandboxes`: every S3 connection of the organisation, sandbox by
//! sandbox ([`manage::org_connections`]). Everything read is printed; a sandbox that failed is
//! named with its reason, and the command then fails, so a script sees the partial result and
//! knows it is partial.

use std::fmt;

use serde_json::{Value, json};

use super::super::output::truncate;
use super::super::{Failure, GlobalArgs, Outcome, Output};
use super::{key_uses_table, merged_table, session};
use crate::api::sandboxes::sandbox_label;
use crate::ops::connections::{self as manage, KeyInAep, OrgConnections, SandboxConnections};

pub(super) fn list_all(global: &GlobalArgs) -> Outcome {
    let s = session(global)?;
    let org = s.runtime.block_on(async {
        super::super::history::reconcile_quietly(&s.history, &s.client).await;
        manage::org_connections(&s.history, &s.client).await
    });
    let org = org.map_err(|e| Failure::of(&e))?;
    let doc = json!({
        "total": org.rows().count(),
        "items": org.rows().map(|(sandbox, row)| {
            let mut item = json!(row);
            item["sandbox"] = json!(sandbox.name);
            item
        }).collect::<Vec<_>>(),
    });
    let text = fmt::from_fn(|f| org_text(f, &org));
    Ok(org_output(doc, text, &org))
}

/// The output of a command over every sandbox: `doc` with each sandbox's state, whether every
/// list was read to its end and, when not, the failure the command ends with.
fn org_output(mut doc: Value, text: impl fmt::Display, org: &OrgConnections) -> Output {
    let failure = ending(org);
    doc["sandboxes"] = org.sandboxes.iter().map(sandbox_json).collect();
    doc["complete"] = json!(failure.is_none());
    if let Some(failure) = &failure {
        doc["error"] = failure.error_json();
    }
    Output::new(doc, text).ending_with(failure)
}

/// `connections find-key KEY --all-sandboxes`: the connections AEP lists with the key, in every
/// sandbox, then what the history knows of it.
pub(super) fn find_key_everywhere(global: &GlobalArgs, key: &str) -> Outcome {
    let s = session(global)?;
    let org = s
        .runtime
        .block_on(manage::org_connections(&s.history, &s.client))
        .map_err(|e| Failure::of(&e))?;
    let in_aep = org.using_key(key);
    let known = manage::find_key(&s.history, key).map_err(|e| Failure::of(&e))?;
    let doc = json!({ "accessKeyId": key, "inAep": in_aep, "items": known });
    let text = fmt::from_fn(|f| {
        in_aep_table(f, key, &org, &in_aep)?;
        writeln!(f)?;
        writeln!(f, "The history:")?;
        key_uses_table(f, key, &known)
    });
    Ok(org_output(doc, text, &org))
}

fn in_aep_table(
    f: &mut fmt::Formatter<'_>,
    key: &str,
    org: &OrgConnections,
    in_aep: &[KeyInAep],
) -> fmt::Result {
    let sandboxes: std::collections::BTreeSet<&str> =
        in_aep.iter().map(|k| k.sandbox.as_str()).collect();
    writeln!(
        f,
        "In AEP: {} connection(s) in {} of {} sandbox(es) use {key}.",
        in_aep.len(),
        sandboxes.len(),
        org.sandboxes.len()
    )?;
    for (sandbox, e) in org.failures() {
        writeln!(f, "  not searched in full: {}: {e}", sandbox.name)?;
    }
    if in_aep.is_empty() {
        return Ok(());
    }
    writeln!(
        f,
        "{:<24}  {:<28}  {:<36}  KEY AS AEP SHOWS IT",
        "SANDBOX", "NAME", "CONNECTION ID"
    )?;
    for k in in_aep {
        let sandbox = sandbox_label(&k.sandbox, k.production);
        writeln!(
            f,
            "{:<24}  {:<28}  {:<36}  {}",
            truncate(&sandbox, 24),
            truncate(&k.name, 28),
            k.connection_id,
            if k.shown_in_full {
                "in full"
            } else {
                "masked (first and last characters match)"
            }
        )?;
    }
    Ok(())
}

fn sandbox_json(s: &SandboxConnections) -> Value {
    let mut doc = json!({
        "sandbox": s.sandbox.name,
        "type": s.sandbox.sandbox_type,
        "production": s.sandbox.is_production(),
        "total": s.rows.len(),
        "complete": s.is_complete(),
    });
    if let Some(e) = &s.failure {
        doc["error"] = Failure::of(e).error_json();
    }
    doc
}

/// The title of a sandbox's section: its name, and production said in capitals.
fn title(s: &SandboxConnections) -> String {
    sandbox_label(&s.sandbox.name, s.sandbox.is_production())
}

fn org_text(f: &mut fmt::Formatter<'_>, org: &OrgConnections) -> fmt::Result {
    for s in &org.sandboxes {
        match &s.failure {
            Some(e) if s.rows.is_empty() => {
                writeln!(f, "Sandbox {}: could not be listed: {e}", title(s))?;
            }
            failure => {
                merged_table(f, &title(s), &s.rows)?;
                if let Some(e) = failure {
                    writeln!(f, "Incomplete: the list stopped before its end: {e}")?;
                }
            }
        }
        writeln!(f)?;
    }
    let failed = org.failures().count();
    writeln!(
        f,
        "{} sandbox(es), {} S3 connection(s) read; {}.",
        org.sandboxes.len(),
        org.rows().count(),
        if failed == 0 {
            "every sandbox listed to its end".to_owned()
        } else {
            format!("{failed} sandbox(es) not listed in full")
        }
    )
}

/// How the command ends: with the failure a script should see when a sandbox could not be
/// listed in full (after everything read is printed). Its JSON names that sandbox and every
/// sandbox not listed in full.
fn ending(org: &OrgConnections) -> Option<Failure> {
    let (sandbox, e) = org.worst_failure()?;
    let names: Vec<&str> = org.failures().map(|(s, _)| s.name.as_str()).collect();
    let mut failure = Failure::of(e)
        .with_detail("sandbox", json!(sandbox.name))
        .with_detail("failedSandboxes", json!(names));
    failure.message = format!(
        "not every sandbox could be listed ({}), so the list above is only what was read; {}: {}",
        names.join(", "),
        sandbox.name,
        failure.message
    );
    Some(failure)
}
