//! Profiles and preferences in `config.toml`. No type here has a secret field: secrets live in
//! the OS keyring only (see [`crate::store::secrets`]).
//!
//! Profiles are an array of tables, kept in the order they were added; keys are snake_case:
//! ```toml
//! active_profile = "acme-dev"
//!
//! [timeouts]
//! connect_secs = 10
//! total_secs = 60
//!
//! [[profiles]]
//! name = "acme-dev"
//! org_id = "5C1328435BF324E90A49402A@AdobeOrg"
//! client_id = "0123456789abcdef0123456789abcdef"
//! sandbox = "dev"
//! platform_url = "https://platform.adobe.io"       # optional, this is the default
//! ims_url = "https://ims-na1.adobelogin.com"       # optional, this is the default
//! scopes = "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext"
//! technical_account_email = "abc@techacct.adobe.com" # optional
//! ```
//! Unknown keys are ignored on load (a newer version's file still opens) and dropped on save.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES, Target};
use crate::validate::{self, Field, FieldError};

/// First lines of every saved file, so a reader knows where the secrets are not.
const HEADER: &str =
    "# aep-s3-connect configuration. Secrets are not stored here: they live in the OS keyring.\n\n";

/// Why the config could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("could not read the config file {}: {source}", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a value has the wrong type or is missing.
    #[error(
        "the config file {} is not valid{}: {message}. Fix it in a text editor (it was left as it is), or move it away to start with an empty config",
        path.display(),
        location(*line, *column)
    )]
    Parse {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the error, when known.
        line: Option<usize>,
        /// 1-based column (in characters) of the error, when known.
        column: Option<usize>,
        /// What is wrong, from the TOML parser.
        message: String,
    },
    /// A value is outside what makes sense for its key.
    #[error(
        "the config file {} has {key} = {value}{}: {rule}. Fix it in a text editor (the file was left as it is)",
        path.display(),
        location(*line, None)
    )]
    OutOfRange {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the key, when known.
        line: Option<usize>,
        /// The key, dotted (`timeouts.total_secs`).
        key: String,
        /// The value as read.
        value: String,
        /// The bound it breaks.
        rule: String,
    },
    /// Two profiles share a name, so which one is meant would be a guess.
    #[error(
        "the config file {} has more than one profile named `{name}`: rename or remove one (the file was left as it is)",
        path.display()
    )]
    DuplicateProfile {
        /// The config file.
        path: PathBuf,
        /// The repeated name.
        name: String,
    },
    /// No profile has this name.
    #[error("no profile named `{name}`: `aep-s3-connect profile list` shows the ones there are")]
    UnknownProfile {
        /// The name asked for.
        name: String,
    },
    /// The file could not be written; the previous file, if any, is unchanged.
    #[error("could not save the config file {} (the previous file is unchanged): {source}", path.display())]
    Write {
        /// The config file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The config could not be turned into TOML (a bug: every field is plain text or a number).
    #[error("could not encode the config as TOML: {0}")]
    Encode(#[from] toml::ser::Error),
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        (Some(l), None) => format!(" at line {l}"),
        _ => String::new(),
    }
}

fn default_platform_url() -> String {
    DEFAULT_PLATFORM_URL.to_owned()
}
fn default_ims_url() -> String {
    DEFAULT_IMS_URL.to_owned()
}
fn default_scopes() -> String {
    DEFAULT_SCOPES.to_owned()
}

/// One IMS org + client + sandbox + endpoints. Its client secret is in the keyring, not here.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Profile {
    /// Profile name (also names its keyring entries).
    pub name: String,
    /// IMS organisation ID, `...@AdobeOrg`.
    pub org_id: String,
    /// OAuth client ID (also the `x-api-key`).
    pub client_id: String,
    /// Sandbox name, e.g. `prod`.
    pub sandbox: String,
    /// Platform gateway URL.
    #[serde(default = "default_platform_url")]
    pub platform_url: String,
    /// IMS URL.
    #[serde(default = "default_ims_url")]
    pub ims_url: String,
    /// Comma-separated OAuth scopes.
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// The credential's technical account, shown to help users recognise it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_account_email: Option<String>,
}

impl Profile {
    /// A profile with the default URLs and scopes.
    pub fn new(
        name: impl Into<String>,
        org_id: impl Into<String>,
        client_id: impl Into<String>,
        sandbox: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            org_id: org_id.into(),
            client_id: client_id.into(),
            sandbox: sandbox.into(),
            platform_url: default_platform_url(),
            ims_url: default_ims_url(),
            scopes: default_scopes(),
            technical_account_email: None,
        }
    }

    /// Checks every field with [`crate::validate`]; returns all errors at once.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let errors: Vec<FieldError> = [
            validate::profile_name(&self.name),
            validate::org_id(&self.org_id),
            validate::client_id(&self.client_id),
            validate::sandbox(&self.sandbox),
            validate::base_url(Field::PlatformUrl, &self.platform_url),
            validate::base_url(Field::ImsUrl, &self.ims_url),
            validate::scopes(&self.scopes),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Where and as whom this profile makes Platform calls.
    pub fn target(&self) -> Target {
        Target {
            org_id: self.org_id.clone(),
            client_id: self.client_id.clone(),
            sandbox: self.sandbox.clone(),
            platform_url: self.platform_url.clone(),
            ims_url: self.ims_url.clone(),
            scopes: self.scopes.clone(),
        }
    }
}

/// HTTP timeouts, in seconds.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(default)]
pub struct Timeouts {
    /// Time to establish a connection.
    pub connect_secs: u64,
    /// Time for a whole request, response included.
    pub total_secs: u64,
    /// How far Adobe's clock and this machine's may differ: an interrupted create is called
    /// "not created" only this long after its request could last have reached Adobe.
    pub clock_slack_secs: u64,
}

/// The values each timeout may take, with why: a timeout of 0 would fail every request, and
/// one of hours hides a dead network behind a window that never answers.
const TIMEOUT_BOUNDS: [(&str, std::ops::RangeInclusive<u64>); 3] = [
    ("connect_secs", 1..=300),
    ("total_secs", 1..=3600),
    ("clock_slack_secs", 0..=3600),
];

impl Timeouts {
    /// Each timeout with its key, to check against [`TIMEOUT_BOUNDS`].
    fn values(&self) -> [(&'static str, u64); 3] {
        [
            ("connect_secs", self.connect_secs),
            ("total_secs", self.total_secs),
            ("clock_slack_secs", self.clock_slack_secs),
        ]
    }

    /// The HTTP settings these timeouts make (retry bounds at their defaults).
    pub fn http_settings(&self) -> crate::api::HttpSettings {
        use std::time::Duration;
        crate::api::HttpSettings {
            connect_timeout: Duration::from_secs(self.connect_secs.max(1)),
            total_timeout: Duration::from_secs(self.total_secs.max(1)),
            clock_slack: Duration::from_secs(self.clock_slack_secs),
            ..crate::api::HttpSettings::default()
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect_secs: 10,
            total_secs: 60,
            clock_slack_secs: 60,
        }
    }
}

/// Everything in `config.toml`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct Config {
    /// Name of the active profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_profile: Option<String>,
    /// HTTP timeouts.
    pub timeouts: Timeouts,
    /// Profiles, in the order they were added.
    pub profiles: Vec<Profile>,
    /// AWS keys the user asked to remember; their secrets are in the keyring under `aws:<label>`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aws_keys: Vec<SavedAwsKey>,
}

/// The non-secret half of a remembered AWS key.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SavedAwsKey {
    /// Name the user picked.
    pub label: String,
    /// Access key ID.
    pub access_key_id: String,
    /// Whether a session token is stored with it.
    #[serde(default)]
    pub has_session_token: bool,
}

impl Config {
    /// Reads the config; a missing file is an empty config. A malformed file is an error naming
    /// the file, line and column, and is never touched. Unknown keys are ignored: see
    /// [`Config::load_noting`] for the warnings about them.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Ok(Self::load_noting(path)?.0)
    }

    /// [`Config::load`], with a warning for each key the file has that this version does not
    /// know (a misspelt `total_sec` would otherwise be ignored in silence), naming file and line.
    pub fn load_noting(path: &Path) -> Result<(Config, Vec<String>), ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Config::default(), Vec::new()));
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::from_text_noting(path, &text)
    }

    /// Parses the text of a config file; `path` only names the file in errors. The same checks
    /// as [`Config::load`].
    pub fn from_text(path: &Path, text: &str) -> Result<Config, ConfigError> {
        Ok(Self::from_text_noting(path, text)?.0)
    }

    fn from_text_noting(path: &Path, text: &str) -> Result<(Config, Vec<String>), ConfigError> {
        let (config, unknown) = parse(path, text)?;
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = config.profiles.iter().find(|p| !seen.insert(&p.name)) {
            return Err(ConfigError::DuplicateProfile {
                path: path.to_path_buf(),
                name: dup.name.clone(),
            });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for ((key, value), (_, range)) in config.timeouts.values().into_iter().zip(TIMEOUT_BOUNDS) {
            if !range.contains(&value) {
                return Err(ConfigError::OutOfRange {
                    path: path.to_path_buf(),
                    line: key_line(text, &["timeouts", key]),
                    key: format!("timeouts.{key}"),
                    value: value.to_string(),
                    rule: format!(
                        "it must be from {} to {} seconds",
                        range.start(),
                        range.end()
                    ),
                });
            }
        }
        let mut notes: Vec<(Option<usize>, String)> = unknown
            .iter()
            .map(|key| {
                let segments: Vec<&str> = key.split('.').collect();
                let line = key_line(text, &segments);
                let note = format!(
                    "the config file {} has a key this version does not know, `{key}`{}: it was ignored (a misspelling? the keys are listed in the README)",
                    path.display(),
                    location(line, None)
                );
                (line, note)
            })
            .collect();
        // In the file's order.
        notes.sort_by_key(|(line, _)| *line);
        Ok((config, notes.into_iter().map(|(_, note)| note).collect()))
    }

    /// Writes the config atomically: a temp file in the same dir, flushed to disk, then renamed
    /// over the old one. Refuses to replace a file that does not parse, so a user's half-done
    /// edit is never lost.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let write_err = |source| ConfigError::Write {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(existing) => {
                parse(path, &existing)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        let text = self.to_text()?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(write_err)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".config.toml.")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(write_err)?;
        tmp.write_all(text.as_bytes()).map_err(write_err)?;
        tmp.as_file().sync_all().map_err(write_err)?;
        // On failure the temp file comes back inside the error and is deleted when it drops.
        tmp.persist(path).map_err(|e| write_err(e.error))?;
        sync_dir(dir).map_err(write_err)
    }

    /// The text [`Config::save`] writes: a header comment, then the TOML.
    pub fn to_text(&self) -> Result<String, ConfigError> {
        Ok(format!("{HEADER}{}", toml::to_string(self)?))
    }

    /// The profile with this name.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// Adds a profile, or replaces the one with the same name in place; returns the replaced one.
    /// Does not validate (see [`Profile::validate`]) nor change the active profile.
    pub fn upsert_profile(&mut self, profile: Profile) -> Option<Profile> {
        match self.profiles.iter_mut().find(|p| p.name == profile.name) {
            Some(slot) => Some(std::mem::replace(slot, profile)),
            None => {
                self.profiles.push(profile);
                None
            }
        }
    }

    /// Removes a profile and returns it; if it was active, no profile is active afterwards.
    /// Its keyring entries are the caller's to delete.
    pub fn remove_profile(&mut self, name: &str) -> Option<Profile> {
        let index = self.profiles.iter().position(|p| p.name == name)?;
        if self.active_profile.as_deref() == Some(name) {
            self.active_profile = None;
        }
        Some(self.profiles.remove(index))
    }

    /// The active profile: the one `active_profile` names, or the only profile when there is
    /// exactly one and none is named.
    pub fn active(&self) -> Option<&Profile> {
        match &self.active_profile {
            Some(name) => self.profile(name),
            None => match self.profiles.as_slice() {
                [only] => Some(only),
                _ => None,
            },
        }
    }

    /// Makes the named profile the active one.
    pub fn set_active(&mut self, name: &str) -> Result<(), ConfigError> {
        if self.profile(name).is_none() {
            return Err(ConfigError::UnknownProfile {
                name: name.to_owned(),
            });
        }
        self.active_profile = Some(name.to_owned());
        Ok(())
    }
}

/// The config in `text`, and the dotted paths of the keys it ignored.
fn parse(path: &Path, text: &str) -> Result<(Config, Vec<String>), ConfigError> {
    // Editors on Windows may add a byte order mark; TOML does not allow one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut unknown = Vec::new();
    toml::Deserializer::parse(text)
        .and_then(|de| serde_ignored::deserialize(de, |ignored| unknown.push(ignored.to_string())))
        .map(|config| (config, std::mem::take(&mut unknown)))
        .map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_column(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim_end().to_owned(),
            }
        })
}

/// The 1-based line of the key at `path` (table keys and array indexes), when the text has it.
fn key_line(text: &str, path: &[&str]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut span = None;
    let mut segments = path.iter().peekable();
    while let Some(segment) = segments.next() {
        let (key, value) = table.get_key_value(*segment)?;
        span = Some(key.span());
        let mut value = value.get_ref();
        // An array of tables: the next segment is the index.
        if let DeValue::Array(items) = value {
            let index: usize = segments.next()?.parse().ok()?;
            let item = items.get(index)?;
            span = Some(item.span());
            value = item.get_ref();
        }
        match value {
            DeValue::Table(t) => table = t,
            _ if segments.peek().is_none() => break,
            _ => return None,
        }
    }
    span.map(|s| line_column(text, s.start).0)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Makes the rename itself durable: on Unix a rename lives in the directory's metadata.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Windows has no directory handles to flush; `MoveFileEx` is durable enough for a config file.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let text = "active_profile = \"a\"\n[timeouts]\ntotal_sec = 5\n\n[[profiles]]\nname = \"a\"\norg_id = \"o\"\nclient_id = \"c\"\nsandbox = \"dev\"\ncolour = \"red\"\n";
        let (config, notes) = Config::from_text_noting(Path::new("c.toml"), text).unwrap();
        assert_eq!(config.profiles.len(), 1);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("`timeouts.total_sec` at line 3"),
            "{notes:?}"
        );
        assert!(
            notes[1].contains("`profiles.0.colour` at line 10"),
            "{notes:?}"
        );
    }

    #[test]
    fn timeouts_are_bounded() {
        let err = Config::from_text(Path::new("c.toml"), "[timeouts]\n\nconnect_secs = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("timeouts.connect_secs = 0 at line 3"), "{err}");
        assert!(err.contains("from 1 to 300 seconds"), "{err}");
        let fine = "[timeouts]\nconnect_secs = 300\ntotal_secs = 3600\nclock_slack_secs = 0\n";
        assert!(Config::from_text(Path::new("c.toml"), fine).is_ok());
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // "bé = " is 6 bytes but 5 characters.
        assert_eq!(line_column(text, 12), (2, 6));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn profile_validate_reports_all_fields() {
        let mut p = Profile::new("bad name", "nope", "", "Prod");
        p.ims_url = "http://ims.example.com".into();
        let fields: Vec<Field> = p.validate().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                Field::ProfileName,
                Field::OrgId,
                Field::ClientId,
                Field::Sandbox,
                Field::ImsUrl
            ]
        );
        let good = Profile::new(
            "acme",
            "5C1328435BF324E90A49402A@AdobeOrg",
            "0123456789abcdef0123456789abcdef",
            "prod",
        );
        assert!(good.validate().is_ok());
        assert_eq!(good.target().sandbox, "prod");
    }
}
