//! What a keyring failure means to a user: keyring-core's errors mapped to [`KeyringError`], each
//! with a reason and a fix (unlock the keyring, start a Secret Service, or pass the secret
//! directly). No message carries a secret value.

use zeroize::Zeroize;

use super::{BACKEND_MACOS, BACKEND_NONE, BACKEND_SECRET_SERVICE, BACKEND_WINDOWS};
use super::{KeyringError, Op, SERVICE, SecretKind};

/// Maps a keyring-core error to one a user can act on. Byte payloads (which may hold the
/// secret) are zeroized and never shown.
pub(super) fn keyring_error(
    backend: &str,
    op: Op,
    scope: &str,
    kind: SecretKind,
    e: keyring_core::Error,
) -> KeyringError {
    use keyring_core::Error as E;
    let what = what(scope, kind);
    let access = |reason: String, fix: String| KeyringError::Access {
        backend: backend.to_owned(),
        action: op.verb(),
        what: what.clone(),
        reason,
        fix,
    };
    match e {
        E::NoStorageAccess(err) | E::PlatformFailure(err) => {
            let (reason, fix) = explain_platform_error(backend, &err.to_string());
            access(reason, fix)
        }
        E::BadEncoding(mut bytes) => {
            bytes.zeroize();
            KeyringError::Corrupt {
                backend: backend.to_owned(),
                what,
                reason: "it is not UTF-8 text".to_owned(),
            }
        }
        E::BadDataFormat(mut bytes, err) => {
            bytes.zeroize();
            KeyringError::Corrupt {
                backend: backend.to_owned(),
                what,
                reason: err.to_string(),
            }
        }
        E::TooLong(name, limit) => KeyringError::Invalid {
            backend: backend.to_owned(),
            what,
            reason: format!("its {name} is longer than this keyring's limit of {limit}"),
        },
        E::Invalid(name, reason) => KeyringError::Invalid {
            backend: backend.to_owned(),
            what,
            reason: format!("its {name} {reason}"),
        },
        E::Ambiguous(entries) => access(
            format!("{} keyring items match it", entries.len()),
            format!(
                "remove the duplicates of `{}` (service `{SERVICE}`) with your keyring manager",
                kind.account(scope)
            ),
        ),
        other => access(other.to_string(), fix_for(backend)),
    }
}

/// The fix for a call that did not answer in time: on Linux, most likely a locked keyring.
pub(super) fn stall_fix(backend: &str) -> String {
    if backend == BACKEND_SECRET_SERVICE {
        unlock_fix()
    } else {
        fix_for(backend)
    }
}

/// How to unlock the Secret Service's default keyring.
fn unlock_fix() -> String {
    "unlock the default keyring (log in to the desktop session, or unlock it in Passwords and \
     Keys / KeePassXC; headless: `printf %s PASSWORD | gnome-keyring-daemon --unlock`), then try \
     again"
        .to_owned()
}

/// Which secret, for messages, e.g. "OAuth client secret for `acme`".
pub(super) fn what(scope: &str, kind: SecretKind) -> String {
    format!("{} for `{scope}`", kind.label())
}

/// What a user can do when the backend cannot be reached or refuses.
pub(super) fn fix_for(backend: &str) -> String {
    match backend {
        BACKEND_SECRET_SERVICE => "run inside a desktop session (or `dbus-run-session`) with a \
             Secret Service provider: install and start gnome-keyring (`gnome-keyring-daemon \
             --start --components=secrets`) or KeePassXC with Secret Service integration enabled"
            .to_owned(),
        BACKEND_MACOS => {
            "unlock the login keychain in Keychain Access and allow aep-s3-connect when macOS asks"
                .to_owned()
        }
        BACKEND_WINDOWS => "check that Credential Manager works for this user (it is missing for \
             some service accounts)"
            .to_owned(),
        BACKEND_NONE => "this system has no keyring this app supports".to_owned(),
        other => format!("check that the {other} is available and unlocked"),
    }
}

/// Turns a backend's error text into a reason and a fix. The zbus store reports the
/// secret-service crate's errors, a type this crate does not depend on, so its messages
/// (stable strings in secret-service 5) are matched as text.
fn explain_platform_error(backend: &str, detail: &str) -> (String, String) {
    if backend != BACKEND_SECRET_SERVICE {
        return (
            format!("the keyring refused or failed ({detail})"),
            fix_for(backend),
        );
    }
    let unlock = unlock_fix();
    let lower = detail.to_ascii_lowercase();
    if lower.contains("locked") {
        (format!("the keyring is locked ({detail})"), unlock)
    } else if lower.contains("prompt dismissed") || lower.contains("prompt completed") {
        (
            format!("the unlock prompt was dismissed or closed ({detail})"),
            unlock,
        )
    } else if lower.contains("result not returned") {
        (
            format!("the Secret Service has no default collection to keep secrets in ({detail})"),
            "create a default keyring (a \"Login\" keyring set as default in Passwords and Keys; \
             `gnome-keyring-daemon --unlock` creates one headless)"
                .to_owned(),
        )
    } else if lower.contains("serviceunknown")
        || lower.contains("no secret service")
        || lower.contains("was not provided by any .service files")
    {
        (
            format!("no Secret Service answers on the session D-Bus ({detail})"),
            fix_for(backend),
        )
    } else {
        (
            format!("the Secret Service failed ({detail})"),
            fix_for(backend),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_service_errors_get_specific_fixes() {
        let (reason, fix) =
            explain_platform_error(BACKEND_SECRET_SERVICE, "SS Error: object locked");
        assert!(reason.contains("locked"));
        assert!(fix.contains("--unlock"));
        let (reason, fix) = explain_platform_error(
            BACKEND_SECRET_SERVICE,
            "SS error: result not returned from SS API",
        );
        assert!(reason.contains("default collection"));
        assert!(fix.contains("Login"));
        let (reason, fix) = explain_platform_error(
            BACKEND_SECRET_SERVICE,
            "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable",
        );
        assert!(reason.contains("no Secret Service"));
        assert!(fix.contains("gnome-keyring"));
        assert!(
            !fix.contains("AEP_CLIENT_SECRET"),
            "a front end's own part is not in the fix"
        );
        let (_, fix) = explain_platform_error("mock", "boom");
        assert!(fix.contains("mock"));
    }
}
