//! Driving the real window with egui_kittest.

use std::time::{Duration, Instant};

use aep_s3_connect::ui::AepApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// Steps frames until `cond` holds. The worker answers on its own thread, so this polls; on a
/// time-out it lists the window's nodes to show what was there instead.
pub fn step_until(
    h: &mut Harness<'_, AepApp>,
    what: &str,
    cond: impl Fn(&Harness<'_, AepApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
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

/// True when a node's label or text contains `text`.
pub fn has_label(h: &Harness<'_, AepApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// The role of the input labelled `label`: a password input, else a text input.
pub fn input_role(h: &Harness<'_, AepApp>, label: &str) -> Role {
    if h.query_by_role_and_label(Role::PasswordInput, label)
        .is_some()
    {
        Role::PasswordInput
    } else {
        Role::TextInput
    }
}

/// Focuses the input labelled `label` (text or password) and types `text` into it.
pub fn type_into(h: &mut Harness<'_, AepApp>, label: &str, text: &str) {
    let role = input_role(h, label);
    h.get_by_role_and_label(role, label).focus();
    h.step();
    h.get_by_role_and_label(role, label).type_text(text);
    h.step();
}

/// The real app on `settings`, in a 1100×800 window, with file pickers answered by `dialogs`.
pub fn harness(
    settings: aep_s3_connect::worker::WorkerSettings,
    dialogs: aep_s3_connect::ui::dialogs::PresetDialogs,
) -> Harness<'static, AepApp> {
    Harness::builder()
        .with_size([1100.0, 800.0])
        .build_eframe(move |cc| {
            AepApp::new(
                cc,
                aep_s3_connect::ui::AppConfig {
                    worker: settings,
                    demo: false,
                    dialogs: Box::new(dialogs),
                    screenshot: None,
                },
            )
        })
}

/// The texts the last frame put on the clipboard.
pub fn copied(h: &Harness<'_, AepApp>) -> Vec<String> {
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

/// The real app on a profile `test` in `sandbox` of the service at `url` (IMS and Platform), with
/// an in-memory keyring and the demo client secret; `edit` adjusts the config first (timeouts,
/// endpoints).
pub fn app_on(
    home: &std::path::Path,
    url: &str,
    sandbox: &str,
    edit: impl FnOnce(&mut aep_s3_connect::store::config::Config),
) -> Harness<'static, AepApp> {
    use aep_s3_connect::emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID};
    use aep_s3_connect::secret::Secret;
    use aep_s3_connect::store::config::{Config, Profile};
    use aep_s3_connect::store::paths::AppPaths;
    use aep_s3_connect::store::secrets::SecretStore;
    use aep_s3_connect::ui::dialogs::PresetDialogs;
    use aep_s3_connect::worker::WorkerSettings;

    let paths = AppPaths::under(home);
    paths.create_dirs().unwrap();
    let mut profile = Profile::new("test", DEMO_ORG_ID, DEMO_CLIENT_ID, sandbox);
    profile.platform_url = url.to_owned();
    profile.ims_url = url.to_owned();
    let mut config = Config {
        active_profile: Some("test".into()),
        profiles: vec![profile],
        ..Config::default()
    };
    edit(&mut config);
    config.save(&paths.config_file()).unwrap();
    let settings = WorkerSettings {
        paths,
        secrets: SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock"),
        demo_client_secret: Some(Secret::new(DEMO_CLIENT_SECRET)),
        access_token: None,
    };
    harness(settings, PresetDialogs::default())
}

/// Every label and value in the window, one a line: what the user can read.
pub fn window_text(h: &Harness<'_, AepApp>) -> String {
    h.query_all_by_label_contains("")
        .map(|n| {
            let node = n.accesskit_node();
            format!(
                "{} {}",
                node.label().unwrap_or_default(),
                node.value().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Clicks *Create connection*, and confirms the production sandbox when the window asks.
pub fn click_create(h: &mut Harness<'_, AepApp>) {
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    // The confirmation fades in over a few frames; outside production none comes.
    for _ in 0..10 {
        h.step();
        if let Some(confirm) = h.query_by_role_and_label(Role::Button, "Create in production") {
            confirm.click();
            h.step();
            return;
        }
    }
}

/// Opens the history's export menu and picks "As CSV…" or "As JSON…".
pub fn start_export(h: &mut Harness<'_, AepApp>, format: &str) {
    step_until(h, "the history's export menu", |h| {
        h.query_by_label("Export history").is_some()
    });
    h.get_by_label("Export history").click();
    h.step();
    let item = format!("As {format}…");
    step_until(h, &item, |h| h.query_by_label(&item).is_some());
    h.get_by_label(&item).click();
    step_until(h, "the file prompt", |h| {
        h.query_by_role_and_label(Role::TextInput, "File path:")
            .is_some()
    });
}

/// Fails naming each labelled node whose right edge is past `width`, and each pair of named
/// controls drawn over one another.
pub fn within_width(h: &mut Harness<'_, AepApp>, width: f32, what: &str) {
    for _ in 0..3 {
        h.step();
    }
    let outside: Vec<String> = h
        .query_all_by_label_contains("")
        .filter(|n| {
            let role = n.accesskit_node().role();
            // The window's own resize handles sit on its edge.
            role != Role::Splitter && n.rect().max.x > width + 1.0
        })
        .map(|n| describe(&n))
        .collect();
    assert!(
        outside.is_empty(),
        "{what}: off the right edge: {outside:#?}"
    );
    let controls: Vec<(egui::Rect, String, Option<String>)> = h
        .query_all_by_label_contains("")
        .filter(|n| {
            matches!(
                n.accesskit_node().role(),
                Role::Button
                    | Role::TextInput
                    | Role::PasswordInput
                    | Role::CheckBox
                    | Role::ComboBox
            ) && n.rect().is_positive()
        })
        .map(|n| (n.rect(), describe(&n), layer_of(&n)))
        .collect();
    // Pairs within one panel, window or dialog: a window over the view is meant to be, and the
    // tree does not say what a scroll area clips (a control scrolled under the top bar).
    let mut overlapping = Vec::new();
    for (i, (a, a_name, a_layer)) in controls.iter().enumerate() {
        for (b, b_name, b_layer) in &controls[i + 1..] {
            let common = a.intersect(*b);
            if a_layer == b_layer && common.width() > 1.0 && common.height() > 1.0 {
                overlapping.push(format!("{a_name} and {b_name}"));
            }
        }
    }
    assert!(
        overlapping.is_empty(),
        "{what}: controls drawn over one another: {overlapping:#?}"
    );
}

/// The panel, window or dialog a node is drawn in.
fn layer_of(n: &egui_kittest::Node<'_>) -> Option<String> {
    let mut node = n.accesskit_node().parent();
    while let Some(p) = node {
        if matches!(p.role(), Role::Pane | Role::Dialog | Role::Window) {
            return Some(format!("{:?}", p.id()));
        }
        node = p.parent();
    }
    None
}

/// A node's role, name and rectangle, for a failure message.
fn describe(n: &egui_kittest::Node<'_>) -> String {
    let node = n.accesskit_node();
    format!(
        "{:?} {:?} at {:?}",
        node.role(),
        node.label().or_else(|| node.value()).unwrap_or_default(),
        n.rect()
    )
}
