//! Builds a ready [`PlatformClient`] from a target, a token source and the keyring: shared by the
//! CLI and the window's worker.

use std::sync::Arc;

use crate::api::{
    AccessToken, ClientError, Http, HttpSettings, PlatformClient, TokenCache, TokenManager,
    TokenSource,
};
use crate::model::Target;
use crate::store::secrets::{CachedToken, SecretStore};

/// The keyring scope of a profile's cached token: a token belongs to one client at one IMS.
pub fn token_cache_scope(profile: &str, target: &Target) -> String {
    format!("{profile}|{}|{}", target.client_id, target.ims_url)
}

/// A client for `target`. Tokens from IMS are cached in `secrets` when given.
pub fn build_client(
    target: Target,
    source: TokenSource,
    secrets: Option<&SecretStore>,
    profile: &str,
    settings: HttpSettings,
) -> Result<PlatformClient, ClientError> {
    let cache = match (&source, secrets) {
        (TokenSource::Ims(_), Some(store)) => Some(keyring_token_cache(store, profile, &target)),
        _ => None,
    };
    client_with_cache(target, source, cache, None, settings)
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
                expires_at_ms: c.expires_at_ms,
            }),
            Err(e) => {
                tracing::debug!(error = %e, "no cached token from the keyring");
                None
            }
        }
    }

    fn store(&self, token: &AccessToken) {
        let cached = CachedToken {
            token: token.token.clone(),
            expires_at_ms: token.expires_at_ms,
        };
        if let Err(e) = self.store.set_cached_token(&self.scope, &cached) {
            tracing::debug!(error = %e, "could not cache the token in the keyring");
        }
    }
}
