//! Snapshot images of the main screens, light and dark, rendered headless (wgpu, software).
//! Refresh with `UPDATE_SNAPSHOTS=1 scripts/test.sh --test snapshots` and look at the diff.

use aep_s3_connect::emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID};
use aep_s3_connect::model::CreatedConnection;
use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::config::{Config, Profile};
use aep_s3_connect::store::history::{CreatedOutcome, FailedOutcome, HistoryStore, NewAttempt};
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::store::secrets::SecretStore;
use aep_s3_connect::ui::dialogs::PresetDialogs;
use aep_s3_connect::ui::{AepApp, AppConfig};
use aep_s3_connect::worker::{CreatedView, Event, WorkerSettings};
use egui::accesskit::Role;
use egui_kittest::Harness;

use crate::common::ui::{step_until, type_into};
use aep_s3_connect::model::EpochMs;
use egui_kittest::kittest::Queryable;

/// A fixed world: one profile whose endpoints refuse connections (so the token state is a stable
/// "error"), and a history with fixed records.
fn harness(home: &std::path::Path, theme: egui::Theme, size: [f32; 2]) -> Harness<'static, AepApp> {
    // The records' times are drawn in the user's zone: pinned to UTC, so the images are the same
    // on every machine (`main` reads the OS's zone; a test process never does).
    aep_s3_connect::model::init_local_offset(time::UtcOffset::UTC);
    let paths = AppPaths::under(home);
    paths.create_dirs().unwrap();
    let mut profile = Profile::new("acme-prod", DEMO_ORG_ID, DEMO_CLIENT_ID, "prod");
    profile.platform_url = "http://127.0.0.1:9".into();
    profile.ims_url = "http://127.0.0.1:9".into();
    Config {
        active_profile: Some("acme-prod".into()),
        profiles: vec![profile],
        ..Config::default()
    }
    .save(&paths.config_file())
    .unwrap();
    let (store, _) = HistoryStore::open(&paths.history_db()).unwrap();
    let base = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    for i in 0..12_i64 {
        let id = store
            .insert_pending(&NewAttempt {
                profile: "acme-prod".into(),
                org_id: DEMO_ORG_ID.into(),
                sandbox: if i % 3 == 0 {
                    "dev".into()
                } else {
                    "prod".into()
                },
                platform_url: "https://platform.adobe.io".into(),
                name: format!("Landing bucket {i:02}"),
                access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
                bucket_name: Some(format!("landing-{i:02}")),
                request_body_redacted: "{}".into(),
                started_at_ms: EpochMs(base + i * 3_600_000),
                ..Default::default()
            })
            .unwrap();
        if i % 4 == 3 {
            store
                .complete_failed(
                    id,
                    &FailedOutcome {
                        http_status: Some(404),
                        error_code: Some("FLOW-2100-404".into()),
                        message: "The sandbox with the name 'qa' could not be found".into(),
                        request_id: Some("req-0000".into()),
                        finished_at_ms: EpochMs(base + i * 3_600_000 + 800),
                    },
                )
                .unwrap();
        } else {
            store
                .complete_created(
                    id,
                    &CreatedOutcome {
                        connection_id: format!("4cb0c374-d3bb-4557-b139-5712880adc{i:02}"),
                        etag: "\"1700d77b-0000-0200-0000-5e3b41a10000\"".into(),
                        request_id: Some("req-0000".into()),
                        finished_at_ms: EpochMs(base + i * 3_600_000 + 900),
                        reconciled: false,
                    },
                )
                .unwrap();
        }
    }
    let settings = WorkerSettings {
        paths,
        secrets: SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock"),
        demo_client_secret: Some(Secret::new(DEMO_CLIENT_SECRET)),
        access_token: None,
    };
    let mut h = Harness::builder()
        .with_size(size)
        .with_theme(theme)
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
        });
    // The token attempt against the closed port ends in a stable "error" state.
    step_until(&mut h, "the token error", |h| {
        h.query_by_label_contains("token: error").is_some()
    });
    for _ in 0..3 {
        h.step();
    }
    h
}

/// The size of the images that are not about the window's size: a common laptop screen.
const LAPTOP: [f32; 2] = [1400.0, 900.0];

fn both_themes(name: &str, size: [f32; 2], setup: impl Fn(&mut Harness<'_, AepApp>)) {
    let mut results = egui_kittest::SnapshotResults::new();
    for (theme, suffix) in [(egui::Theme::Light, "light"), (egui::Theme::Dark, "dark")] {
        let home = tempfile::tempdir().unwrap();
        let mut h = harness(home.path(), theme, size);
        setup(&mut h);
        h.snapshot(format!("{name}_{suffix}"));
        results.extend_harness(&mut h);
    }
    results.unwrap();
}

/// The history's rows have arrived.
fn rows_loaded(h: &mut Harness<'_, AepApp>) {
    step_until(h, "the rows", |h| {
        h.query_by_label_contains("12 records").is_some()
    });
    for _ in 0..3 {
        h.step();
    }
}

/// The main view, the history beside the form, from the smallest supported window to a full HD
/// screen: nothing clipped at 800×600, the list's columns follow the panel's width.
#[test]
fn main_window_800x600() {
    both_themes("main_window_800x600", [800.0, 600.0], rows_loaded);
}

#[test]
fn main_window_1400x900() {
    both_themes("main_window_1400x900", LAPTOP, rows_loaded);
}

#[test]
fn main_window_1920x1080() {
    both_themes("main_window_1920x1080", [1920.0, 1080.0], rows_loaded);
}

#[test]
fn form_with_validation_errors() {
    both_themes("form_validation", LAPTOP, |h| {
        type_into(h, "Name", "Landing");
        type_into(h, "Access key ID", "AKIA-not-a-key");
        type_into(h, "Bucket name", "Bad_Bucket");
        h.step();
    });
}

#[test]
fn result_card() {
    both_themes("result_card", LAPTOP, |h| {
        // The card's view-model, fixed, handed over as the worker would.
        h.state_mut()
            .on_event(Event::CreateFinished(Ok(CreatedView {
                attempt: aep_s3_connect::store::history::AttemptId(13),
                connection: CreatedConnection {
                    id: "4cb0c374-d3bb-4557-b139-5712880adc55".into(),
                    etag: "\"1700d77b-0000-0200-0000-5e3b41a10000\"".into(),
                    request_id: Some("5a1f7a4e-0d3b-4c43-9d65-2d1c8c2d1f00".into()),
                    reconciled: false,
                },
                name: "Landing bucket".into(),
                sandbox: "prod".into(),
                warnings: vec![],
                curl: String::new(),
                duplicates: None,
            })));
        rows_loaded(h);
    });
}

/// A record selected in the list: its details in the centre, the row highlighted.
#[test]
fn record_details() {
    both_themes("record_details", LAPTOP, |h| {
        rows_loaded(h);
        h.get_by_role_and_label(Role::Button, "Landing bucket 07")
            .click();
        step_until(h, "the details", |h| {
            h.query_by_label_contains("Request body (secrets redacted)")
                .is_some()
        });
        for _ in 0..3 {
            h.step();
        }
    });
}

/// The confirmation before a create in the production sandbox (the fixture's profile is in
/// `prod`).
#[test]
fn production_confirmation() {
    both_themes("production_confirmation", LAPTOP, |h| {
        rows_loaded(h);
        type_into(h, "Name", "Landing");
        type_into(h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
        type_into(
            h,
            "Secret access key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        h.get_by_role_and_label(Role::Button, "Create connection")
            .click();
        step_until(h, "the confirmation", |h| {
            h.query_by_label_contains("Create in production?").is_some()
        });
        for _ in 0..3 {
            h.step();
        }
    });
}
