//! `aep-s3-connect connections list|show|explore|rotate|delete|find-key`, and the duplicate
//! guard `create` runs.

mod explore;
mod modify;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::GlobalArgs;
use super::context::Context;
use super::output::Failure;
use crate::api::PlatformClient;
use crate::api::explore::FileType;
use crate::model::EpochMs;
use crate::ops::connections::{self as manage, MergedConnection, MergedKind};

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
    /// Show Adobe's Amazon S3 connection spec: each auth spec and the parameters it takes.
    Spec(SpecArgs),
}

/// `connections list` options.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print one JSON object: {"sandbox", "total", "items": [{"kind", "id", "name", ...}]}.
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
    /// Connection ID.
    pub id: String,
    /// The new AWS access key ID.
    #[arg(long, env = "AWS_ACCESS_KEY_ID")]
    pub access_key_id: Option<String>,
    /// Read the new secret access key from stdin (else AWS_SECRET_ACCESS_KEY).
    #[arg(long)]
    pub secret_key_stdin: bool,
    /// Read the new session token from stdin (else AWS_SESSION_TOKEN). With --secret-key-stdin
    /// too, stdin holds the secret key on its first line and the token on its second.
    #[arg(long)]
    pub session_token_stdin: bool,
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
    /// Print one JSON object: {"accessKeyId", "items": [...]}.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `connections` subcommand.
pub fn run(global: &GlobalArgs, args: ConnectionsArgs) -> Result<(), Failure> {
    match args.command {
        ConnectionsCommand::List(a) => list(global, a),
        ConnectionsCommand::Show(a) => show(global, a),
        ConnectionsCommand::Explore(a) => explore(global, a),
        ConnectionsCommand::Rotate(a) => rotate(global, a),
        ConnectionsCommand::Delete(a) => delete(global, a),
        ConnectionsCommand::FindKey(a) => find_key(global, a),
        ConnectionsCommand::Spec(a) => spec(global, a),
    }
}

fn spec(global: &GlobalArgs, args: SpecArgs) -> Result<(), Failure> {
    let json_out = args.json;
    let s = session(global, json_out)?;
    let spec = s
        .runtime
        .block_on(s.client.s3_connection_spec())
        .map_err(|e| Failure::client(&e, json_out))?;
    if json_out {
        println!("{}", json!(spec));
        return Ok(());
    }
    println!(
        "Connection spec {} ({}, version {}):",
        spec.id,
        spec.name,
        spec.version.as_deref().unwrap_or("-")
    );
    for auth in &spec.auth_specs {
        println!("  auth spec \"{}\":", auth.name);
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
            println!(
                "    {:<16} {marks:<18} {}",
                p.name,
                p.description.as_deref().unwrap_or("")
            );
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

fn session(global: &GlobalArgs, json_out: bool) -> Result<Remote, Failure> {
    let ctx = Context::load(global).map_err(|f| f.with_json(json_out))?;
    let history = ctx.history().map_err(|f| f.with_json(json_out))?;
    let client = ctx.client().map_err(|f| f.with_json(json_out))?;
    let runtime = super::token::runtime()?;
    Ok(Remote {
        ctx,
        history,
        client,
        runtime,
    })
}

fn list(global: &GlobalArgs, args: ListArgs) -> Result<(), Failure> {
    let json_out = args.json;
    let s = session(global, json_out)?;
    let view = s.runtime.block_on(async {
        super::history::reconcile_quietly(&s.history, &s.client).await;
        manage::connections_view(&s.history, &s.client).await
    });
    let view = view.map_err(|e| Failure::of(&e, json_out))?;
    let target = s.client.target();
    // A list cut short is printed as the part read, then fails: scripts see what there is and
    // know it is not all.
    let failure = view.cut_short.as_ref().map(|e| Failure::of(e, json_out));
    if json_out {
        let mut doc = json!({
            "sandbox": target.sandbox, "total": view.rows.len(), "items": view.rows,
            "complete": failure.is_none(),
        });
        if let Some(error) = failure.as_ref().and_then(|f| f.json.as_ref()) {
            doc["error"] = error["error"].clone();
        }
        println!("{doc}");
    } else {
        print_merged(&target.sandbox, &view.rows);
        if failure.is_some() {
            println!(
                "Incomplete: AEP's list stopped before its end, so these are only the connections read; records made here that are not among them are not shown (and none is called deleted)."
            );
        }
    }
    match failure {
        Some(mut f) => {
            f.json = None;
            Err(f)
        }
        None => Ok(()),
    }
}

fn print_merged(sandbox: &str, rows: &[MergedConnection]) {
    let count = |kind| rows.iter().filter(|r| r.kind == kind).count();
    println!(
        "Sandbox {sandbox}: {} S3 connection(s) in AEP ({} made here, {} made elsewhere); {} recorded here but deleted in AEP.",
        rows.len() - count(MergedKind::LocalDeleted),
        count(MergedKind::BothSides),
        count(MergedKind::RemoteOnly),
        count(MergedKind::LocalDeleted),
    );
    if rows.is_empty() {
        return;
    }
    println!(
        "{:<14}  {:<28}  {:<36}  {:<8}  {:<19}  BY",
        "KIND", "NAME", "ID", "STATE", "UPDATED"
    );
    for r in rows {
        let when = r
            .updated_at_ms
            .or(r.deleted_at_ms)
            .or(r.created_at_ms)
            .map_or_else(|| "-".to_owned(), |ms| EpochMs(ms).local());
        let by = r.updated_by.as_deref().or(r.created_by.as_deref());
        let by = match (r.kind, r.deleted_at_ms) {
            (MergedKind::LocalDeleted, Some(_)) => "deleted from here",
            _ => by.unwrap_or("-"),
        };
        println!(
            "{:<14}  {:<28}  {:<36}  {:<8}  {:<19}  {by}",
            r.kind.label(),
            truncate(&r.name, 28),
            r.id,
            r.state.as_deref().unwrap_or("-"),
            when
        );
    }
}

fn show(global: &GlobalArgs, args: IdArgs) -> Result<(), Failure> {
    let json_out = args.json;
    let s = session(global, json_out)?;
    let inspected = s
        .runtime
        .block_on(manage::inspect(&s.history, &s.client, &args.id))
        .map_err(|e| Failure::of(&e, json_out))?;
    if json_out {
        println!("{}", json!(inspected));
        return Ok(());
    }
    let c = &inspected.connection;
    println!("Connection \"{}\"", c.name);
    println!("  id:          {}", c.id);
    println!("  sandbox:     {}", s.client.target().sandbox);
    println!("  state:       {}", c.state.as_deref().unwrap_or("-"));
    if let Some(d) = c.description.as_deref().filter(|d| !d.is_empty()) {
        println!("  description: {d}");
    }
    println!(
        "  created:     {}",
        who_when(c.created_at, c.created_by.as_deref())
    );
    println!(
        "  updated:     {}",
        who_when(c.updated_at, c.updated_by.as_deref())
    );
    println!("  etag:        {}", c.etag.as_deref().unwrap_or("-"));
    println!("  auth:        {}", c.auth_spec_name().unwrap_or("-"));
    if let Some(params) = c
        .auth
        .as_ref()
        .and_then(|a| a.get("params"))
        .and_then(Value::as_object)
    {
        for (k, v) in params {
            println!("    {k}: {}", v.as_str().unwrap_or("(not text)"));
        }
    }
    match &inspected.attempt {
        Some(a) => println!(
            "  history:     created here {} (record #{}, profile {})",
            EpochMs(a.started_at_ms).local(),
            a.id,
            a.profile
        ),
        None => println!("  history:     made elsewhere (no record here)"),
    }
    for e in &inspected.events {
        let key = e
            .access_key_id
            .as_deref()
            .map(|k| format!(" to key {k}"))
            .unwrap_or_default();
        println!(
            "    {}  {}{key}: {}{}",
            EpochMs(e.at_ms).local(),
            e.kind,
            e.outcome,
            e.request_id
                .as_deref()
                .map(|r| format!(" (request ID {r})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn who_when(at: Option<i64>, by: Option<&str>) -> String {
    let when = at.map_or_else(|| "-".to_owned(), |ms| EpochMs(ms).local());
    match by {
        Some(by) => format!("{when} by {by}"),
        None => when,
    }
}

fn find_key(global: &GlobalArgs, args: FindKeyArgs) -> Result<(), Failure> {
    let json_out = args.json;
    let key = args.access_key_id.trim().to_owned();
    if key.is_empty() {
        return Err(Failure::usage(
            "give the access key ID to look for, e.g. AKIAIOSFODNN7EXAMPLE",
        )
        .with_json(json_out));
    }
    let ctx = Context::load(global).map_err(|f| f.with_json(json_out))?;
    let history = ctx.history().map_err(|f| f.with_json(json_out))?;
    let uses = manage::find_key(&history, &key).map_err(|e| Failure::of(&e, json_out))?;
    if json_out {
        println!("{}", json!({ "accessKeyId": key, "items": uses }));
        return Ok(());
    }
    if uses.is_empty() {
        println!(
            "The history has no connection created with or rotated to {key}. Connections made elsewhere are not known here: check them with `connections show ID`."
        );
        return Ok(());
    }
    println!(
        "{:<19}  {:<8}  {:<12}  {:<28}  {:<36}  NOW",
        "WHEN", "HOW", "SANDBOX", "NAME", "CONNECTION ID"
    );
    for u in &uses {
        let now = if u.deleted {
            "deleted"
        } else if u.current {
            "uses it"
        } else {
            "rotated away since"
        };
        println!(
            "{:<19}  {:<8}  {:<12}  {:<28}  {:<36}  {now}",
            EpochMs(u.at_ms).local(),
            match u.source {
                manage::KeyUseSource::Created => "created",
                manage::KeyUseSource::Rotated => "rotated",
            },
            truncate(&u.sandbox, 12),
            truncate(&u.name, 28),
            u.connection_id
        );
    }
    Ok(())
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
