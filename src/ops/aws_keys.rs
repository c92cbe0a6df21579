//! AWS keys: read from the files users have (`~/.aws/credentials`, the IAM console's CSV),
//! remembered under a label (the secrets in the keyring, the key ID in the config), and loaded
//! back.
//!
//! Blocking (files, keyring, config): on an async thread, run these with `spawn_blocking`.

use std::path::Path;

use crate::import::{self, ImportError, aws::AwsCredential};
use crate::model::S3ConnectionInput;
use crate::store::config::{Config, ConfigError, SavedAwsKey};
use crate::store::secrets::{KeyringError, SecretKind, SecretStore};

use crate::error::{ErrorClass, Problem};

/// Why a remembered key could not be stored or loaded.
#[derive(Debug, thiserror::Error)]
pub enum AwsKeyError {
    /// The keyring failed.
    #[error("{0}")]
    Keyring(#[from] KeyringError),
    /// The config could not be saved.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The config names the key, but the keyring no longer holds its secret.
    #[error("the keyring has no secret for `{label}` any more")]
    Forgotten {
        /// The key's label.
        label: String,
    },
}

impl Problem for AwsKeyError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Local
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Keyring(e) => e.hint(),
            _ => None,
        }
    }
}

/// The keys in `path`: an IAM CSV (by its extension or its header) or a shared credentials
/// file. A file with no key is an error naming it.
pub fn read_file(path: &Path) -> Result<Vec<AwsCredential>, ImportError> {
    let name = path.display().to_string();
    let text = import::read_file(path)?;
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || text
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase()
            .contains("access key id,");
    let keys = if is_csv {
        import::aws::parse_iam_csv(&text, &name)?
    } else {
        import::aws::parse_credentials_ini(&text, &name)?
    };
    if keys.is_empty() {
        return Err(ImportError::new(&name, None, "no access keys in the file"));
    }
    Ok(keys)
}

/// Remembers `input`'s key under `label`: its secret key (and session token, or none) in the
/// keyring first, then its ID in `config`, saved to `config_file`. A label used before is
/// replaced.
pub fn remember(
    config: &mut Config,
    config_file: &Path,
    secrets: &SecretStore,
    label: &str,
    input: &S3ConnectionInput,
) -> Result<(), AwsKeyError> {
    secrets.set(label, SecretKind::AwsSecretKey, &input.secret_key)?;
    match &input.session_token {
        Some(token) => secrets.set(label, SecretKind::AwsSessionToken, token)?,
        None => secrets.delete(label, SecretKind::AwsSessionToken)?,
    }
    let mut next = config.clone();
    next.aws_keys.retain(|k| k.label != label);
    next.aws_keys.push(SavedAwsKey {
        label: label.to_owned(),
        access_key_id: input.access_key_id.clone(),
        has_session_token: input.session_token.is_some(),
    });
    next.save(config_file)?;
    *config = next;
    Ok(())
}

/// After a rotation that reached every connection: each key remembered with the ID
/// `old_access_key_id` now holds `new` (its ID and secrets) under the same label. Returns the
/// labels changed. Until a rotation is complete the old key stays as it was: connections that
/// still use it need it.
pub fn replace_rotated(
    config: &mut Config,
    config_file: &Path,
    secrets: &SecretStore,
    old_access_key_id: &str,
    new: &crate::ops::connections::NewCredentials,
) -> Result<Vec<String>, AwsKeyError> {
    let labels: Vec<String> = config
        .aws_keys
        .iter()
        .filter(|k| k.access_key_id == old_access_key_id.trim())
        .map(|k| k.label.clone())
        .collect();
    for label in &labels {
        // A session token replaced alone keeps the secret key the label already holds.
        let secret_key = if new.secret_key.expose().is_empty() {
            secrets
                .get(label, SecretKind::AwsSecretKey)?
                .unwrap_or_default()
        } else {
            new.secret_key.clone()
        };
        let input = S3ConnectionInput {
            access_key_id: new.access_key_id.clone(),
            secret_key,
            session_token: new.session_token.clone(),
            ..S3ConnectionInput::default()
        };
        remember(config, config_file, secrets, label, &input)?;
    }
    Ok(labels)
}

/// The key remembered as `label`, with its secrets from the keyring; `None` when the config
/// names no such key.
pub fn load(
    config: &Config,
    secrets: &SecretStore,
    label: &str,
) -> Result<Option<AwsCredential>, AwsKeyError> {
    let Some(saved) = config.aws_keys.iter().find(|k| k.label == label) else {
        return Ok(None);
    };
    let secret_key = secrets
        .get(label, SecretKind::AwsSecretKey)?
        .ok_or_else(|| AwsKeyError::Forgotten {
            label: label.to_owned(),
        })?;
    let session_token = if saved.has_session_token {
        secrets.get(label, SecretKind::AwsSessionToken)?
    } else {
        None
    };
    Ok(Some(AwsCredential {
        label: label.to_owned(),
        access_key_id: saved.access_key_id.clone(),
        secret_key,
        session_token,
        line: None,
    }))
}
