//! Profiles: saving (and renaming), removing and activating them. The config file and the
//! profile's keyring entries change together, in the order that never leaves a profile half made:
//! the secret first, then the config; old entries are deleted only once the config is saved.
//!
//! Blocking (keyring and config file): on an async thread, run these with `spawn_blocking`.

use std::path::Path;

use crate::import::{self, ImportError, console::ConsoleCredential};
use crate::secret::Secret;
use crate::store::config::{Config, ConfigError, Profile};
use crate::store::secrets::{KeyringError, SecretKind, SecretStore};
use crate::validate::FieldError;

use super::token::token_cache_scope;
use crate::error::{ErrorClass, Problem};

/// Why a profile change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// A field breaks a rule; nothing was changed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<FieldError>),
    /// There is no profile of that name.
    #[error("no profile named `{0}`")]
    NotFound(String),
    /// The client secret could not be stored; the config was not changed.
    #[error("{0}")]
    Keyring(#[from] KeyringError),
    /// The config could not be saved.
    #[error("{0}")]
    Config(#[from] ConfigError),
}

impl Problem for ProfileError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Invalid(_) | Self::NotFound(_) => ErrorClass::Input,
            Self::Keyring(_) | Self::Config(_) => ErrorClass::Local,
        }
    }

    fn behind(&self) -> Option<&dyn Problem> {
        match self {
            Self::Keyring(e) => Some(e),
            _ => None,
        }
    }
}

/// A profile to save.
#[derive(Debug)]
pub struct SaveProfile {
    /// The profile, as it is to be.
    pub profile: Profile,
    /// A new client secret for the keyring (an empty one counts as none).
    pub client_secret: Option<Secret>,
    /// The profile's old name, when it is renamed: its entries move to the new name.
    pub previous_name: Option<String>,
    /// Make it the active profile (it also becomes active when no profile is).
    pub activate: bool,
}

/// What [`save`] did.
#[derive(Debug)]
pub struct Saved {
    /// A client secret was stored (given, or carried over from the old name).
    pub stored_secret: bool,
    /// The profile is the active one.
    pub active: bool,
    /// What did not go as it should but did not stop the save (old keyring entries left).
    pub warnings: Vec<String>,
}

/// Adds or replaces a profile (renaming it when `previous_name` differs) and saves `config` to
/// `config_file`. `secrets` opens the keyring; it is called only when a secret moves.
pub fn save(
    config: &mut Config,
    config_file: &Path,
    secrets: impl FnOnce() -> SecretStore,
    change: SaveProfile,
) -> Result<Saved, ProfileError> {
    let SaveProfile {
        profile,
        client_secret,
        previous_name,
        activate,
    } = change;
    profile.validate().map_err(ProfileError::Invalid)?;
    let name = profile.name.clone();
    let renamed = previous_name
        .filter(|old| *old != name)
        .and_then(|old| config.profile(&old).cloned());
    let given = client_secret.filter(|s| !s.is_empty());
    let mut warnings = Vec::new();
    let mut stored_secret = false;
    let keyring = (given.is_some() || renamed.is_some()).then(secrets);
    if let Some(keyring) = &keyring {
        // The secret first: a profile saved without it would be half made.
        if let Some(secret) = &given {
            keyring.set(&name, SecretKind::ClientSecret, secret)?;
            stored_secret = true;
        } else if let Some(old) = &renamed {
            match keyring.get(&old.name, SecretKind::ClientSecret) {
                Ok(Some(secret)) => {
                    keyring.set(&name, SecretKind::ClientSecret, &secret)?;
                    stored_secret = true;
                }
                Ok(None) => {}
                Err(e) => warnings.push(format!(
                    "the client secret of `{}` could not be read to move it to `{name}`: {e}",
                    old.name
                )),
            }
        }
    }
    let mut next = config.clone();
    let mut active = activate;
    if let Some(old) = &renamed {
        active |= next.active_profile.as_deref() == Some(old.name.as_str());
        next.remove_profile(&old.name);
    }
    next.upsert_profile(profile);
    if active || next.active_profile.is_none() {
        next.active_profile = Some(name.clone());
    }
    next.save(config_file)?;
    *config = next;
    if let (Some(old), Some(keyring)) = (&renamed, &keyring)
        && let Some(e) = forget_entries(keyring, old)
    {
        warnings.push(format!(
            "the profile is saved as `{name}`, but the keyring entries of `{}` may remain: {e}",
            old.name
        ));
    }
    Ok(Saved {
        stored_secret,
        active: config.active_profile.as_deref() == Some(name.as_str()),
        warnings,
    })
}

/// Removes profile `name` from `config`, saves it, then deletes the profile's keyring entries
/// (client secret, cached token). A keyring that fails leaves entries behind: said in the
/// returned warnings, since the profile itself is gone.
pub fn remove(
    config: &mut Config,
    config_file: &Path,
    secrets: impl FnOnce() -> SecretStore,
    name: &str,
) -> Result<Vec<String>, ProfileError> {
    let mut next = config.clone();
    let removed = next
        .remove_profile(name)
        .ok_or_else(|| ProfileError::NotFound(name.to_owned()))?;
    next.save(config_file)?;
    *config = next;
    Ok(forget_entries(&secrets(), &removed)
        .map(|e| format!("the profile is removed but its keyring entries may remain: {e}"))
        .into_iter()
        .collect())
}

/// Makes profile `name` the active one and saves `config`.
pub fn activate(config: &mut Config, config_file: &Path, name: &str) -> Result<(), ProfileError> {
    if config.profile(name).is_none() {
        return Err(ProfileError::NotFound(name.to_owned()));
    }
    let mut next = config.clone();
    next.active_profile = Some(name.to_owned());
    next.save(config_file)?;
    *config = next;
    Ok(())
}

/// Deletes `profile`'s client secret and cached token; stops at the first failure (a keyring
/// that fails once would only ask again) and returns it.
fn forget_entries(secrets: &SecretStore, profile: &Profile) -> Option<KeyringError> {
    let token_scope = token_cache_scope(&profile.name, &profile.target());
    secrets
        .delete(&profile.name, SecretKind::ClientSecret)
        .and_then(|()| secrets.delete(&token_scope, SecretKind::AccessToken))
        .err()
}

/// The profile a Developer Console project JSON makes, named `name`: its org, client ID, scopes
/// (Adobe's default for Experience Platform when the file lists none) and technical account;
/// the sandbox, platform and IMS URLs of `base` when there is one (an existing profile being
/// refilled), else the defaults. Both front ends build it here; the client secret is chosen
/// apart ([`ConsoleCredential::client_secret`]: of two, the user picks).
pub fn console_profile(c: &ConsoleCredential, name: &str, base: Option<&Profile>) -> Profile {
    let mut profile = base
        .cloned()
        .unwrap_or_else(|| Profile::new(name, "", "", crate::model::DEFAULT_PRODUCTION_SANDBOX));
    profile.name = name.to_owned();
    profile.org_id.clone_from(&c.org_id);
    profile.client_id.clone_from(&c.client_id);
    if !c.scopes.trim().is_empty() {
        profile.scopes.clone_from(&c.scopes);
    }
    if c.technical_account_email.is_some() {
        profile
            .technical_account_email
            .clone_from(&c.technical_account_email);
    }
    profile
}

/// Reads the project JSON the Adobe Developer Console downloads (org, client ID, scopes and the
/// client secrets of its OAuth Server-to-Server credential).
pub fn read_console_json(path: &Path) -> Result<ConsoleCredential, ImportError> {
    let text = import::read_file(path)?;
    import::console::parse(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring() -> SecretStore {
        SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock")
    }

    fn profile(name: &str) -> Profile {
        Profile::new(name, "ABC123@AdobeOrg", "client", "dev")
    }

    fn save_as(
        config: &mut Config,
        file: &Path,
        secrets: &SecretStore,
        name: &str,
        previous: Option<&str>,
        secret: Option<&str>,
    ) -> Saved {
        save(
            config,
            file,
            || secrets.clone(),
            SaveProfile {
                profile: profile(name),
                client_secret: secret.map(Secret::new),
                previous_name: previous.map(str::to_owned),
                activate: false,
            },
        )
        .unwrap()
    }

    #[test]
    fn a_rename_moves_the_secret_and_the_active_mark() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let secrets = keyring();
        let mut config = Config::default();
        let first = save_as(&mut config, &file, &secrets, "a", None, Some("s3cret"));
        assert!(first.stored_secret && first.active, "{first:?}");
        save_as(&mut config, &file, &secrets, "b", None, None);
        assert_eq!(config.active_profile.as_deref(), Some("a"));
        let renamed = save_as(&mut config, &file, &secrets, "c", Some("a"), None);
        assert!(renamed.stored_secret && renamed.active, "{renamed:?}");
        assert!(renamed.warnings.is_empty(), "{:?}", renamed.warnings);
        assert!(config.profile("a").is_none());
        let moved = secrets.get("c", SecretKind::ClientSecret).unwrap().unwrap();
        assert_eq!(moved.expose(), "s3cret");
        assert!(
            secrets
                .get("a", SecretKind::ClientSecret)
                .unwrap()
                .is_none()
        );
        assert_eq!(Config::load(&file).unwrap(), config);
    }

    /// Regression: the window dropped a failed keyring delete on remove; the CLI warned.
    #[test]
    fn a_keyring_that_fails_on_remove_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let mut config = Config::default();
        let secrets = keyring();
        save_as(&mut config, &file, &secrets, "a", None, None);
        let warnings = remove(
            &mut config,
            &file,
            || SecretStore::unavailable("switched off for the test"),
            "a",
        )
        .unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("keyring entries may remain"),
            "{warnings:?}"
        );
        assert!(config.profiles.is_empty());
        assert!(matches!(
            remove(&mut config, &file, || secrets.clone(), "a"),
            Err(ProfileError::NotFound(_))
        ));
    }

    #[test]
    fn nothing_changes_when_the_secret_cannot_be_stored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let mut config = Config::default();
        let result = save(
            &mut config,
            &file,
            || SecretStore::unavailable("switched off for the test"),
            SaveProfile {
                profile: profile("a"),
                client_secret: Some(Secret::new("s3cret")),
                previous_name: None,
                activate: true,
            },
        );
        assert!(
            matches!(result, Err(ProfileError::Keyring(_))),
            "{result:?}"
        );
        assert!(config.profiles.is_empty());
        assert!(!file.exists());
    }
}
