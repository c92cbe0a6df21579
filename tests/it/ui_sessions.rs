//! The window's session state, driven with egui_kittest against the emulator on loopback: a
//! profile's Test (never a cached token), the sandbox used for this session apart from the one
//! saved in the profile, and the profile and connection forms' validation (shown once edited,
//! tied to its field for screen readers).

use aep_s3_connect::emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID};
use aep_s3_connect::ops::token::token_cache_scope;
use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::config::{Config, Profile};
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::store::secrets::{SecretKind, SecretStore};
use aep_s3_connect::ui::AepApp;
use aep_s3_connect::ui::dialogs::PresetDialogs;
use aep_s3_connect::worker::WorkerSettings;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::World;
use crate::common::ui::{
    app_on, harness, has_label, input_role, step_until, type_into, window_text, within_width,
};

/// The config file's view of the active profile's sandbox.
fn saved_sandbox(w: &World) -> String {
    let config = Config::load(&AppPaths::under(w.home.path()).config_file()).unwrap();
    config.active().unwrap().sandbox.clone()
}

fn open_profiles(h: &mut Harness<'_, AepApp>) {
    h.get_by_role_and_label(Role::Button, "Profiles").click();
    step_until(h, "the profiles", |h| has_label(h, "Add profile"));
}

fn click(h: &mut Harness<'_, AepApp>, label: &str) {
    h.get_by_label(label).click();
    h.step();
}

/// Opens the top bar's sandbox picker (the window lists the sandboxes by itself): the combo, or
/// the chip's menu where the bar is folded. The bar may fold once the sandbox's kind is known
/// (the badge takes room), closing a combo opened just before: so it is tried again.
fn open_sandbox_picker(h: &mut Harness<'_, AepApp>) {
    let is_chip = |l: &str| l.starts_with("Profile ") && l.contains(", sandbox ");
    for _ in 0..10 {
        step_until(h, "the sandbox picker", |h| {
            h.query_by(|n| n.label().is_some_and(|l| is_chip(&l)))
                .is_some()
                || h.query_by_role_and_label(Role::ComboBox, "Sandbox")
                    .is_some()
        });
        if !egui::Popup::is_any_open(&h.ctx) {
            match h.query_by(|n| n.label().is_some_and(|l| is_chip(&l))) {
                Some(chip) => chip.click(),
                None => h.get_by_role_and_label(Role::ComboBox, "Sandbox").click(),
            }
            h.step();
        }
        // The list may still be on its way; a bar that folded meanwhile closed the popup.
        step_until(h, "the sandboxes, or the popup closed", |h| {
            has_label(h, "Save prod to profile") || !egui::Popup::is_any_open(&h.ctx)
        });
        if has_label(h, "Save prod to profile") {
            // A popup's first frame only measures it: its buttons take clicks from the next one.
            h.step();
            return;
        }
    }
    panic!("the sandbox picker did not open");
}

/// Presses Backspace `n` times in the input (text or password) labelled `label`.
fn erase(h: &mut Harness<'_, AepApp>, label: &str, n: usize) {
    let role = input_role(h, label);
    h.get_by_role_and_label(role, label).focus();
    h.step();
    for _ in 0..n {
        h.key_press(egui::Key::Backspace);
        h.step();
    }
}

/// Regression: Test passed with a wrong client secret, as the token cached for the
/// profile was used instead of asking IMS; and it cached a token for a profile not saved.
#[test]
fn profile_test_asks_ims_afresh_with_the_secret_as_typed() {
    let w = World::new();
    let url = w.emu().base_url();
    let paths = AppPaths::under(w.home.path());
    paths.create_dirs().unwrap();
    let mut profile = Profile::new("test", DEMO_ORG_ID, DEMO_CLIENT_ID, "dev");
    profile.platform_url.clone_from(&url);
    profile.ims_url.clone_from(&url);
    let target = profile.target();
    Config {
        active_profile: Some("test".into()),
        profiles: vec![profile],
        ..Config::default()
    }
    .save(&paths.config_file())
    .unwrap();
    // The secret in the keyring, as a saved profile has it (no demo secret standing in).
    let secrets = SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock");
    secrets
        .set(
            "test",
            SecretKind::ClientSecret,
            &Secret::new(DEMO_CLIENT_SECRET),
        )
        .unwrap();
    let mut h = harness(
        WorkerSettings {
            paths,
            secrets: secrets.clone(),
            demo_client_secret: None,
            access_token: None,
        },
        PresetDialogs::default(),
    );
    step_until(&mut h, "the token", |h| has_label(h, "token valid until"));
    assert!(
        secrets
            .get_cached_token(&token_cache_scope("test", &target))
            .unwrap()
            .is_some(),
        "the profile has a good token cached"
    );

    open_profiles(&mut h);
    h.get_by_role_and_label(Role::Button, "Edit test").click();
    step_until(&mut h, "the editor", |h| has_label(h, "Edit profile test"));
    type_into(&mut h, "Client secret", "not-the-secret");
    let asked = w.emu().ims_token_requests();
    click(&mut h, "Test");
    step_until(&mut h, "the failed test", |h| has_label(h, "Test failed"));
    assert!(!has_label(&h, "Token obtained"), "{}", window_text(&h));
    assert_eq!(w.emu().ims_token_requests(), asked + 1, "IMS was asked");

    // Nothing typed: the keyring's secret, and IMS asked again although a token is cached.
    erase(&mut h, "Client secret", "not-the-secret".len());
    click(&mut h, "Test");
    step_until(&mut h, "the passed test", |h| {
        has_label(h, "Token obtained, valid until")
    });
    assert_eq!(w.emu().ims_token_requests(), asked + 2, "IMS was asked");

    // A profile that is not saved (the editor's name changed), with the right secret typed.
    erase(&mut h, "Profile name", "test".len());
    type_into(&mut h, "Profile name", "scratch");
    type_into(&mut h, "Client secret", DEMO_CLIENT_SECRET);
    click(&mut h, "Test");
    step_until(&mut h, "the passed test", |h| {
        h.query_all_by_label_contains("Token obtained").count() == 1 && !has_label(h, "Test failed")
    });
    assert_eq!(w.emu().ims_token_requests(), asked + 3, "IMS was asked");
    // Same client at the same IMS: the scope a cached token of `scratch` would have.
    assert!(
        secrets
            .get_cached_token(&token_cache_scope("scratch", &target))
            .unwrap()
            .is_none(),
        "no token was cached for a profile that is not saved"
    );
    assert!(
        secrets
            .get("scratch", SecretKind::ClientSecret)
            .unwrap()
            .is_none(),
        "nor its secret stored"
    );

    // Not saved and no secret typed: said, not guessed.
    erase(&mut h, "Client secret", DEMO_CLIENT_SECRET.len());
    click(&mut h, "Test");
    step_until(&mut h, "the failed test", |h| {
        has_label(h, "Type the client secret")
    });
}

/// Regression: "Switch sandbox" silently rewrote the saved profile's sandbox.
#[test]
fn a_sandbox_for_this_session_is_not_saved_until_asked() {
    let w = World::new();
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "prod", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    assert!(has_label(&h, "PRODUCTION: prod"));

    open_sandbox_picker(&mut h);
    assert!(has_label(&h, "Save dev to profile"), "both choices offered");
    click(&mut h, "Use dev for this session");
    step_until(&mut h, "the session's sandbox", |h| {
        has_label(h, "(this session only)")
    });
    assert_eq!(h.state().effective_sandbox(), Some("dev"));
    assert!(h.state().is_session_sandbox());
    assert!(
        !has_label(&h, "PRODUCTION: prod"),
        "the production badge follows the sandbox in use"
    );
    assert_eq!(saved_sandbox(&w), "prod", "the config file is unchanged");

    // A create goes to the session's sandbox.
    type_into(&mut h, "Name", "Session landing");
    type_into(&mut h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(
        &mut h,
        "Secret access key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(&mut h, "the result card", |h| {
        has_label(h, "Copy Connection ID")
    });
    let made = w.emu().connections();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["sandboxName"], "dev");
    let post = crate::common::cli::last_create(w.emu());
    assert_eq!(post.header("x-sandbox-name"), Some("dev"));
    assert_eq!(saved_sandbox(&w), "prod", "still unchanged after a create");

    // The Profiles tab says which sandbox is saved, and its editor edits that one.
    open_profiles(&mut h);
    assert!(has_label(&h, "(this session only; saved: prod)"));

    // Saved when asked: the profile's own sandbox now, no longer a session's choice.
    h.get_by_role_and_label(Role::Button, "Save to profile")
        .click();
    step_until(&mut h, "the saved sandbox", |h| {
        !has_label(h, "(this session only)")
    });
    assert_eq!(saved_sandbox(&w), "dev");
    assert_eq!(h.state().effective_sandbox(), Some("dev"));
    assert!(!h.state().is_session_sandbox());
}

/// The production badge (and the production confirmation) follow the sandbox in use, and going
/// back to the saved sandbox writes nothing either.
#[test]
fn the_production_badge_follows_the_session_sandbox() {
    let w = World::new();
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    assert!(!has_label(&h, "PRODUCTION: prod"));
    open_sandbox_picker(&mut h);
    click(&mut h, "Use prod for this session");
    step_until(&mut h, "the production badge", |h| {
        has_label(h, "PRODUCTION: prod") && has_label(h, "(this session only)")
    });
    assert_eq!(saved_sandbox(&w), "dev");

    // Back to the saved one from the picker: the session's choice ends.
    open_sandbox_picker(&mut h);
    assert!(
        h.get_by_label("Save dev to profile")
            .accesskit_node()
            .is_disabled(),
        "dev is the saved sandbox already"
    );
    click(&mut h, "Use dev for this session");
    step_until(&mut h, "the saved sandbox", |h| {
        !has_label(h, "PRODUCTION: prod") && !has_label(h, "(this session only)")
    });
    assert_eq!(h.state().effective_sandbox(), Some("dev"));
    assert_eq!(saved_sandbox(&w), "dev");
}

/// Regression: with a session sandbox (its note and *Save to profile*) and the production badge,
/// the top bar ran past the window's right edge at 800 and 1366 px, cutting *Refresh token*.
/// Narrow, the bar folds profile, sandbox and token into one chip with a menu.
#[test]
fn the_top_bar_fits_with_a_session_sandbox_and_the_badge() {
    for (width, height) in [(800.0, 600.0), (1366.0, 768.0)] {
        let w = World::new();
        let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |_| {});
        step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
        open_sandbox_picker(&mut h);
        click(&mut h, "Use prod for this session");
        step_until(&mut h, "the production badge", |h| {
            has_label(h, "PRODUCTION: prod")
        });
        h.set_size(egui::vec2(width, height));
        within_width(&mut h, width, &format!("the top bar at {width}×{height}"));
        assert!(
            has_label(&h, "PRODUCTION: prod"),
            "the badge stays in sight"
        );
    }
    // Folded at 800 px, the chip's menu lists the sandboxes, and they still switch.
    let w = World::new();
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    open_sandbox_picker(&mut h);
    click(&mut h, "Use prod for this session");
    h.set_size(egui::vec2(800.0, 600.0));
    step_until(&mut h, "the chip", |h| {
        h.query_by_label("Profile test, sandbox prod (this session only)")
            .is_some()
    });
    click(&mut h, "Profile test, sandbox prod (this session only)");
    step_until(&mut h, "the chip's menu", |h| {
        has_label(h, "Use dev for this session")
    });
    h.step();
    click(&mut h, "Use dev for this session");
    step_until(&mut h, "dev again", |h| !has_label(h, "PRODUCTION: prod"));
    assert_eq!(h.state().effective_sandbox(), Some("dev"));
}

/// The accessible description of the input labelled `label`, if it has one.
fn description(h: &Harness<'_, AepApp>, role: Role, label: &str) -> Option<String> {
    h.get_by_role_and_label(role, label)
        .accesskit_node()
        .description()
}

/// Regression: the new-profile form opened with red "required" errors; messages were
/// not tied to their fields; the remember-key field was named "as".
#[test]
fn validation_shows_once_edited_and_is_read_with_its_field() {
    let w = World::new();
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));

    // The disabled Create button is read with why it is disabled.
    let said = description(&h, Role::Button, "Create connection").unwrap_or_default();
    assert!(said.starts_with("Enter a name"), "{said:?}");
    // The connection form: the bucket's rule is part of what a screen reader hears for it.
    type_into(&mut h, "Bucket name", "Bad_Bucket");
    h.step();
    let said = description(&h, Role::TextInput, "Bucket name").unwrap_or_default();
    assert!(said.contains("lowercase"), "{said:?}");
    assert_eq!(description(&h, Role::TextInput, "Name"), None);
    // The remember-key field has a name of its own.
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Remember as")
            .is_some(),
        "{}",
        window_text(&h)
    );

    open_profiles(&mut h);
    click(&mut h, "Add profile");
    step_until(&mut h, "the editor", |h| has_label(h, "New profile"));
    let fresh = window_text(&h);
    assert!(
        !fresh.contains("is required"),
        "a new form is not all red:\n{fresh}"
    );
    assert_eq!(description(&h, Role::TextInput, "Organization ID"), None);

    type_into(&mut h, "Organization ID", "ABC123@adobeorg");
    h.step();
    let said = description(&h, Role::TextInput, "Organization ID").unwrap_or_default();
    assert!(said.contains("@AdobeOrg"), "{said:?}");
    assert!(has_label(&h, "spelled exactly so"), "shown under the field");
    assert!(
        !window_text(&h).contains("is required"),
        "fields not edited stay quiet"
    );

    // A save shows every field's error, saves nothing and leaves the editor open.
    click(&mut h, "Save profile");
    step_until(&mut h, "every error", |h| has_label(h, "is required"));
    let said = description(&h, Role::TextInput, "Client ID").unwrap_or_default();
    assert!(said.starts_with("is required"), "{said:?}");
    assert!(has_label(&h, "New profile"));
    let config = Config::load(&AppPaths::under(w.home.path()).config_file()).unwrap();
    assert_eq!(config.profiles.len(), 1, "nothing was saved");
}

/// Regression: with no keyring on the machine, *Save* failed with raw text and closed the
/// editor, losing what was typed; no config was written and the welcome screen (with *Try the
/// demo*) did not come back. Now the editor keeps the fields, says what a keyring is, and can
/// keep the client secret for this session only (in memory: never in a file).
#[test]
fn without_a_keyring_the_first_profile_can_still_be_made_and_used() {
    let w = World::new();
    let url = w.emu().base_url();
    let paths = AppPaths::under(w.home.path());
    paths.create_dirs().unwrap();
    let mut h = harness(
        WorkerSettings {
            paths: paths.clone(),
            secrets: SecretStore::unavailable("no Secret Service answers on the session D-Bus"),
            demo_client_secret: None,
            access_token: None,
        },
        PresetDialogs::default(),
    );
    step_until(&mut h, "the welcome screen", |h| {
        has_label(h, "Try the demo") && has_label(h, "no keyring the app can use")
    });
    click(&mut h, "Enter credentials");
    step_until(&mut h, "the editor", |h| has_label(h, "New profile"));
    for (field, value) in [
        ("Profile name", "solo"),
        ("Organization ID", DEMO_ORG_ID),
        ("Client ID", DEMO_CLIENT_ID),
        ("Client secret", DEMO_CLIENT_SECRET),
    ] {
        erase(&mut h, field, 80);
        type_into(&mut h, field, value);
    }
    for field in ["Platform URL", "IMS URL"] {
        erase(&mut h, field, 80);
        type_into(&mut h, field, &url);
    }
    click(&mut h, "Save profile");
    step_until(&mut h, "the reason", |h| has_label(h, "Not saved:"));
    assert!(
        has_label(&h, "safe store for passwords"),
        "{}",
        window_text(&h)
    );
    assert!(has_label(&h, "New profile"), "the editor stays open");
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Profile name")
            .is_some_and(|n| n.accesskit_node().value().as_deref() == Some("solo")),
        "what was typed is kept"
    );
    click(&mut h, "Keep the secret for this session only");
    step_until(&mut h, "the saved profile", |h| {
        has_label(h, "client secret: this session only")
    });
    let config = Config::load(&paths.config_file()).unwrap();
    assert_eq!(config.profiles.len(), 1, "the profile is written");
    let text = std::fs::read_to_string(paths.config_file()).unwrap();
    assert!(!text.contains(DEMO_CLIENT_SECRET), "the secret never is");
    // The only profile is the active one; its token comes from the secret kept in memory.
    step_until(&mut h, "a token from the session's secret", |h| {
        has_label(h, "token valid until")
    });
}
