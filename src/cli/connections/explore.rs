//! `connections explore`: one level of the bucket, or a file's preview.

use serde_json::{Value, json};

use super::super::GlobalArgs;
use super::super::output::Failure;
use super::{ExploreArgs, session, truncate};
use crate::api::explore::{ExploreItemType, ExploreTarget, FileType};

pub(super) fn explore(global: &GlobalArgs, args: ExploreArgs) -> Result<(), Failure> {
    let json_out = args.json;
    let usage = |m: String| Failure::usage(m).with_json(json_out);
    // The preview's file and type are checked before anything is sent.
    let preview = match &args.preview {
        Some(file) => {
            let path = match (&args.path, file.starts_with('/')) {
                (Some(dir), false) => format!("{}/{file}", dir.trim_end_matches('/')),
                _ => file.clone(),
            };
            let file_type = args.file_type.or_else(|| FileType::from_path(&path)).ok_or_else(|| {
                usage(format!(
                    "cannot tell how to read `{path}` from its extension (csv, tsv, txt, json, parquet): add --file-type delimited|json|parquet"
                ))
            })?;
            Some((path, file_type))
        }
        None => None,
    };
    let s = session(global, json_out)?;
    if let Some((path, file_type)) = preview {
        let p = s
            .runtime
            .block_on(s.client.preview(&args.id, &path, file_type))
            .map_err(|e| Failure::client(&e, json_out))?;
        if json_out {
            let columns: Vec<Value> = p
                .columns
                .iter()
                .map(|(n, t)| json!({"name": n, "type": t}))
                .collect();
            println!(
                "{}",
                json!({
                    "id": args.id, "file": path, "fileType": file_type.as_str(),
                    "format": p.format, "columns": columns, "rows": p.rows,
                })
            );
        } else {
            println!(
                "{path} ({}; {} column(s), first {} row(s))",
                file_type.as_str(),
                p.columns.len(),
                p.rows.len()
            );
            print_preview(&p.columns, &p.rows);
        }
        return Ok(());
    }
    let target = match &args.path {
        Some(p) if !p.trim_matches('/').is_empty() => ExploreTarget::Folder(p.clone()),
        _ => ExploreTarget::Root,
    };
    let items = s
        .runtime
        .block_on(s.client.explore(&args.id, &target))
        .map_err(|e| Failure::client(&e, json_out))?;
    let shown = match &target {
        ExploreTarget::Root => "/".to_owned(),
        ExploreTarget::Folder(p) => p.clone(),
    };
    if json_out {
        println!(
            "{}",
            json!({ "id": args.id, "path": shown, "items": items })
        );
        return Ok(());
    }
    if items.is_empty() {
        println!("{shown} is empty.");
        return Ok(());
    }
    println!("{shown}");
    for item in &items {
        let (kind, hint) = match item.item_type {
            ExploreItemType::Folder => ("folder", ""),
            ExploreItemType::File if item.can_preview => ("file", "  (--preview)"),
            ExploreItemType::File => ("file", ""),
            ExploreItemType::Other => ("other", ""),
        };
        println!("  {kind:<6}  {}{hint}", item.path);
    }
    Ok(())
}

fn print_preview(columns: &[(String, String)], rows: &[serde_json::Map<String, Value>]) {
    const WIDTH: usize = 24;
    let cell = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => truncate(s, WIDTH),
        Some(other) => truncate(&other.to_string(), WIDTH),
    };
    let header: Vec<String> = columns
        .iter()
        .map(|(n, t)| truncate(&format!("{n}:{t}"), WIDTH))
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (n, _))| {
            rows.iter()
                .map(|r| cell(r.get(n)).chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
    };
    println!("{}", line(header));
    for row in rows {
        println!(
            "{}",
            line(columns.iter().map(|(n, _)| cell(row.get(n))).collect())
        );
    }
}
