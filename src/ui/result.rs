//! The result card of the last create: IDs to copy on success, Adobe's message and hint on
//! failure, and the question to ask when a connection of the same name exists.

use std::time::Instant;

use super::action::Action;
use super::widgets::copy_row;
use super::{icons, style};
use crate::api::Connection;
use crate::error::Remedy;
use crate::worker::{CreatedView, ErrorView};

/// A create in progress or finished.
#[derive(Debug, Default)]
pub enum CreateState {
    /// Nothing yet.
    #[default]
    Idle,
    /// Waiting for the worker.
    Running {
        /// Since when.
        since: Instant,
        /// Cancel was asked for.
        cancelling: bool,
    },
    /// Success.
    Created(CreatedView),
    /// Failure.
    Failed(ErrorView),
}

/// What the card shows: the last create, and a same-named connection found before sending.
#[derive(Debug, Default)]
pub struct ResultCard {
    /// The last create.
    pub create: CreateState,
    /// The connection of the same name that stopped the create.
    pub duplicate: Option<Box<Connection>>,
    /// What the user chose about a duplicate made at the same time as the last create.
    pub raced: RacedChoice,
    /// A create has just finished: bring the card into view (it may be below the fold).
    pub reveal: bool,
    /// The last create in several sandboxes, running or finished.
    pub batch: Option<super::batch_card::BatchCard>,
}

/// The user's answer to "AEP now has another connection of this name".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RacedChoice {
    /// Not answered yet: the warning shows.
    #[default]
    Open,
    /// *Delete this one* was clicked: asks once more before deleting.
    ConfirmDelete,
    /// *Keep both*, or the deletion was sent: the warning is gone.
    Settled,
}

impl ResultCard {
    /// The card for a finished create, as the worker reported it.
    pub fn finished(result: Result<CreatedView, ErrorView>) -> Self {
        Self {
            create: match result {
                Ok(created) => CreateState::Created(created),
                Err(error) => CreateState::Failed(error),
            },
            duplicate: None,
            raced: RacedChoice::Open,
            reveal: true,
            batch: None,
        }
    }

    /// True while a create runs.
    pub fn is_running(&self) -> bool {
        matches!(self.create, CreateState::Running { .. })
    }
}

/// The cURL copy's description on the clipboard toast.
const CURL: &str = "cURL command (secrets as $ENV references)";

/// Draws the card, if there is anything to show.
pub fn result_ui(ui: &mut egui::Ui, card: &mut ResultCard, actions: &mut Vec<Action>) {
    if let Some(existing) = &card.duplicate {
        let mut open_existing = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.heading(format!(
                "\"{}\" already exists in this sandbox",
                existing.name
            ));
            ui.label(format!(
                "Connection {} has the same name. A second one would be hard to tell apart.",
                existing.id
            ));
            ui.horizontal(|ui| {
                open_existing = ui.button("Open the existing one").clicked();
                if ui.button("Create anyway").clicked() {
                    actions.push(Action::CreateAnyway);
                }
            });
        });
        if open_existing {
            // Its details: what it is, when it was made and by whom; Explore is one click from there.
            actions.push(Action::Inspect(existing.id.clone()));
        }
    }
    let batch = card
        .batch
        .as_ref()
        .map(|batch| super::batch_card::batch_ui(ui, batch, actions));
    let shown = match &card.create {
        CreateState::Created(created) => {
            if let Some((others, warning)) = &created.duplicates {
                raced_ui(ui, created, others, warning, &mut card.raced, actions);
            }
            Some(created_ui(ui, created, actions))
        }
        CreateState::Failed(error) => Some(failed_ui(ui, error, actions)),
        CreateState::Idle | CreateState::Running { .. } => None,
    }
    .or(batch);
    // Where the user is looking: the new result, scrolled into view once.
    if let Some(card_rect) = shown
        && std::mem::take(&mut card.reveal)
    {
        ui.scroll_to_rect(card_rect, Some(egui::Align::Center));
    }
}

fn created_ui(ui: &mut egui::Ui, created: &CreatedView, actions: &mut Vec<Action>) -> egui::Rect {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let color = style::created_color(ui.visuals());
            crate::ui::widgets::icon(ui, icons::CHECK, color);
            let heading = format!("Created \"{}\" in {}", created.name, created.sandbox);
            ui.add(egui::Label::new(egui::RichText::new(heading).heading().color(color)).wrap());
            if ui
                .add(style::primary_button(ui, icons::COPY, "Copy ID"))
                .accessible_name("Copy the new connection's ID")
                .on_hover_text("Put the connection ID on the clipboard")
                .clicked()
            {
                actions.push(Action::copy(&created.connection.id, "connection ID"));
            }
        });
        copy_row(ui, "Connection ID", &created.connection.id, actions);
        copy_row(ui, "Etag", &created.connection.etag, actions);
        if let Some(id) = &created.connection.request_id {
            copy_row(ui, "Request ID", id, actions);
        }
        if created.connection.reconciled {
            ui.label("Adobe's answer was lost; the connection was found by name. Nothing was created twice.");
        }
        for w in &created.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, w.as_str());
        }
        ui.horizontal(|ui| {
            if ui.button("Copy as cURL").clicked() {
                actions.push(Action::copy(&created.curl, CURL));
            }
            if ui
                .button("Explore")
                .on_hover_text("Browse the bucket through the new connection: the proof it works")
                .clicked()
            {
                actions.push(Action::Explore {
                    id: created.connection.id.clone(),
                    name: created.name.clone(),
                });
            }
        });
    })
    .response
    .rect
}

/// The warning about connections of the same name made at the same time elsewhere, with
/// *Delete this one* (asked once more) and *Keep both*.
fn raced_ui(
    ui: &mut egui::Ui,
    created: &CreatedView,
    others: &[Connection],
    warning: &str,
    choice: &mut RacedChoice,
    actions: &mut Vec<Action>,
) {
    if *choice == RacedChoice::Settled {
        return;
    }
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .show(ui, |ui| {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                egui::RichText::new(format!(
                    "\"{}\" now exists {} times in {}",
                    created.name,
                    others.len() + 1,
                    created.sandbox
                ))
                .heading(),
            );
            ui.label(warning);
            for other in others {
                copy_row(ui, "Other connection ID", &other.id, actions);
            }
            ui.horizontal_wrapped(|ui| match choice {
                RacedChoice::Open => {
                    if ui
                        .add(style::danger_button(ui, icons::TRASH, "Delete this one"))
                        .on_hover_text(
                            "Delete the connection just created in AEP; the other one stays",
                        )
                        .clicked()
                    {
                        *choice = RacedChoice::ConfirmDelete;
                    }
                    if ui.button("Keep both").clicked() {
                        *choice = RacedChoice::Settled;
                    }
                }
                RacedChoice::ConfirmDelete => {
                    ui.label(format!("Delete {} in AEP?", created.connection.id));
                    if ui
                        .add(style::danger_button(ui, icons::TRASH, "Delete it"))
                        .clicked()
                    {
                        actions.push(Action::DeleteConnection {
                            id: created.connection.id.clone(),
                            name: created.name.clone(),
                        });
                        *choice = RacedChoice::Settled;
                    }
                    if ui.button("Cancel").clicked() {
                        *choice = RacedChoice::Open;
                    }
                }
                RacedChoice::Settled => {}
            });
        });
}

fn failed_ui(ui: &mut egui::Ui, error: &ErrorView, actions: &mut Vec<Action>) -> egui::Rect {
    egui::Frame::group(ui.style())
        .show(ui, |ui| {
            let title = match (error.status, &error.code) {
                (Some(status), Some(code)) => format!("Failed: HTTP {status}, {code}"),
                (Some(status), None) => format!("Failed: HTTP {status}"),
                _ => "Failed".to_owned(),
            };
            ui.heading(title);
            ui.label(error.message.as_str());
            if let Some(hint) = &error.hint {
                ui.colored_label(ui.visuals().warn_fg_color, format!("What to do: {hint}"));
            }
            if let Some(id) = &error.request_id {
                copy_row(ui, "Request ID", id, actions);
            }
            if error.remedy == Some(Remedy::CreateAnyway)
                && ui
                    .button("Create anyway")
                    .on_hover_text("Create without checking for a connection of the same name")
                    .clicked()
            {
                actions.push(Action::CreateAnyway);
            }
            if let Some(curl) = &error.curl
                && ui.button("Copy as cURL").clicked()
            {
                actions.push(Action::copy(curl, CURL));
            }
            if let Some(raw) = error.raw_body.as_ref().filter(|r| !r.is_empty()) {
                egui::CollapsingHeader::new("Raw response").show(ui, |ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut raw.as_str())
                            .code_editor()
                            .desired_rows(6),
                    );
                });
            }
        })
        .response
        .rect
}
