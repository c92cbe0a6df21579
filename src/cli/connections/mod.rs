//! `aep-s3-connect connections list|show|explore|rotate|delete|find-key`, and the duplicate
//! guard `create` runs.

mod explore;
mod modify;
mod org;
mod rotate_key;

use std::fmt;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::aws_key::AwsKeyArgs;
use super::context::Context;
use super::output::truncate;
use super::{Failure, GlobalArgs, Outcome, Output};
use crate::api::PlatformClient;
use crate::api::connection::ConnectionSpec;
use crate::api::explore::FileType;
use crate::model::EpochMs;
use crate::ops::connections::{self as manage, Inspected, KeyUse, MergedConnection, MergedKind};

use crate::store::history::HistoryStore;
use explore::explore;
use modify::{delete, rotate};

/// `connections` options.
#[derive(Debug, Args)]
pub struct ConnectionsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ConnectionsCommand,
}

/// The `connections` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConnectionsCommand {
    /// List the sandbox's S3 connections, merged with this app's history.
    List(ListArgs),
    /// Show one connection (secrets as AEP masks them) with what the history knows of it.
    Show(IdArgs),
    /// Browse the storage behind a connection, or preview a file.
    Explore(ExploreArgs),
    /// Replace a connection's access key and secret (and session token).
    Rotate(RotateArgs),
    /// Delete a connection.
    Delete(DeleteArgs),
    /// Find the connections this app gave an AWS access key ID (created with it or rotated to it).
    FindKey(FindKeyArgs),
    /// Replace an AWS key on every connection that uses it (journaled: the same command again
    /// finishes a run cut short).
    RotateKey(rotate_key::RotateKeyArgs),
    /// Show Adobe's Amazon S3 connection spec: each auth spec and the parameters it takes.
    Spec(SpecArgs),
}

/// `connections list` options.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Every sandbox the credential can use (AEP's sandbox API), a few at a time, each with
    /// every page; a sandbox that fails is named with its reason and the rest still list.
    #[arg(long)]
    pub all_sandboxes: bool,
    /// Print one JSON object: {"sandbox", "total", "items": [{"kind", "id", "name", ...}]};
    /// with --all-sandboxes {"sandboxes": [{"sandbox", "type", "production", "total",
    /// "complete", "error"}], "total", "items": [{"sandbox", ...}], "complete"}.
    #[arg(long)]
    pub json: bool,
}

/// `connections spec` options.
#[derive(Debug, Args)]
pub struct SpecArgs {
    /// Print one JSON object: {"id", "name", "version", "authSpecs": [{"name", "params": [...]}]}.
    #[arg(long)]
    pub json: bool,
}

/// Options of commands that take one connection ID.
#[derive(Debug, Args)]
pub struct IdArgs {
    /// Connection ID.
    pub id: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `connections explore` options.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// Connection ID.
    pub id: String,
    /// Folder to list, as `/bucket/folder` (default: the top level, the buckets).
    pub path: Option<String>,
    /// Preview this file's columns and first rows instead (`/bucket/file.csv`, or a name inside PATH).
    #[arg(long, value_name = "FILE")]
    pub preview: Option<String>,
    /// Read the previewed file as delimited, json or parquet (default: from its extension).
    #[arg(long, value_name = "TYPE")]
    pub file_type: Option<FileType>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `connections rotate` options. Secrets come from the environment or stdin, never arguments.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The AWS key.
    #[command(flatten)]
    pub key: AwsKeyArgs,
    /// Connection ID.
    pub id: String,
    /// Do not ask for confirmation; if the connection changed meanwhile, rotate the current version.
    #[arg(long)]
    pub yes: bool,
    /// Print one JSON object: {"id", "etag", "requestId", "name", "sandbox", "accessKeyId", ...}.
    #[arg(long)]
    pub json: bool,
}

/// `connections delete` options.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Connection ID.
    pub id: String,
    /// Do not ask for confirmation (needed when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Print one JSON object: {"id", "deleted", "requestId", "name", "sandbox"}.
    #[arg(long)]
    pub json: bool,
}

/// `connections find-key` options.
#[derive(Debug, Args)]
pub struct FindKeyArgs {
    /// The AWS access key ID, e.g. AKIAIOSFODNN7EXAMPLE.
    pub access_key_id: String,
    /// Also ask AEP: the connections whose access key is this one, in every sandbox the
    /// credential can use (made here or elsewhere).
    #[arg(long)]
    pub all_sandboxes: bool,
    /// Print one JSON object: {"accessKeyId", "items": [...]}; with --all-sandboxes also
    /// "inAep": [{"sandbox", "production", "connectionId", "name", "etag", "shownInFull"}],
    /// "sandboxes" and "complete" as `connections list --all-sandboxes` prints them.
    #[arg(long)]
    pub json: bool,
}

impl ConnectionsArgs {
    /// Whether `--json` was asked for.
    pub fn json(&self) -> bool {
        match &self.command {
            ConnectionsCommand::List(a) => a.json,
            ConnectionsCommand::Show(a) => a.json,
            ConnectionsCommand::Explore(a) => a.json,
            ConnectionsCommand::Rotate(a) => a.json,
            ConnectionsCommand::Delete(a) => a.json,
            ConnectionsCommand::FindKey(a) => a.json,
            ConnectionsCommand::RotateKey(a) => a.json,
            ConnectionsCommand::Spec(a) => a.json,
        }
    }
}

/// Runs a `connections` subcommand.
pub fn run(global: &GlobalArgs, args: ConnectionsArgs) -> Outcome {
    match args.command {
        ConnectionsCommand::List(a) if a.all_sandboxes => org::list_all(global),
        ConnectionsCommand::List(_) => list(global),
        ConnectionsCommand::Show(a) => show(global, &a.id),
        ConnectionsCommand::Explore(a) => explore(global, a),
        ConnectionsCommand::Rotate(a) => rotate(global, a),
        ConnectionsCommand::Delete(a) => delete(global, a),
        ConnectionsCommand::FindKey(a) => find_key(global, &a.access_key_id, a.all_sandboxes),
        ConnectionsCommand::RotateKey(a) => rotate_key::rotate_key(global, a),
        ConnectionsCommand::Spec(_) => spec(global),
    }
}

fn spec(global: &GlobalArgs) -> Outcome {
    let s = session(global)?;
    let spec = s
        .runtime
        .block_on(s.client.s3_connection_spec())
        .map_err(|e| Failure::of(&e))?;
    let text = fmt::from_fn(|f| spec_text(f, &spec));
    Ok(Output::new(json!(spec), text))
}

fn spec_text(f: &mut fmt::Formatter<'_>, spec: &ConnectionSpec) -> fmt::Result {
    writeln!(
        f,
        "Connection spec {} ({}, version {}):",
        spec.id,
        spec.name,
        spec.version.as_deref().unwrap_or("-")
    )?;
    for auth in &spec.auth_specs {
        writeln!(f, "  auth spec \"{}\":", auth.name)?;
        for p in &auth.params {
            let mut marks = Vec::new();
            if p.required {
                marks.push("required");
            }
            if p.secret {
                marks.push("secret");
            }
            let marks = if marks.is_empty() {
                "optional".to_owned()
            } else {
                marks.join(", ")
            };
            writeln!(
                f,
                "    {:<16} {marks:<18} {}",
                p.name,
                p.description.as_deref().unwrap_or("")
            )?;
        }
    }
    Ok(())
}

/// What every remote subcommand needs.
struct Remote {
    ctx: Context,
    history: HistoryStore,
    client: PlatformClient,
    runtime: tokio::runtime::Runtime,
}

fn session(global: &GlobalArgs) -> Result<Remote, Failure> {
    let ctx = Context::load(global)?;
    let history = ctx.history()?;
    let client = ctx.client()?;
    let runtime = super::token::runtime()?;
    Ok(Remote {
        ctx,
        history,
        client,
        runtime,
    })
}

fn list(global: &GlobalArgs) -> Outcome {
    let s = session(global)?;
    let view = s.runtime.block_on(async {
        super::history::reconcile_quietly(&s.history, &s.client).await;
        manage::connections_view(&s.history, &s.client).await
    });
    let view = view.map_err(|e| Failure::of(&e))?;
    let sandbox = &s.client.target().sandbox;
    // A list cut short is printed as the part read, then fails: scripts see what there is and
    // know it is not all.
    let failure = view.cut_short.as_ref().map(Failure::of);
    let complete = failure.is_none();
    let mut doc = json!({
        "sandbox": sandbox, "total": view.rows.len(), "items": view.rows,
        "complete": complete,
    });
    if let Some(failure) = &failure {
        doc["error"] = failure.error_json();
    }
    let text = fmt::from_fn(|f| {
        merged_table(f, sandbox, &view.rows)?;
        if !complete {
            writeln!(
                f,
                "Incomplete: AEP's list stopped before its end, so these are only the connections read; records made here that are not among them are not shown (and none is called deleted)."
            )?;
        }
        Ok(())
    });
    Ok(Output::new(doc, text).ending_with(failure))
}

fn merged_table(
    f: &mut fmt::Formatter<'_>,
    sandbox: &str,
    rows: &[MergedConnection],
) -> fmt::Result {
    let count = |kind| rows.iter().filter(|r| r.kind == kind).count();
    writeln!(
        f,
        "Sandbox {sandbox}: {} S3 connection(s) in AEP ({} made here, {} made elsewhere); {} recorded here but deleted in AEP.",
        rows.len() - count(MergedKind::LocalDeleted),
        count(MergedKind::BothSides),
        count(MergedKind::RemoteOnly),
        count(MergedKind::LocalDeleted),
    )?;
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        f,
        "{:<14}  {:<28}  {:<36}  {:<8}  {:<19}  BY",
        "KIND", "NAME", "ID", "STATE", "UPDATED"
    )?;
    for r in rows {
        let when = r
            .updated_at_ms
            .or(r.deleted_at_ms)
            .or(r.created_at_ms)
            .map_or_else(|| "-".to_owned(), EpochMs::local);
        let by = r.updated_by.as_deref().or(r.created_by.as_deref());
        let by = match (r.kind, r.deleted_at_ms) {
            (MergedKind::LocalDeleted, Some(_)) => "deleted from here",
            _ => by.unwrap_or("-"),
        };
        writeln!(
            f,
            "{:<14}  {:<28}  {:<36}  {:<8}  {:<19}  {by}",
            r.kind.label(),
            truncate(&r.name, 28),
            r.id,
            r.state.as_deref().unwrap_or("-"),
            when
        )?;
    }
    Ok(())
}

fn show(global: &GlobalArgs, id: &str) -> Outcome {
    let s = session(global)?;
    let inspected = s
        .runtime
        .block_on(manage::inspect(&s.history, &s.client, id))
        .map_err(|e| Failure::of(&e))?;
    let sandbox = &s.client.target().sandbox;
    let text = fmt::from_fn(|f| inspected_text(f, &inspected, sandbox));
    Ok(Output::new(json!(inspected), text))
}

fn inspected_text(f: &mut fmt::Formatter<'_>, inspected: &Inspected, sandbox: &str) -> fmt::Result {
    let c = &inspected.connection;
    writeln!(f, "Connection \"{}\"", c.name)?;
    writeln!(f, "  id:          {}", c.id)?;
    writeln!(f, "  sandbox:     {sandbox}")?;
    writeln!(f, "  state:       {}", c.state.as_deref().unwrap_or("-"))?;
    if let Some(d) = c.description.as_deref().filter(|d| !d.is_empty()) {
        writeln!(f, "  description: {d}")?;
    }
    writeln!(
        f,
        "  created:     {}",
        who_when(c.created_at, c.created_by.as_deref())
    )?;
    writeln!(
        f,
        "  updated:     {}",
        who_when(c.updated_at, c.updated_by.as_deref())
    )?;
    writeln!(f, "  etag:        {}", c.etag.as_deref().unwrap_or("-"))?;
    writeln!(f, "  auth:        {}", c.auth_spec_name().unwrap_or("-"))?;
    if let Some(params) = c
        .auth
        .as_ref()
        .and_then(|a| a.get("params"))
        .and_then(Value::as_object)
    {
        for (k, v) in params {
            writeln!(f, "    {k}: {}", v.as_str().unwrap_or("(not text)"))?;
        }
    }
    match &inspected.attempt {
        Some(a) => writeln!(
            f,
            "  history:     created here {} (record #{}, profile {})",
            a.started_at_ms.local(),
            a.id,
            a.profile
        )?,
        None => writeln!(f, "  history:     made elsewhere (no record here)")?,
    }
    for e in &inspected.events {
        let key = e
            .access_key_id
            .as_deref()
            .map(|k| format!(" to key {k}"))
            .unwrap_or_default();
        writeln!(
            f,
            "    {}  {}{key}: {}{}",
            e.at_ms.local(),
            e.kind,
            e.outcome,
            e.request_id
                .as_deref()
                .map(|r| format!(" (request ID {r})"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

fn who_when(at: Option<EpochMs>, by: Option<&str>) -> String {
    let when = at.map_or_else(|| "-".to_owned(), EpochMs::local);
    match by {
        Some(by) => format!("{when} by {by}"),
        None => when,
    }
}

fn find_key(global: &GlobalArgs, key: &str, all_sandboxes: bool) -> Outcome {
    let key = key.trim();
    if key.is_empty() {
        return Err(Failure::usage(
            "give the access key ID to look for, e.g. AKIAIOSFODNN7EXAMPLE",
        ));
    }
    if all_sandboxes {
        return org::find_key_everywhere(global, key);
    }
    let ctx = Context::load(global)?;
    let history = ctx.history()?;
    let uses = manage::find_key(&history, key).map_err(|e| Failure::of(&e))?;
    let text = fmt::from_fn(|f| key_uses_table(f, key, &uses));
    Ok(Output::new(
        json!({ "accessKeyId": key, "items": uses }),
        text,
    ))
}

pub(super) fn key_uses_table(
    f: &mut fmt::Formatter<'_>,
    key: &str,
    uses: &[KeyUse],
) -> fmt::Result {
    if uses.is_empty() {
        return writeln!(
            f,
            "The history has no connection created with or rotated to {key}. Connections made elsewhere are not known here: check them with `connections show ID`."
        );
    }
    writeln!(
        f,
        "{:<19}  {:<8}  {:<12}  {:<28}  {:<36}  NOW",
        "WHEN", "HOW", "SANDBOX", "NAME", "CONNECTION ID"
    )?;
    for u in uses {
        let now = if u.deleted {
            "deleted"
        } else if u.current {
            "uses it"
        } else {
            "rotated away since"
        };
        writeln!(
            f,
            "{:<19}  {:<8}  {:<12}  {:<28}  {:<36}  {now}",
            u.at_ms.local(),
            match u.source {
                manage::KeyUseSource::Created => "created",
                manage::KeyUseSource::Rotated => "rotated",
            },
            truncate(&u.sandbox, 12),
            truncate(&u.name, 28),
            u.connection_id
        )?;
    }
    Ok(())
}
