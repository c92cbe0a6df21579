//! Secrets in the OS keyring: one entry per secret per profile, under the service `aep-s3-connect`.
//!
//! Entry names (the keyring's "user"): `profile:<scope>:client-secret`, `profile:<scope>:access-token`
//! (the cached IMS token as JSON `{"token":..,"expiresAtMs":..}`, itself secret),
//! `aws:<scope>:secret-key` and `aws:<scope>:session-token`.
//!
//! There is no fallback: when the keyring cannot be used, every call fails with the backend, what
//! failed and how to fix it, and secrets never go to a file. No error carries a secret value.
//! Every call may block (D-Bus, Keychain, an unlock prompt): run them off the UI thread. The
//! platform store bounds each call (120 s with a display, time to type a password into a prompt;
//! 20 s without one, where a prompt can never be answered), so nothing hangs forever.
//!
//! This file is the store itself; `platform` opens the operating system's store, `hints` turns a
//! backend's failure into a reason and a fix a user can act on, and `timeout` bounds each call on a
//! thread of its own.

mod hints;
mod platform;
mod timeout;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};

use crate::model::EpochMs;
use crate::secret::Secret;
use hints::{fix_for, stall_fix, what};
use platform::{open_platform_store, platform_backend};
use timeout::{Stall, default_timeout, run_bounded};

/// Set to `1` to never open the OS keyring (secrets then come from the environment or stdin).
pub const NO_KEYRING_VAR: &str = "AEP_S3_CONNECT_NO_KEYRING";
/// The keyring service every entry of this app is stored under.
pub const SERVICE: &str = "aep-s3-connect";
/// Backend name of the Linux Secret Service (gnome-keyring, KeePassXC, KWallet's bridge).
pub const BACKEND_SECRET_SERVICE: &str = "Secret Service (D-Bus)";
/// Backend name of the macOS login keychain.
pub const BACKEND_MACOS: &str = "macOS Keychain";
/// Backend name of the Windows Credential Manager.
pub const BACKEND_WINDOWS: &str = "Windows Credential Manager";
/// Backend name on systems with no supported keyring.
pub const BACKEND_NONE: &str = "no keyring";

/// A kind of secret; with a scope (profile or AWS label) it names one keyring entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// A profile's OAuth client secret.
    ClientSecret,
    /// A profile's cached IMS access token (JSON with its expiry).
    AccessToken,
    /// An AWS secret access key.
    AwsSecretKey,
    /// An AWS session token.
    AwsSessionToken,
}

impl SecretKind {
    /// What users call it, for messages.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "OAuth client secret",
            SecretKind::AccessToken => "cached access token",
            SecretKind::AwsSecretKey => "AWS secret access key",
            SecretKind::AwsSessionToken => "AWS session token",
        }
    }

    /// The keyring user name of this secret for `scope`, e.g. `profile:acme:client-secret`.
    pub fn account(self, scope: &str) -> String {
        match self {
            SecretKind::ClientSecret => format!("profile:{scope}:client-secret"),
            SecretKind::AccessToken => format!("profile:{scope}:access-token"),
            SecretKind::AwsSecretKey => format!("aws:{scope}:secret-key"),
            SecretKind::AwsSessionToken => format!("aws:{scope}:session-token"),
        }
    }
}

/// An IMS access token cached in the keyring with its expiry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedToken {
    /// The bearer token.
    pub token: Secret,
    /// Expiry, epoch milliseconds.
    pub expires_at_ms: EpochMs,
}

/// The JSON written to the keyring entry; field names fixed so other versions can read it.
#[derive(Serialize)]
struct TokenJsonOut<'a> {
    token: &'a str,
    #[serde(rename = "expiresAtMs")]
    expires_at_ms: EpochMs,
}

#[derive(Deserialize)]
struct TokenJsonIn {
    token: String,
    #[serde(rename = "expiresAtMs")]
    expires_at_ms: EpochMs,
}

/// Whether the keyring can be used, and if not why and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyringStatus {
    /// The keyring opened.
    Available {
        /// Which keyring.
        backend: String,
    },
    /// The keyring could not be opened; secrets must come from the environment or stdin.
    Unavailable {
        /// Which keyring was tried.
        backend: String,
        /// What went wrong.
        reason: String,
        /// What the user can do.
        fix: String,
    },
}

impl KeyringStatus {
    /// True when the keyring opened.
    pub fn is_available(&self) -> bool {
        matches!(self, KeyringStatus::Available { .. })
    }
}

impl fmt::Display for KeyringStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyringStatus::Available { backend } => write!(f, "OS keyring: {backend}"),
            KeyringStatus::Unavailable {
                backend,
                reason,
                fix,
            } => write!(
                f,
                "the OS keyring ({backend}) is not available: {reason}. To fix: {fix}"
            ),
        }
    }
}

/// Why a keyring operation failed. Messages name the backend, what failed and the fix; never a
/// secret value.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// The keyring could not be opened at all (no D-Bus session, no Secret Service, unsupported OS).
    #[error("the OS keyring ({backend}) is not available: {reason}. To fix: {fix}")]
    Unavailable {
        /// Which keyring was tried.
        backend: String,
        /// What went wrong.
        reason: String,
        /// What the user can do.
        fix: String,
    },
    /// The keyring refused or failed an operation (locked, prompt dismissed, access denied).
    #[error("could not {action} the {what} in the OS keyring ({backend}): {reason}. To fix: {fix}")]
    Access {
        /// Which keyring.
        backend: String,
        /// "read", "save" or "delete".
        action: &'static str,
        /// Which secret, e.g. "OAuth client secret for `acme`".
        what: String,
        /// What went wrong.
        reason: String,
        /// What the user can do.
        fix: String,
    },
    /// The stored value is not what this app writes (the value itself is never shown).
    #[error(
        "the {what} stored in the OS keyring ({backend}) is unreadable ({reason}): store it again to replace it"
    )]
    Corrupt {
        /// Which keyring.
        backend: String,
        /// Which secret.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The name or value was refused (empty, too long for the backend).
    #[error("the {what} cannot be stored in the OS keyring ({backend}): {reason}")]
    Invalid {
        /// Which keyring.
        backend: String,
        /// Which secret.
        what: String,
        /// Why.
        reason: String,
    },
}

impl KeyringError {
    /// The fix to show next to the error, when there is one.
    pub fn fix(&self) -> Option<&str> {
        match self {
            KeyringError::Unavailable { fix, .. } | KeyringError::Access { fix, .. } => Some(fix),
            KeyringError::Corrupt { .. } | KeyringError::Invalid { .. } => None,
        }
    }
}

/// What a call does to an entry; its verb goes into messages.
#[derive(Clone, Copy)]
enum Op {
    Read,
    Save,
    Delete,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::Save => "save",
            Op::Delete => "delete",
        }
    }
}

#[derive(Clone)]
enum State {
    Ready(Arc<CredentialStore>),
    Unavailable { reason: String, fix: String },
}

/// The OS keyring, or the reason it cannot be used. Cheap to clone; safe to share across threads.
#[derive(Clone)]
pub struct SecretStore {
    backend: String,
    state: State,
    /// How long one call may take; `None` calls the backend on the caller's thread.
    timeout: Option<Duration>,
    /// Calls that timed out and whose backend call is still blocked (shared by clones).
    stalled: Arc<AtomicUsize>,
}

impl fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretStore")
            .field("backend", &self.backend)
            .field("available", &matches!(self.state, State::Ready(_)))
            .finish()
    }
}

impl SecretStore {
    /// The platform keyring (Linux: Secret Service over D-Bus; macOS: Keychain; Windows:
    /// Credential Manager). Never panics: if it cannot be opened the store is unavailable and
    /// every call says why.
    pub fn open_default() -> SecretStore {
        let backend = platform_backend();
        let limit = default_timeout();
        // Connecting may start a D-Bus activation that never finishes: bound it like every call.
        let opened = run_bounded(
            Some(limit),
            &Arc::new(AtomicUsize::new(0)),
            open_platform_store,
        );
        let store = match opened {
            Ok(Ok(store)) => store,
            Ok(Err(reason)) => return Self::unavailable_in(backend, reason, fix_for(backend)),
            Err(Stall::NoThread(e)) => {
                let reason = format!("could not start a thread to open it ({e})");
                return Self::unavailable_in(backend, reason, fix_for(backend));
            }
            Err(_) => {
                let secs = limit.as_secs();
                let reason = format!("it did not answer within {secs} s while being opened");
                return Self::unavailable_in(backend, reason, fix_for(backend));
            }
        };
        Self::with_store(store, backend).with_timeout(limit)
    }

    /// A store over any keyring-core credential store (tests use `keyring_core::mock::Store`).
    ///
    /// Calls run on the caller's thread with no time limit; see [`SecretStore::with_timeout`].
    pub fn with_store(store: Arc<CredentialStore>, backend: &str) -> SecretStore {
        SecretStore {
            backend: backend.to_owned(),
            state: State::Ready(store),
            timeout: None,
            stalled: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Bounds every call: one that takes longer (a keyring waiting on an unlock prompt nobody can
    /// see) fails with an error instead of hanging, and later calls fail at once until it ends.
    pub fn with_timeout(mut self, limit: Duration) -> SecretStore {
        self.timeout = Some(limit);
        self
    }

    /// The OS keyring, unless [`NO_KEYRING_VAR`] is `1` (then a store that refuses every call,
    /// saying so): how both front ends open it.
    pub fn open_unless_disabled() -> SecretStore {
        if std::env::var(NO_KEYRING_VAR).is_ok_and(|v| v == "1") {
            Self::unavailable(&format!("disabled by {NO_KEYRING_VAR}=1"))
        } else {
            Self::open_default()
        }
    }

    /// A store that refuses every call with `reason` (e.g. the keyring was disabled on purpose).
    pub fn unavailable(reason: &str) -> SecretStore {
        Self::unavailable_in(
            platform_backend(),
            reason.to_owned(),
            "it is turned off for this run, so secrets must come another way".to_owned(),
        )
    }

    fn unavailable_in(backend: &str, reason: String, fix: String) -> SecretStore {
        SecretStore {
            backend: backend.to_owned(),
            state: State::Unavailable { reason, fix },
            timeout: None,
            stalled: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Which keyring this is, e.g. "Secret Service (D-Bus)".
    pub fn backend(&self) -> &str {
        &self.backend
    }

    /// Whether the keyring opened, and if not why and how to fix it.
    pub fn status(&self) -> KeyringStatus {
        match &self.state {
            State::Ready(_) => KeyringStatus::Available {
                backend: self.backend.clone(),
            },
            State::Unavailable { reason, fix } => KeyringStatus::Unavailable {
                backend: self.backend.clone(),
                reason: reason.clone(),
                fix: fix.clone(),
            },
        }
    }

    /// The secret of `kind` for `scope`; `Ok(None)` when there is no such entry.
    pub fn get(&self, scope: &str, kind: SecretKind) -> Result<Option<Secret>, KeyringError> {
        self.call(Op::Read, scope, kind, |entry| match entry.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    /// Stores (or replaces) the secret of `kind` for `scope`.
    pub fn set(&self, scope: &str, kind: SecretKind, value: &Secret) -> Result<(), KeyringError> {
        if value.is_empty() {
            return Err(KeyringError::Invalid {
                backend: self.backend.clone(),
                what: what(scope, kind),
                reason: "it is empty (delete the entry instead)".to_owned(),
            });
        }
        let value = value.clone();
        self.call(Op::Save, scope, kind, move |entry| {
            entry.set_password(value.expose())
        })
    }

    /// Deletes the secret of `kind` for `scope`; deleting a missing entry is not an error.
    pub fn delete(&self, scope: &str, kind: SecretKind) -> Result<(), KeyringError> {
        self.call(Op::Delete, scope, kind, |entry| {
            match entry.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(e) => Err(e),
            }
        })
    }

    /// The cached IMS token for `profile`. An unreadable cache entry is discarded (the token is
    /// simply fetched again) and logged, rather than failing the command.
    pub fn get_cached_token(&self, profile: &str) -> Result<Option<CachedToken>, KeyringError> {
        let Some(raw) = self.get(profile, SecretKind::AccessToken)? else {
            return Ok(None);
        };
        match serde_json::from_str::<TokenJsonIn>(raw.expose()) {
            Ok(parsed) => Ok(Some(CachedToken {
                token: Secret::new(parsed.token),
                expires_at_ms: parsed.expires_at_ms,
            })),
            // serde_json's message may quote the value, so only the position is logged.
            Err(e) => {
                tracing::warn!(
                    backend = %self.backend,
                    line = e.line(),
                    column = e.column(),
                    "the cached access token in the OS keyring is not in the expected format; discarding it"
                );
                if let Err(e) = self.delete(profile, SecretKind::AccessToken) {
                    tracing::warn!(error = %e, "could not delete the unreadable cached token");
                }
                Ok(None)
            }
        }
    }

    /// Caches an IMS token for `profile` (as JSON with its expiry).
    pub fn set_cached_token(&self, profile: &str, t: &CachedToken) -> Result<(), KeyringError> {
        // Written into a zeroizing buffer with room for it all: `to_string` would grow its own
        // buffer and free the outgrown copies of the token unzeroized.
        let mut json = zeroize::Zeroizing::new(Vec::with_capacity(t.token.expose().len() + 64));
        serde_json::to_writer(
            &mut *json,
            &TokenJsonOut {
                token: t.token.expose(),
                expires_at_ms: t.expires_at_ms,
            },
        )
        .map_err(|_| KeyringError::Invalid {
            backend: self.backend.clone(),
            what: what(profile, SecretKind::AccessToken),
            reason: "it could not be encoded as JSON".to_owned(),
        })?;
        // serde_json writes UTF-8: this is one exact-size copy, straight into a `Secret`.
        let json = Secret::new(String::from_utf8_lossy(&json).into_owned());
        self.set(profile, SecretKind::AccessToken, &json)
    }

    /// Builds the entry and runs `work` on it, bounded by the timeout, mapping every failure.
    fn call<T, F>(&self, op: Op, scope: &str, kind: SecretKind, work: F) -> Result<T, KeyringError>
    where
        T: Send + 'static,
        F: FnOnce(&Entry) -> keyring_core::Result<T> + Send + 'static,
    {
        let store = match &self.state {
            State::Ready(store) => store.clone(),
            State::Unavailable { reason, fix } => {
                return Err(KeyringError::Unavailable {
                    backend: self.backend.clone(),
                    reason: reason.clone(),
                    fix: fix.clone(),
                });
            }
        };
        if scope.is_empty() || scope.chars().any(char::is_control) {
            return Err(KeyringError::Invalid {
                backend: self.backend.clone(),
                what: kind.label().to_owned(),
                reason: "its profile or key name is empty or has control characters".to_owned(),
            });
        }
        let account = kind.account(scope);
        // A label makes the entry recognisable in Passwords and Keys / KeePassXC; other stores
        // (the mock among them) refuse modifiers they do not know.
        let label = (self.backend == BACKEND_SECRET_SERVICE)
            .then(|| format!("{SERVICE}: {} ({account})", kind.label()));
        let job = move || {
            let entry = match &label {
                Some(label) => {
                    let modifiers = std::collections::HashMap::from([("label", label.as_str())]);
                    Entry::new_in_store_with_modifiers(&store, SERVICE, &account, &modifiers)?
                }
                None => Entry::new_in_store(&store, SERVICE, &account)?,
            };
            work(&entry)
        };
        let result = match self.timeout {
            None => job(),
            Some(limit) => run_bounded(Some(limit), &self.stalled, job).map_err(|stall| {
                KeyringError::Access {
                    backend: self.backend.clone(),
                    action: op.verb(),
                    what: what(scope, kind),
                    reason: stall.reason(limit),
                    fix: stall_fix(&self.backend),
                }
            })?,
        };
        result.map_err(|e| hints::keyring_error(&self.backend, op, scope, kind, e))
    }
}

impl crate::error::Problem for KeyringError {
    fn class(&self) -> crate::error::ErrorClass {
        crate::error::ErrorClass::Local
    }

    fn hint(&self) -> Option<String> {
        self.fix().map(str::to_owned)
    }

    fn remedy(&self) -> Option<crate::error::Remedy> {
        Some(crate::error::Remedy::SecretsWithoutKeyring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_follow_the_documented_layout() {
        assert_eq!(
            SecretKind::ClientSecret.account("acme"),
            "profile:acme:client-secret"
        );
        assert_eq!(
            SecretKind::AccessToken.account("acme"),
            "profile:acme:access-token"
        );
        assert_eq!(
            SecretKind::AwsSecretKey.account("prod-key"),
            "aws:prod-key:secret-key"
        );
        assert_eq!(
            SecretKind::AwsSessionToken.account("prod-key"),
            "aws:prod-key:session-token"
        );
    }
}
