//! The dialog's stages drawn: the keys and where to look, the plan with the pre-flight and the
//! production confirmation, the rows as they come, the summary.

use super::{Ask, RotateKeyDialog, Stage};
use crate::api::sandboxes::sandbox_label;
use crate::s3check::CheckOutcome;
use crate::ui::widgets::{labelled_text, new_key_rows};
use crate::ui::{icons, style};
use crate::worker::{ErrorView, PlannedRotation, RotationDone, RotationRow};

pub(super) fn dialog_ui(
    ui: &mut egui::Ui,
    dialog: &mut RotateKeyDialog,
    sandbox: Option<&str>,
) -> Option<Ask> {
    let editing = matches!(dialog.stage, Stage::Editing(_));
    ui.add_enabled_ui(editing, |ui| keys_ui(ui, dialog, sandbox));
    ui.separator();
    match &mut dialog.stage {
        Stage::Editing(failure) => {
            if let Some(e) = failure {
                ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
                if let Some(hint) = &e.hint {
                    ui.label(hint.as_str());
                }
            }
            let reason = dialog.blocking_reason();
            if let Some(reason) = &reason {
                ui.label(reason.as_str());
            }
            let find = ui
                .add_enabled(
                    reason.is_none(),
                    style::primary_button(ui, icons::KEY, "Find connections"),
                )
                .accessible_name("Find connections")
                .on_hover_text("Lists every connection that uses the old key, and checks the new key with S3; nothing is changed");
            find.clicked().then_some(Ask::Find)
        }
        Stage::Finding(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Finding the connections that use the key…");
            });
            None
        }
        Stage::Planned(planned) => {
            let old_key = dialog.old_key.trim();
            match plan_ui(ui, planned, old_key, &mut dialog.production_confirmed) {
                Some(PlanChoice::Rotate) => Some(Ask::Rotate),
                Some(PlanChoice::Change) => {
                    dialog.stage = Stage::Editing(None);
                    None
                }
                None => None,
            }
        }
        Stage::Running {
            total,
            rows,
            cancelling,
            ..
        } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Rotating: {} of {total} done", rows.len()));
            });
            rows_ui(ui, rows);
            if *cancelling {
                ui.label(
                    "Stopping: no new change is sent; those on their way finish and are recorded.",
                );
                None
            } else {
                ui.button("Cancel")
                    .on_hover_text("Stops sending new changes; those on their way finish")
                    .clicked()
                    .then_some(Ask::Cancel)
            }
        }
        Stage::Done(result) => {
            done_ui(ui, result);
            let again = ui.button("Change and find again").clicked();
            if again {
                dialog.stage = Stage::Editing(None);
            }
            None
        }
    }
}

/// The old key, the new one and where to look.
fn keys_ui(ui: &mut egui::Ui, dialog: &mut RotateKeyDialog, sandbox: Option<&str>) {
    if let Some(shown) = &dialog.shown_as {
        ui.label(format!(
            "AEP shows this connection's key as {shown}: the full ID is needed to find the others."
        ));
    }
    egui::Grid::new("rotate-key-grid")
        .num_columns(2)
        .show(ui, |ui| {
            let l = ui.label("Old access key ID");
            labelled_text(ui, &l, &mut dialog.old_key, false, "AKIA… or ASIA…");
            ui.end_row();
            new_key_rows(
                ui,
                &mut dialog.new_key_id,
                &mut dialog.secret_key,
                &mut dialog.session_token,
            );
        });
    if dialog.session_token_only() {
        ui.label("Same temporary key ID: only the session token is replaced on each connection.");
    }
    match &dialog.these {
        Some(these) => {
            ui.label(format!(
                "Where: the run's sandboxes ({}).",
                these.join(", ")
            ));
        }
        None => {
            ui.horizontal_wrapped(|ui| {
                ui.label("Where:");
                ui.radio_value(&mut dialog.all_sandboxes, true, "Every sandbox");
                ui.radio_value(
                    &mut dialog.all_sandboxes,
                    false,
                    format!("This sandbox ({})", sandbox.unwrap_or("-")),
                );
            });
        }
    }
    ui.checkbox(
        &mut dialog.skip_s3_check,
        "Skip the S3 check of the new key",
    )
    .on_hover_text(
        "Rotate without first checking that the new key may read each bucket and folder",
    );
}

/// The plan: what will change, the pre-flight, the confirmation.
/// What the plan's buttons ask for.
enum PlanChoice {
    Rotate,
    Change,
}

fn plan_ui(
    ui: &mut egui::Ui,
    planned: &PlannedRotation,
    old_key: &str,
    production_confirmed: &mut bool,
) -> Option<PlanChoice> {
    let plan = &planned.plan;
    if let Some(run) = &plan.resumed {
        ui.label(format!(
            "Finishing the run started {}: {} connection(s) already rotated are not sent again.",
            run.started_at_ms.local(),
            plan.already.len()
        ));
    }
    let count = plan.connections.len() + plan.read_back.len();
    ui.label(format!(
        "{} connection(s) use {} in {} sandbox(es):",
        count,
        old_key,
        plan.sandboxes().len()
    ));
    egui::ScrollArea::vertical()
        .id_salt("rotate-key-plan")
        .max_height(200.0)
        .show(ui, |ui| {
            for c in &plan.connections {
                ui.label(format!(
                    "{}  {}  {}",
                    sandbox_label(&c.sandbox, plan.is_production(&c.sandbox)),
                    c.connection.id,
                    c.connection.name
                ));
            }
            for i in &plan.read_back {
                ui.label(format!(
                    "{}  {}  {} (an earlier change got no answer: read back first)",
                    sandbox_label(&i.sandbox, plan.is_production(&i.sandbox)),
                    i.connection_id,
                    i.name
                ));
            }
        });
    for u in &plan.unsearched {
        unsearched_ui(ui, &u.describe(old_key));
    }
    checks_ui(ui, planned);
    let production: Vec<&str> = plan.production().into_iter().collect();
    if !production.is_empty() {
        ui.checkbox(
            production_confirmed,
            format!("Rotate in PRODUCTION: {}", production.join(", ")),
        );
    }
    let mut ask = None;
    ui.horizontal(|ui| {
        let ready = count > 0
            && planned.verdict.is_none()
            && (production.is_empty() || *production_confirmed);
        let label = format!("Rotate {count} connection(s)");
        if ui
            .add_enabled(ready, style::danger_button(ui, icons::KEY, &label))
            .accessible_name(label.as_str())
            .clicked()
        {
            ask = Some(PlanChoice::Rotate);
        }
        if ui.button("Change").clicked() {
            ask = Some(PlanChoice::Change);
        }
    });
    if count == 0 {
        ui.label("No connection uses the key in the sandboxes searched: nothing to rotate.");
    }
    ask
}

/// The S3 pre-flight of the new key on each bucket and folder, and its verdict.
fn checks_ui(ui: &mut egui::Ui, planned: &PlannedRotation) {
    for c in &planned.checks {
        let place = c.place();
        let denied: Vec<String> = c
            .report
            .checks
            .iter()
            .filter(|p| matches!(p.outcome, CheckOutcome::Denied(_) | CheckOutcome::Failed(_)))
            .map(|p| format!("{} {}", p.permission, p.outcome.label()))
            .collect();
        if denied.is_empty() {
            ui.label(format!("S3 check of the new key on {place}: passed"));
        } else {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("S3 check of the new key on {place}: {}", denied.join(", ")),
            );
        }
    }
    if let Some(verdict) = planned.verdict {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("{verdict}, so nothing can be rotated. Fix the key's IAM policy, or tick \"Skip the S3 check\" and find again."),
        );
    }
}

/// A sandbox that could not be searched, and why (`Unsearched::describe`).
fn unsearched_ui(ui: &mut egui::Ui, described: &str) {
    ui.colored_label(ui.visuals().warn_fg_color, described);
}

/// A row per connection done.
fn rows_ui(ui: &mut egui::Ui, rows: &[RotationRow]) {
    egui::ScrollArea::vertical()
        .id_salt("rotate-key-rows")
        .max_height(220.0)
        .show(ui, |ui| {
            for r in rows {
                let text = format!(
                    "{}  {}  {}: {}",
                    sandbox_label(&r.sandbox, r.production),
                    r.connection_id,
                    r.name,
                    r.status
                );
                if r.rotated {
                    ui.colored_label(style::created_color(ui.visuals()), text);
                } else {
                    ui.colored_label(ui.visuals().error_fg_color, text);
                    if let Some(e) = &r.error {
                        ui.label(e.as_str());
                    }
                }
            }
        });
}

/// The run's end: each connection, the summary, and the remembered key's fate.
fn done_ui(ui: &mut egui::Ui, result: &Result<RotationDone, ErrorView>) {
    let done = match result {
        Ok(done) => done,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e.message.as_str());
            return;
        }
    };
    rows_ui(ui, &done.rows);
    if done.complete {
        ui.colored_label(style::created_color(ui.visuals()), done.summary.as_str());
    } else {
        ui.label(done.summary.as_str());
    }
    if let Some(left) = &done.left_to_do {
        ui.label(left.as_str());
    }
    for described in &done.unsearched {
        unsearched_ui(ui, described);
    }
    if let Some(remembered) = &done.remembered {
        ui.label(remembered.as_str());
    }
}
