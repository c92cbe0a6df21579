//! Where the IMS credential comes from, and the client built on it. One function for both front
//! ends: the CLI (options, environment, keyring) and the window (profile, demo, editor).
//!
//! With the profile's client secret in the keyring, the cached token is read first: while it is
//! good the secret is read only if IMS must be asked after all (Platform rejecting the token), so
//! the usual run reads one keyring entry, not two (BENCHMARKS.md, CLI create).

use std::sync::Arc;

use crate::api::{
    AccessToken, ClientCredentials, ClientError, ClientSecret, Http, HttpSettings, PlatformClient,
    TokenCache, TokenManager, TokenOrigin, TokenSource,
};
use crate::model::{EpochMs, Target};
use crate::secret::Secret;
use crate::store::secrets::{CachedToken, KeyringError, SecretKind, SecretStore};

use crate::error::{ErrorClass, NoClientSecret, Problem};

/// What feeds the token.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A token used as given for this session (`AEP_ACCESS_TOKEN`): IMS and the keyring are not
    /// asked, and it is never renewed.
    Token(Secret),
    /// A client secret used as given (`AEP_CLIENT_SECRET`, the demo's, or one typed in the
    /// profile editor); tokens are cached in the keyring.
    ClientSecret(Secret),
    /// The profile's client secret in the keyring; tokens are cached there too.
    Keyring,
}

/// Whose client to build.
#[derive(Clone, Debug)]
pub struct ClientSpec {
    /// Org, client, sandbox and endpoints.
    pub target: Target,
    /// The profile's name (names its keyring entries).
    pub profile: String,
    /// Whether the profile is stored (else it has no keyring entries to read).
    pub stored_profile: bool,
    /// What feeds the token.
    pub credential: Credential,
    /// Timeouts and retry bounds.
    pub settings: HttpSettings,
}

/// Why no client could be built.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The client secret is to come from the keyring, and the profile has none there (or no
    /// stored profile names one: `profile` is `None`).
    #[error(transparent)]
    NoSecret(#[from] NoClientSecret),
    /// The keyring could not be read.
    #[error("{0}")]
    Keyring(#[from] KeyringError),
    /// The HTTP client could not be made (no TLS provider, say).
    #[error("{0}")]
    Client(#[from] ClientError),
}

impl Problem for TokenError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::NoSecret(e) => e.class(),
            Self::Keyring(_) | Self::Client(_) => ErrorClass::Local,
        }
    }

    fn behind(&self) -> Option<&dyn Problem> {
        match self {
            Self::Keyring(e) => Some(e),
            Self::Client(e) => Some(e),
            Self::NoSecret(e) => Some(e),
        }
    }
}

/// The client for `spec`. Blocking: it may read the keyring (on an async thread, run it with
/// `spawn_blocking`). `secrets` opens the keyring, and is called only if it is needed.
pub fn client(
    spec: ClientSpec,
    secrets: impl FnOnce() -> SecretStore,
) -> Result<PlatformClient, TokenError> {
    build(spec, secrets, UseCache::Keyring)
}

/// A client for trying `spec`'s credential out (a profile's Test): its first token comes from
/// IMS, asked afresh with the secret given, else the stored profile's secret in the keyring.
/// The token cache is neither read nor written, so a token cached earlier cannot stand in for a
/// wrong secret, and a profile not saved leaves nothing behind. Blocking, like [`client`].
pub fn uncached_client(
    spec: ClientSpec,
    secrets: impl FnOnce() -> SecretStore,
) -> Result<PlatformClient, TokenError> {
    build(spec, secrets, UseCache::No)
}

/// The variable that hands both front ends an access token for one session, skipping IMS.
pub const ACCESS_TOKEN_VAR: &str = "AEP_ACCESS_TOKEN";

/// The access token in [`ACCESS_TOKEN_VAR`], if set: refused, naming the variable, when it is not
/// UTF-8 or holds anything an `Authorization` header cannot carry (a line break, a space,
/// another control or non-ASCII character), so that nothing is sent with it. The token is never
/// repeated.
pub fn access_token_from_env() -> Result<Option<Secret>, String> {
    let token = crate::secret::env_secret(ACCESS_TOKEN_VAR)?;
    if let Some(t) = &token
        && !t.expose().bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(format!(
            "{ACCESS_TOKEN_VAR} holds a character that cannot travel in an HTTP header (a line break, a space, or another control or non-ASCII character), so it was not used: set it to the access token alone"
        ));
    }
    Ok(token)
}

/// Whether a client reads and writes the token cache in the keyring.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UseCache {
    Keyring,
    No,
}

fn build(
    spec: ClientSpec,
    secrets: impl FnOnce() -> SecretStore,
    use_cache: UseCache,
) -> Result<PlatformClient, TokenError> {
    let ClientSpec {
        target,
        profile,
        stored_profile,
        credential,
        settings,
    } = spec;
    let typed = match credential {
        Credential::Token(token) => {
            return Ok(client_with_cache(
                target,
                TokenSource::Fixed(token),
                None,
                None,
                settings,
            )?);
        }
        Credential::ClientSecret(secret) => Some(secret),
        Credential::Keyring if !stored_profile => {
            return Err(NoClientSecret { profile: None }.into());
        }
        Credential::Keyring => None,
    };
    let (client_secret, cache, cached) = match (use_cache, typed) {
        // A test with the secret as typed: the keyring is not even opened.
        (UseCache::No, Some(secret)) => (ClientSecret::Given(secret), None, Some(None)),
        (UseCache::No, None) => {
            let secret =
                secrets()
                    .get(&profile, SecretKind::ClientSecret)?
                    .ok_or(NoClientSecret {
                        profile: Some(profile),
                    })?;
            (ClientSecret::Given(secret), None, Some(None))
        }
        (UseCache::Keyring, typed) => {
            let secrets = secrets();
            let cache = keyring_token_cache(&secrets, &profile, &target);
            match typed {
                Some(secret) => (ClientSecret::Given(secret), Some(cache), None),
                None => {
                    let cached = cache.load().filter(|t| !t.needs_renewal(EpochMs::now()));
                    let secret = match cached {
                        Some(_) => deferred_client_secret(secrets, profile),
                        None => ClientSecret::Given(
                            secrets.get(&profile, SecretKind::ClientSecret)?.ok_or(
                                NoClientSecret {
                                    profile: Some(profile),
                                },
                            )?,
                        ),
                    };
                    (secret, Some(cache), Some(cached))
                }
            }
        }
    };
    let source = TokenSource::Ims(ClientCredentials {
        ims_url: target.ims_url.clone(),
        client_id: target.client_id.clone(),
        client_secret,
        scopes: target.scopes.clone(),
    });
    Ok(client_with_cache(target, source, cache, cached, settings)?)
}

/// The profile's client secret, read from the keyring only if a token must be fetched.
fn deferred_client_secret(secrets: SecretStore, profile: String) -> ClientSecret {
    ClientSecret::Deferred(Arc::new(move || {
        match secrets.get(&profile, SecretKind::ClientSecret) {
            Ok(Some(secret)) => Ok(secret),
            Ok(None) => Err(NoClientSecret {
                profile: Some(profile.clone()),
            }
            .into()),
            Err(e) => Err(ClientError::Missing(e.to_string())),
        }
    }))
}

/// The keyring scope of a profile's cached token: a token belongs to one client at one IMS.
pub fn token_cache_scope(profile: &str, target: &Target) -> String {
    format!("{profile}|{}|{}", target.client_id, target.ims_url)
}

/// A client whose tokens are cached in `cache`. `cached` is what the caller already read from
/// it (`Some(None)`: nothing usable), so it is not read again; `None` leaves that to the
/// token manager.
pub fn client_with_cache(
    target: Target,
    source: TokenSource,
    cache: Option<Arc<dyn TokenCache>>,
    cached: Option<Option<AccessToken>>,
    settings: HttpSettings,
) -> Result<PlatformClient, ClientError> {
    let http = Http::new(settings)?;
    let mut tokens = TokenManager::new(http.clone(), source, cache);
    if let Some(cached) = cached {
        tokens = tokens.with_cached(cached);
    }
    Ok(PlatformClient::new(http, Arc::new(tokens), target))
}

/// The keyring's cache of IMS tokens for `profile` on `target`.
pub fn keyring_token_cache(
    store: &SecretStore,
    profile: &str,
    target: &Target,
) -> Arc<dyn TokenCache> {
    Arc::new(KeyringTokenCache {
        store: store.clone(),
        scope: token_cache_scope(profile, target),
    })
}

/// The IMS token cache in the OS keyring. A keyring that fails only costs a token request.
struct KeyringTokenCache {
    store: SecretStore,
    scope: String,
}

impl TokenCache for KeyringTokenCache {
    fn load(&self) -> Option<AccessToken> {
        match self.store.get_cached_token(&self.scope) {
            Ok(cached) => cached.map(|c| AccessToken {
                token: c.token,
                expires_at: Some(c.expires_at_ms),
                origin: TokenOrigin::Cache,
            }),
            Err(e) => {
                tracing::debug!(error = %e, "no cached token from the keyring");
                None
            }
        }
    }

    fn store(&self, token: &AccessToken) {
        // Only a token whose end is known can be reused from the cache.
        let Some(end) = token.expires_at else {
            return;
        };
        let cached = CachedToken {
            token: token.token.clone(),
            expires_at_ms: end,
        };
        if let Err(e) = self.store.set_cached_token(&self.scope, &cached) {
            tracing::debug!(error = %e, "could not cache the token in the keyring");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::config::Profile;

    fn spec(stored_profile: bool, credential: Credential) -> ClientSpec {
        ClientSpec {
            target: Profile::new("p", "ABC123@AdobeOrg", "client", "dev").target(),
            profile: "p".to_owned(),
            stored_profile,
            credential,
            settings: HttpSettings::default(),
        }
    }

    /// A profile's Test: a typed secret never opens the keyring (no cache read, none written),
    /// and a profile not saved has no secret there to fall back on.
    #[test]
    fn a_test_client_reads_the_keyring_only_for_a_stored_secret() {
        let typed = uncached_client(
            spec(false, Credential::ClientSecret(Secret::new("typed"))),
            || panic!("the keyring was opened"),
        );
        assert!(typed.is_ok());
        assert!(matches!(
            uncached_client(spec(false, Credential::Keyring), || panic!("opened")),
            Err(TokenError::NoSecret(NoClientSecret { profile: None }))
        ));
        let keyring = SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock");
        let missing = uncached_client(spec(true, Credential::Keyring), || keyring.clone());
        assert!(
            matches!(
                missing,
                Err(TokenError::NoSecret(NoClientSecret { profile: Some(_) }))
            ),
            "{missing:?}"
        );
        keyring
            .set("p", SecretKind::ClientSecret, &Secret::new("stored"))
            .unwrap();
        assert!(uncached_client(spec(true, Credential::Keyring), || keyring.clone()).is_ok());
    }
}
