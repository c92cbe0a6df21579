//! The keyring store: against keyring-core's mock store, and against the real OS keyring.
//!
//! The real-keyring tests run when a keyring is reachable (on Linux: a D-Bus session with a Secret
//! Service; `scripts/test.sh` starts a private one). Otherwise they are skipped, which fails under
//! CI (`common::require`).

// Helpers outside #[test] functions panic on purpose too: a failed unwrap is a failed test.

use std::sync::Arc;

use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::secrets::{
    CachedToken, KeyringError, KeyringStatus, SERVICE, SecretKind, SecretStore,
};
use keyring_core::{CredentialStore, Entry, mock};

use crate::common::environment::{keyring_needed, real_keyring, require};
use aep_s3_connect::model::EpochMs;

const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn mock_store() -> (SecretStore, Arc<CredentialStore>) {
    let raw: Arc<CredentialStore> = mock::Store::new().unwrap();
    (SecretStore::with_store(raw.clone(), "mock"), raw)
}

/// Makes the next operation on the mock entry for `scope`/`kind` fail with `err`.
fn fail_next(raw: &Arc<CredentialStore>, scope: &str, kind: SecretKind, err: keyring_core::Error) {
    let entry = Entry::new_in_store(raw, SERVICE, &kind.account(scope)).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(err);
}

fn random_value() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[test]
fn set_get_delete_round_trip() {
    let (store, _) = mock_store();
    assert_eq!(store.backend(), "mock");
    assert!(store.status().is_available());
    for kind in [
        SecretKind::ClientSecret,
        SecretKind::AccessToken,
        SecretKind::AwsSecretKey,
        SecretKind::AwsSessionToken,
    ] {
        store.set("acme", kind, &Secret::new(AWS_SECRET)).unwrap();
        assert_eq!(
            store.get("acme", kind).unwrap().unwrap().expose(),
            AWS_SECRET
        );
        store.set("acme", kind, &Secret::new("replaced")).unwrap();
        assert_eq!(
            store.get("acme", kind).unwrap().unwrap().expose(),
            "replaced"
        );
        store.delete("acme", kind).unwrap();
        assert!(store.get("acme", kind).unwrap().is_none());
    }
}

#[test]
fn kinds_and_scopes_are_separate_entries() {
    let (store, _) = mock_store();
    store
        .set("a", SecretKind::ClientSecret, &Secret::new("one"))
        .unwrap();
    store
        .set("b", SecretKind::ClientSecret, &Secret::new("two"))
        .unwrap();
    store
        .set("a", SecretKind::AwsSecretKey, &Secret::new("three"))
        .unwrap();
    assert_eq!(
        store
            .get("a", SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .expose(),
        "one"
    );
    assert_eq!(
        store
            .get("b", SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .expose(),
        "two"
    );
    assert_eq!(
        store
            .get("a", SecretKind::AwsSecretKey)
            .unwrap()
            .unwrap()
            .expose(),
        "three"
    );
}

#[test]
fn missing_entry_is_none_and_deleting_it_is_ok() {
    let (store, _) = mock_store();
    assert!(
        store
            .get("nobody", SecretKind::ClientSecret)
            .unwrap()
            .is_none()
    );
    store.delete("nobody", SecretKind::ClientSecret).unwrap();
    assert!(store.get_cached_token("nobody").unwrap().is_none());
}

#[test]
fn cached_token_round_trips_as_json() {
    let (store, raw) = mock_store();
    let token = CachedToken {
        token: Secret::new("eyJhbGciOiJSUzI1NiJ9.payload.sig"),
        expires_at_ms: EpochMs(1_900_000_000_123),
    };
    store.set_cached_token("acme", &token).unwrap();
    assert_eq!(store.get_cached_token("acme").unwrap(), Some(token));
    // The entry holds the documented JSON, so other versions can read it.
    let entry = Entry::new_in_store(&raw, SERVICE, "profile:acme:access-token").unwrap();
    let json: serde_json::Value = serde_json::from_str(&entry.get_password().unwrap()).unwrap();
    assert_eq!(json["token"], "eyJhbGciOiJSUzI1NiJ9.payload.sig");
    assert_eq!(json["expiresAtMs"], 1_900_000_000_123_i64);
}

#[test]
fn unreadable_cached_token_is_discarded() {
    let (store, _) = mock_store();
    store
        .set("acme", SecretKind::AccessToken, &Secret::new("not json"))
        .unwrap();
    assert!(store.get_cached_token("acme").unwrap().is_none());
    assert!(
        store
            .get("acme", SecretKind::AccessToken)
            .unwrap()
            .is_none()
    );
}

#[test]
fn unavailable_store_says_why_and_how_to_fix() {
    let store = SecretStore::unavailable("disabled by AEP_S3_CONNECT_NO_KEYRING=1");
    match store.status() {
        KeyringStatus::Unavailable { reason, fix, .. } => {
            assert!(reason.contains("AEP_S3_CONNECT_NO_KEYRING"));
            assert!(fix.contains("turned off"), "{fix}");
        }
        other @ KeyringStatus::Available { .. } => panic!("expected unavailable, got {other:?}"),
    }
    let err = store.get("acme", SecretKind::ClientSecret).unwrap_err();
    assert!(matches!(err, KeyringError::Unavailable { .. }));
    let message = err.to_string();
    assert!(message.contains(store.backend()), "{message}");
    assert!(
        message.contains("disabled by AEP_S3_CONNECT_NO_KEYRING=1"),
        "{message}"
    );
    assert!(err.fix().is_some());
    assert_eq!(
        aep_s3_connect::error::Problem::remedy(&err),
        Some(aep_s3_connect::error::Remedy::SecretsWithoutKeyring)
    );
    let err = store
        .set("acme", SecretKind::AwsSecretKey, &Secret::new(AWS_SECRET))
        .unwrap_err();
    assert!(!err.to_string().contains(AWS_SECRET));
    assert!(store.delete("acme", SecretKind::ClientSecret).is_err());
    assert!(store.get_cached_token("acme").is_err());
}

#[test]
fn locked_keyring_error_names_backend_action_and_fix() {
    let (store, raw) = mock_store();
    store
        .set("acme", SecretKind::ClientSecret, &Secret::new(AWS_SECRET))
        .unwrap();
    let locked = || {
        keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other(
            "SS Error: object locked",
        )))
    };
    fail_next(&raw, "acme", SecretKind::ClientSecret, locked());
    let err = store.get("acme", SecretKind::ClientSecret).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, KeyringError::Access { action: "read", .. }),
        "{err:?}"
    );
    assert!(message.contains("(mock)"), "{message}");
    assert!(
        message.contains("OAuth client secret for `acme`"),
        "{message}"
    );
    assert!(message.contains("To fix:"), "{message}");
    assert!(!message.contains(AWS_SECRET), "{message}");

    fail_next(&raw, "acme", SecretKind::ClientSecret, locked());
    let err = store
        .set(
            "acme",
            SecretKind::ClientSecret,
            &Secret::new("new-value-123"),
        )
        .unwrap_err();
    assert!(
        matches!(err, KeyringError::Access { action: "save", .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("new-value-123"));
    // The failed save left the old value alone, and the error was not sticky.
    assert_eq!(
        store
            .get("acme", SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .expose(),
        AWS_SECRET
    );

    fail_next(&raw, "acme", SecretKind::ClientSecret, locked());
    let err = store.delete("acme", SecretKind::ClientSecret).unwrap_err();
    assert!(
        matches!(
            err,
            KeyringError::Access {
                action: "delete",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn undecodable_value_is_reported_without_its_bytes() {
    let (store, raw) = mock_store();
    fail_next(
        &raw,
        "acme",
        SecretKind::AwsSessionToken,
        keyring_core::Error::BadEncoding(b"\xffsecret-bytes".to_vec()),
    );
    let err = store.get("acme", SecretKind::AwsSessionToken).unwrap_err();
    assert!(matches!(err, KeyringError::Corrupt { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("AWS session token for `acme`"),
        "{message}"
    );
    assert!(!message.contains("secret-bytes"), "{message}");
    assert!(!format!("{err:?}").contains("secret-bytes"));
}

#[test]
fn empty_values_and_scopes_are_refused() {
    let (store, _) = mock_store();
    let err = store
        .set("acme", SecretKind::ClientSecret, &Secret::new(""))
        .unwrap_err();
    assert!(matches!(err, KeyringError::Invalid { .. }), "{err:?}");
    let err = store.get("", SecretKind::ClientSecret).unwrap_err();
    assert!(matches!(err, KeyringError::Invalid { .. }), "{err:?}");
}

#[test]
fn store_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<SecretStore>();
    let (store, _) = mock_store();
    store
        .set("t", SecretKind::ClientSecret, &Secret::new("v"))
        .unwrap();
    let copy = store.clone();
    let got = std::thread::Builder::new()
        .name("keyring-test".into())
        .spawn(move || copy.get("t", SecretKind::ClientSecret).unwrap())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(got.unwrap().expose(), "v");
}

/// A store whose reads block until the test opens a gate: a keyring stuck on an unlock prompt.
mod gated {
    use std::any::Any;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, mpsc};

    use keyring_core::api::{CredentialApi, CredentialStoreApi};
    use keyring_core::{Credential, Entry, Result};

    pub struct GatedCred(pub Mutex<mpsc::Receiver<()>>);

    impl CredentialApi for GatedCred {
        fn set_secret(&self, _: &[u8]) -> Result<()> {
            Ok(())
        }
        fn get_secret(&self) -> Result<Vec<u8>> {
            let _ = self.0.lock().unwrap().recv();
            Ok(b"answered".to_vec())
        }
        fn delete_credential(&self) -> Result<()> {
            Ok(())
        }
        fn get_credential(&self) -> Result<Option<Arc<Credential>>> {
            Ok(None)
        }
        fn get_specifiers(&self) -> Option<(String, String)> {
            None
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    pub struct GatedStore(pub Arc<GatedCred>);

    impl CredentialStoreApi for GatedStore {
        fn vendor(&self) -> String {
            "gated".into()
        }
        fn id(&self) -> String {
            "gated".into()
        }
        fn build(&self, _: &str, _: &str, _: Option<&HashMap<&str, &str>>) -> Result<Entry> {
            Ok(Entry::new_with_credential(self.0.clone()))
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }
}

/// Regression: a locked Secret Service collection with no display waits forever on an unlock
/// prompt; calls must fail after the timeout, and later calls must fail at once, not pile up.
#[test]
fn a_keyring_that_never_answers_fails_instead_of_hanging() {
    use std::time::{Duration, Instant};
    let (open_gate, gate) = std::sync::mpsc::channel();
    let cred = Arc::new(gated::GatedCred(std::sync::Mutex::new(gate)));
    let limit = Duration::from_millis(200);
    let store =
        SecretStore::with_store(Arc::new(gated::GatedStore(cred)), "gated").with_timeout(limit);

    let err = store.get("acme", SecretKind::ClientSecret).unwrap_err();
    assert!(
        matches!(err, KeyringError::Access { action: "read", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("did not answer within"), "{err}");

    // A second call does not wait again: it is refused at once because the first is still
    // unanswered (how fast that is, is no business of a test).
    let err = store
        .clone()
        .get("acme", SecretKind::ClientSecret)
        .unwrap_err();
    assert!(err.to_string().contains("still unanswered"), "{err}");

    // The backend answers the stuck call at last, and the next one straight away.
    open_gate.send(()).unwrap();
    open_gate.send(()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match store.get("acme", SecretKind::ClientSecret) {
            Ok(value) => {
                assert_eq!(value.unwrap().expose(), "answered");
                break;
            }
            // The stuck thread clears its mark just after it answers; there is nothing to wait on.
            Err(e) if e.to_string().contains("still unanswered") && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// The real OS keyring, or `None` (the test skipped through [`require`]) when it cannot be used
/// here.
fn real_store() -> Option<SecretStore> {
    match real_keyring() {
        Ok(store) => Some(store),
        Err(why) => {
            require(&keyring_needed(&why), false);
            None
        }
    }
}

#[test]
fn real_keyring_round_trip() {
    let Some(store) = real_store() else {
        return;
    };
    let scope = format!("test-{}", random_value());
    let value = Secret::new(format!("{}/{}", random_value(), random_value()));
    let saved = store.set(&scope, SecretKind::AwsSecretKey, &value);
    if !require(
        &format!("a keyring that saves a secret ({saved:?})"),
        saved.is_ok(),
    ) {
        return;
    }
    let got = store.get(&scope, SecretKind::AwsSecretKey);
    let token = CachedToken {
        token: Secret::new(random_value()),
        expires_at_ms: EpochMs(1_900_000_000_000),
    };
    let token_saved = store.set_cached_token(&scope, &token);
    let token_got = store.get_cached_token(&scope);
    // Clean up before asserting so a failure leaves nothing behind in the user's keyring.
    let deleted = store.delete(&scope, SecretKind::AwsSecretKey);
    let token_deleted = store.delete(&scope, SecretKind::AccessToken);
    assert_eq!(got.unwrap().unwrap().expose(), value.expose());
    token_saved.unwrap();
    assert_eq!(token_got.unwrap(), Some(token));
    deleted.unwrap();
    token_deleted.unwrap();
    assert!(
        store
            .get(&scope, SecretKind::AwsSecretKey)
            .unwrap()
            .is_none()
    );
    store.delete(&scope, SecretKind::AwsSecretKey).unwrap();
}

/// Entries are found by their attributes (`service`, `username`), not by label: what the keyring
/// crate wrote directly, with another label, is the store's entry, and the crate sees what the
/// store wrote and deleted. Guards against a change of attributes or store (such as the own
/// Secret Service reader of earlier versions) that would orphan the secrets users already have.
#[cfg(target_os = "linux")]
#[test]
fn the_store_and_the_keyring_crate_see_the_same_entries() {
    let Some(store) = real_store() else {
        return;
    };
    let scope = format!("test-{}", random_value());
    let kind = SecretKind::ClientSecret;
    let crate_store: Arc<CredentialStore> =
        zbus_secret_service_keyring_store::Store::new().unwrap();
    let label = format!("{SERVICE}: test ({})", kind.account(&scope));
    let modifiers = std::collections::HashMap::from([("label", label.as_str())]);
    let entry = Entry::new_in_store_with_modifiers(
        &crate_store,
        SERVICE,
        &kind.account(&scope),
        &modifiers,
    )
    .unwrap();
    // Written by the crate directly, with another label: read through the store.
    let old = format!("old/{}", random_value());
    entry.set_password(&old).unwrap();
    let read_old = store.get(&scope, kind);
    // Written by the store now: read by the crate.
    let new = Secret::new(format!("new+{}", random_value()));
    let saved = store.set(&scope, kind, &new);
    let crate_read = entry.get_password();
    let read_new = store.get(&scope, kind);
    let deleted = store.delete(&scope, kind);
    let gone_for_the_crate = entry.get_password();
    let _ = entry.delete_credential();
    assert_eq!(read_old.unwrap().unwrap().expose(), old);
    saved.unwrap();
    assert_eq!(crate_read.unwrap(), new.expose());
    assert_eq!(read_new.unwrap().unwrap().expose(), new.expose());
    deleted.unwrap();
    assert!(matches!(
        gone_for_the_crate,
        Err(keyring_core::Error::NoEntry)
    ));
    assert!(store.get(&scope, kind).unwrap().is_none());
}

/// Runs `open_default` in a child test process whose D-Bus address points nowhere: the store must
/// come back unavailable with the Secret Service fix, not panic or hang.
#[cfg(target_os = "linux")]
#[test]
fn no_dbus_session_is_reported_with_the_fix() {
    const CHILD_VAR: &str = "AEP_S3_CONNECT_TEST_CHILD";
    if std::env::var_os(CHILD_VAR).is_some() {
        let store = SecretStore::open_default();
        let err = store.get("acme", SecretKind::ClientSecret).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, KeyringError::Unavailable { .. }), "{err:?}");
        assert!(message.contains("Secret Service (D-Bus)"), "{message}");
        assert!(message.contains("gnome-keyring"), "{message}");
        // The way round it is each front end's to word (variables here, "this session only"
        // in the window): data, not part of the keyring's sentence.
        assert_eq!(
            aep_s3_connect::error::Problem::remedy(&err),
            Some(aep_s3_connect::error::Remedy::SecretsWithoutKeyring)
        );
        println!("child saw: {message}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The test's path inside the test binary: its module (less the crate) and its name.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let name = format!("{module}::no_dbus_session_is_reported_with_the_fix");
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &name, "--nocapture"])
        .env(CHILD_VAR, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", dir.path().join("no-bus").display()),
        )
        .env("XDG_RUNTIME_DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}
