//! `config.toml`: load, save, and the profile operations, on real files in a temp dir.

// Helpers outside #[test] functions panic on purpose too: a failed unwrap is a failed test.

use std::fs;
use std::path::Path;

use aep_s3_connect::model::{DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES};
use aep_s3_connect::store::config::{Config, ConfigError, Profile, Timeouts};

const ORG: &str = "5C1328435BF324E90A49402A@AdobeOrg";
const CLIENT: &str = "0123456789abcdef0123456789abcdef";

fn profile(name: &str, sandbox: &str) -> Profile {
    Profile::new(name, ORG, CLIENT, sandbox)
}

fn sample() -> Config {
    let mut dev = profile("acme-dev", "dev");
    dev.technical_account_email = Some("abc@techacct.adobe.com".into());
    dev.platform_url = "http://127.0.0.1:8080".into();
    Config {
        active_profile: Some("acme-dev".into()),
        timeouts: Timeouts {
            connect_secs: 5,
            total_secs: 90,
            clock_slack_secs: 30,
        },
        profiles: vec![dev, profile("acme-prod", "prod")],
        aws_keys: vec![aep_s3_connect::store::config::SavedAwsKey {
            label: "landing".into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            has_session_token: false,
        }],
    }
}

fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn save_then_load_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config").join("config.toml");
    let config = sample();
    config.save(&path).unwrap();
    assert_eq!(Config::load(&path).unwrap(), config);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# aep-s3-connect configuration"));
    assert!(text.contains("[[profiles]]"));
}

#[test]
fn missing_file_is_the_default_config() {
    let tmp = tempfile::tempdir().unwrap();
    let config = Config::load(&tmp.path().join("nope.toml")).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.timeouts.connect_secs, 10);
    assert_eq!(config.timeouts.total_secs, 60);
    assert!(config.profiles.is_empty());
    assert!(config.active().is_none());
}

#[test]
fn omitted_fields_take_their_defaults_and_unknown_keys_are_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config.toml");
    let text = format!(
        "\u{feff}future_setting = true\n[timeouts]\ntotal_secs = 30\n\n[[profiles]]\nname = \"a\"\norg_id = \"{ORG}\"\nclient_id = \"{CLIENT}\"\nsandbox = \"prod\"\nnew_field = 1\n"
    );
    fs::write(&path, text).unwrap();
    let config = Config::load(&path).unwrap();
    assert_eq!(config.timeouts.connect_secs, 10);
    assert_eq!(config.timeouts.total_secs, 30);
    let p = &config.profiles[0];
    assert_eq!(p.platform_url, DEFAULT_PLATFORM_URL);
    assert_eq!(p.ims_url, DEFAULT_IMS_URL);
    assert_eq!(p.scopes, DEFAULT_SCOPES);
    assert_eq!(p.technical_account_email, None);
}

#[test]
fn malformed_file_error_names_file_line_and_column_and_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config.toml");
    let text = "active_profile = \"a\"\n\n[timeouts]\nconnect_secs = = 3\n";
    fs::write(&path, text).unwrap();
    let err = Config::load(&path).unwrap_err();
    match &err {
        ConfigError::Parse { line, column, .. } => {
            assert_eq!(*line, Some(4));
            assert!(column.is_some());
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("line 4, column"), "{message}");
    // Saving over it is refused: the user's edit must not be lost.
    let save_err = Config::default().save(&path).unwrap_err();
    assert!(
        matches!(save_err, ConfigError::Parse { .. }),
        "{save_err:?}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn wrong_type_error_names_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config.toml");
    fs::write(&path, "[timeouts]\nconnect_secs = \"ten\"\n").unwrap();
    let message = Config::load(&path).unwrap_err().to_string();
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn duplicate_profile_names_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config.toml");
    let one = format!(
        "[[profiles]]\nname = \"a\"\norg_id = \"{ORG}\"\nclient_id = \"{CLIENT}\"\nsandbox = \"prod\"\n"
    );
    fs::write(&path, format!("{one}{one}")).unwrap();
    let err = Config::load(&path).unwrap_err();
    assert!(matches!(err, ConfigError::DuplicateProfile { ref name, .. } if name == "a"));
    assert!(err.to_string().contains("`a`"));
}

#[test]
fn atomic_save_leaves_only_the_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config.toml");
    let mut config = sample();
    config.save(&path).unwrap();
    config.timeouts.total_secs = 120;
    config.save(&path).unwrap();
    assert_eq!(dir_entries(tmp.path()), vec!["config.toml".to_owned()]);
    assert_eq!(Config::load(&path).unwrap().timeouts.total_secs, 120);
}

#[cfg(unix)]
#[test]
fn failed_save_keeps_the_previous_file_and_leaves_no_temp_file() {
    use std::os::unix::fs::PermissionsExt;
    // Root ignores folder permissions: then this runs again as nobody.
    if !crate::common::environment::permissions_bind_or_run_as_nobody(
        module_path!(),
        "failed_save_keeps_the_previous_file_and_leaves_no_temp_file",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config.toml");
    sample().save(&path).unwrap();
    let before = fs::read_to_string(&path).unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o500)).unwrap();
    let result = Config::default().save(&path);
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o700)).unwrap();
    let err = result.unwrap_err();
    assert!(matches!(err, ConfigError::Write { .. }), "{err:?}");
    assert!(err.to_string().contains("previous file is unchanged"));
    assert_eq!(fs::read_to_string(&path).unwrap(), before);
    assert_eq!(dir_entries(tmp.path()), vec!["config.toml".to_owned()]);
}

#[test]
fn upsert_replaces_in_place_and_keeps_order() {
    let mut config = sample();
    assert!(config.upsert_profile(profile("new", "dev")).is_none());
    let replaced = config
        .upsert_profile(profile("acme-dev", "staging"))
        .unwrap();
    assert_eq!(replaced.sandbox, "dev");
    let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["acme-dev", "acme-prod", "new"]);
    assert_eq!(config.profile("acme-dev").unwrap().sandbox, "staging");
    // Upserting never changes which profile is active.
    assert_eq!(config.active_profile.as_deref(), Some("acme-dev"));
}

#[test]
fn remove_and_active() {
    let mut config = sample();
    assert_eq!(config.active().unwrap().name, "acme-dev");
    config.set_active("acme-prod").unwrap();
    assert_eq!(config.active().unwrap().name, "acme-prod");
    let err = config.set_active("ghost").unwrap_err();
    assert!(matches!(err, ConfigError::UnknownProfile { .. }));
    assert_eq!(config.active().unwrap().name, "acme-prod");

    assert!(config.remove_profile("ghost").is_none());
    assert_eq!(
        config.remove_profile("acme-prod").unwrap().name,
        "acme-prod"
    );
    assert_eq!(
        config.active_profile, None,
        "removing the active profile clears it"
    );
    // With exactly one profile left and none named, that one is active.
    assert_eq!(config.active().unwrap().name, "acme-dev");
    config.upsert_profile(profile("other", "dev"));
    assert!(config.active().is_none());
    // A name that no longer exists is not silently replaced by another profile.
    config.active_profile = Some("gone".into());
    assert!(config.active().is_none());
}

#[test]
fn saved_file_has_no_secret_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config.toml");
    sample().save(&path).unwrap();
    let text = fs::read_to_string(&path).unwrap().to_lowercase();
    // No key that could hold a secret (a flag such as `has_session_token` is fine).
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        assert!(
            !(key.contains("secret")
                || key.contains("password")
                || key.ends_with("token") && !key.starts_with("has_")),
            "config.toml has a secret-looking key: {key}"
        );
    }
}
