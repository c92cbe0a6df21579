//! Turns global options, environment, config and keyring into a ready client and stores.

use std::sync::OnceLock;

use super::GlobalArgs;
use super::output::{Failure, note, warn};
use crate::api::{HttpSettings, PlatformClient};
use crate::model::{DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES, Target};
use crate::ops::token::{self, ClientSpec, Credential};
use crate::secret::Secret;
use crate::store::config::{Config, Profile};
use crate::store::history::{HistoryError, HistoryStore};
use crate::store::paths::AppPaths;
use crate::store::secrets::SecretStore;
use crate::validate::{self, Field};

/// Profile name recorded when everything comes from options and environment.
pub const ENV_PROFILE: &str = "(env)";

/// Everything a command needs, resolved once.
pub struct Context {
    /// Config and data dirs.
    pub paths: AppPaths,
    /// The loaded config.
    pub config: Config,
    /// The profile in use (`(env)` when none is stored).
    pub profile_name: String,
    /// Whether `profile_name` is a stored profile.
    pub stored_profile: bool,
    /// Org, client, sandbox and endpoints after overrides (`None` when incomplete).
    target: Result<Target, String>,
    secrets: OnceLock<SecretStore>,
}

impl Context {
    /// Resolves paths and config; the target is checked only when a command needs it.
    pub fn load(global: &GlobalArgs) -> Result<Self, Failure> {
        let paths = AppPaths::resolve(global.data_dir.as_deref())
            .map_err(|e| Failure::store(format!("{e}")))?;
        let (config, notes) = Config::load_noting(&paths.config_file())
            .map_err(|e| Failure::usage(format!("{e}")))?;
        for note in notes {
            warn(note);
        }
        let chosen = global
            .profile
            .clone()
            .or_else(|| config.active_profile.clone())
            .or_else(|| match config.profiles.as_slice() {
                [only] => Some(only.name.clone()),
                _ => None,
            });
        let profile = match &chosen {
            Some(name) => match config.profile(name) {
                Some(p) => Some(p.clone()),
                None => return Err(unknown_profile(&paths, name)),
            },
            None => None,
        };
        let target = resolve_target(global, profile.as_ref());
        Ok(Self {
            profile_name: profile
                .as_ref()
                .map_or_else(|| ENV_PROFILE.to_owned(), |p| p.name.clone()),
            stored_profile: profile.is_some(),
            paths,
            config,
            target,
            secrets: OnceLock::new(),
        })
    }

    /// The target, or a usage error saying what is missing.
    pub fn target(&self) -> Result<&Target, Failure> {
        self.target.as_ref().map_err(|e| Failure::usage(e.clone()))
    }

    /// The OS keyring, opened on first use.
    pub fn secrets(&self) -> &SecretStore {
        self.secrets.get_or_init(SecretStore::open_unless_disabled)
    }

    /// Opens the history, telling the user on stderr if an unreadable file was moved aside.
    pub fn history(&self) -> Result<HistoryStore, Failure> {
        self.open_history().map_err(|e| Failure::of(&e))
    }

    /// [`Self::history`], with the store's own error (for an operation to word it).
    pub fn open_history(&self) -> Result<HistoryStore, HistoryError> {
        let (store, notice) = HistoryStore::open(&self.paths.history_db())?;
        if let Some(notice) = notice {
            warn(notice.message);
        }
        Ok(store)
    }

    /// Opens the history for reading: as [`Self::history`] does, or, when the file or its folder
    /// may not be written, read-only, without writing anything (said on stderr). True when
    /// read-only: nothing may then be written through the store.
    pub fn history_for_reading(&self) -> Result<(HistoryStore, bool), Failure> {
        let path = self.paths.history_db();
        let not_written = "shown as it is; pending records are not settled";
        match self.open_history() {
            Ok(store) => {
                let read_only = store.is_read_only();
                if read_only {
                    note(format_args!(
                        "the history database {} is read-only: {not_written}",
                        path.display()
                    ));
                }
                Ok((store, read_only))
            }
            Err(error) if error.is_not_writable() && path.is_file() => {
                match HistoryStore::open_read_only(&path) {
                    Ok((store, missing)) => {
                        note(format_args!(
                            "the history database {} cannot be written here, so it was opened read-only: {not_written}",
                            path.display()
                        ));
                        if let Some(missing) = missing {
                            warn(missing);
                        }
                        Ok((store, true))
                    }
                    Err(read_only) => Err(Failure::store(format!(
                        "{error}
Reading it read-only failed too: {read_only}"
                    ))),
                }
            }
            Err(error) => Err(Failure::of(&error)),
        }
    }

    /// Timeouts from config.toml.
    pub fn http_settings(&self) -> HttpSettings {
        self.config.timeouts.http_settings()
    }

    /// A ready client with its token manager: the token from `AEP_ACCESS_TOKEN` (the keyring is
    /// not opened), else from IMS with the client secret from `AEP_CLIENT_SECRET` or the
    /// keyring, cached in the keyring when there is one.
    pub fn client(&self) -> Result<PlatformClient, Failure> {
        let target = self.target()?.clone();
        let credential =
            if let Some(token) = token::access_token_from_env().map_err(Failure::usage)? {
                Credential::Token(token)
            } else if let Some(secret) = env_secret("AEP_CLIENT_SECRET")? {
                Credential::ClientSecret(secret)
            } else {
                Credential::Keyring
            };
        let spec = ClientSpec {
            target,
            profile: self.profile_name.clone(),
            stored_profile: self.stored_profile,
            credential,
            settings: self.http_settings(),
        };
        // The error's own way out (store the secret, or give it directly) is its remedy.
        token::client(spec, || self.secrets().clone()).map_err(|e| Failure::of(&e))
    }
}

/// There is no profile named `name` in the config file.
pub fn unknown_profile(paths: &AppPaths, name: &str) -> Failure {
    Failure::usage(format!(
        "no profile named `{name}` in {}; `aep-s3-connect profile list` shows the ones there are",
        paths.config_file().display()
    ))
}

/// A non-empty secret from the environment; a value that is not UTF-8 is a usage error naming
/// the variable ([`crate::secret::env_secret`]).
pub fn env_secret(var: &str) -> Result<Option<Secret>, Failure> {
    crate::secret::env_secret(var).map_err(Failure::usage)
}

fn resolve_target(global: &GlobalArgs, profile: Option<&Profile>) -> Result<Target, String> {
    let pick = |flag: Option<&String>, from_profile: Option<&String>| {
        flag.cloned()
            .filter(|v| !v.is_empty())
            .or_else(|| from_profile.cloned())
    };
    let org_id = pick(global.org_id.as_ref(), profile.map(|p| &p.org_id));
    let client_id = pick(global.client_id.as_ref(), profile.map(|p| &p.client_id));
    let sandbox = pick(global.sandbox(), profile.map(|p| &p.sandbox));
    let missing: Vec<&str> = [
        ("org ID (--org-id / AEP_ORG_ID)", org_id.is_none()),
        (
            "client ID (--client-id / AEP_CLIENT_ID)",
            client_id.is_none(),
        ),
        ("sandbox (--sandbox / AEP_SANDBOX)", sandbox.is_none()),
    ]
    .into_iter()
    .filter_map(|(what, is_missing)| is_missing.then_some(what))
    .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing {}: add a profile (`{}`) or set them",
            missing.join(", "),
            super::profile::ADD_PROFILE
        ));
    }
    let target = Target {
        org_id: org_id.unwrap_or_default(),
        client_id: client_id.unwrap_or_default(),
        sandbox: sandbox.unwrap_or_default(),
        platform_url: pick(
            global.platform_url.as_ref(),
            profile.map(|p| &p.platform_url),
        )
        .unwrap_or_else(|| DEFAULT_PLATFORM_URL.to_owned()),
        ims_url: pick(global.ims_url.as_ref(), profile.map(|p| &p.ims_url))
            .unwrap_or_else(|| DEFAULT_IMS_URL.to_owned()),
        scopes: profile
            .map(|p| p.scopes.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SCOPES.to_owned()),
    };
    let checks = [
        validate::org_id(&target.org_id),
        validate::client_id(&target.client_id),
        validate::sandbox(&target.sandbox),
        validate::base_url(Field::PlatformUrl, &target.platform_url),
        validate::base_url(Field::ImsUrl, &target.ims_url),
    ];
    let errors: Vec<String> = checks
        .into_iter()
        .filter_map(Result::err)
        .map(|e| e.to_string())
        .collect();
    if errors.is_empty() {
        Ok(target)
    } else {
        Err(errors.join("\n"))
    }
}
