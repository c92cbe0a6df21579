//! The window's file prompt, driven with egui_kittest: exports and imports pick their file in
//! the window, with or without a system file dialog (without one, nothing used to happen;
//! "Export JSON" to a name without `.json` wrote CSV).

use std::path::{Path, PathBuf};

use aep_s3_connect::store::history::HistoryStore;
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::ui::AepApp;
use aep_s3_connect::ui::dialogs::{NO_DIALOG, PresetDialogs};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::World;
use crate::common::history::sample;
use crate::common::ui::{harness, has_label, start_export, step_until};

/// Records in the history before the window opens.
const RECORDS: usize = 3;

/// The window on a profile of the emulator, with [`RECORDS`] records in its history and file
/// dialogs answered by `dialogs`.
fn app(w: &World, dialogs: PresetDialogs) -> Harness<'static, AepApp> {
    use aep_s3_connect::emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID};
    use aep_s3_connect::secret::Secret;
    use aep_s3_connect::store::config::{Config, Profile};
    use aep_s3_connect::store::secrets::SecretStore;
    use aep_s3_connect::worker::WorkerSettings;

    let paths = AppPaths::under(w.home.path());
    paths.create_dirs().unwrap();
    let url = w.emu().base_url();
    let mut profile = Profile::new("test", DEMO_ORG_ID, DEMO_CLIENT_ID, "dev");
    profile.platform_url.clone_from(&url);
    profile.ims_url = url;
    Config {
        active_profile: Some("test".into()),
        profiles: vec![profile],
        ..Config::default()
    }
    .save(&paths.config_file())
    .unwrap();
    let (store, _) = HistoryStore::open(&paths.history_db()).unwrap();
    store
        .insert_many(&(0..RECORDS).map(sample).collect::<Vec<_>>())
        .unwrap();
    drop(store);
    let settings = WorkerSettings {
        paths,
        secrets: SecretStore::with_store(keyring_core::mock::Store::new().unwrap(), "mock"),
        demo_client_secret: Some(Secret::new(DEMO_CLIENT_SECRET)),
        access_token: None,
    };
    let mut h = harness(settings, dialogs);
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    h
}

/// Replaces the text of the path field with `text`, as a user would (select all, type).
fn type_path(h: &mut Harness<'_, AepApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "File path:")
        .focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, "File path:")
        .type_text(text);
    // A message that goes away with the edit changes the prompt's height, and the centred prompt
    // settles a frame later: click where the buttons are then, not where they were.
    for _ in 0..3 {
        h.step();
    }
}

/// The path field's text.
fn path_field(h: &Harness<'_, AepApp>) -> String {
    h.get_by_role_and_label(Role::TextInput, "File path:")
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

fn click_button(h: &mut Harness<'_, AepApp>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    h.step();
}

/// Steps until `path` exists and returns its text.
fn wait_for_file(h: &mut Harness<'_, AepApp>, path: &Path) -> String {
    step_until(h, &format!("{} to be written", path.display()), |_| {
        path.is_file()
    });
    std::fs::read_to_string(path).unwrap()
}

fn prompt_open(h: &Harness<'_, AepApp>) -> bool {
    h.query_by_role_and_label(Role::TextInput, "File path:")
        .is_some()
}

#[test]
fn without_a_file_dialog_the_prompt_says_so_and_a_typed_path_exports() {
    let w = World::new();
    let mut h = app(&w, PresetDialogs::unavailable());
    start_export(&mut h, "CSV");
    assert!(
        has_label(&h, NO_DIALOG),
        "the prompt says why there is no dialog"
    );
    assert!(
        h.get_by_role_and_label(Role::Button, "Browse…")
            .accesskit_node()
            .is_disabled(),
        "Browse… cannot open what is not there"
    );
    assert!(
        path_field(&h).ends_with("aep-s3-connect-history.csv"),
        "a path is suggested: {}",
        path_field(&h)
    );
    // The prompt passes egui_kittest's AccessKit check, which runs when the frame settles.
    assert!(
        (0..20).any(|_| h.run_ok().is_some()),
        "the window never settled, so the accessibility check did not run"
    );
    assert!(prompt_open(&h));
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("typed.csv");
    type_path(&mut h, &file.display().to_string());
    click_button(&mut h, "Export");
    let csv = wait_for_file(&mut h, &file);
    assert!(csv.starts_with("id,status,started_at"), "{csv}");
    assert_eq!(csv.lines().count(), RECORDS + 1, "{csv}");
    assert!(
        !prompt_open(&h),
        "the prompt closes once the export is on its way"
    );
    step_until(&mut h, "the toast", |h| {
        has_label(h, &format!("Exported {RECORDS} records"))
    });
}

#[test]
fn json_chosen_is_written_as_json_whatever_the_name() {
    // Regression guard: a name without .json was written as CSV (the format was guessed from it).
    let w = World::new();
    let out = tempfile::tempdir().unwrap();
    let browsed = out.path().join("from-the-dialog");
    let mut h = app(&w, PresetDialogs::new([Some(browsed.clone())]));

    start_export(&mut h, "JSON");
    assert!(
        Path::new(&path_field(&h))
            .extension()
            .is_some_and(|e| e == "json"),
        "{}",
        path_field(&h)
    );
    let typed = out.path().join("typed-without-extension");
    type_path(&mut h, &typed.display().to_string());
    assert!(
        has_label(&h, "written as JSON under this exact name"),
        "the prompt says what will be written"
    );
    click_button(&mut h, "Export");
    let doc: serde_json::Value = serde_json::from_str(&wait_for_file(&mut h, &typed)).unwrap();
    assert_eq!(doc["count"], RECORDS);
    assert!(!out.path().join("typed-without-extension.json").exists());

    // The same through the system's dialog: its answer confirms at once, in the format chosen.
    start_export(&mut h, "JSON");
    click_button(&mut h, "Browse…");
    let doc: serde_json::Value = serde_json::from_str(&wait_for_file(&mut h, &browsed)).unwrap();
    assert_eq!(doc["attempts"].as_array().unwrap().len(), RECORDS);

    // Switching to CSV in the prompt switches the suggested extension, and CSV is written.
    start_export(&mut h, "JSON");
    h.get_by_role_and_label(Role::RadioButton, "CSV").click();
    h.step();
    assert!(
        Path::new(&path_field(&h))
            .extension()
            .is_some_and(|e| e == "csv"),
        "{}",
        path_field(&h)
    );
    let csv = out.path().join("switched.json");
    type_path(&mut h, &csv.display().to_string());
    assert!(has_label(&h, "but the file will be written as CSV"));
    click_button(&mut h, "Export");
    assert!(wait_for_file(&mut h, &csv).starts_with("id,status"));
}

#[test]
fn a_bad_path_is_refused_with_a_reason_and_nothing_is_written() {
    let w = World::new();
    let mut h = app(&w, PresetDialogs::unavailable());
    let out = tempfile::tempdir().unwrap();
    start_export(&mut h, "CSV");
    let missing = out.path().join("no-such-folder").join("out.csv");
    type_path(&mut h, &missing.display().to_string());
    click_button(&mut h, "Export");
    let expected = format!(
        "The folder {} does not exist",
        out.path().join("no-such-folder").display()
    );
    step_until(&mut h, "the reason", |h| has_label(h, &expected));
    assert!(prompt_open(&h), "the prompt stays open to correct the path");

    type_path(&mut h, &out.path().display().to_string());
    click_button(&mut h, "Export");
    step_until(&mut h, "the folder refused", |h| {
        has_label(h, "is a folder: add a file name")
    });
    // Let the worker answer anything it was (wrongly) asked to do before looking.
    for _ in 0..20 {
        h.step();
    }
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing was written"
    );
    h.key_press(egui::Key::Escape);
    h.step();
    h.step();
    assert!(!prompt_open(&h), "Esc closes the prompt");
}

#[test]
fn an_import_checks_the_typed_path_then_reads_it() {
    let w = World::new();
    let mut h = app(&w, PresetDialogs::unavailable());
    h.get_by_role_and_label(Role::Button, "Import AWS credentials…")
        .click();
    step_until(&mut h, "the file prompt", prompt_open);
    assert!(has_label(&h, NO_DIALOG));
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("credentials");
    type_path(&mut h, &file.display().to_string());
    click_button(&mut h, "Import");
    let expected = format!("There is no file at {}", file.display());
    step_until(&mut h, "the reason", |h| has_label(h, &expected));

    std::fs::write(
        &file,
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
         aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    .unwrap();
    click_button(&mut h, "Import");
    step_until(&mut h, "the key in the form", |h| {
        h.query_by_role_and_label(Role::TextInput, "Access key ID")
            .is_some_and(|n| n.accesskit_node().value().as_deref() == Some("AKIAIOSFODNN7EXAMPLE"))
    });
    assert!(!prompt_open(&h));
}

/// The history's filter for `what` ("Profile", "Sandbox"): the combo box labelled so (or
/// "… filter") that shows "any" (the top bar's profile menu is labelled "Profile" too).
fn filter<'h>(h: &'h Harness<'_, AepApp>, what: &str) -> Option<egui_kittest::Node<'h>> {
    let labels = [what.to_owned(), format!("{what} filter")];
    h.query_all_by_role(Role::ComboBox).find(|n| {
        let node = n.accesskit_node();
        node.label().is_some_and(|l| labels.contains(&l))
            && node.value().is_some_and(|v| v.ends_with("any"))
    })
}

/// The options of the history's filter for `what`, as its menu lists them.
fn filter_options(h: &mut Harness<'_, AepApp>, what: &str) -> Vec<String> {
    filter(h, what)
        .unwrap_or_else(|| panic!("no {what} filter"))
        .click();
    h.step();
    h.step();
    let options = h
        .query_all_by_role(Role::Button)
        .chain(h.query_all_by_role(Role::ListBoxOption))
        .filter_map(|n| n.accesskit_node().label())
        .collect::<Vec<_>>();
    h.key_press(egui::Key::Escape);
    h.step();
    options
}

#[test]
fn the_filters_offer_the_profiles_and_sandboxes_in_the_history() {
    // Regression guard: the Sandbox filter offered the profiles' sandboxes, not the history's.
    let w = World::new();
    let mut h = app(&w, PresetDialogs::default());
    // sample(0..3) is in profile-0..2 and sandbox-0..2; the profile's own sandbox is dev.
    step_until(&mut h, "the history's filters", |h| {
        filter(h, "Sandbox").is_some()
    });
    let sandboxes = (0..50)
        .map(|_| {
            h.step();
            filter_options(&mut h, "Sandbox")
        })
        .find(|o| o.iter().any(|s| s == "sandbox-2"))
        .expect("the history's sandboxes are offered");
    assert!(sandboxes.iter().any(|s| s == "sandbox-0"), "{sandboxes:?}");
    assert!(!sandboxes.iter().any(|s| s == "dev"), "{sandboxes:?}");
    let profiles = filter_options(&mut h, "Profile");
    assert!(profiles.iter().any(|p| p == "profile-1"), "{profiles:?}");
    assert!(!profiles.iter().any(|p| p == "test"), "{profiles:?}");

    // A create in dev adds a record there: the choices follow the history.
    crate::common::ui::type_into(&mut h, "Name", "Faceted");
    crate::common::ui::type_into(&mut h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    crate::common::ui::type_into(
        &mut h,
        "Secret access key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(&mut h, "the result card", |h| {
        has_label(h, "Copy Connection ID")
    });
    let found = (0..50).any(|_| {
        h.step();
        filter_options(&mut h, "Sandbox").iter().any(|s| s == "dev")
    });
    assert!(found, "the new record's sandbox is offered");
}
