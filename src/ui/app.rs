//! The application: the screens, what the worker reports, and the actions the screens emit,
//! applied once per frame by [`AepApp::apply`] — the one place that hands jobs to the worker and
//! marks what is loading.

use std::time::{Duration, Instant};

use super::action::Action;
use super::connections::{ConnectionsScreen, ConnectionsView};
use super::dialogs::{FileDialogs, FileRequest};
use super::form::{FormScreen, FormView};
use super::history::{HistoryScreen, HistoryView};
use super::persisted::{Persisted, STORAGE_KEY, Tab, apply_theme};
use super::profiles::{ProfilesScreen, ProfilesView};
use super::screenshot::Screenshot;
use super::top_bar::{TopBar, TopBarView};
use super::widgets::StatusLine;
use crate::export::ExportFormat;
use crate::store::config::{Config, Profile};
use crate::store::secrets::KeyringStatus;
use crate::worker::{Event, Job, TokenState, WorkerHandle, WorkerSettings};

/// How the window starts.
pub struct AppConfig {
    /// The worker's stores and secrets.
    pub worker: WorkerSettings,
    /// Demo mode (built-in emulator, throwaway data).
    pub demo: bool,
    /// File pickers.
    pub dialogs: Box<dyn FileDialogs>,
    /// `--screenshot PATH`: save the first settled frame and exit.
    pub screenshot: Option<std::path::PathBuf>,
}

/// The window.
pub struct AepApp {
    worker: WorkerHandle,
    dialogs: Box<dyn FileDialogs>,
    screenshot: Option<Screenshot>,
    persisted: Persisted,
    demo: bool,
    /// The config as the worker last reported it; `None` until it has.
    config: Option<Config>,
    keyring: Option<KeyringStatus>,
    token: TokenState,
    notices: Vec<String>,
    toasts: Vec<(String, Instant)>,
    /// Failures outside a create: what was being done, and the message.
    errors: Vec<(String, String)>,
    first_run_dismissed: bool,
    top_bar: TopBar,
    form: FormScreen,
    history: HistoryScreen,
    connections: ConnectionsScreen,
    profiles: ProfilesScreen,
    /// Actions from worker events, applied with the frame's own.
    actions: Vec<Action>,
}

impl AepApp {
    /// Starts the worker and restores persisted state.
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        let persisted: Persisted = cc
            .storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let worker = WorkerHandle::spawn(config.worker, Box::new(move || ctx.request_repaint()))
            .unwrap_or_else(|e| {
                // Without a worker thread nothing works; say so in the window rather than panic.
                tracing::error!(error = %e, "could not start the worker thread");
                WorkerHandle::disconnected()
            });
        apply_theme(&cc.egui_ctx, persisted.theme);
        let mut app = Self {
            worker,
            dialogs: config.dialogs,
            screenshot: config.screenshot.map(Screenshot::new),
            history: HistoryScreen::new(persisted.history_order),
            persisted,
            demo: config.demo,
            config: None,
            keyring: None,
            token: TokenState::None,
            notices: Vec::new(),
            toasts: Vec::new(),
            errors: Vec::new(),
            first_run_dismissed: false,
            top_bar: TopBar::default(),
            form: if config.demo {
                FormScreen::demo()
            } else {
                FormScreen::default()
            },
            connections: ConnectionsScreen::default(),
            profiles: ProfilesScreen::default(),
            actions: Vec::new(),
        };
        app.apply(&cc.egui_ctx, Action::LoadSetup);
        app
    }

    /// The active profile, if any.
    pub fn active_profile(&self) -> Option<&Profile> {
        self.config.as_ref()?.active()
    }

    /// True once the worker has reported the config.
    pub fn is_loaded(&self) -> bool {
        self.config.is_some()
    }

    /// True while a create runs.
    pub fn is_creating(&self) -> bool {
        self.form.is_creating()
    }

    /// Takes one message from the worker: the one way worker results reach the screens (each
    /// goes to the screen that owns the data). What it leads to is applied with the next frame's
    /// actions.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Setup {
                config,
                keyring,
                history_notice,
            } => {
                let first_load = self.config.is_none();
                if let Some(notice) = history_notice {
                    self.notices.push(notice);
                }
                self.profiles.on_config(&config);
                let has_profile = config.active().is_some();
                self.config = Some(config);
                self.keyring = Some(keyring);
                if first_load && has_profile {
                    self.actions.push(Action::RefreshToken);
                    self.actions.push(Action::Reconcile);
                }
            }
            Event::Token(state) => self.token = state,
            Event::ProfileTested { name, result } => self.profiles.on_tested(name, result),
            Event::CreateStarted => {}
            Event::CreateFinished(result) => self.form.on_created(result),
            Event::DuplicateFound(existing) => self.form.on_duplicate(existing),
            Event::AwsImported(keys) => self.form.fields.on_aws_import(keys),
            Event::Reconciled(results) => {
                for r in results {
                    self.toast(reconciled_message(r));
                }
            }
            Event::History {
                query,
                generation,
                rows,
                total,
            } => self.history.on_page(&query, generation, rows, total),
            Event::HistoryChanged => self.history.invalidate(),
            Event::Deleted(attempt) => self.history.on_deleted(*attempt),
            Event::Exported { path, rows } => {
                self.toast(format!("Exported {rows} records to {}", path.display()));
            }
            Event::ConsoleImported(c) => {
                self.profiles.on_console_import(*c);
                self.persisted.tab = Tab::Profiles;
            }
            Event::Error { context, message } => self.errors.push((context, message)),
            Event::Connections(result) => self.connections.on_list(result),
            Event::Inspected(result) => self.connections.on_inspected(result),
            Event::Explored { id, path, result } => {
                self.connections.on_explored(&id, path, result);
            }
            Event::Previewed { id, path, result } => {
                self.connections.on_previewed(&id, path, result);
            }
            Event::Rotated(result) => {
                if self.connections.on_rotated(result) {
                    self.toast("Credentials rotated; the connection uses the new key".to_owned());
                    self.actions.push(Action::RefreshConnections);
                }
            }
            Event::ConnectionDeleted(result) => {
                if let Some(id) = self.connections.on_deleted(result) {
                    self.toast(format!("Deleted {id} in AEP"));
                    self.actions.push(Action::RefreshConnections);
                }
            }
            Event::Sandboxes(result) => self.top_bar.on_sandboxes(result),
        }
    }

    /// Applies one action: the one place that hands jobs to the worker and marks what they
    /// load.
    fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Tab(tab) => self.persisted.tab = tab,
            Action::Theme(theme) => {
                self.persisted.theme = theme;
                apply_theme(ctx, theme);
            }
            Action::Copy { text, what } => {
                ctx.copy_text(text);
                self.toast(format!("Copied {what}"));
            }
            Action::Pick(request) => {
                let ctx = ctx.clone();
                self.dialogs
                    .open(request, Box::new(move || ctx.request_repaint()));
            }
            Action::Picked(request, path) => self.worker.send(match request {
                FileRequest::ConsoleJson => Job::ImportConsoleJson(path),
                FileRequest::AwsCredentials => Job::ImportAwsFile(path),
                FileRequest::Export { .. } => Job::Export {
                    format: ExportFormat::from_path(&path).unwrap_or(ExportFormat::Csv),
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
                self.first_run_dismissed = true;
                self.profiles.start_new();
                self.persisted.tab = Tab::Profiles;
            }
            Action::LoadSetup => self.worker.send(Job::LoadSetup),
            Action::SwitchProfile(name) => self.worker.send(Job::SwitchProfile(name)),
            Action::SwitchSandbox(sandbox) => {
                let Some(mut profile) = self.active_profile().cloned() else {
                    return;
                };
                profile.sandbox = sandbox;
                self.connections.forget_list();
                self.worker.send(Job::SaveProfile {
                    profile,
                    client_secret: None,
                    previous_name: None,
                });
            }
            Action::ListSandboxes => {
                self.top_bar.sandboxes_loading();
                self.worker.send(Job::ListSandboxes);
            }
            Action::RefreshToken => self.worker.send(Job::FetchToken),
            Action::Reconcile => self.worker.send(Job::Reconcile),
            Action::SaveProfile {
                profile,
                client_secret,
                previous_name,
            } => {
                self.first_run_dismissed = true;
                self.worker.send(Job::SaveProfile {
                    profile,
                    client_secret,
                    previous_name,
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
            Action::Create | Action::CreateAnyway => {
                if self.form.is_creating() {
                    return;
                }
                match self.form.fields.to_input() {
                    Ok(input) => {
                        self.form.create_started();
                        self.worker.send(Job::Create {
                            input,
                            allow_duplicate: matches!(action, Action::CreateAnyway),
                            remember_aws_as: self.form.fields.remember_label(),
                        });
                    }
                    Err(why) => {
                        self.form.result.duplicate = None;
                        self.toast(why);
                    }
                }
            }
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
                let text = crate::curl::curl_for_attempt(&attempt, client_id);
                self.apply(
                    ctx,
                    Action::copy(text, "cURL command (secrets as $ENV references)"),
                );
            }
            Action::RefreshConnections => {
                self.connections.list_loading();
                self.worker.send(Job::ListConnections);
            }
            Action::Inspect(id) => {
                self.connections.inspect_loading();
                self.worker.send(Job::Inspect(id));
            }
            Action::Explore { id, name } => {
                self.connections.open_explorer(&id, &name);
                self.worker.send(Job::Explore { id, path: None });
            }
            Action::ExploreFolder { id, path } => {
                self.connections.folder_loading(&id, &path);
                self.worker.send(Job::Explore {
                    id,
                    path: Some(path),
                });
            }
            Action::Preview { id, path } => {
                self.connections.preview_loading(&id, &path);
                self.worker.send(Job::Preview { id, path });
            }
            Action::Rotate {
                id,
                seen,
                credentials,
            } => {
                self.connections.rotate_started();
                self.worker.send(Job::Rotate {
                    id,
                    seen,
                    credentials,
                });
            }
            Action::DeleteConnection { id, name } => {
                self.connections.delete_started();
                self.worker.send(Job::DeleteConnection {
                    id,
                    name: Some(name),
                });
            }
        }
    }

    fn toast(&mut self, text: String) {
        self.toasts.push((text, Instant::now()));
    }

    /// Worker events and file dialog answers that came since the last frame.
    fn drain_events(&mut self, ctx: &egui::Context) {
        while let Some(event) = self.worker.try_recv() {
            self.on_event(event);
            ctx.request_repaint();
        }
        while let Some((request, path)) = self.dialogs.poll() {
            if let Some(path) = path {
                self.actions.push(Action::Picked(request, path));
            }
        }
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        let (create, find, escape) = ctx.input(|i| {
            (
                i.modifiers.command && i.key_pressed(egui::Key::Enter),
                i.modifiers.command && i.key_pressed(egui::Key::F),
                i.key_pressed(egui::Key::Escape),
            )
        });
        if create
            && self.persisted.tab == Tab::NewConnection
            && self.form.fields.blocking_reason().is_none()
        {
            self.actions.push(Action::Create);
        }
        if find {
            self.persisted.tab = Tab::History;
            self.history.focus_search();
        }
        if escape {
            self.history.close_windows();
            self.form.fields.import_choices.clear();
            self.errors.clear();
        }
    }

    fn status_line(&self) -> StatusLine<'_> {
        if let Some((text, _)) = self.toasts.last() {
            StatusLine::Toast(text)
        } else if let Some(notice) = self.notices.last() {
            StatusLine::Notice(notice)
        } else {
            StatusLine::Version
        }
    }

    /// Draws the whole window (used by eframe and by tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.drain_events(&ctx);
        self.keyboard(&ctx);
        let mut actions = std::mem::take(&mut self.actions);
        let top_bar = TopBarView {
            demo: self.demo,
            tab: self.persisted.tab,
            theme: self.persisted.theme,
            config: self.config.as_ref(),
            token: &self.token,
        };
        super::top_bar::top_bar_ui(ui, &self.top_bar, top_bar, &mut actions);
        super::widgets::status_bar_ui(ui, self.status_line());
        let profiles: &[Profile] = self.config.as_ref().map_or(&[], |c| &c.profiles);
        let active = self.config.as_ref().and_then(Config::active);
        let connections = ConnectionsView {
            sandbox: active.map(|p| p.sandbox.as_str()),
        };
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(config) = &self.config else {
                ui.centered_and_justified(|ui| ui.spinner());
                return;
            };
            if config.profiles.is_empty() && !self.first_run_dismissed {
                super::welcome::welcome_ui(ui, self.demo, &mut actions);
                return;
            }
            match self.persisted.tab {
                Tab::NewConnection => super::form::form_ui(
                    ui,
                    &mut self.form,
                    FormView {
                        saved_keys: &config.aws_keys,
                        has_profile: active.is_some(),
                    },
                    &mut actions,
                ),
                Tab::History => super::history::history_ui(
                    ui,
                    &mut self.history,
                    HistoryView { profiles },
                    &mut actions,
                ),
                Tab::Profiles => super::profiles::profiles_ui(
                    ui,
                    &mut self.profiles,
                    ProfilesView {
                        profiles,
                        active: active.map(|p| p.name.as_str()),
                        keyring: self.keyring.as_ref(),
                    },
                    &mut actions,
                ),
                Tab::Connections => super::connections::connections_ui(
                    ui,
                    &mut self.connections,
                    connections,
                    &mut actions,
                ),
            }
        });
        super::history::details_window_ui(&ctx, &mut self.history);
        super::connections::connection_windows_ui(
            &ctx,
            &mut self.connections,
            connections,
            &mut actions,
        );
        super::widgets::errors_ui(&ctx, &mut self.errors);
        for action in actions {
            self.apply(&ctx, action);
        }
        let now = Instant::now();
        self.toasts
            .retain(|(_, at)| now.duration_since(*at) < Duration::from_secs(4));
        if let Some((_, at)) = self.toasts.first() {
            // Only to fade the toast out: no repaint loop once it is gone.
            ctx.request_repaint_after(
                (*at + Duration::from_secs(4)).saturating_duration_since(now),
            );
        }
        if self.form.is_creating() {
            // The spinner animates; egui repaints for it while it is visible.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        if let Some(shot) = &mut self.screenshot {
            shot.step(&ctx, self.config.is_some() && self.history.is_settled());
        }
    }
}

impl eframe::App for AepApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.persisted.history_order = self.history.order;
        eframe::set_value(storage, STORAGE_KEY, &self.persisted);
    }
}

/// The toast for a pending record settled at start.
fn reconciled_message(r: crate::ops::Reconciled) -> String {
    match r {
        crate::ops::Reconciled::Created { connection_id, .. } => {
            format!("An interrupted attempt did create {connection_id}")
        }
        crate::ops::Reconciled::NotCreated { .. } => {
            "An interrupted attempt created no connection".to_owned()
        }
        crate::ops::Reconciled::Waiting { until_ms, .. } => format!(
            "An interrupted attempt is still pending: Adobe could still create it until {}",
            crate::model::EpochMs(until_ms).utc()
        ),
        crate::ops::Reconciled::Unknown { reason, .. } => {
            format!("An interrupted attempt is still unresolved: {reason}")
        }
    }
}
