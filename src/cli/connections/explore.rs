//! `connections explore`: one level of the bucket, or a file's preview.

use std::fmt;

use serde_json::{Value, json};

use super::super::output::truncate;
use super::super::{Failure, GlobalArgs, Outcome, Output};
use super::{ExploreArgs, Remote, session};
use crate::api::explore::{ExploreItemType, ExploreTarget, FileType};

pub(super) fn explore(global: &GlobalArgs, args: ExploreArgs) -> Outcome {
    // The preview's file and type are checked before anything is sent.
    let file = args
        .preview
        .as_deref()
        .map(|file| preview_target(args.path.as_deref(), file, args.file_type))
        .transpose()?;
    let s = session(global)?;
    match file {
        Some((path, file_type)) => preview(&s, &args.id, &path, file_type),
        None => folder(&s, &args.id, args.path),
    }
}

/// The file to preview (`file` itself when absolute, else inside `dir`) and how to read it.
fn preview_target(
    dir: Option<&str>,
    file: &str,
    file_type: Option<FileType>,
) -> Result<(String, FileType), Failure> {
    let path = match dir {
        Some(dir) if !file.starts_with('/') => format!("{}/{file}", dir.trim_end_matches('/')),
        _ => file.to_owned(),
    };
    let file_type = file_type.or_else(|| FileType::from_path(&path)).ok_or_else(|| {
        Failure::usage(format!(
            "cannot tell how to read `{path}` from its extension (csv, tsv, txt, json, parquet): add --file-type delimited|json|parquet"
        ))
    })?;
    Ok((path, file_type))
}

/// A file's columns and first rows.
fn preview(s: &Remote, id: &str, path: &str, file_type: FileType) -> Outcome {
    let p = s
        .runtime
        .block_on(s.client.preview(id, path, file_type))
        .map_err(|e| Failure::of(&e))?;
    let columns: Vec<Value> = p
        .columns
        .iter()
        .map(|(n, t)| json!({"name": n, "type": t}))
        .collect();
    let json = json!({
        "id": id, "file": path, "fileType": file_type.as_str(),
        "format": p.format, "columns": columns, "rows": p.rows,
    });
    let text = fmt::from_fn(|f| {
        writeln!(
            f,
            "{path} ({}; {} column(s), first {} row(s))",
            file_type.as_str(),
            p.columns.len(),
            p.rows.len()
        )?;
        preview_table(f, &p.columns, &p.rows)
    });
    Ok(Output::new(json, text))
}

/// One level of the storage: the buckets, or a folder's items.
fn folder(s: &Remote, id: &str, path: Option<String>) -> Outcome {
    let target = match path {
        Some(p) if !p.trim_matches('/').is_empty() => ExploreTarget::Folder(p),
        _ => ExploreTarget::Root,
    };
    let items = s
        .runtime
        .block_on(s.client.explore(id, &target))
        .map_err(|e| Failure::of(&e))?;
    let shown = match &target {
        ExploreTarget::Root => "/",
        ExploreTarget::Folder(p) => p.as_str(),
    };
    let text = fmt::from_fn(|f| {
        if items.is_empty() {
            return writeln!(f, "{shown} is empty.");
        }
        writeln!(f, "{shown}")?;
        for item in &items {
            let (kind, hint) = match item.item_type {
                ExploreItemType::Folder => ("folder", ""),
                ExploreItemType::File if item.can_preview => ("file", "  (--preview)"),
                ExploreItemType::File => ("file", ""),
                ExploreItemType::Other => ("other", ""),
            };
            writeln!(f, "  {kind:<6}  {}{hint}", item.path)?;
        }
        Ok(())
    });
    Ok(Output::new(
        json!({ "id": id, "path": shown, "items": items }),
        text,
    ))
}

fn preview_table(
    f: &mut fmt::Formatter<'_>,
    columns: &[(String, String)],
    rows: &[serde_json::Map<String, Value>],
) -> fmt::Result {
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
    writeln!(f, "{}", line(header))?;
    for row in rows {
        writeln!(
            f,
            "{}",
            line(columns.iter().map(|(n, _)| cell(row.get(n))).collect())
        )?;
    }
    Ok(())
}
