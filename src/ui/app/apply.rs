//! Actions: what the screens asked for this frame, applied in one place.

use super::AepApp;
use crate::records::export::ExportFormat;
use crate::ui::action::Action;
use crate::ui::dialogs::FileRequest;
use crate::ui::file_prompt::FilePrompt;
use crate::ui::form::CreateStep;
use crate::ui::persisted::{Tab, apply_theme};
use crate::worker::{Job, ManageJob};

impl AepApp {
    /// Applies one action: the one place that hands jobs to the worker and marks what they
    /// load.
    #[expect(
        clippy::too_many_lines,
        reason = "the routing table: one arm per action, each a call or two; the flows live in the screens"
    )]
    pub(super) fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Tab(tab) => {
                // "New connection" while it is shown: back from a record's details to the form.
                if tab == Tab::NewConnection && self.persisted.tab == tab {
                    self.history.deselect();
                }
                self.persisted.tab = tab;
            }
            Action::Theme(theme) => {
                self.persisted.theme = theme;
                apply_theme(ctx, theme);
            }
            Action::Copy { text, what } => {
                ctx.copy_text(text);
                self.toast(format!("Copied {what}"));
            }
            Action::Pick(request) => {
                self.file_prompt = Some(FilePrompt::new(request, self.dialogs.availability()));
            }
            Action::BrowseFile => {
                if let Some(prompt) = &mut self.file_prompt {
                    let (request, start) = prompt.browse();
                    let ctx = ctx.clone();
                    self.dialogs
                        .open(request, start, Box::new(move || ctx.request_repaint()));
                }
            }
            Action::Picked(request, path) => self.worker.send(match request {
                FileRequest::ConsoleJson => Job::ImportConsoleJson(path),
                FileRequest::AwsCredentials => Job::ImportAwsFile(path),
                // The format the user chose, whatever the file is called.
                FileRequest::Export { .. } => Job::Export {
                    format: request.export_format().unwrap_or(ExportFormat::Csv),
                    path,
                    query: self.history.query(),
                },
            }),
            Action::LaunchDemo => match std::env::current_exe()
                .and_then(|exe| std::process::Command::new(exe).arg("--demo").spawn())
            {
                Ok(_) => self.toast("The demo opens in a new window".to_owned()),
                Err(e) => self
                    .errors
                    .push(("starting the demo".to_owned(), e.to_string())),
            },
            Action::EnterCredentials => {
                self.profiles.start_new();
                self.persisted.tab = Tab::Profiles;
            }
            Action::LoadHistoryFacets => self.worker.send(Job::LoadHistoryFacets),
            Action::SwitchProfile(name) => self.worker.send(Job::SwitchProfile(name)),
            Action::SwitchSandbox(sandbox) => {
                if self.effective_sandbox() != Some(sandbox.as_str()) {
                    self.connections.forget_list();
                }
                self.worker.send(Job::UseSandbox(sandbox));
            }
            Action::SaveSandbox(sandbox) => {
                if self.effective_sandbox() != Some(sandbox.as_str()) {
                    self.connections.forget_list();
                }
                self.worker.send(Job::SaveSandbox(sandbox));
            }
            Action::ListSandboxes => {
                self.top_bar.sandboxes_loading();
                self.manage(ManageJob::ListSandboxes);
            }
            Action::RefreshToken => self.worker.send(Job::FetchToken),
            Action::Reconcile => self.worker.send(Job::Reconcile),
            Action::SaveProfile {
                profile,
                client_secret,
                previous_name,
                secret_for_session_only,
            } => {
                self.profiles.save_started();
                self.worker.send(Job::SaveProfile {
                    profile,
                    client_secret,
                    previous_name,
                    secret_for_session_only,
                });
            }
            Action::TestProfile {
                profile,
                client_secret,
            } => {
                self.profiles.test_started();
                self.worker.send(Job::TestProfile {
                    profile,
                    client_secret,
                });
            }
            Action::RemoveProfile(name) => self.worker.send(Job::RemoveProfile(name)),
            Action::Create => self.create(false, false),
            Action::CreateAnyway => self.create(true, false),
            Action::CreateConfirmed { allow_duplicate } => self.create(allow_duplicate, true),
            Action::RetryFailed => match self.form.request_retry() {
                CreateStep::Send(job) => self.worker.send(*job),
                CreateStep::Wait => {}
                CreateStep::Refused(why) => self.toast(why),
            },
            Action::CancelCreate => {
                self.form.cancel_started();
                self.worker.send(Job::Cancel);
            }
            Action::LoadSavedAwsKey(label) => self.worker.send(Job::LoadSavedAwsKey(label)),
            Action::ShowHistoryRows(rows) => {
                for job in self.history.jobs_for(rows) {
                    self.worker.send(job);
                }
            }
            Action::RemoveAttempt(id) => self.worker.send(Job::DeleteAttempt(id)),
            Action::RestoreAttempt(attempt) => self.worker.send(Job::RestoreAttempt(attempt)),
            Action::CopyCurl(attempt) => {
                let client_id = self
                    .config
                    .as_ref()
                    .and_then(|c| c.profile(&attempt.profile))
                    .map(|p| p.client_id.as_str());
                let text = crate::records::curl::curl_for_attempt(&attempt, client_id);
                self.apply(
                    ctx,
                    Action::copy(text, "cURL command (secrets as $ENV references)"),
                );
            }
            Action::RefreshConnections => {
                let request = self.manage(if self.connections.all_sandboxes() {
                    ManageJob::ListOrgConnections
                } else {
                    ManageJob::ListConnections
                });
                self.connections.list_loading(request);
            }
            Action::Inspect(id) => {
                let request = self.manage(ManageJob::Inspect(id));
                self.connections.inspect_loading(request);
            }
            Action::Explore { id, name } => {
                self.connections.open_explorer(&id, &name);
                self.manage(ManageJob::Explore { id, path: None });
            }
            Action::ExploreFolder { id, path } => {
                self.connections.folder_loading(&id, &path);
                self.manage(ManageJob::Explore {
                    id,
                    path: Some(path),
                });
            }
            Action::Preview { id, path } => {
                self.connections.preview_loading(&id, &path);
                self.manage(ManageJob::Preview { id, path });
            }
            Action::Rotate {
                id,
                seen,
                credentials,
            } => {
                self.connections.rotate_started();
                self.manage(ManageJob::Rotate {
                    id,
                    seen,
                    credentials,
                });
            }
            Action::RotateKeyEverywhere(old_key) => {
                let remembered = self.config.as_ref().map_or(&[][..], |c| &c.aws_keys);
                self.key_rotation.open(&old_key, remembered);
            }
            Action::RotateKey(job) => self.worker.send(Job::RotateKey(job)),
            Action::DeleteConnection { id, name } => {
                self.connections.delete_started();
                self.manage(ManageJob::DeleteConnection {
                    id,
                    name: Some(name),
                });
            }
        }
    }

    /// Asks the form for a create and does what it says.
    fn create(&mut self, allow_duplicate: bool, confirmed: bool) {
        let destination = self.destination().unwrap_or_default();
        match self
            .form
            .request_create(allow_duplicate, confirmed, &destination)
        {
            CreateStep::Send(job) => self.worker.send(*job),
            CreateStep::Wait => {}
            CreateStep::Refused(why) => self.toast(why),
        }
    }
}
