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

mod file;
mod profile;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use profile::Profile;

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
