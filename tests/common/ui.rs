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

/// Focuses the input labelled `label` (text or password) and types `text` into it.
pub fn type_into(h: &mut Harness<'_, AepApp>, label: &str, text: &str) {
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
