//! Browsing the storage behind a connection and previewing its files (docs/flow-service-api.md §3,
//! `GET /connections/{id}/explore`).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::ClientError;
use super::http::{Idempotency, RawResponse};
use super::platform::{CallOptions, PlatformClient, parse_json, urlencode_segment};

impl PlatformClient {
    /// One level of the storage behind the connection: the root (buckets) or a folder.
    pub async fn explore(
        &self,
        id: &str,
        target: &ExploreTarget,
    ) -> Result<Vec<ExploreItem>, ClientError> {
        let query: Vec<(&str, &str)> = match target {
            ExploreTarget::Root => vec![("objectType", "root")],
            ExploreTarget::Folder(path) => vec![("objectType", "folder"), ("object", path)],
        };
        let response = self.explore_call(id, &query).await?;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Listing {
            Bare(Vec<ExploreItem>),
            Wrapped { items: Vec<ExploreItem> },
        }
        Ok(
            match parse_json::<Listing>(&response, "GET /connections/{id}/explore")? {
                Listing::Bare(items) | Listing::Wrapped { items } => items,
            },
        )
    }

    /// The columns and first rows of one file, read as `file_type`.
    pub async fn preview(
        &self,
        id: &str,
        path: &str,
        file_type: FileType,
    ) -> Result<Preview, ClientError> {
        let query = [
            ("objectType", "file"),
            ("object", path),
            ("fileType", file_type.as_str()),
            ("preview", "true"),
        ];
        let response = self.explore_call(id, &query).await?;
        let raw: RawPreview = parse_json(&response, "GET /connections/{id}/explore (preview)")?;
        Ok(Preview {
            format: raw.format,
            columns: raw
                .schema
                .map(|s| s.columns)
                .unwrap_or_default()
                .into_iter()
                .map(|c| (c.name, c.column_type.unwrap_or_default()))
                .collect(),
            rows: raw.data,
        })
    }

    async fn explore_call(
        &self,
        id: &str,
        query: &[(&str, &str)],
    ) -> Result<RawResponse, ClientError> {
        let base = self.flow_url(&format!("/connections/{}/explore", urlencode_segment(id)));
        let mut url = url::Url::parse(&base)
            .map_err(|e| ClientError::BadUrl(format!("`{base}` is not a URL: {e}")))?;
        url.query_pairs_mut().extend_pairs(query);
        self.call_with(
            Method::GET,
            url.as_str(),
            None,
            Idempotency::Idempotent,
            CallOptions::default(),
        )
        .await
    }
}

/// What to list with [`PlatformClient::explore`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExploreTarget {
    /// The top level: the buckets the connection can see.
    Root,
    /// A folder, as `/bucket/path` (the `path` of an [`ExploreItem`]).
    Folder(String),
}

/// Whether an explored entry is a folder or a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExploreItemType {
    /// A bucket or folder: explore it further.
    Folder,
    /// A file: preview it.
    File,
    /// Anything Adobe may add later.
    #[serde(other)]
    Other,
}

/// One entry of an explored level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExploreItem {
    /// Folder or file.
    #[serde(rename = "type")]
    pub item_type: ExploreItemType,
    /// Its name within its folder.
    #[serde(default)]
    pub name: String,
    /// Full path, `/bucket/folder/file`.
    #[serde(default)]
    pub path: String,
    /// Whether [`PlatformClient::preview`] can read it.
    #[serde(default)]
    pub can_preview: bool,
    /// Whether Adobe can infer its schema.
    #[serde(default)]
    pub can_fetch_schema: bool,
}

/// How Flow Service should read a file for a preview.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    /// CSV, TSV and other delimited text.
    Delimited,
    /// JSON.
    Json,
    /// Apache Parquet.
    Parquet,
}

impl FileType {
    /// The `fileType` query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delimited => "delimited",
            Self::Json => "json",
            Self::Parquet => "parquet",
        }
    }

    /// From a file name's extension: csv/tsv/txt → delimited, json → json, parquet → parquet.
    pub fn from_path(path: &str) -> Option<Self> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Some(Self::Delimited),
            "json" => Some(Self::Json),
            "parquet" => Some(Self::Parquet),
            _ => None,
        }
    }
}

impl std::str::FromStr for FileType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "delimited" | "csv" | "tsv" => Ok(Self::Delimited),
            "json" => Ok(Self::Json),
            "parquet" => Ok(Self::Parquet),
            other => Err(format!(
                "unknown file type `{other}`: use delimited, json or parquet"
            )),
        }
    }
}

/// A file's first rows as Flow Service previews them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    /// `flat` for tabular data, when Adobe says.
    pub format: Option<String>,
    /// Column names and types, in order.
    pub columns: Vec<(String, String)>,
    /// The rows, each column name → value.
    pub rows: Vec<Map<String, Value>>,
}

#[derive(Deserialize)]
struct RawPreview {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    schema: Option<RawSchema>,
    #[serde(default)]
    data: Vec<Map<String, Value>>,
}

#[derive(Deserialize)]
struct RawSchema {
    #[serde(default)]
    columns: Vec<RawColumn>,
}

#[derive(Deserialize)]
struct RawColumn {
    name: String,
    #[serde(default, rename = "type")]
    column_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_type_from_extension() {
        assert_eq!(FileType::from_path("/b/x.CSV"), Some(FileType::Delimited));
        assert_eq!(FileType::from_path("/b/x.tsv"), Some(FileType::Delimited));
        assert_eq!(FileType::from_path("/b/x.txt"), Some(FileType::Delimited));
        assert_eq!(FileType::from_path("/b/in/x.json"), Some(FileType::Json));
        assert_eq!(FileType::from_path("x.parquet"), Some(FileType::Parquet));
        assert_eq!(FileType::from_path("/b.csv/noext"), None);
        assert_eq!(FileType::from_path("/b/x.avro"), None);
    }

    #[test]
    fn explore_items_tolerate_missing_and_unknown_fields() {
        let items: Vec<ExploreItem> = serde_json::from_str(
            r#"[{"type": "folder", "name": "b", "path": "/b"}, {"type": "symlink", "extra": 1}]"#,
        )
        .unwrap();
        assert_eq!(items[0].item_type, ExploreItemType::Folder);
        assert!(!items[0].can_preview);
        assert_eq!(items[1].item_type, ExploreItemType::Other);
    }
}
