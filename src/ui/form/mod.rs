//! The new-connection screen: the fields (their state and validation in [`fields`]), the create
//! button and, below, the result card.

mod fields;
mod grid;
mod sandboxes;

use std::time::Instant;

use zeroize::Zeroizing;

pub use fields::{FormState, FormValidation, field_label};
pub use grid::describe_field;
pub use sandboxes::{Destination, SandboxChoice};

use super::action::Action;
use super::batch_card::BatchCard;
use super::dialogs::FileRequest;
use super::result::{CreateState, ResultCard};
use crate::api::Connection;
use crate::api::sandboxes::Sandbox;
use crate::store::config::SavedAwsKey;
use crate::worker::{BatchView, CreatedView, ErrorView, Job};

/// The new-connection screen's state: the fields, the last create, and a create waiting for
/// the user's yes to a production sandbox.
#[derive(Default)]
pub struct FormScreen {
    /// What the user typed.
    pub(crate) fields: FormState,
    /// The last create, as the card shows it.
    pub(crate) result: ResultCard,
    /// A create into a production sandbox waiting for the user's yes: whether it may duplicate.
    pub(crate) confirm_production: Option<bool>,
    /// The sandboxes ticked besides (or instead of) the profile's.
    pub(crate) sandboxes: SandboxChoice,
}

/// What asking for a create leads to.
pub(crate) enum CreateStep {
    /// Send this job.
    Send(Box<Job>),
    /// Nothing to send now (one is running, or the production question is asked).
    Wait,
    /// The form cannot be sent: say why.
    Refused(String),
}

/// What the screen shows from outside it.
#[derive(Clone, Copy)]
pub struct FormView<'a> {
    /// The AWS keys remembered in the keyring.
    pub saved_keys: &'a [SavedAwsKey],
    /// A profile is active (else Create is disabled and says why).
    pub has_profile: bool,
    /// Where a create goes: the sandboxes ticked, and which are production.
    pub destination: Option<&'a Destination>,
    /// The org's sandboxes as AEP last listed them, to tick more.
    pub listed: Option<&'a [Sandbox]>,
}

impl FormScreen {
    /// A form with the demo's key filled in (AWS's documented example key), so the demo works
    /// with one click.
    pub fn demo() -> Self {
        let mut screen = Self::default();
        screen.fields.access_key_id = "AKIAIOSFODNN7EXAMPLE".to_owned();
        screen.fields.secret_key =
            Zeroizing::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned());
        screen
    }

    /// True while a create runs.
    pub fn is_creating(&self) -> bool {
        self.result.is_running()
    }

    /// The create flow: `allow_duplicate` when the user asked to create despite a connection of
    /// that name; `confirmed` once the user said yes to the production sandboxes among
    /// `destination`'s, which is asked first. One sandbox, the profile's: a create as always;
    /// several (or another): a batch. Never two creates at once.
    pub(crate) fn request_create(
        &mut self,
        allow_duplicate: bool,
        confirmed: bool,
        destination: &Destination,
    ) -> CreateStep {
        if self.is_creating() {
            return CreateStep::Wait;
        }
        if destination.sandboxes.is_empty() {
            return CreateStep::Refused("Tick at least one sandbox to create in.".to_owned());
        }
        let input = match self.fields.to_input() {
            Ok(input) => input,
            Err(why) => {
                self.result.duplicate = None;
                return CreateStep::Refused(why);
            }
        };
        if !destination.production.is_empty() && !confirmed {
            self.confirm_production = Some(allow_duplicate);
            return CreateStep::Wait;
        }
        let remember_aws_as = self.fields.remember_label();
        if destination.is_own_only() {
            self.create_started();
            return CreateStep::Send(Box::new(Job::Create {
                input,
                allow_duplicate,
                remember_aws_as,
            }));
        }
        self.create_started();
        self.result.reveal = true;
        self.result.batch = Some(BatchCard::new(input.clone(), &destination.sandboxes, None));
        CreateStep::Send(Box::new(Job::CreateBatch {
            input,
            sandboxes: destination.sandboxes.clone(),
            batch: None,
            remember_aws_as,
        }))
    }

    /// *Retry failed*: the last batch again, in the sandboxes still without the connection.
    pub(crate) fn request_retry(&mut self) -> CreateStep {
        if self.is_creating() {
            return CreateStep::Wait;
        }
        let Some(mut card) = self.result.batch.take() else {
            return CreateStep::Wait;
        };
        let missing = card.missing();
        if missing.is_empty() {
            self.result.batch = Some(card);
            return CreateStep::Wait;
        }
        card.retry_started();
        let job = Job::CreateBatch {
            input: card.input.clone(),
            sandboxes: missing,
            batch: card.batch.clone(),
            remember_aws_as: None,
        };
        self.create_started();
        self.result.batch = Some(card);
        CreateStep::Send(Box::new(job))
    }

    /// A step of a running batch.
    pub(crate) fn on_batch_step(
        &mut self,
        batch: &str,
        sandbox: &str,
        step: crate::ops::SandboxStep,
    ) {
        if let Some(card) = &mut self.result.batch {
            card.on_step(batch, sandbox, step);
        }
    }

    /// A batch ended.
    pub(crate) fn on_batch_finished(&mut self, result: Result<BatchView, ErrorView>) {
        let Some(mut card) = self.result.batch.take() else {
            return;
        };
        let create = match result {
            Ok(view) => {
                card.on_finished(view);
                CreateState::Idle
            }
            Err(error) => {
                card.on_stopped();
                CreateState::Failed(error)
            }
        };
        self.result = ResultCard {
            create,
            batch: Some(card),
            reveal: true,
            ..ResultCard::default()
        };
    }

    /// A create was sent.
    pub(crate) fn create_started(&mut self) {
        self.result = ResultCard {
            create: CreateState::Running {
                since: Instant::now(),
                cancelling: false,
            },
            ..ResultCard::default()
        };
    }

    /// Cancel was sent for the running create.
    pub(crate) fn cancel_started(&mut self) {
        self.result.create = CreateState::Running {
            since: Instant::now(),
            cancelling: true,
        };
    }

    /// A create finished (or the running batch was cancelled: its rows stay).
    pub(crate) fn on_created(&mut self, result: Result<CreatedView, ErrorView>) {
        let batch = self.result.batch.take().map(|mut card| {
            card.on_stopped();
            card
        });
        self.result = ResultCard {
            batch,
            ..ResultCard::finished(result)
        };
    }

    /// A connection of the same name exists: nothing was sent; ask what to do.
    pub(crate) fn on_duplicate(&mut self, existing: Box<Connection>) {
        self.result = ResultCard {
            duplicate: Some(existing),
            ..ResultCard::default()
        };
    }
}

/// Where the AWS key can come from: a file, a remembered key; and the remembered keys' rotation.
fn key_sources_ui(ui: &mut egui::Ui, saved_keys: &[SavedAwsKey], actions: &mut Vec<Action>) {
    // Wrapped: with remembered keys the row is wider than the form at 800 px.
    ui.horizontal_wrapped(|ui| {
        if ui.button("Import AWS credentials…").clicked() {
            actions.push(Action::Pick(FileRequest::AwsCredentials));
        }
        if !saved_keys.is_empty() {
            egui::ComboBox::from_id_salt("saved-aws")
                .selected_text("Remembered keys")
                .show_ui(ui, |ui| {
                    for key in saved_keys {
                        if ui.selectable_label(false, &key.label).clicked() {
                            actions.push(Action::LoadSavedAwsKey(key.label.clone()));
                        }
                    }
                })
                .response
                .accessible_name("Remembered keys");
            ui.menu_button("Rotate a key everywhere…", |ui| {
                for key in saved_keys {
                    let label = format!("{} ({})", key.label, key.access_key_id);
                    if ui
                        .button(label)
                        .on_hover_text("Replace this key on every connection that uses it")
                        .clicked()
                    {
                        actions.push(Action::RotateKeyEverywhere(key.access_key_id.clone()));
                        ui.close();
                    }
                }
            });
        }
    });
}

/// The form and, below it, the result of the last create.
pub fn form_ui(
    ui: &mut egui::Ui,
    screen: &mut FormScreen,
    view: FormView<'_>,
    actions: &mut Vec<Action>,
) {
    let validation = screen.fields.validation();
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("New S3 connection");
        ui.add_space(6.0);
        grid::fields_ui(ui, &mut screen.fields, &validation);
        let f = &mut screen.fields;
        key_sources_ui(ui, view.saved_keys, actions);
        if !f.import_choices.is_empty() {
            let mut chosen = None;
            ui.group(|ui| {
                ui.label("The file has several keys; pick one:");
                for (i, key) in f.import_choices.iter().enumerate() {
                    if ui
                        .button(format!("{} ({})", key.label, key.access_key_id))
                        .clicked()
                    {
                        chosen = Some(i);
                    }
                }
            });
            if let Some(i) = chosen {
                let key = f.import_choices.swap_remove(i);
                f.fill_key(&key);
            }
        }
        // Wrapped: in a narrow window the name field moves under the checkbox, not off screen.
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut f.remember, "Remember these AWS credentials");
            // Its own label, not a bare "as": a screen reader reads the field by itself.
            let label = ui.label("Remember as");
            let name = ui
                .add_enabled(
                    f.remember,
                    egui::TextEdit::singleline(&mut f.remember_as)
                        .hint_text("a name, e.g. landing-key")
                        .desired_width(180.0),
                )
                .labelled_by(label.id);
            ui.ctx().accesskit_node_builder(name.id, |node| {
                node.set_description("The name the key is kept under in the keyring");
            });
        });
        if let Some(destination) = view.destination {
            sandboxes::sandbox_choice_ui(
                ui,
                &mut screen.sandboxes,
                destination,
                view.listed,
                actions,
            );
        }
        ui.add_space(8.0);
        create_row_ui(ui, screen, view, actions);
        ui.add_space(12.0);
        super::result::result_ui(ui, &mut screen.result, actions);
    });
}

fn create_row_ui(
    ui: &mut egui::Ui,
    screen: &FormScreen,
    view: FormView<'_>,
    actions: &mut Vec<Action>,
) {
    let has_profile = view.has_profile;
    ui.horizontal_wrapped(|ui| match &screen.result.create {
        CreateState::Running { since, cancelling } => {
            ui.add(egui::Spinner::new());
            ui.label(format!("Creating… {:.0} s", since.elapsed().as_secs_f32()));
            if ui
                .add_enabled(!cancelling, egui::Button::new("Cancel"))
                .clicked()
            {
                actions.push(Action::CancelCreate);
            }
        }
        _ => {
            let blocking = screen.fields.blocking_reason();
            let enabled = blocking.is_none() && has_profile;
            // The button says where the connection goes; its name for screen readers stays
            // "Create connection", and the tooltip names the sandbox too.
            let (text, hover) = view.destination.map_or_else(
                || ("Create connection".to_owned(), "Ctrl+Enter".to_owned()),
                button_text,
            );
            let enabled = enabled && view.destination.is_none_or(|d| !d.sandboxes.is_empty());
            let button = ui
                .add_enabled(
                    enabled,
                    super::style::primary_button(ui, super::icons::PLUS, &text),
                )
                .accessible_name("Create connection");
            // Where it goes, read with the button's name (its text is replaced by that name).
            ui.ctx().accesskit_node_builder(button.id, |node| {
                node.set_description(hover.as_str());
            });
            let button = button.on_hover_text(hover);
            if button.clicked() {
                actions.push(Action::Create);
            }
            let why = if has_profile {
                blocking
            } else {
                Some("Add a profile first (Profiles tab).".to_owned())
            };
            if let Some(why) = why {
                // Read with the disabled button, not only beside it.
                let reason = ui.weak(&why);
                describe_field(ui, &button, &reason, &why);
            }
        }
    });
}

/// The create button's text and tooltip: where the connection goes, production said.
fn button_text(d: &Destination) -> (String, String) {
    let production: Vec<&str> = d.production.iter().map(|(n, _)| n.as_str()).collect();
    match d.sandboxes.as_slice() {
        [one] if production.is_empty() => (
            format!("Create in {one}"),
            format!("Creates it in sandbox {one}. Ctrl+Enter"),
        ),
        [one] => (
            format!("Create in PRODUCTION: {one}"),
            format!("Creates it in the production sandbox {one} (asks first). Ctrl+Enter"),
        ),
        all => {
            let text = if production.is_empty() {
                format!("Create in {} sandboxes", all.len())
            } else {
                format!(
                    "Create in {} sandboxes ({} PRODUCTION)",
                    all.len(),
                    production.len()
                )
            };
            let asks = if production.is_empty() {
                String::new()
            } else {
                format!(", asking first for {}", production.join(", "))
            };
            (
                text,
                format!("Creates it in {}{asks}. Ctrl+Enter", all.join(", ")),
            )
        }
    }
}
