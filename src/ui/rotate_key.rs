//! *Rotate this key everywhere…*: one AWS key replaced on every connection that uses it, in
//! every sandbox (or the profile's), the window's face of `connections rotate-key`. Find (the
//! plan and the S3 pre-flight of the new key), one confirmation naming the production
//! sandboxes, the rotation with a row per connection as it comes, Cancel, and a bar offering to
//! finish a run that was cut short.

use zeroize::Zeroizing;

use super::action::Action;
use super::widgets::{labelled_text, new_key_rows};
use super::{icons, style};
use crate::api::sandboxes::sandbox_label;
use crate::ops::connections::NewCredentials;
use crate::ops::connections::rotate_key::SandboxScope;
use crate::s3check::CheckOutcome;
use crate::secret::Secret;
use crate::store::config::SavedAwsKey;
use crate::worker::{
    ErrorView, PlannedRotation, RotateKeyJob, RotationDone, RotationEvent, RotationRow,
    UnfinishedRun,
};

/// The dialog (while open) and the unfinished runs.
#[derive(Default)]
pub struct KeyRotationScreen {
    dialog: Option<RotateKeyDialog>,
    unfinished: Vec<UnfinishedRun>,
    last_request: u64,
}

/// Where the dialog stands.
enum Stage {
    /// The keys and the scope are being typed (with the last Find's failure, if any).
    Editing(Option<ErrorView>),
    /// Finding the connections and checking the new key.
    Finding(u64),
    /// The plan, waiting for the confirmation.
    Planned(Box<PlannedRotation>),
    /// Rotating: the rows come as each connection is done.
    Running {
        request: u64,
        total: usize,
        rows: Vec<RotationRow>,
        cancelling: bool,
    },
    /// The run ended.
    Done(Result<RotationDone, ErrorView>),
}

struct RotateKeyDialog {
    old_key: String,
    /// How AEP showed the key (masked), when the dialog came from a connection.
    shown_as: Option<String>,
    new_key_id: String,
    secret_key: Zeroizing<String>,
    session_token: Zeroizing<String>,
    all_sandboxes: bool,
    /// Finishing an unfinished run: the sandboxes of its connections.
    these: Option<Vec<String>>,
    skip_s3_check: bool,
    production_confirmed: bool,
    stage: Stage,
}

impl RotateKeyDialog {
    fn new(old_key: String) -> Self {
        Self {
            old_key,
            shown_as: None,
            new_key_id: String::new(),
            secret_key: Zeroizing::default(),
            session_token: Zeroizing::default(),
            all_sandboxes: true,
            these: None,
            skip_s3_check: false,
            production_confirmed: false,
            stage: Stage::Editing(None),
        }
    }

    /// A temporary key given its own ID again: only its session token is replaced.
    fn session_token_only(&self) -> bool {
        let old = self.old_key.trim();
        old.starts_with("ASIA") && self.new_key_id.trim() == old
    }

    fn credentials(&self) -> NewCredentials {
        NewCredentials {
            access_key_id: self.new_key_id.trim().to_owned(),
            secret_key: Secret::new(self.secret_key.as_str()),
            session_token: (!self.session_token.is_empty())
                .then(|| Secret::new(self.session_token.as_str())),
        }
    }

    /// Why Find cannot run yet, in words; `None` when it can.
    fn blocking_reason(&self) -> Option<String> {
        let old = self.old_key.trim();
        if old.is_empty() || old.contains('*') {
            return Some("Type the full access key ID to replace.".to_owned());
        }
        if self.session_token_only() {
            return self
                .session_token
                .trim()
                .is_empty()
                .then(|| "Type the new session token.".to_owned());
        }
        if self.new_key_id.trim() == old {
            return Some("The new access key ID is the old one.".to_owned());
        }
        match self.credentials().validate() {
            Err(errors) if !self.new_key_id.is_empty() || !self.secret_key.is_empty() => Some(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Err(_) => Some("Type the new key's ID and secret.".to_owned()),
            Ok(_) => None,
        }
    }

    fn scope(&self) -> SandboxScope {
        match (&self.these, self.all_sandboxes) {
            (Some(these), _) => SandboxScope::These(these.clone()),
            (None, true) => SandboxScope::All,
            (None, false) => SandboxScope::Current,
        }
    }
}

impl KeyRotationScreen {
    /// Opens the dialog for `old_key` (a remembered key's ID, or what AEP shows of a
    /// connection's: a masked ID is filled in from the one remembered key it can be).
    pub fn open(&mut self, old_key: &str, remembered: &[SavedAwsKey]) {
        if self.is_running() {
            return; // the run there is stays in view
        }
        let masked = old_key.contains('*');
        let full = if masked {
            let mut fits = remembered
                .iter()
                .filter(|k| crate::api::connection::masked_matches(old_key, &k.access_key_id));
            match (fits.next(), fits.next()) {
                (Some(k), None) => k.access_key_id.clone(),
                _ => String::new(),
            }
        } else {
            old_key.to_owned()
        };
        let mut dialog = RotateKeyDialog::new(full);
        dialog.shown_as = masked.then(|| old_key.to_owned());
        self.dialog = Some(dialog);
    }

    /// Opens the dialog to finish `run` (its keys and sandboxes filled in).
    fn open_unfinished(&mut self, run: &UnfinishedRun) {
        let mut dialog = RotateKeyDialog::new(run.run.old_access_key_id.clone());
        dialog.new_key_id.clone_from(&run.run.new_access_key_id);
        dialog.these = Some(run.sandboxes.clone());
        self.dialog = Some(dialog);
    }

    /// True while a run goes on.
    pub fn is_running(&self) -> bool {
        self.dialog
            .as_ref()
            .is_some_and(|d| matches!(d.stage, Stage::Running { .. }))
    }

    /// Closes the dialog unless a run goes on (Esc); true when something closed.
    pub fn close(&mut self) -> bool {
        if self.dialog.is_none() || self.is_running() {
            return false;
        }
        self.dialog = None;
        true
    }

    /// Another profile or sandbox: what was found is not shown under it.
    pub fn forget(&mut self) {
        if !self.is_running() {
            self.dialog = None;
        }
        self.unfinished.clear();
    }

    /// What the worker said.
    pub fn on_event(&mut self, event: RotationEvent) {
        if let RotationEvent::Unfinished(runs) = event {
            self.unfinished = runs;
            return;
        }
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        match (event, &mut dialog.stage) {
            (RotationEvent::Planned { request, result }, Stage::Finding(asked))
                if request == *asked =>
            {
                dialog.production_confirmed = false;
                dialog.stage = match result {
                    Ok(planned) => Stage::Planned(planned),
                    Err(e) => Stage::Editing(Some(e)),
                };
            }
            (
                RotationEvent::Step { request, row },
                Stage::Running {
                    request: r, rows, ..
                },
            ) if request == *r => {
                rows.push(row);
            }
            (RotationEvent::Finished { request, result }, Stage::Running { request: r, .. })
                if request == *r =>
            {
                dialog.stage = Stage::Done(result);
            }
            _ => tracing::debug!("dropping a key rotation answer the dialog no longer waits for"),
        }
    }

    fn next_request(&mut self) -> u64 {
        self.last_request += 1;
        self.last_request
    }
}

/// The bar that offers to finish the runs cut short (drawn while there are some).
pub fn unfinished_bar_ui(ui: &mut egui::Ui, screen: &mut KeyRotationScreen) {
    if screen.unfinished.is_empty() {
        return;
    }
    let mut finish = None;
    egui::Panel::top("unfinished-rotations").show(ui, |ui| {
        for (i, u) in screen.unfinished.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                super::widgets::icon(ui, icons::KEY, ui.visuals().warn_fg_color);
                ui.label(format!(
                    "The rotation of {} to {} started {} was not finished: {} connection(s) still to do.",
                    u.run.old_access_key_id,
                    u.run.new_access_key_id,
                    u.run.started_at_ms.local(),
                    u.left
                ));
                if ui
                    .button("Finish…")
                    .on_hover_text("Connections already rotated are not sent again")
                    .accessible_name(format!("Finish the rotation of {}", u.run.old_access_key_id))
                    .clicked()
                {
                    finish = Some(i);
                }
            });
        }
    });
    if let Some(i) = finish {
        let run = screen.unfinished[i].clone();
        screen.open_unfinished(&run);
    }
}

/// Draws the dialog, if open.
pub fn rotate_key_ui(
    ctx: &egui::Context,
    screen: &mut KeyRotationScreen,
    sandbox: Option<&str>,
    actions: &mut Vec<Action>,
) {
    let Some(dialog) = &mut screen.dialog else {
        return;
    };
    let mut open = true;
    let mut ask = None;
    super::widgets::window(ctx, "Rotate a key everywhere", 560.0)
        .id(egui::Id::unique("rotate-key-window"))
        .open(&mut open)
        .show(ctx, |ui| {
            ask = dialog_ui(ui, dialog, sandbox);
        });
    let running = matches!(dialog.stage, Stage::Running { .. });
    if let Some(job) = ask {
        let request = screen.next_request();
        let Some(dialog) = &mut screen.dialog else {
            return;
        };
        let job = job.into_job(request, dialog);
        actions.push(Action::RotateKey(job));
    } else if !open && !running {
        screen.dialog = None;
    }
}

/// What the dialog's buttons ask for this frame.
enum Ask {
    Find,
    Rotate,
    Cancel,
}

impl Ask {
    /// The job, and the dialog's next stage.
    fn into_job(self, request: u64, dialog: &mut RotateKeyDialog) -> RotateKeyJob {
        match self {
            Self::Find => {
                dialog.stage = Stage::Finding(request);
                RotateKeyJob::Plan {
                    request,
                    old_key: dialog.old_key.trim().to_owned(),
                    credentials: dialog.credentials(),
                    scope: dialog.scope(),
                    skip_s3_check: dialog.skip_s3_check,
                }
            }
            Self::Rotate => {
                let Stage::Planned(planned) = &dialog.stage else {
                    return RotateKeyJob::Cancel;
                };
                let plan = Box::new(planned.plan.clone());
                dialog.stage = Stage::Running {
                    request,
                    total: plan.connections.len() + plan.read_back.len(),
                    rows: Vec::new(),
                    cancelling: false,
                };
                RotateKeyJob::Run {
                    request,
                    old_key: dialog.old_key.trim().to_owned(),
                    credentials: dialog.credentials(),
                    session_token_only: dialog.session_token_only(),
                    plan,
                }
            }
            Self::Cancel => {
                if let Stage::Running { cancelling, .. } = &mut dialog.stage {
                    *cancelling = true;
                }
                RotateKeyJob::Cancel
            }
        }
    }
}

fn dialog_ui(
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
            let planned = planned.clone();
            plan_ui(ui, dialog, &planned)
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
fn plan_ui(
    ui: &mut egui::Ui,
    dialog: &mut RotateKeyDialog,
    planned: &PlannedRotation,
) -> Option<Ask> {
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
        dialog.old_key.trim(),
        plan.sandboxes().len()
    ));
    egui::ScrollArea::vertical()
        .id_salt("rotate-key-plan")
        .max_height(200.0)
        .show(ui, |ui| {
            for c in &plan.connections {
                ui.label(format!(
                    "{}  {}  {}",
                    sandbox_label(&c.sandbox, c.production),
                    c.connection.id,
                    c.connection.name
                ));
            }
            for i in &plan.read_back {
                ui.label(format!(
                    "{}  {}  {} (an earlier change got no answer: read back first)",
                    i.sandbox, i.connection_id, i.name
                ));
            }
        });
    for u in &plan.unsearched {
        unsearched_ui(ui, &u.sandbox, &u.reason);
    }
    checks_ui(ui, planned);
    let production: Vec<&str> = plan.production().into_iter().collect();
    if !production.is_empty() {
        ui.checkbox(
            &mut dialog.production_confirmed,
            format!("Rotate in PRODUCTION: {}", production.join(", ")),
        );
    }
    let mut ask = None;
    ui.horizontal(|ui| {
        let ready = count > 0
            && planned.verdict.is_none()
            && (production.is_empty() || dialog.production_confirmed);
        let label = format!("Rotate {count} connection(s)");
        if ui
            .add_enabled(ready, style::danger_button(ui, icons::KEY, &label))
            .accessible_name(label.as_str())
            .clicked()
        {
            ask = Some(Ask::Rotate);
        }
        if ui.button("Change").clicked() {
            dialog.stage = Stage::Editing(None);
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
        let place = match (&c.bucket, &c.folder_path) {
            (Some(b), Some(p)) => format!("s3://{b}/{p}"),
            (Some(b), None) => format!("s3://{b}"),
            _ => "every bucket".to_owned(),
        };
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

/// A sandbox that could not be searched, and why.
fn unsearched_ui(ui: &mut egui::Ui, sandbox: &str, why: &str) {
    ui.colored_label(
        ui.visuals().warn_fg_color,
        format!("Not searched: {sandbox}: {why} (connections there may still use the old key)"),
    );
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
    let rotated = done.rows.iter().filter(|r| r.rotated).count();
    let summary = format!(
        "Rotated {rotated} of {} connection(s){}.",
        done.rows.len(),
        if done.already > 0 {
            format!("; {} more in an earlier run", done.already)
        } else {
            String::new()
        }
    );
    if done.complete {
        ui.colored_label(style::created_color(ui.visuals()), summary);
    } else {
        ui.label(summary);
        ui.label(if done.cancelled {
            "Cancelled. Find again with the same keys to finish: connections already rotated are not sent again. Keep the old key active until then."
        } else {
            "Not finished. Find again with the same keys to finish: connections already rotated are not sent again. Keep the old key active until then."
        });
    }
    for (sandbox, why) in &done.unsearched {
        unsearched_ui(ui, sandbox, why);
    }
    if let Some(remembered) = &done.remembered {
        ui.label(remembered.as_str());
    }
}
