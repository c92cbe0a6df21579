//! *Rotate this key everywhere…*: one AWS key replaced on every connection that uses it, in
//! every sandbox (or the profile's), the window's face of `connections rotate-key`. Find (the
//! plan and the S3 pre-flight of the new key), one confirmation naming the production
//! sandboxes, the rotation with a row per connection as it comes, Cancel, and a bar offering to
//! finish a run that was cut short.

mod stages;

use zeroize::Zeroizing;

use super::action::Action;
use super::icons;
use crate::ops::connections::NewCredentials;
use crate::ops::connections::rotate_key::SandboxScope;
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
        let mut dialog = RotateKeyDialog::new(run.run.start.old_access_key_id.clone());
        dialog
            .new_key_id
            .clone_from(&run.run.start.new_access_key_id);
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
                    u.run.start.old_access_key_id,
                    u.run.start.new_access_key_id,
                    u.run.started_at_ms.local(),
                    u.left
                ));
                if ui
                    .button("Finish…")
                    .on_hover_text("Connections already rotated are not sent again")
                    .accessible_name(format!("Finish the rotation of {}", u.run.start.old_access_key_id))
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
    let mut ask = None;
    let mut close = false;
    // A modal as tall as what it shows (the plan, the rows), up to the window's height, its
    // body scrolled beyond that: nothing is cut off at 800×600.
    let room = ctx.content_rect().size() - egui::vec2(48.0, 48.0);
    let modal = egui::Modal::new(egui::Id::unique("rotate-key-dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0_f32.min(room.x));
        ui.heading("Rotate a key everywhere");
        egui::ScrollArea::vertical()
            .id_salt("rotate-key-body")
            .max_height((room.y - 90.0).max(120.0))
            .show(ui, |ui| {
                ask = stages::dialog_ui(ui, dialog, sandbox);
            });
        ui.separator();
        let running = matches!(dialog.stage, Stage::Running { .. });
        close = ui
            .add_enabled(!running, egui::Button::new("Close"))
            .on_disabled_hover_text("Cancel the rotation first")
            .clicked();
    });
    let open = !(close || modal.should_close());
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
