//! The fault matrix through the window: the real app driven with egui_kittest creates a
//! connection while the emulator misbehaves; plus a create killed mid-flight that the window's
//! worker settles at its next start.

use aep_s3_connect::store::history::AttemptStatus;

use crate::common::World;
use crate::common::cli::{CliWorld, create_posts, kill_during_create, made_anyway};
use crate::common::faults::{
    Case, Outcome, apply_timeouts, check, dead_url, inject, while_in_flight,
};
use crate::common::ui::{app_on, click_create, has_label, step_until, type_into, window_text};

/// Fills the form, clicks *Create connection* and checks the result card and the matrix's outcome.
fn run_window(case: &Case) {
    let w = World::new();
    let ims_url = case.ims_unreachable.then(dead_url);
    inject(&w, case);
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "prod", |config| {
        apply_timeouts(case, config);
        if let Some(url) = &ims_url {
            config.profiles[0].ims_url = url.clone();
        }
    });
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    type_into(&mut h, "Name", case.name);
    type_into(&mut h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(&mut h, "Secret access key", crate::common::cli::AWS_SECRET);
    click_create(&mut h);
    // Not a wait for the running state: a fast answer can end the create within one frame.
    step_until(&mut h, "the create's POST", |_| {
        !case.expire_tokens_once_posted || create_posts(w.emu()) > 0
    });
    while_in_flight(&w, case);
    step_until(&mut h, "the result card", |h| {
        has_label(h, "Copy Connection ID") || has_label(h, "Failed")
    });
    let text = window_text(&h);
    check(&w, case, &text);
    match case.outcome {
        Outcome::Created { reconciled } => {
            assert!(has_label(&h, "Copy Connection ID"), "{text}");
            assert_eq!(
                has_label(&h, "Adobe's answer was lost"),
                reconciled,
                "{text}"
            );
        }
        Outcome::Failed | Outcome::Pending => {
            assert!(has_label(&h, "Failed"), "{text}");
            assert!(
                has_label(&h, "Create connection"),
                "the form is usable again"
            );
        }
    }
}

crate::fault_tests!(run_window);

#[test]
fn create_killed_mid_flight_is_settled_by_the_window_at_start() {
    use aep_s3_connect::store::history::HistoryStore;

    let w = World::new();
    kill_during_create(&w, "killed");
    // Adobe finished the request although the process was gone.
    let made = made_anyway(&w, "killed");
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "prod", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    let db = w.history_db();
    step_until(&mut h, "the pending record settled", |_| {
        HistoryStore::open(&db)
            .unwrap()
            .0
            .pending()
            .unwrap()
            .is_empty()
    });
    let (store, _) = HistoryStore::open(&db).unwrap();
    let all = store
        .search(&aep_s3_connect::store::history::HistoryQuery::default())
        .unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].status, AttemptStatus::Created);
    assert_eq!(all[0].connection_id.as_deref(), Some(made.as_str()));
    assert!(all[0].reconciled);
    assert_eq!(w.emu().connections().len(), 1, "nothing was created twice");
    step_until(&mut h, "the settled row", |h| has_label(h, &made));
}
