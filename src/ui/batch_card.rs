//! The result card of a create in several sandboxes: a row per sandbox with where it stands
//! (waiting, creating, created, exists, pending, failed), the IDs to copy, each failure's
//! reason, and *Retry failed* for the sandboxes still without the connection.

use super::action::Action;
use super::widgets::copy_row;
use super::{icons, style};
use crate::model::S3ConnectionInput;
use crate::ops::SandboxStep;
use crate::worker::{BatchView, ErrorView};

/// One sandbox's row.
#[derive(Debug)]
pub struct BatchCardRow {
    /// The sandbox.
    pub sandbox: String,
    /// Where it stands.
    pub step: SandboxStep,
    /// The connection's ID once the sandbox has it.
    pub connection_id: Option<String>,
    /// Why not, when it failed.
    pub error: Option<ErrorView>,
}

/// A batch running or finished.
#[derive(Debug)]
pub struct BatchCard {
    /// The batch ID, once the worker named it.
    pub batch: Option<String>,
    /// What was sent (kept for *Retry failed*; its secrets are zeroized when dropped).
    pub input: S3ConnectionInput,
    /// Each sandbox, in the order asked.
    pub rows: Vec<BatchCardRow>,
    /// Warnings from the worker.
    pub warnings: Vec<String>,
    /// The batch ended (or was cancelled).
    pub finished: bool,
}

impl BatchCard {
    /// A batch just sent to `sandboxes`.
    pub fn new(input: S3ConnectionInput, sandboxes: &[String], batch: Option<String>) -> Self {
        Self {
            batch,
            input,
            rows: sandboxes
                .iter()
                .map(|sandbox| BatchCardRow {
                    sandbox: sandbox.clone(),
                    step: SandboxStep::Waiting,
                    connection_id: None,
                    error: None,
                })
                .collect(),
            warnings: Vec::new(),
            finished: false,
        }
    }

    /// A step of batch `batch` in `sandbox`; one of another batch is dropped.
    pub fn on_step(&mut self, batch: &str, sandbox: &str, step: SandboxStep) {
        if self.finished || self.batch.as_deref().is_some_and(|b| b != batch) {
            return;
        }
        self.batch = Some(batch.to_owned());
        if let Some(row) = self.rows.iter_mut().find(|r| r.sandbox == sandbox) {
            row.step = step;
        }
    }

    /// The batch's result.
    pub fn on_finished(&mut self, view: BatchView) {
        for row in view.rows {
            if let Some(mine) = self.rows.iter_mut().find(|r| r.sandbox == row.sandbox) {
                *mine = BatchCardRow {
                    sandbox: row.sandbox,
                    step: row.step,
                    connection_id: row.connection_id,
                    error: row.error,
                };
            }
        }
        self.batch = Some(view.batch);
        self.warnings = view.warnings;
        self.finished = true;
    }

    /// The batch stopped without a result (cancelled, or failed as a whole): rows still under
    /// way are left as they were last reported.
    pub fn on_stopped(&mut self) {
        self.finished = true;
    }

    /// The sandboxes without the connection: what *Retry failed* sends again.
    pub fn missing(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| !r.step.done())
            .map(|r| r.sandbox.clone())
            .collect()
    }

    /// *Retry failed* was sent: the missing rows wait again.
    pub fn retry_started(&mut self) {
        for row in self.rows.iter_mut().filter(|r| !r.step.done()) {
            row.step = SandboxStep::Waiting;
            row.error = None;
        }
        self.warnings.clear();
        self.finished = false;
    }
}

/// Draws the batch: a heading that sums it up, a row per sandbox, the warnings and *Retry
/// failed*.
pub fn batch_ui(ui: &mut egui::Ui, card: &BatchCard, actions: &mut Vec<Action>) -> egui::Rect {
    egui::Frame::group(ui.style())
        .show(ui, |ui| {
            let done = card.rows.iter().filter(|r| r.step.done()).count();
            let heading = format!(
                "\"{}\" in {done} of {} sandboxes",
                card.input.name,
                card.rows.len()
            );
            let color = if card.finished && done == card.rows.len() {
                style::created_color(ui.visuals())
            } else {
                ui.visuals().text_color()
            };
            ui.add(egui::Label::new(egui::RichText::new(heading).heading().color(color)).wrap());
            if let Some(batch) = &card.batch {
                copy_row(ui, "Batch", batch, actions);
            }
            for row in &card.rows {
                row_ui(ui, row, actions);
            }
            for w in &card.warnings {
                ui.colored_label(ui.visuals().warn_fg_color, w.as_str());
            }
            let missing = card.missing();
            if card.finished && !missing.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    if ui
                        .add(style::primary_button(ui, icons::REFRESH, "Retry failed"))
                        .accessible_name("Retry failed")
                        .on_hover_text(format!(
                            "Create again in {}: sandboxes that have the connection are left alone",
                            missing.join(", ")
                        ))
                        .clicked()
                    {
                        actions.push(Action::RetryFailed);
                    }
                });
            }
        })
        .response
        .rect
}

fn row_ui(ui: &mut egui::Ui, row: &BatchCardRow, actions: &mut Vec<Action>) {
    let visuals = ui.visuals();
    let (icon, color) = match row.step {
        SandboxStep::Created | SandboxStep::Exists => (icons::CHECK, style::created_color(visuals)),
        SandboxStep::Failed => (icons::FAILED, visuals.error_fg_color),
        SandboxStep::Pending => (icons::WARNING, visuals.warn_fg_color),
        SandboxStep::Waiting | SandboxStep::Creating => (icons::PENDING, visuals.weak_text_color()),
    };
    ui.horizontal_wrapped(|ui| {
        crate::ui::widgets::icon(ui, icon, color);
        ui.label(egui::RichText::new(&row.sandbox).strong());
        if row.step == SandboxStep::Creating {
            ui.add(egui::Spinner::new());
        }
        ui.colored_label(color, row.step.as_str());
    });
    ui.indent(("batch-row", &row.sandbox), |ui| {
        if let Some(id) = &row.connection_id {
            copy_row(ui, &format!("{} connection ID", row.sandbox), id, actions);
        }
        if let Some(error) = &row.error {
            // Its first line: the hint, on the lines after it, is shown below as what to do.
            let message = error.message.lines().next().unwrap_or_default();
            ui.add(egui::Label::new(message).wrap());
            if let Some(hint) = &error.hint {
                ui.colored_label(ui.visuals().warn_fg_color, format!("What to do: {hint}"));
            }
        }
    });
}
