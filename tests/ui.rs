//! The real window, driven with egui_kittest by role and label, wired to the emulator on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Emulator, EmulatorConfig, Fault, FaultRoute,
};
use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::config::{Config, Profile};
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::store::secrets::SecretStore;
use aep_s3_connect::ui::dialogs::PresetDialogs;
use aep_s3_connect::ui::{AepApp, AppConfig};
use aep_s3_connect::worker::WorkerSettings;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

struct World {
    runtime: tokio::runtime::Runtime,
    emu: Option<Emulator>,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emu = runtime
            .block_on(Emulator::start(EmulatorConfig::default()))
            .unwrap();
        Self {
            runtime,
            emu: Some(emu),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn emu(&self) -> &Emulator {
        self.emu.as_ref().unwrap()
    }

    /// The app on a profile in `sandbox` of the emulator.
    fn app(&self, sandbox: &str) -> Harness<'static, AepApp> {
        app_at(self.home.path(), &self.emu().base_url(), sandbox)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(emu) = self.emu.take() {
            self.runtime.block_on(emu.shutdown());
        }
    }
}

/// The app with one profile pointing at `url` and an in-memory keyring.
fn app_at(home: &std::path::Path, url: &str, sandbox: &str) -> Harness<'static, AepApp> {
    let paths = AppPaths::under(home);
    paths.create_dirs().unwrap();
    let mut profile = Profile::new("test", DEMO_ORG_ID, DEMO_CLIENT_ID, sandbox);
    profile.platform_url = url.to_owned();
    profile.ims_url = url.to_owned();
    Config {
        active_profile: Some("test".into()),
        profiles: vec![profile],
        ..Config::default()
    }
    .save(&paths.config_file())
    .unwrap();
    let settings = WorkerSettings {
        paths,
        secrets: SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock"),
        demo_client_secret: Some(Secret::new(DEMO_CLIENT_SECRET)),
    };
    Harness::builder()
        .with_size([1100.0, 800.0])
        .build_eframe(move |cc| {
            AepApp::new(
                cc,
                AppConfig {
                    worker: settings,
                    demo: false,
                    dialogs: Box::new(PresetDialogs::default()),
                    screenshot: None,
                },
            )
        })
}

/// Steps frames until `cond` holds; the worker answers on its own thread, so this polls.
fn step_until(
    h: &mut Harness<'_, AepApp>,
    what: &str,
    cond: impl Fn(&Harness<'_, AepApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.step();
        if cond(h) {
            return;
        }
        if Instant::now() > deadline {
            for n in h.query_all_by_label_contains("") {
                let node = n.accesskit_node();
                eprintln!("  {:?} {:?} {:?}", node.role(), node.label(), node.value());
            }
            panic!("timed out waiting for: {what} (the window's nodes are listed above)");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn has_label(h: &Harness<'_, AepApp>, text: &str) -> bool {
    h.query_by_label_contains(text).is_some()
}

/// Focuses the input labelled `label` (text or password) and types `text` into it.
fn type_into(h: &mut Harness<'_, AepApp>, label: &str, text: &str) {
    let role = if h
        .query_by_role_and_label(Role::PasswordInput, label)
        .is_some()
    {
        Role::PasswordInput
    } else {
        Role::TextInput
    };
    h.get_by_role_and_label(role, label).focus();
    h.step();
    h.get_by_role_and_label(role, label).type_text(text);
    h.step();
}

fn fill_form(h: &mut Harness<'_, AepApp>, name: &str) {
    type_into(h, "Name", name);
    type_into(h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(
        h,
        "Secret access key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
}

fn copied(h: &Harness<'_, AepApp>) -> Vec<String> {
    h.output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn create_copy_and_find_in_history() {
    let w = World::new();
    let mut h = w.app("dev");
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    fill_form(&mut h, "Landing bucket");
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(&mut h, "the result card", |h| {
        has_label(h, "Copy Connection ID")
    });
    let id = w.emu().connections()[0]["id"].as_str().unwrap().to_owned();
    assert!(has_label(&h, &id), "the card shows the ID");

    h.get_by_label("Copy Connection ID").click();
    h.step();
    assert_eq!(
        copied(&h),
        vec![id.clone()],
        "exactly the ID is on the clipboard"
    );

    h.get_by_label("Copy as cURL").click();
    h.step();
    let curl = copied(&h).pop().unwrap();
    assert!(
        curl.contains("AWS_SECRET_ACCESS_KEY") && !curl.contains("wJalrXUtnFEMI"),
        "{curl}"
    );

    h.get_by_role_and_label(Role::Button, "History").click();
    step_until(&mut h, "the history row", |h| {
        has_label(h, "1 records") && has_label(h, &id)
    });
    type_into(&mut h, "Search:", "no-such-thing");
    step_until(&mut h, "no match", |h| has_label(h, "No records match."));
    // Clear the box as a user would: backspace over what was typed.
    h.get_by_role_and_label(Role::TextInput, "Search:").focus();
    h.step();
    for _ in 0.."no-such-thing".len() {
        h.key_press(egui::Key::Backspace);
        h.step();
    }
    type_into(&mut h, "Search:", "landing");
    step_until(&mut h, "the row again", |h| {
        has_label(h, &id) && has_label(h, "1 records")
    });
    // The history table passes the accessibility check once the frame settles.
    let _ = h.try_run();
}

#[test]
fn adobe_error_shows_message_code_and_hint() {
    let w = World::new();
    let mut h = w.app("nosuch");
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    fill_form(&mut h, "Wrong sandbox");
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(&mut h, "the error card", |h| has_label(h, "FLOW-2100-404"));
    assert!(has_label(
        &h,
        "The sandbox with the name 'nosuch' could not be found"
    ));
    assert!(has_label(&h, "What to do:"));
    assert!(has_label(&h, "Copy Request ID"));
}

#[test]
fn validation_blocks_a_bad_bucket_and_says_why() {
    let w = World::new();
    let mut h = w.app("dev");
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    fill_form(&mut h, "x");
    type_into(&mut h, "Bucket name", "Bad_Bucket");
    h.step();
    assert!(
        has_label(&h, "Fix: bucket name."),
        "the disabled button says why"
    );
    let button = h.get_by_role_and_label(Role::Button, "Create connection");
    assert!(button.accesskit_node().is_disabled());
    assert!(
        h.query_by_label_contains("lowercase").is_some(),
        "the rule is shown under the field"
    );
}

#[test]
fn slow_request_keeps_the_ui_responsive_and_cancel_works() {
    let w = World::new();
    w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).delay_ms(10_000));
    let mut h = w.app("dev");
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    fill_form(&mut h, "Slow one");
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(&mut h, "the running state", |h| has_label(h, "Cancel"));
    // While the emulator sits on the request, the window keeps drawing and answering clicks.
    let started = Instant::now();
    for _ in 0..30 {
        h.step();
    }
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    step_until(&mut h, "cancelled", |h| has_label(h, "Cancelled."));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cancelled before the emulator answered"
    );
    assert!(
        has_label(&h, "Create connection"),
        "the form is usable again"
    );
}
