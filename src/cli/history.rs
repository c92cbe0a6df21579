//! `aep-s3-connect history`.

use std::fmt;

use clap::Args;
use serde_json::json;

use super::context::Context;
use super::output::{note, truncate, warn};
use super::{Failure, GlobalArgs, Outcome, Output};
use crate::api::PlatformClient;
use crate::ops;
use crate::store::history::{Attempt, AttemptStatus, HistoryQuery, HistoryStore};

/// `history` options.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only records containing this text (name, ID, bucket, sandbox, key ID, error...).
    #[arg(long)]
    pub search: Option<String>,
    /// At most this many records, newest first (0 = all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Only records with this status: pending, created or failed.
    #[arg(long)]
    pub status: Option<AttemptStatus>,
    /// Only records of this sandbox.
    #[arg(long = "in-sandbox", value_name = "SANDBOX")]
    pub in_sandbox: Option<String>,
    /// Do not look pending records up in AEP first.
    #[arg(long)]
    pub no_reconcile: bool,
    /// Print one JSON object: {"total", "items": [...]}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `history`.
pub fn run(global: &GlobalArgs, args: HistoryArgs) -> Outcome {
    let ctx = Context::load(global)?;
    // Reading needs no write access: a read-only data folder is read as it is.
    let (history, read_only) = ctx.history_for_reading()?;
    if !args.no_reconcile && !read_only && has_pending(&history) {
        // Pending records need AEP; without credentials they simply stay pending.
        match ctx.client() {
            Ok(client) => {
                let runtime = super::token::runtime()?;
                runtime.block_on(reconcile_quietly(&history, &client));
            }
            Err(f) => tracing::info!(reason = %f.message, "pending records not reconciled"),
        }
    }
    let query = HistoryQuery {
        search: args.search.filter(|s| !s.is_empty()),
        status: args.status,
        sandbox: args.in_sandbox,
        limit: (args.limit > 0).then_some(args.limit),
        ..Default::default()
    };
    let (items, total) =
        crate::ops::history::page(&history, &query).map_err(|e| Failure::of(&e))?;
    let text = fmt::from_fn(|f| table(f, &items, total, query.search.is_some()));
    Ok(Output::new(json!({ "total": total, "items": items }), text))
}

/// The records as a table, newest first, with how many more there are.
fn table(
    f: &mut fmt::Formatter<'_>,
    items: &[Attempt],
    total: usize,
    searched: bool,
) -> fmt::Result {
    if items.is_empty() {
        let why = if searched { " match" } else { " yet" };
        return writeln!(f, "No history records{why}.");
    }
    writeln!(
        f,
        "{:<19}  {:<8}  {:<12}  {:<28}  {:<36}  DETAIL",
        "STARTED", "STATUS", "SANDBOX", "NAME", "CONNECTION ID"
    )?;
    for a in items {
        let detail = match a.status {
            AttemptStatus::Failed => a
                .error_message
                .as_deref()
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("")
                .to_owned(),
            AttemptStatus::Created if a.reconciled => {
                "found by name after a lost answer".to_owned()
            }
            AttemptStatus::Pending => "outcome not known yet".to_owned(),
            AttemptStatus::Created => a
                .bucket_name
                .as_deref()
                .map(|b| format!("bucket {b}"))
                .unwrap_or_default(),
        };
        writeln!(
            f,
            "{:<19}  {:<8}  {:<12}  {:<28}  {:<36}  {}",
            a.started_at_ms.local(),
            a.status.as_str(),
            truncate(&a.sandbox, 12),
            truncate(&a.name, 28),
            a.connection_id.as_deref().unwrap_or("-"),
            detail
        )?;
    }
    if total > items.len() {
        writeln!(f, "({} of {total} shown; --limit 0 shows all)", items.len())?;
    }
    Ok(())
}

fn has_pending(history: &HistoryStore) -> bool {
    history.pending().is_ok_and(|p| !p.is_empty())
}

/// Reconciles pending records of the client's target, telling the user on stderr what happened.
pub async fn reconcile_quietly(history: &HistoryStore, client: &PlatformClient) {
    match ops::reconcile_pending(history, client).await {
        Ok(results) => {
            for r in results {
                note(r.describe());
            }
        }
        Err(e) => warn(format_args!("could not reconcile pending records: {e}")),
    }
}
