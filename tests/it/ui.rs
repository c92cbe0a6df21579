//! The real window, driven with egui_kittest by role and label, wired to the emulator on loopback.

use aep_s3_connect::emulator::{Fault, FaultRoute};
use aep_s3_connect::ui::AepApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::World;
use crate::common::ui::{app_on, click_create, copied, has_label, step_until, type_into};

/// The app on a profile in `sandbox` of the emulator.
fn app(w: &World, sandbox: &str) -> Harness<'static, AepApp> {
    app_on(w.home.path(), &w.emu().base_url(), sandbox, |_| {})
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

#[test]
fn create_copy_and_find_in_history() {
    let w = World::new();
    let mut h = app(&w, "dev");
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

    // The history sits beside the form: the new record is in its list without switching view.
    step_until(&mut h, "the history row", |h| {
        has_label(h, "1 record") && has_label(h, "Copy ID of Landing bucket")
    });
    type_into(&mut h, "Search history", "no-such-thing");
    step_until(&mut h, "no match", |h| {
        has_label(h, "No records match the search and filters.")
    });
    // Clear the box as a user would: backspace over what was typed.
    h.get_by_role_and_label(Role::TextInput, "Search history")
        .focus();
    h.step();
    for _ in 0.."no-such-thing".len() {
        h.key_press(egui::Key::Backspace);
        h.step();
    }
    type_into(&mut h, "Search history", "landing");
    step_until(&mut h, "the row again", |h| {
        has_label(h, "Copy ID of Landing bucket") && has_label(h, "1 record")
    });

    // Select the row: its details replace the form in the centre, and copy its ID from there.
    h.get_by_role_and_label(Role::Button, "Landing bucket")
        .click();
    step_until(&mut h, "the record's details", |h| {
        has_label(h, "Request body (secrets redacted)")
    });
    assert!(!has_label(&h, "Create connection"), "the form made way");
    h.get_by_label("Copy Connection ID").click();
    h.step();
    assert_eq!(copied(&h), vec![id.clone()], "the selected record's ID");
    // The row's own button copies it too, and says which record it belongs to.
    h.get_by_label("Copy ID of Landing bucket").click();
    h.step();
    assert_eq!(copied(&h), vec![id.clone()]);
    // Esc goes back to the form.
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "the form again", |h| {
        has_label(h, "Create connection")
    });
    // The history table passes the accessibility check. (It used to end in `let _ =
    // h.try_run()`, which skips the check when the frames do not settle in its step budget.)
    settle_and_check_accessibility(&mut h);
}

#[test]
fn adobe_error_shows_message_code_and_hint() {
    let w = World::new();
    let mut h = app(&w, "nosuch");
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
    let mut h = app(&w, "dev");
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
    let mut h = app(&w, "dev");
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    fill_form(&mut h, "Slow one");
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(&mut h, "the running state", |h| has_label(h, "Cancel"));
    // While the emulator sits on the request, the window keeps drawing and answering clicks.
    for _ in 0..30 {
        h.step();
    }
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    step_until(&mut h, "cancelled", |h| has_label(h, "Cancelled."));
    // The emulator makes the connection only after its delay: none yet means the cancel came
    // before the emulator answered.
    assert!(
        w.emu().connections().is_empty(),
        "cancelled before the emulator answered"
    );
    assert!(
        has_label(&h, "Create connection"),
        "the form is usable again"
    );
}

/// Runs the frame until it settles, which ends with egui_kittest's AccessKit check (it panics on
/// a widget without a label, among others). A worker answer arriving meanwhile can keep a frame
/// from settling, so it is tried a few times.
fn settle_and_check_accessibility(h: &mut Harness<'_, AepApp>) {
    for _ in 0..20 {
        if h.run_ok().is_some() {
            no_icon_in_a_spoken_name(h);
            return;
        }
    }
    panic!("the window never settled, so the accessibility check did not run");
}

/// Regression: a screen reader spoke the icon font's private-use characters (U+E184 before
/// "created"). A node's name, or its text when it has no name, holds none.
fn no_icon_in_a_spoken_name(h: &Harness<'_, AepApp>) {
    let private = |t: &str| t.chars().any(|c| ('\u{e000}'..='\u{f8ff}').contains(&c));
    for n in h.query_all_by_label_contains("") {
        let node = n.accesskit_node();
        // AccessKit keeps a label's text in its value.
        let spoken = if node.role() == Role::Label {
            node.value().or_else(|| node.label())
        } else {
            node.label().or_else(|| node.value())
        }
        .unwrap_or_default();
        assert!(
            !private(&spoken),
            "{:?} is spoken with an icon character: {spoken:?}",
            node.role()
        );
    }
}

#[test]
fn every_tab_passes_the_accessibility_check() {
    let w = World::new();
    let mut h = app(&w, "dev");
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    step_until(&mut h, "the token", |h| has_label(h, "token valid until"));
    // A record in the history: its status cell is read as a word.
    fill_form(&mut h, "Spoken");
    click_create(&mut h);
    step_until(&mut h, "the row", |h| has_label(h, "Copy ID of Spoken"));
    for (tab, content) in [
        ("New connection", "Create connection"),
        ("Connections", "Refresh"),
        ("Profiles", "Add profile"),
    ] {
        h.get_by_role_and_label(Role::Button, tab).click();
        step_until(&mut h, content, |h| has_label(h, content));
        settle_and_check_accessibility(&mut h);
    }
    h.get_by_role_and_label(Role::Button, "Edit test").click();
    step_until(&mut h, "the editor", |h| has_label(h, "Edit profile test"));
    settle_and_check_accessibility(&mut h);
    assert!(has_label(&h, "Edit profile test"));
    assert!(
        h.query_by_role_and_label(Role::PasswordInput, "Client secret")
            .is_some()
    );
}

#[test]
fn keyboard_ctrl_enter_creates_and_ctrl_f_searches() {
    let w = World::new();
    let mut h = app(&w, "dev");
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    fill_form(&mut h, "Keyboard made");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    step_until(&mut h, "the result card", |h| {
        has_label(h, "Copy Connection ID")
    });
    assert_eq!(w.emu().connections().len(), 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    step_until(&mut h, "the history search focused", |h| {
        h.query_by_role_and_label(Role::TextInput, "Search history")
            .is_some_and(|n| n.is_focused())
    });
}

/// The result card drawn from its view-model alone (no app, no worker): its buttons ask the app
/// for the clipboard, the explorer and a create without the duplicate check.
#[test]
fn result_card_buttons_emit_actions() {
    use aep_s3_connect::model::CreatedConnection;
    use aep_s3_connect::ui::Action;
    use aep_s3_connect::ui::result::{ResultCard, result_ui};
    use aep_s3_connect::worker::{CreatedView, ErrorView};

    let id = "4cb0c374-d3bb-4557-b139-5712880adc55";
    let card = ResultCard::finished(Ok(CreatedView {
        attempt: aep_s3_connect::store::history::AttemptId(13),
        connection: CreatedConnection {
            id: id.into(),
            etag: "\"1700d77b-0000-0200-0000-5e3b41a10000\"".into(),
            request_id: None,
            reconciled: false,
        },
        name: "Landing bucket".into(),
        sandbox: "prod".into(),
        warnings: vec![],
        curl: String::new(),
        duplicates: None,
    }));
    let mut h = Harness::builder().build_ui_state(
        |ui, (card, actions): &mut (ResultCard, Vec<Action>)| {
            // The app's icon font, as the window has it (a no-op after the first frame).
            aep_s3_connect::ui::icons::install(ui.ctx());
            result_ui(ui, card, actions);
        },
        (card, Vec::new()),
    );
    h.get_by_label("Copy Connection ID").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Explore").click();
    h.step();
    match std::mem::take(&mut h.state_mut().1).as_slice() {
        [
            Action::Copy { text, .. },
            Action::Explore { id: explored, name },
        ] => {
            assert_eq!(text, id);
            assert_eq!((explored.as_str(), name.as_str()), (id, "Landing bucket"));
        }
        other => panic!("{other:?}"),
    }

    h.state_mut().0 = ResultCard::finished(Err(ErrorView {
        remedy: Some(aep_s3_connect::error::Remedy::CreateAnyway),
        ..ErrorView::message("the duplicate check could not run")
    }));
    h.step();
    h.get_by_role_and_label(Role::Button, "Create anyway")
        .click();
    h.step();
    assert!(matches!(h.state().1.as_slice(), [Action::CreateAnyway]));
}
