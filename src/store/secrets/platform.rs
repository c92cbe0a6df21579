//! The operating system's credential store: which one, and opening it.

use std::sync::Arc;

use keyring_core::CredentialStore;

use super::{BACKEND_MACOS, BACKEND_NONE, BACKEND_SECRET_SERVICE, BACKEND_WINDOWS};

/// Opens the platform's store; the error is already a sentence for users.
pub(super) fn open_platform_store() -> Result<Arc<CredentialStore>, String> {
    #[cfg(target_os = "linux")]
    {
        match zbus_secret_service_keyring_store::Store::new() {
            Ok(store) => Ok(store),
            Err(e) => {
                let detail = e.to_string();
                Err(if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
                    format!(
                        "there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set; {detail})"
                    )
                } else if detail.contains("Failed to connect") {
                    format!("the session D-Bus cannot be reached ({detail})")
                } else {
                    format!("no Secret Service answers on the session D-Bus ({detail})")
                })
            }
        }
    }
    #[cfg(target_os = "macos")]
    {
        match apple_native_keyring_store::keychain::Store::new() {
            Ok(store) => Ok(store),
            Err(e) => Err(format!("the login keychain could not be opened ({e})")),
        }
    }
    #[cfg(target_os = "windows")]
    {
        match windows_native_keyring_store::Store::new() {
            Ok(store) => Ok(store),
            Err(e) => Err(format!("Credential Manager could not be opened ({e})")),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
    {
        Err("this operating system has no keyring this app supports".to_owned())
    }
}

/// The name of the platform's backend, as messages show it.
pub(super) fn platform_backend() -> &'static str {
    if cfg!(target_os = "linux") {
        BACKEND_SECRET_SERVICE
    } else if cfg!(target_os = "macos") {
        BACKEND_MACOS
    } else if cfg!(target_os = "windows") {
        BACKEND_WINDOWS
    } else {
        BACKEND_NONE
    }
}
