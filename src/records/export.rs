//! Export history records as CSV (for spreadsheets) or JSON (for scripts).
//!
//! Neither format carries the recorded request body: it is internal, and the columns already say
//! everything a user needs. No secret can reach an export because [`Attempt`] has no field for one.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::model::EpochMs;
use crate::store::history::Attempt;
use serde::Serialize;
use serde::ser::Error as _;
use serde_json::Value;

/// CSV column names, in order; `csv_record` must follow the same order.
const CSV_HEADER: [&str; 23] = [
    "id",
    "status",
    "started_at",
    "finished_at",
    "duration_ms",
    "profile",
    "org_id",
    "sandbox",
    "name",
    "description",
    "connection_id",
    "etag",
    "request_id",
    "access_key_id",
    "bucket_name",
    "folder_path",
    "service_url",
    "has_session_token",
    "http_status",
    "error_code",
    "error_message",
    "reconciled",
    "batch_id",
];

/// The serde name of the field that exports leave out.
const REQUEST_BODY_FIELD: &str = "requestBodyRedacted";

/// A file format for exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON document with the records in an array.
    Json,
}

impl ExportFormat {
    /// The format a file name asks for, by its extension (any case); `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        [Self::Csv, Self::Json]
            .into_iter()
            .find(|format| format.extension().eq_ignore_ascii_case(ext))
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// What can go wrong exporting; the message names the file (when there is one) and the step.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing the export failed (disk full, closed pipe, ...).
    #[error("could not write the export")]
    Write(#[source] io::Error),
    /// The records could not be written as CSV.
    #[error("could not write the history as CSV")]
    Csv(#[source] csv::Error),
    /// The records could not be written as JSON.
    #[error("could not write the history as JSON")]
    Json(#[source] serde_json::Error),
    /// No temporary file could be created next to the destination, so nothing was written.
    #[error(
        "could not export the history to {}: could not create a file in the folder {}. Check that \
         the folder exists and that you may write to it",
        .path.display(),
        .dir.display()
    )]
    CreateTemp {
        /// The destination file.
        path: PathBuf,
        /// Its folder.
        dir: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// Writing the temporary file failed; it was removed and the destination left as it was.
    #[error(
        "could not export the history to {}: writing failed, nothing was saved",
        .path.display()
    )]
    WriteFile {
        /// The destination file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: Box<ExportError>,
    },
    /// The finished export could not be moved to the destination; the destination is unchanged.
    #[error(
        "could not export the history to {}: the finished file could not be put in place (is it \
         a folder, or read-only?), nothing was saved",
        .path.display()
    )]
    Persist {
        /// The destination file.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
}

/// Writes `attempts` to `out` in `format`.
pub fn write_attempts(
    out: impl Write,
    attempts: &[Attempt],
    format: ExportFormat,
) -> Result<(), ExportError> {
    match format {
        ExportFormat::Csv => write_csv(out, attempts),
        ExportFormat::Json => write_json(out, attempts),
    }
}

/// Exports to `path` atomically (temp file in the same folder, then rename) and returns the row count.
///
/// On any failure the destination keeps its previous content (or stays absent) and no temporary
/// file is left behind.
pub fn export_to_file(
    path: &Path,
    attempts: &[Attempt],
    format: ExportFormat,
) -> Result<usize, ExportError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // The file name in the prefix makes a leftover (after a power cut) recognisable.
    let prefix = match path.file_name() {
        Some(name) => format!(".{}.", name.to_string_lossy()),
        None => ".export.".to_owned(),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|source| ExportError::CreateTemp {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            source,
        })?;
    let write_err = |source| ExportError::WriteFile {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    write_attempts(&mut tmp, attempts, format).map_err(write_err)?;
    // Flushed to disk before the rename, so the name never points at a half-written file.
    tmp.as_file()
        .sync_all()
        .map_err(|e| write_err(ExportError::Write(e)))?;
    // On failure the temp file comes back inside the error and is deleted when it drops.
    tmp.persist(path).map_err(|e| ExportError::Persist {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(attempts.len())
}

/// The CSV writer; `csv` buffers internally.
fn write_csv(out: impl Write, attempts: &[Attempt]) -> Result<(), ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADER).map_err(ExportError::Csv)?;
    for attempt in attempts {
        writer
            .write_record(csv_record(attempt))
            .map_err(ExportError::Csv)?;
    }
    writer.flush().map_err(ExportError::Write)
}

/// One CSV row, in the order of [`CSV_HEADER`].
fn csv_record(a: &Attempt) -> [String; 23] {
    let text = |value: &str| formula_guard(value);
    let opt_text = |value: &Option<String>| value.as_deref().map(formula_guard).unwrap_or_default();
    let opt_num = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    [
        a.id.to_string(),
        a.status.as_str().to_owned(),
        a.started_at_ms.rfc3339(),
        a.finished_at_ms.map(EpochMs::rfc3339).unwrap_or_default(),
        opt_num(a.duration_ms),
        text(&a.profile),
        text(&a.org_id),
        text(&a.sandbox),
        text(&a.name),
        opt_text(&a.description),
        opt_text(&a.connection_id),
        opt_text(&a.etag),
        opt_text(&a.request_id),
        text(&a.access_key_id),
        opt_text(&a.bucket_name),
        opt_text(&a.folder_path),
        opt_text(&a.service_url),
        a.has_session_token.to_string(),
        opt_num(a.http_status.map(i64::from)),
        opt_text(&a.error_code),
        opt_text(&a.error_message),
        a.reconciled.to_string(),
        opt_text(&a.batch_id),
    ]
}

/// Defuses spreadsheet formula injection: a cell a spreadsheet would evaluate gets a leading `'`.
///
/// Names, descriptions and error messages are user or server text, and a cell such as
/// `=HYPERLINK(...)` would run when the CSV is opened in a spreadsheet (OWASP "CSV Injection").
fn formula_guard(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// The JSON document: `{"exportedAt", "count", "attempts"}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonExport<'a> {
    /// When the export was made.
    exported_at: String,
    /// How many records follow.
    count: usize,
    /// The records, streamed one by one.
    attempts: JsonAttempts<'a>,
}

/// Serialises records as an array without [`REQUEST_BODY_FIELD`], one at a time.
struct JsonAttempts<'a>(&'a [Attempt]);

impl Serialize for JsonAttempts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(JsonAttempt))
    }
}

/// One record as serde writes it, minus the request body.
struct JsonAttempt<'a>(&'a Attempt);

impl Serialize for JsonAttempt<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Going through `Value` keeps every other field exactly as `Attempt` defines it,
        // including fields added later, with a single one removed.
        let mut value = serde_json::to_value(self.0).map_err(S::Error::custom)?;
        if let Value::Object(map) = &mut value {
            map.remove(REQUEST_BODY_FIELD);
        }
        value.serialize(serializer)
    }
}

/// The JSON writer.
fn write_json(out: impl Write, attempts: &[Attempt]) -> Result<(), ExportError> {
    let mut out = BufWriter::new(out);
    let doc = JsonExport {
        exported_at: EpochMs::now().rfc3339(),
        count: attempts.len(),
        attempts: JsonAttempts(attempts),
    };
    serde_json::to_writer_pretty(&mut out, &doc).map_err(ExportError::Json)?;
    out.write_all(b"\n").map_err(ExportError::Write)?;
    out.flush().map_err(ExportError::Write)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::history::{AttemptId, AttemptStatus};

    fn attempt() -> Attempt {
        Attempt {
            id: AttemptId(42),
            status: AttemptStatus::Created,
            profile: "default".into(),
            org_id: "ORG@AdobeOrg".into(),
            sandbox: "prod".into(),
            platform_url: "https://platform.adobe.io".into(),
            name: "=HYPERLINK(\"x\")".into(),
            description: Some("-1+1".into()),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            bucket_name: Some("my-bucket".into()),
            folder_path: None,
            service_url: None,
            has_session_token: false,
            request_body_redacted: "{\"name\":\"body\"}".into(),
            started_at_ms: EpochMs(1_700_000_000_123),
            connection_id: Some("4cb0c374".into()),
            etag: Some("\"1700d77b-0000\"".into()),
            request_id: Some("@req".into()),
            http_status: Some(201),
            error_code: None,
            error_message: None,
            finished_at_ms: Some(EpochMs(1_700_000_001_000)),
            duration_ms: Some(877),
            reconciled: true,
            batch_id: Some("b-1".into()),
        }
    }

    #[test]
    fn format_from_path_ignores_case() {
        assert_eq!(
            ExportFormat::from_path(Path::new("a/b.CSV")),
            Some(ExportFormat::Csv)
        );
        assert_eq!(
            ExportFormat::from_path(Path::new("b.Json")),
            Some(ExportFormat::Json)
        );
        assert_eq!(ExportFormat::from_path(Path::new("b.txt")), None);
        assert_eq!(ExportFormat::from_path(Path::new("csv")), None);
        for format in [ExportFormat::Csv, ExportFormat::Json] {
            let name = format!("x.{}", format.extension());
            assert_eq!(ExportFormat::from_path(Path::new(&name)), Some(format));
        }
    }

    #[test]
    fn formula_guard_prefixes_only_dangerous_starts() {
        for bad in ["=1", "+1", "-1", "@x", "\tx", "\rx"] {
            assert_eq!(formula_guard(bad), format!("'{bad}"));
        }
        for ok in ["", "a=1", " =1", "\"etag\"", "'quoted"] {
            assert_eq!(formula_guard(ok), ok);
        }
    }

    #[test]
    fn csv_row_matches_header_and_formats_times() {
        let row = csv_record(&attempt());
        assert_eq!(row.len(), CSV_HEADER.len());
        let col = |name: &str| {
            let i = CSV_HEADER.iter().position(|h| *h == name).unwrap();
            row[i].clone()
        };
        assert_eq!(col("started_at"), "2023-11-14T22:13:20.123Z");
        assert_eq!(col("finished_at"), "2023-11-14T22:13:21Z");
        assert_eq!(col("name"), "'=HYPERLINK(\"x\")");
        assert_eq!(col("description"), "'-1+1");
        assert_eq!(col("request_id"), "'@req");
        assert_eq!(col("etag"), "\"1700d77b-0000\"");
        assert_eq!(col("http_status"), "201");
        assert_eq!(col("folder_path"), "");
        assert_eq!(col("reconciled"), "true");
    }

    #[test]
    fn json_leaves_out_the_request_body() {
        let mut out = Vec::new();
        write_attempts(&mut out, &[attempt()], ExportFormat::Json).unwrap();
        let doc: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc["count"], 1);
        let record = &doc["attempts"][0];
        assert!(record.get(REQUEST_BODY_FIELD).is_none(), "{record}");
        assert_eq!(record["etag"], "\"1700d77b-0000\"");
        assert_eq!(record["name"], "=HYPERLINK(\"x\")");
        use time::OffsetDateTime;
        use time::format_description::well_known::Rfc3339;
        assert!(OffsetDateTime::parse(doc["exportedAt"].as_str().unwrap(), &Rfc3339).is_ok());

        let mut csv_out = Vec::new();
        write_attempts(&mut csv_out, &[attempt()], ExportFormat::Csv).unwrap();
        assert!(!String::from_utf8(csv_out).unwrap().contains("body"));
    }

    #[test]
    fn rfc3339_out_of_range_falls_back_to_the_number() {
        assert_eq!(EpochMs(i64::MAX).rfc3339(), i64::MAX.to_string());
        assert_eq!(EpochMs(0).rfc3339(), "1970-01-01T00:00:00Z");
    }
}
