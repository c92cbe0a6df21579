//! The connections view, the explorer and the rotate and delete dialogs, driven with egui_kittest
//! against the emulator, plus snapshot images of them.

use aep_s3_connect::api::PlatformClient;
use aep_s3_connect::emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID};
use aep_s3_connect::model::S3ConnectionInput;
use aep_s3_connect::ops::connections::{MergedConnection, MergedKind};
use aep_s3_connect::secret::Secret;
use aep_s3_connect::store::config::{Config, Profile};
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::store::secrets::SecretStore;
use aep_s3_connect::ui::dialogs::PresetDialogs;
use aep_s3_connect::ui::{AepApp, AppConfig};
use aep_s3_connect::worker::{Changed, ConnectionsList, Event, ManageAnswer, WorkerSettings};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::World;
use crate::common::ui::{click_create, has_label, step_until, type_into};
use aep_s3_connect::model::EpochMs;

fn make(w: &World, client: &PlatformClient, name: &str) -> String {
    w.runtime
        .block_on(client.create_s3_connection(&S3ConnectionInput {
            name: name.into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            bucket_name: Some("landing".into()),
            ..Default::default()
        }))
        .unwrap()
        .id
}

/// The app on the emulator's `sandbox`; with `pasted_token`, the token state reads "pasted"
/// (stable for snapshots).
fn app(w: &World, sandbox: &str, pasted_token: bool) -> Harness<'static, AepApp> {
    themed_app(w, sandbox, pasted_token, egui::Theme::Dark)
}

fn themed_app(
    w: &World,
    sandbox: &str,
    pasted_token: bool,
    theme: egui::Theme,
) -> Harness<'static, AepApp> {
    let paths = AppPaths::under(w.home.path());
    paths.create_dirs().unwrap();
    let mut profile = Profile::new("test", DEMO_ORG_ID, DEMO_CLIENT_ID, sandbox);
    profile.platform_url = w.emu().base_url();
    profile.ims_url = w.emu().base_url();
    Config {
        active_profile: Some("test".into()),
        profiles: vec![profile],
        ..Config::default()
    }
    .save(&paths.config_file())
    .unwrap();
    let access_token = pasted_token.then(|| {
        let client = w.client(sandbox);
        w.runtime.block_on(client.tokens().token()).unwrap().token
    });
    let settings = WorkerSettings {
        paths,
        secrets: SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock"),
        demo_client_secret: Some(Secret::new(DEMO_CLIENT_SECRET)),
        access_token,
    };
    Harness::builder()
        .with_size([1100.0, 700.0])
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
        })
}

fn open_connections(h: &mut Harness<'_, AepApp>) {
    step_until(h, "the window", |h| has_label(h, "Create connection"));
    h.get_by_role_and_label(Role::Button, "Connections").click();
    step_until(h, "the list", |h| {
        has_label(h, "S3 connections in") && !has_label(h, "Loading connections")
    });
}

/// Opens the "Manage" menu of the only row and clicks `item`.
fn manage(h: &mut Harness<'_, AepApp>, item: &str) {
    h.get_by_label_contains("Manage ").click();
    step_until(h, item, |h| has_label(h, item));
    h.get_by_role_and_label(Role::Button, item).click();
    h.step();
}

#[test]
fn connections_view_merges_aep_with_history() {
    let w = World::new();
    let mut h = app(&w, "dev", false);
    // One made in the window (history knows it), one made elsewhere.
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    type_into(&mut h, "Name", "Made here");
    type_into(&mut h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(
        &mut h,
        "Secret access key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    click_create(&mut h);
    step_until(&mut h, "created", |h| has_label(h, "Copy Connection ID"));
    let elsewhere = make(&w, &w.client("dev"), "Made elsewhere");
    open_connections(&mut h);
    assert!(has_label(&h, "2 connections"));
    assert!(has_label(&h, "made here"));
    assert!(has_label(&h, "made elsewhere"));
    assert!(has_label(&h, &elsewhere));
}

/// The *All sandboxes* choice: every sandbox's connections with a Sandbox column, the one that
/// could not be listed named with why, and a row of another sandbox offering to go there (where
/// its dialogs, and its production rule, apply) instead of a Manage menu.
#[test]
fn all_sandboxes_lists_each_sandbox_and_names_the_one_that_failed() {
    let w = World::new();
    make(&w, &w.client("dev"), "Landing dev");
    make(&w, &w.client("live"), "Landing live");
    let mut h = app(&w, "dev", false);
    open_connections(&mut h);
    assert!(has_label(&h, "1 connection"));
    h.get_by_role_and_label(Role::CheckBox, "All sandboxes")
        .click();
    step_until(&mut h, "every sandbox", |h| {
        has_label(h, "S3 connections in all sandboxes") && has_label(h, "2 connections")
    });
    assert!(has_label(&h, "live (PRODUCTION)"), "the sandbox column");
    assert!(
        h.query_by_label_contains("noaccess: ").is_some(),
        "the failed sandbox"
    );
    assert!(has_label(
        &h,
        "Not every sandbox could be listed in full: their connections are missing or partial."
    ));
    // The dev row is managed here; the live one from its own sandbox.
    assert!(h.query_by_label("Manage Landing dev").is_some());
    assert!(h.query_by_label("Manage Landing live").is_none());
    h.get_by_label("Go to sandbox live to manage Landing live")
        .click();
    step_until(&mut h, "live, still all sandboxes", |h| {
        h.query_by_label("Manage Landing live").is_some() && has_label(h, "2 connections")
    });
    assert!(h.query_by_label("Manage Landing dev").is_none());
}

#[test]
fn explorer_walks_the_tree_and_previews_a_file() {
    let w = World::new();
    make(&w, &w.client("dev"), "Landing");
    let mut h = app(&w, "dev", false);
    open_connections(&mut h);
    manage(&mut h, "Explore");
    step_until(&mut h, "the bucket", |h| has_label(h, "Folder landing"));
    h.get_by_label("Folder landing").click();
    step_until(&mut h, "the bucket's files", |h| {
        has_label(h, "customers.csv")
    });
    h.get_by_role_and_label(Role::Button, "Preview customers.csv")
        .click();
    step_until(&mut h, "the preview", |h| has_label(h, "Email (string)"));
}

#[test]
fn rotate_after_someone_else_changed_it_shows_what_changed_then_applies() {
    let w = World::new();
    let outside = w.client("dev");
    let id = make(&w, &outside, "Rotating");
    let mut h = app(&w, "dev", false);
    open_connections(&mut h);
    manage(&mut h, "Rotate credentials…");
    step_until(&mut h, "the dialog", |h| {
        has_label(h, "Rotate credentials of")
    });
    // Someone renames it in AEP while the dialog is open.
    let current = w.runtime.block_on(outside.get_connection(&id)).unwrap();
    w.runtime
        .block_on(outside.patch_connection(
            &id,
            current.etag.as_deref().unwrap(),
            &serde_json::json!([{"op": "replace", "path": "/name", "value": "Rotating (renamed)"}]),
        ))
        .unwrap();
    type_into(&mut h, "New access key ID", "AKIAI44QH8DHBEXAMPLE");
    type_into(
        &mut h,
        "New secret access key",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    );
    h.get_by_role_and_label(Role::Button, "Rotate").click();
    step_until(&mut h, "the conflict", |h| has_label(h, "What changed:"));
    assert!(has_label(&h, "Rotating (renamed)"), "the change is named");
    // Let the dialog settle at its new size before clicking (it re-centres).
    for _ in 0..3 {
        h.step();
    }
    h.get_by_role_and_label(Role::Button, "Retry with the current version")
        .click();
    step_until(&mut h, "the rotation", |h| {
        has_label(h, "Credentials rotated")
    });
    // AEP masks keys when read back: look at what the window sent.
    let patch = w
        .emu()
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PATCH")
        .unwrap();
    let ops: serde_json::Value = serde_json::from_slice(&patch.body).unwrap();
    let params = &ops[0]["value"];
    assert!(
        !w.emu().connections()[0]
            .to_string()
            .contains("je7MtGbClwBF"),
        "the secret is stored, never shown back"
    );
    assert_eq!(params["s3AccessKey"], "AKIAI44QH8DHBEXAMPLE");
    assert_eq!(params["bucketName"], "landing", "non-secret params kept");
}

#[test]
fn delete_in_use_says_why_then_a_free_one_goes() {
    let w = World::new();
    let outside = w.client("dev");
    make(&w, &outside, "inuse by a dataflow");
    let mut h = app(&w, "dev", false);
    open_connections(&mut h);
    manage(&mut h, "Delete…");
    step_until(&mut h, "the confirmation", |h| {
        has_label(h, "Delete \"inuse by a dataflow\" in AEP?")
    });
    h.get_by_role_and_label(Role::Button, "Delete in AEP")
        .click();
    step_until(&mut h, "the in-use message", |h| has_label(h, "dataflow"));
    assert_eq!(w.emu().connections().len(), 1, "nothing was deleted");
}

#[test]
fn production_delete_needs_the_name_typed() {
    let w = World::new();
    make(&w, &w.client("prod"), "Prod one");
    let mut h = app(&w, "prod", false);
    open_connections(&mut h);
    manage(&mut h, "Delete…");
    step_until(&mut h, "the confirmation", |h| {
        has_label(h, "type the connection's name")
    });
    assert!(
        h.get_by_role_and_label(Role::Button, "Delete in AEP")
            .accesskit_node()
            .is_disabled()
    );
    type_into(&mut h, "Connection name", "Prod one");
    h.get_by_role_and_label(Role::Button, "Delete in AEP")
        .click();
    step_until(&mut h, "deleted", |h| has_label(h, "Deleted "));
    assert!(w.emu().connections().is_empty());
}

/// A deletion done in AEP that the history could not record is said in the error window, even
/// when the user has moved to another sandbox meanwhile: the change happened either way.
#[test]
fn a_change_the_history_could_not_record_is_said() {
    let w = World::new();
    let mut h = app(&w, "dev", false);
    open_connections(&mut h);
    let mut elsewhere = h.state().scope();
    if let Some(scope) = &mut elsewhere {
        scope.sandbox = "stage".into();
    }
    let message = "the connection was deleted, but the history could not record it: disk full";
    h.state_mut().on_event(Event::Manage {
        scope: elsewhere,
        request: 1,
        answer: ManageAnswer::ConnectionDeleted(Ok(Changed {
            id: "4cb0c374-d3bb-4557-b139-5712880adc50".into(),
            unrecorded: Some(message.into()),
        })),
    });
    step_until(&mut h, "the history warning", |h| has_label(h, message));
}

/// Hands the window fixed rows as the answer to the list it asked for last.
fn show_fixed_rows(h: &mut Harness<'_, AepApp>) {
    let app = h.state();
    let event = Event::Manage {
        scope: app.scope(),
        request: app.connections_request(),
        answer: ManageAnswer::Connections(Ok(ConnectionsList {
            rows: fixed_rows(),
            cut_short: None,
        })),
    };
    h.state_mut().on_event(event);
}

fn fixed_rows() -> Vec<MergedConnection> {
    let base = 1_767_225_600_000;
    [
        ("Landing bucket", MergedKind::BothSides),
        ("Partner drop", MergedKind::RemoteOnly),
        ("Old archive", MergedKind::LocalDeleted),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, kind))| MergedConnection {
        kind,
        id: format!("4cb0c374-d3bb-4557-b139-5712880adc5{i}"),
        name: name.into(),
        state: (kind != MergedKind::LocalDeleted).then(|| "enabled".into()),
        created_at_ms: Some(EpochMs(base + i64::try_from(i).unwrap() * 86_400_000)),
        created_by: Some("acme@techacct.adobe.com".into()),
        updated_at_ms: Some(EpochMs(base + i64::try_from(i).unwrap() * 86_400_000)),
        updated_by: Some("acme@techacct.adobe.com".into()),
        etag: Some("\"1700d77b-0000-0200-0000-5e3b41a10000\"".into()),
        bucket_name: Some("landing".into()),
        attempt: None,
        deleted_at_ms: None,
        remote: None,
    })
    .collect()
}

#[test]
fn snapshots_of_connections_explorer_and_rotate_dialog() {
    let mut results = egui_kittest::SnapshotResults::new();
    for (theme, suffix) in [(egui::Theme::Light, "light"), (egui::Theme::Dark, "dark")] {
        let w = World::new();
        make(&w, &w.client("dev"), "Landing");
        let mut h = themed_app(&w, "dev", true, theme);
        open_connections(&mut h);
        // The explorer on the real (random-ID) connection, then fixed rows behind it.
        manage(&mut h, "Explore");
        step_until(&mut h, "the bucket", |h| has_label(h, "Folder landing"));
        h.get_by_label("Folder landing").click();
        step_until(&mut h, "files", |h| has_label(h, "customers.csv"));
        h.get_by_role_and_label(Role::Button, "Preview customers.csv")
            .click();
        step_until(&mut h, "the preview", |h| has_label(h, "Email (string)"));
        show_fixed_rows(&mut h);
        for _ in 0..4 {
            h.step();
        }
        h.snapshot(format!("explorer_{suffix}"));
        results.extend_harness(&mut h);
    }
    for (theme, suffix) in [(egui::Theme::Light, "light"), (egui::Theme::Dark, "dark")] {
        let w = World::new();
        let mut h = themed_app(&w, "dev", true, theme);
        open_connections(&mut h);
        show_fixed_rows(&mut h);
        for _ in 0..4 {
            h.step();
        }
        h.snapshot(format!("connections_{suffix}"));
        h.get_all_by_label_contains("Manage ")
            .next()
            .unwrap()
            .click();
        step_until(&mut h, "the menu", |h| has_label(h, "Rotate credentials…"));
        h.get_by_role_and_label(Role::Button, "Rotate credentials…")
            .click();
        step_until(&mut h, "the dialog", |h| {
            has_label(h, "Rotate credentials of")
        });
        for _ in 0..4 {
            h.step();
        }
        h.snapshot(format!("rotate_dialog_{suffix}"));
        results.extend_harness(&mut h);
    }
    results.unwrap();
}

/// The list drawn from its view-model alone (fixed rows; no app, no worker): a row's buttons ask
/// the app for the clipboard and the details window, and open the rotate dialog themselves.
#[test]
fn list_rows_emit_actions_and_open_their_dialogs() {
    use aep_s3_connect::ui::Action;
    use aep_s3_connect::ui::connections::{
        ConnectionsScreen, ConnectionsView, connection_windows_ui, connections_ui,
    };

    let mut screen = ConnectionsScreen::default();
    screen.on_list(
        0,
        Ok(ConnectionsList {
            rows: fixed_rows(),
            cut_short: None,
        }),
    );
    let mut h = Harness::builder()
        .with_size([1100.0, 700.0])
        .build_ui_state(
            |ui, (screen, actions): &mut (ConnectionsScreen, Vec<Action>)| {
                // The app's icon font, as the window has it (a no-op after the first frame).
                aep_s3_connect::ui::icons::install(ui.ctx());
                let view = ConnectionsView {
                    sandbox: Some("dev"),
                    production: false,
                };
                connections_ui(ui, screen, view, actions);
                connection_windows_ui(ui.ctx(), screen, view, actions);
            },
            (screen, Vec::new()),
        );
    h.step();
    assert!(h.query_by_label("3 connections").is_some());
    assert!(h.state().1.is_empty(), "a loaded list asks for nothing");

    h.get_all_by_label_contains("Copy ID of ")
        .next()
        .unwrap()
        .click();
    h.step();
    let first = "4cb0c374-d3bb-4557-b139-5712880adc50";
    match std::mem::take(&mut h.state_mut().1).as_slice() {
        [Action::Copy { text, what }] => {
            assert_eq!((text.as_str(), what.as_str()), (first, "connection ID"));
        }
        other => panic!("{other:?}"),
    }

    for item in ["Inspect", "Rotate credentials…"] {
        h.get_all_by_label_contains("Manage ")
            .next()
            .unwrap()
            .click();
        h.run();
        h.get_by_role_and_label(Role::Button, item).click();
        h.run();
    }
    match std::mem::take(&mut h.state_mut().1).as_slice() {
        [Action::Inspect(id)] => assert_eq!(id, first),
        other => panic!("only Inspect needs the worker: {other:?}"),
    }
    assert!(
        h.query_by_label_contains("Rotate credentials of \"Landing bucket\"")
            .is_some()
    );
}

/// An Inspect answer that arrives after the window was closed (Esc) does not open it again over
/// what the user went on to (under load it did, and covered the *All sandboxes* box).
#[test]
fn an_inspect_answer_after_the_window_was_closed_does_not_open_it_again() {
    use aep_s3_connect::emulator::{Fault, FaultRoute};
    let w = World::new();
    let id = make(&w, &w.client("dev"), "Landing dev");
    let mut h = app(&w, "dev", false);
    open_connections(&mut h);
    w.emu()
        .inject(Fault::new(FaultRoute::GetConnection).delay_ms(1_000));
    h.get_by_label("Manage Landing dev").click_accesskit();
    step_until(&mut h, "the menu", |h| has_label(h, "Inspect"));
    h.get_by_role_and_label(Role::Button, "Inspect")
        .click_accesskit();
    step_until(&mut h, "the window", |h| has_label(h, "Connection details"));
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "closed", |h| !has_label(h, "Connection details"));
    // The answer comes a second later: frames go on past it.
    let asked = || {
        w.emu()
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.ends_with(&id))
    };
    step_until(&mut h, "the lookup sent", |_| asked());
    let until = std::time::Instant::now() + std::time::Duration::from_millis(2_500);
    while std::time::Instant::now() < until {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        !has_label(&h, "Connection details"),
        "the late answer opened the closed window again"
    );
}
