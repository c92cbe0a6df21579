//! The form's create in several sandboxes, driven with egui_kittest against the emulator: the
//! sandboxes ticked, a row per sandbox, one failing and *Retry failed*, production asked once.

use aep_s3_connect::emulator::{EmulatorConfig, Fault, FaultRoute};
use aep_s3_connect::ui::AepApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::World;
use crate::common::ui::{app_on, has_label, step_until, type_into, within_width};

const NAME: &str = "Landing everywhere";

fn world() -> World {
    World::with(EmulatorConfig {
        extra_sandboxes: 2,
        ..EmulatorConfig::default()
    })
}

/// The window on `dev`, its form filled, the sandbox list loaded and `extra` ticked.
fn ready(w: &World, extra: &[&str]) -> Harness<'static, AepApp> {
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    type_into(&mut h, "Name", NAME);
    type_into(&mut h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(
        &mut h,
        "Secret access key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    h.get_by_label("Sandboxes: dev").click_accesskit();
    h.step();
    // By node, not by position: the list may arrive (the window asks for it at start) between
    // finding the button and the click, and a click by position would then tick a sandbox.
    if let Some(load) = h.query_by_role_and_label(Role::Button, "Load sandboxes") {
        load.click_accesskit();
    }
    step_until(&mut h, "the sandboxes", |h| {
        h.query_by_role_and_label(Role::CheckBox, "sandbox-01")
            .is_some()
    });
    // The list opens over a few frames: click once it stands still.
    for _ in 0..10 {
        h.step();
    }
    for sandbox in extra {
        h.get_by_role_and_label(Role::CheckBox, sandbox)
            .click_accesskit();
        h.step();
    }
    // The button is drawn from the choice as it stood when the frame began.
    h.step();
    h
}

/// What a screen reader reads with the create button: where the connection goes.
fn create_description(h: &Harness<'_, AepApp>) -> String {
    h.get_by_role_and_label(Role::Button, "Create connection")
        .accesskit_node()
        .description()
        .unwrap_or_default()
        .to_owned()
}

/// The connections named [`NAME`] in `sandbox`.
fn in_sandbox(w: &World, sandbox: &str) -> usize {
    w.emu()
        .connections()
        .iter()
        .filter(|c| c["name"] == NAME && c["sandboxName"] == sandbox)
        .count()
}

#[test]
fn three_sandboxes_one_failing_then_retry_failed_finishes_it() {
    let w = world();
    w.emu().inject(
        Fault::new(FaultRoute::ListConnections)
            .in_sandbox("sandbox-01")
            .status(503)
            .times(0),
    );
    let mut h = ready(&w, &["sandbox-01", "sandbox-02"]);
    assert_eq!(
        create_description(&h),
        "Creates it in dev, sandbox-01, sandbox-02. Ctrl+Enter",
        "the button says where"
    );
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click_accesskit();
    step_until(&mut h, "the batch's end", |h| {
        h.query_by_role_and_label(Role::Button, "Retry failed")
            .is_some()
    });
    assert!(has_label(&h, "\"Landing everywhere\" in 2 of 3 sandboxes"));
    assert!(has_label(&h, "failed"), "sandbox-01's row");
    assert!(has_label(&h, "Copy dev connection ID"));
    assert!(has_label(&h, "Copy sandbox-02 connection ID"));
    assert_eq!(in_sandbox(&w, "sandbox-01"), 0);
    // The list of sandboxes and the card fit, at the smallest size and the largest.
    for (width, height) in [(800.0, 600.0), (1920.0, 1080.0)] {
        h.set_size(egui::vec2(width, height));
        within_width(
            &mut h,
            width,
            &format!("the batch card at {width}×{height}"),
        );
    }

    w.emu().clear_faults();
    h.get_by_role_and_label(Role::Button, "Retry failed")
        .click_accesskit();
    step_until(&mut h, "every sandbox done", |h| {
        has_label(h, "\"Landing everywhere\" in 3 of 3 sandboxes")
    });
    assert!(has_label(&h, "Copy sandbox-01 connection ID"));
    assert!(
        h.query_by_role_and_label(Role::Button, "Retry failed")
            .is_none()
    );
    for s in ["dev", "sandbox-01", "sandbox-02"] {
        assert_eq!(in_sandbox(&w, s), 1, "{s}");
    }
}

#[test]
fn production_among_the_sandboxes_is_asked_once_naming_it() {
    let w = world();
    let mut h = ready(&w, &["prod (PRODUCTION)"]);
    assert_eq!(
        create_description(&h),
        "Creates it in dev, prod, asking first for prod. Ctrl+Enter"
    );
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click_accesskit();
    step_until(&mut h, "the question", |h| {
        h.query_by_role_and_label(Role::Button, "Create in production")
            .is_some()
    });
    assert!(has_label(&h, "PRODUCTION: prod"), "names the sandbox");
    assert!(has_label(&h, "and in 1 other sandbox (dev)."));
    assert_eq!(
        in_sandbox(&w, "prod") + in_sandbox(&w, "dev"),
        0,
        "nothing yet"
    );
    h.get_by_role_and_label(Role::Button, "Create in production")
        .click_accesskit();
    step_until(&mut h, "both made", |h| {
        has_label(h, "\"Landing everywhere\" in 2 of 2 sandboxes")
    });
    assert_eq!(in_sandbox(&w, "prod"), 1);
    assert_eq!(in_sandbox(&w, "dev"), 1);
}
