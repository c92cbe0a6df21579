//! *Rotate a key everywhere* in the window, driven with egui_kittest against the emulator: from
//! a remembered key, across sandboxes with production confirmed once, the remembered key
//! updated; from a connection's Manage menu; and a run cut short offered on start and finished
//! without a second PATCH.

use aep_s3_connect::emulator::{DEMO_ORG_ID, EmulatorConfig, Fault, FaultRoute};
use aep_s3_connect::store::config::SavedAwsKey;
use aep_s3_connect::store::history::{HistoryStore, ItemState, NewRotationRun, RotationItem};
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::ui::AepApp;
use egui::accesskit::{Role, Toggled};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::ui::{app_on, has_label, step_until, type_into, window_text, within_width};
use crate::common::{World, assert_no_secret_in_files};
use crate::rotate_key::{NEW, NEW_SECRET, OLD, OTHER, key_of, make, masked, patches};

fn world() -> World {
    World::with(EmulatorConfig {
        extra_sandboxes: 2,
        ..EmulatorConfig::default()
    })
}

/// The window on `dev`, with `OLD` remembered as "landing".
fn window(w: &World) -> Harness<'static, AepApp> {
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |config| {
        config.aws_keys.push(SavedAwsKey {
            label: "landing".into(),
            access_key_id: OLD.into(),
            has_session_token: false,
        });
    });
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    h
}

/// Types the new key and leaves out the S3 check (the emulator's connections name no S3 that
/// could answer), then finds.
fn find(h: &mut Harness<'_, AepApp>) {
    type_into(h, "New secret access key", NEW_SECRET);
    h.get_by_role_and_label(Role::CheckBox, "Skip the S3 check of the new key")
        .click_accesskit();
    h.step();
    h.get_by_role_and_label(Role::Button, "Find connections")
        .click_accesskit();
}

/// The form's *Rotate a key everywhere…* menu: the dialog for the remembered `landing` key.
fn open_from_the_remembered_key(h: &mut Harness<'_, AepApp>) {
    h.get_by_role_and_label(Role::Button, "Rotate a key everywhere…")
        .click_accesskit();
    step_until(h, "the remembered keys", |h| {
        has_label(h, &format!("landing ({OLD})"))
    });
    h.get_by_label(&format!("landing ({OLD})"))
        .click_accesskit();
    step_until(h, "the dialog", |h| has_label(h, "Find connections"));
}

/// The new key, in the profile's sandbox only, then [`find`].
fn find_in_this_sandbox(h: &mut Harness<'_, AepApp>) {
    type_into(h, "New access key ID", NEW);
    h.get_by_role_and_label(Role::RadioButton, "This sandbox (dev)")
        .click_accesskit();
    h.step();
    find(h);
}

#[test]
fn a_remembered_key_is_rotated_everywhere_with_production_confirmed_once() {
    let w = world();
    let dev = make(&w, "dev", "Landing", OLD);
    let one = make(&w, "sandbox-01", "Landing", OLD);
    let prod = make(&w, "prod", "Landing", OLD);
    let other = make(&w, "sandbox-02", "Elsewhere", OTHER);
    let mut h = window(&w);

    open_from_the_remembered_key(&mut h);
    type_into(&mut h, "New access key ID", NEW);
    find(&mut h);
    step_until(&mut h, "the plan", |h| {
        has_label(h, &format!("3 connection(s) use {OLD} in 3 sandbox(es):"))
    });
    let rotate = "Rotate 3 connection(s)";
    assert!(
        h.get_by_role_and_label(Role::Button, rotate)
            .accesskit_node()
            .is_disabled(),
        "production not confirmed yet"
    );
    assert_eq!(patches(&w, &dev), 0, "finding sends nothing");
    for (width, height) in [(800.0, 600.0), (1920.0, 1080.0)] {
        h.set_size(egui::vec2(width, height));
        within_width(&mut h, width, &format!("the plan at {width}×{height}"));
    }
    let confirm = h.get_by_role_and_label(Role::CheckBox, "Rotate in PRODUCTION: prod");
    assert_eq!(confirm.accesskit_node().toggled(), Some(Toggled::False));
    confirm.click_accesskit();
    h.step();
    h.get_by_role_and_label(Role::Button, rotate)
        .click_accesskit();
    step_until(&mut h, "the run's end", |h| {
        has_label(h, "Rotated 3 of 3 connection(s) to ")
    });
    // `noaccess` refuses this credential: connections there may still use the old key, so
    // the remembered key keeps it, and the window says why.
    assert!(
        has_label(
            &h,
            &format!(
                "The key remembered with ID {OLD} keeps the old key: some connections may still use it. Finish the rotation to update it."
            )
        ),
        "{}",
        window_text(&h)
    );
    assert!(
        h.query_all_by_label_contains("Not searched: noaccess:")
            .next()
            .is_some()
    );
    for id in [&dev, &one, &prod] {
        assert_eq!(key_of(&w, id), NEW, "{id}");
        assert_eq!(patches(&w, id), 1, "{id}");
    }
    assert_eq!(key_of(&w, &other), OTHER);
    assert_eq!(patches(&w, &other), 0);
    assert_no_secret_in_files(w.home.path(), &[NEW_SECRET]);
}

#[test]
fn a_connections_manage_menu_opens_it_with_the_key_aep_shows_filled_in_from_the_remembered_one() {
    let w = world();
    let id = make(&w, "dev", "Landing", OLD);
    let mut h = window(&w);
    h.get_by_label("Connections").click_accesskit();
    step_until(&mut h, "the list", |h| has_label(h, "Manage Landing"));
    h.get_by_label("Manage Landing").click_accesskit();
    step_until(&mut h, "the menu", |h| {
        has_label(h, "Rotate this key everywhere…")
    });
    h.get_by_label("Rotate this key everywhere…")
        .click_accesskit();
    step_until(&mut h, "the dialog", |h| has_label(h, "Find connections"));
    assert!(has_label(
        &h,
        &format!(
            "AEP shows this connection's key as {}: the full ID is needed to find the others.",
            masked(OLD)
        )
    ));
    let old = h.get_by_role_and_label(Role::TextInput, "Old access key ID");
    assert_eq!(old.accesskit_node().value().as_deref(), Some(OLD));

    // In this sandbox alone, every connection of the key rotated: the remembered key follows.
    find_in_this_sandbox(&mut h);
    step_until(&mut h, "the plan", |h| {
        has_label(h, &format!("1 connection(s) use {OLD} in 1 sandbox(es):"))
    });
    h.get_by_role_and_label(Role::Button, "Rotate 1 connection(s)")
        .click_accesskit();
    step_until(&mut h, "the run's end", |h| {
        has_label(h, "Rotated 1 of 1 connection(s) to ")
    });
    assert!(has_label(
        &h,
        "The remembered key \"landing\" now holds the new key."
    ));
    assert_eq!(key_of(&w, &id), NEW);
    // The form's menu offers the remembered key with its new ID.
    h.get_by_role_and_label(Role::Button, "Close")
        .click_accesskit();
    h.get_by_label("New connection").click_accesskit();
    step_until(&mut h, "the form", |h| {
        h.query_by_role_and_label(Role::Button, "Rotate a key everywhere…")
            .is_some()
    });
    h.get_by_role_and_label(Role::Button, "Rotate a key everywhere…")
        .click_accesskit();
    step_until(&mut h, "the menu with the new ID", |h| {
        has_label(h, &format!("landing ({NEW})"))
    });
    assert_no_secret_in_files(w.home.path(), &[NEW_SECRET]);
}

#[test]
fn a_run_cut_short_is_offered_on_start_and_finished_without_a_second_patch() {
    let w = world();
    // An earlier run rotated `done` (AEP has the new key) and was cut short before `left`.
    let done = make(&w, "dev", "Landing", NEW);
    let left = make(&w, "sandbox-01", "Landing", OLD);
    let paths = AppPaths::under(w.home.path());
    paths.create_dirs().unwrap();
    let (db, _) = HistoryStore::open(&paths.history_db()).unwrap();
    let item = |id: &str, sandbox: &str, state| RotationItem {
        connection_id: id.to_owned(),
        sandbox: sandbox.to_owned(),
        name: "Landing".to_owned(),
        state,
        message: None,
    };
    db.begin_rotation(
        &NewRotationRun {
            id: "run-1".into(),
            profile: "test".into(),
            org_id: DEMO_ORG_ID.into(),
            platform_url: w.emu().base_url(),
            old_access_key_id: OLD.into(),
            new_access_key_id: NEW.into(),
            session_token_only: false,
        },
        &[
            item(&done, "dev", ItemState::Rotated),
            item(&left, "sandbox-01", ItemState::Planned),
        ],
    )
    .unwrap();
    drop(db);

    let mut h = window(&w);
    step_until(&mut h, "the offer", |h| {
        h.query_by_label(&format!("Finish the rotation of {OLD}"))
            .is_some()
    });
    assert!(
        h.query_all_by_label_contains("was not finished: 1 connection(s) still to do")
            .next()
            .is_some()
    );
    h.get_by_label(&format!("Finish the rotation of {OLD}"))
        .click_accesskit();
    step_until(&mut h, "the dialog", |h| has_label(h, "Find connections"));
    assert!(has_label(
        &h,
        "Where: the run's sandboxes (dev, sandbox-01)."
    ));
    find(&mut h);
    step_until(&mut h, "the plan", |h| {
        has_label(h, &format!("1 connection(s) use {OLD} in 1 sandbox(es):"))
    });
    assert!(
        h.query_all_by_label_contains("1 connection(s) already rotated are not sent again")
            .next()
            .is_some()
    );
    h.get_by_role_and_label(Role::Button, "Rotate 1 connection(s)")
        .click_accesskit();
    step_until(&mut h, "the run's end", |h| {
        has_label(h, "Rotated 1 of 1 connection(s) to ")
            && has_label(h, "; 1 more in an earlier run.")
    });
    assert_eq!(key_of(&w, &left), NEW);
    assert_eq!(patches(&w, &left), 1);
    assert_eq!(
        patches(&w, &done),
        0,
        "the one rotated earlier is not sent again"
    );
    step_until(&mut h, "the offer gone", |h| {
        h.query_by_label(&format!("Finish the rotation of {OLD}"))
            .is_none()
    });
    let (db, _) = HistoryStore::open(&paths.history_db()).unwrap();
    assert!(db.unfinished_rotations().unwrap().is_empty());
}

#[test]
fn cancel_lets_those_on_their_way_finish_and_finish_does_the_rest_once() {
    let w = world();
    let ids: Vec<String> = (1..=6)
        .map(|i| make(&w, "dev", &format!("Landing {i}"), OLD))
        .collect();
    // Every PATCH takes 3 s: the four sent at once are still on their way when Cancel comes.
    w.emu().inject(
        Fault::new(FaultRoute::PatchConnection)
            .in_sandbox("dev")
            .delay_ms(3_000)
            .times(0),
    );
    let mut h = window(&w);
    open_from_the_remembered_key(&mut h);
    find_in_this_sandbox(&mut h);
    step_until(&mut h, "the plan", |h| {
        has_label(h, &format!("6 connection(s) use {OLD} in 1 sandbox(es):"))
    });
    h.get_by_role_and_label(Role::Button, "Rotate 6 connection(s)")
        .click_accesskit();
    step_until(&mut h, "the run", |h| {
        h.query_by_role_and_label(Role::Button, "Cancel").is_some()
    });
    h.get_by_role_and_label(Role::Button, "Cancel")
        .click_accesskit();
    step_until(&mut h, "the run's end", |h| {
        h.query_all_by_label_contains("Cancelled: 2 connection(s) still to do")
            .next()
            .is_some()
    });
    assert!(
        has_label(&h, "Rotated 4 of 6 connection(s) to "),
        "{}",
        window_text(&h)
    );
    let patched = |w: &World| ids.iter().map(|id| patches(w, id)).sum::<usize>();
    assert_eq!(
        patched(&w),
        4,
        "no PATCH after Cancel but those on their way"
    );

    // The run is offered to finish; finishing sends the two left, once each.
    w.emu().clear_faults();
    step_until(&mut h, "the offer", |h| {
        h.query_by_label(&format!("Finish the rotation of {OLD}"))
            .is_some()
    });
    h.get_by_label(&format!("Finish the rotation of {OLD}"))
        .click_accesskit();
    step_until(&mut h, "the dialog", |h| has_label(h, "Find connections"));
    find(&mut h);
    step_until(&mut h, "the plan", |h| {
        has_label(h, &format!("2 connection(s) use {OLD} in 1 sandbox(es):"))
    });
    h.get_by_role_and_label(Role::Button, "Rotate 2 connection(s)")
        .click_accesskit();
    step_until(&mut h, "the run's end", |h| {
        has_label(h, "Rotated 2 of 2 connection(s) to ")
            && has_label(h, "; 4 more in an earlier run.")
    });
    for id in &ids {
        assert_eq!(key_of(&w, id), NEW, "{id}");
        assert_eq!(patches(&w, id), 1, "{id}");
    }
}

#[test]
fn an_access_key_in_the_connections_filter_finds_its_connections_everywhere_and_offers_the_rotation()
 {
    let w = world();
    make(&w, "dev", "Landing dev", OLD);
    make(&w, "sandbox-01", "Landing 01", OLD);
    make(&w, "sandbox-02", "Elsewhere", OTHER);
    let mut h = window(&w);
    h.get_by_label("Connections").click_accesskit();
    step_until(&mut h, "the list", |h| has_label(h, "Manage Landing dev"));
    h.get_by_role_and_label(Role::CheckBox, "All sandboxes")
        .click_accesskit();
    step_until(&mut h, "every sandbox", |h| has_label(h, "3 connections"));
    type_into(&mut h, "Filter:", OLD);
    step_until(&mut h, "the key's connections", |h| {
        has_label(h, "2 connections")
    });
    assert!(has_label(&h, "The connections below use this key."));
    assert!(h.query_by_label_contains("Elsewhere").is_none());
    h.get_by_role_and_label(Role::Button, "Rotate this key everywhere…")
        .click_accesskit();
    step_until(&mut h, "the dialog", |h| has_label(h, "Find connections"));
    let old = h.get_by_role_and_label(Role::TextInput, "Old access key ID");
    assert_eq!(old.accesskit_node().value().as_deref(), Some(OLD));
}
