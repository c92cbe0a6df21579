//! The application: state, the messages screens emit, and applying them once per frame.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::connections::{ConnectionsState, Loadable};
use super::dialogs::{FileDialogs, FileRequest};
use super::form::FormState;
use super::history::HistoryView;
use super::profiles::ProfilesState;
use crate::export::ExportFormat;
use crate::store::config::Config;
use crate::store::secrets::KeyringStatus;
use crate::worker::{CreatedView, ErrorView, Event, Job, TokenState, WorkerHandle, WorkerSettings};

/// How the window starts.
pub struct AppConfig {
    /// The worker's stores and secrets.
    pub worker: WorkerSettings,
    /// Demo mode (built-in emulator, throwaway data).
    pub demo: bool,
    /// File pickers.
    pub dialogs: Box<dyn FileDialogs>,
    /// `--screenshot PATH`: save the first settled frame and exit.
    pub screenshot: Option<PathBuf>,
}

/// The main tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    /// The connection form and result.
    NewConnection,
    /// The history table.
    History,
    /// What exists in AEP.
    Connections,
    /// Profiles and settings.
    Profiles,
}

/// Light, dark or follow the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the OS.
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// What survives a restart (never a secret): theme, last profile, tab, history layout.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// Theme.
    pub theme: ThemeChoice,
    /// Last tab.
    pub tab: Tab,
    /// History sort order.
    pub history_order: crate::store::history::HistoryOrder,
}

impl Default for Persisted {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            tab: Tab::NewConnection,
            history_order: crate::store::history::HistoryOrder::NewestFirst,
        }
    }
}

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

/// Something the screens ask for; applied once per frame by [`AepApp::run_command`].
#[must_use]
#[derive(Debug)]
pub enum Command {
    /// Hand a job to the worker.
    Job(Job),
    /// Start a create from the form.
    Create,
    /// Start a create even though a connection of that name exists.
    CreateAnyway,
    /// Put text on the clipboard and say what was copied.
    Copy {
        /// The text.
        text: String,
        /// What it is ("connection ID").
        what: String,
    },
    /// Switch tab.
    Tab(Tab),
    /// Change the theme.
    Theme(ThemeChoice),
    /// Open a file dialog.
    Pick(FileRequest),
    /// Show a short message.
    Toast(String),
    /// Open the demo in a new process.
    LaunchDemo,
}

/// The window.
pub struct AepApp {
    pub(crate) worker: WorkerHandle,
    pub(crate) persisted: Persisted,
    pub(crate) demo: bool,
    pub(crate) config: Option<Config>,
    pub(crate) keyring: Option<KeyringStatus>,
    pub(crate) notices: Vec<String>,
    pub(crate) token: TokenState,
    pub(crate) form: FormState,
    pub(crate) create: CreateState,
    pub(crate) history: HistoryView,
    pub(crate) profiles: ProfilesState,
    pub(crate) connections: ConnectionsState,
    pub(crate) sandboxes: Loadable<Vec<crate::api::sandboxes::Sandbox>>,
    pub(crate) duplicate: Option<Box<crate::api::Connection>>,
    pub(crate) toasts: Vec<(String, Instant)>,
    pub(crate) errors: Vec<(String, String)>,
    dialogs: Box<dyn FileDialogs>,
    screenshot: Option<Screenshot>,
    commands: Vec<Command>,
    pub(crate) first_run_dismissed: bool,
}

struct Screenshot {
    path: PathBuf,
    settled_frames: u32,
    requested: bool,
    done: Arc<std::sync::Mutex<Option<Result<(), String>>>>,
}

const STORAGE_KEY: &str = "aep-s3-connect-state";

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
        worker.send(Job::LoadSetup);
        apply_theme(&cc.egui_ctx, persisted.theme);
        let mut history = HistoryView::default();
        history.order = persisted.history_order;
        let mut form = FormState::default();
        if config.demo {
            // AWS's documented example key: the demo works with one click.
            form.access_key_id = "AKIAIOSFODNN7EXAMPLE".to_owned();
            form.secret_key =
                zeroize::Zeroizing::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned());
        }
        Self {
            worker,
            persisted,
            demo: config.demo,
            config: None,
            keyring: None,
            notices: Vec::new(),
            token: TokenState::None,
            form,
            create: CreateState::Idle,
            history,
            profiles: ProfilesState::default(),
            connections: ConnectionsState::default(),
            sandboxes: Loadable::Idle,
            duplicate: None,
            toasts: Vec::new(),
            errors: Vec::new(),
            dialogs: config.dialogs,
            screenshot: config.screenshot.map(|path| Screenshot {
                path,
                settled_frames: 0,
                requested: false,
                done: Arc::default(),
            }),
            commands: Vec::new(),
            first_run_dismissed: false,
        }
    }

    /// Queues a command for the end of the frame.
    pub(crate) fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// The active profile, if any.
    pub fn active_profile(&self) -> Option<&crate::store::config::Profile> {
        self.config.as_ref()?.active()
    }

    /// True once the worker has reported the config.
    pub fn is_loaded(&self) -> bool {
        self.config.is_some()
    }

    /// Shows a create's result as if the worker had sent it (snapshot tests use fixed values).
    pub fn set_result(&mut self, result: Result<CreatedView, ErrorView>) {
        self.create = match result {
            Ok(created) => CreateState::Created(created),
            Err(error) => CreateState::Failed(error),
        };
    }

    /// Shows a connections list as if the worker had sent it (snapshot tests use fixed rows).
    pub fn set_connections(&mut self, rows: Vec<crate::manage::MergedConnection>) {
        self.connections.list = Loadable::Ready(rows);
    }

    /// True while a create runs.
    pub fn is_creating(&self) -> bool {
        matches!(self.create, CreateState::Running { .. })
    }

    fn drain_events(&mut self, ctx: &egui::Context) {
        while let Some(event) = self.worker.try_recv() {
            self.apply_event(ctx, event);
        }
        while let Some((request, path)) = self.dialogs.poll() {
            if let Some(path) = path {
                self.picked(request, path);
            }
        }
    }

    fn apply_event(&mut self, ctx: &egui::Context, event: Event) {
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
                self.config = Some(config);
                self.keyring = Some(keyring);
                if first_load && self.active_profile().is_some() {
                    self.worker.send(Job::FetchToken);
                    self.worker.send(Job::Reconcile);
                }
            }
            Event::Token(state) => self.token = state,
            Event::ProfileTested { name, result } => self.profiles.on_tested(name, result),
            Event::CreateStarted => {}
            Event::CreateFinished(result) => {
                self.create = match result {
                    Ok(created) => CreateState::Created(created),
                    Err(error) => CreateState::Failed(error),
                };
            }
            Event::Reconciled(results) => {
                for r in results {
                    self.toast(match r {
                        crate::ops::Reconciled::Created { connection_id, .. } => {
                            format!("An interrupted attempt did create {connection_id}")
                        }
                        crate::ops::Reconciled::NotCreated { .. } => {
                            "An interrupted attempt created no connection".to_owned()
                        }
                        crate::ops::Reconciled::Waiting { until_ms, .. } => format!(
                            "An interrupted attempt is still pending: Adobe could still create it until {}",
                            crate::manage::format_utc(until_ms)
                        ),
                        crate::ops::Reconciled::Unknown { reason, .. } => {
                            format!("An interrupted attempt is still unresolved: {reason}")
                        }
                    });
                }
            }
            Event::History {
                query,
                generation,
                rows,
                total,
            } => self.history.on_page(&query, generation, rows, total),
            Event::HistoryChanged => self.history.invalidate(),
            Event::Deleted(attempt) => self.history.undo = Some(*attempt),
            Event::Exported { path, rows } => {
                self.toast(format!("Exported {rows} records to {}", path.display()));
            }
            Event::ConsoleImported(c) => {
                self.profiles.on_console_import(*c);
                self.persisted.tab = Tab::Profiles;
            }
            Event::AwsImported(keys) => self.form.on_aws_import(keys),
            Event::Error { context, message } => self.errors.push((context, message)),
            Event::Connections(result) => {
                self.connections.list = match result {
                    Ok(rows) => Loadable::Ready(rows),
                    Err(e) => Loadable::Failed(e),
                };
            }
            Event::Inspected(result) => {
                self.connections.inspected = Some(match result {
                    Ok(i) => Loadable::Ready(i),
                    Err(e) => Loadable::Failed(e),
                });
            }
            Event::Explored { id, path, result } => {
                self.connections.on_explored(&id, path, result);
            }
            Event::Previewed { id, path, result } => {
                self.connections.on_previewed(&id, path, result);
            }
            Event::Rotated(result) => {
                if self.connections.on_rotated(result) {
                    self.toast("Credentials rotated; the connection uses the new key".to_owned());
                    self.connections.list = Loadable::Loading;
                    self.worker.send(Job::ListConnections);
                }
            }
            Event::ConnectionDeleted(result) => match result {
                Ok(id) => {
                    self.connections.delete = None;
                    self.toast(format!("Deleted {id} in AEP"));
                    self.connections.list = Loadable::Loading;
                    self.worker.send(Job::ListConnections);
                }
                Err(e) => {
                    if let Some(dialog) = &mut self.connections.delete {
                        dialog.busy = false;
                        dialog.error = Some(e);
                    }
                }
            },
            Event::Sandboxes(result) => {
                self.sandboxes = match result {
                    Ok(list) => Loadable::Ready(list),
                    Err(e) => Loadable::Failed(e),
                };
            }
            Event::DuplicateFound(existing) => {
                self.create = CreateState::Idle;
                self.duplicate = Some(existing);
            }
        }
        ctx.request_repaint();
    }

    fn picked(&mut self, request: FileRequest, path: PathBuf) {
        match request {
            FileRequest::ConsoleJson => self.worker.send(Job::ImportConsoleJson(path)),
            FileRequest::AwsCredentials => self.worker.send(Job::ImportAwsFile(path)),
            FileRequest::Export { .. } => {
                let format = ExportFormat::from_path(&path).unwrap_or(ExportFormat::Csv);
                self.worker.send(Job::Export {
                    path,
                    format,
                    query: self.history.query(),
                });
            }
        }
    }

    pub(crate) fn toast(&mut self, text: String) {
        self.toasts.push((text, Instant::now()));
    }

    fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Job(job) => self.worker.send(job),
            Command::Create | Command::CreateAnyway => {
                if self.is_creating() {
                    return;
                }
                let allow_duplicate = matches!(command, Command::CreateAnyway);
                self.duplicate = None;
                match self.form.to_input() {
                    Ok(input) => {
                        self.create = CreateState::Running {
                            since: Instant::now(),
                            cancelling: false,
                        };
                        self.worker.send(Job::Create {
                            input,
                            allow_duplicate,
                            remember_aws_as: self.form.remember_label(),
                        });
                    }
                    Err(why) => self.toast(why),
                }
            }
            Command::Copy { text, what } => {
                ctx.copy_text(text);
                self.toast(format!("Copied {what}"));
            }
            Command::Tab(tab) => self.persisted.tab = tab,
            Command::Theme(theme) => {
                self.persisted.theme = theme;
                apply_theme(ctx, theme);
            }
            Command::Pick(request) => {
                let ctx = ctx.clone();
                self.dialogs
                    .open(request, Box::new(move || ctx.request_repaint()));
            }
            Command::Toast(text) => self.toast(text),
            Command::LaunchDemo => match std::env::current_exe()
                .and_then(|exe| std::process::Command::new(exe).arg("--demo").spawn())
            {
                Ok(_) => self.toast("The demo opens in a new window".to_owned()),
                Err(e) => self
                    .errors
                    .push(("starting the demo".to_owned(), e.to_string())),
            },
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
            && self.form.blocking_reason().is_none()
        {
            self.push(Command::Create);
        }
        if find {
            self.persisted.tab = Tab::History;
            self.history.focus_search = true;
        }
        if escape {
            self.history.details = None;
            self.history.confirm_delete = None;
            self.form.import_choices.clear();
            self.errors.clear();
        }
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        if let Some(result) = shot.done.lock().ok().and_then(|mut d| d.take()) {
            if let Err(e) = result {
                eprintln!("error: could not save the screenshot: {e}");
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        let settled = self.config.is_some() && self.history.is_settled();
        if settled {
            shot.settled_frames += 1;
        }
        // A few frames after everything arrived: fonts are laid out and the layout is stable.
        if shot.settled_frames >= 3 && !shot.requested {
            shot.requested = true;
            let path = shot.path.clone();
            let done = Arc::clone(&shot.done);
            let waker = ctx.clone();
            ctx.request_screenshot(move |image| {
                let result = save_png(&path, &image);
                if let Ok(mut d) = done.lock() {
                    *d = Some(result);
                }
                waker.request_repaint();
            });
        }
        ctx.request_repaint_after(Duration::from_millis(16));
    }

    /// Draws the whole window (used by eframe and by tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.drain_events(&ctx);
        self.keyboard(&ctx);
        super::top_bar::top_bar_ui(self, ui);
        super::widgets::status_bar_ui(self, ui);
        egui::CentralPanel::default().show(ui, |ui| {
            let first_run = self.config.as_ref().is_some_and(|c| c.profiles.is_empty())
                && !self.first_run_dismissed;
            if self.config.is_none() {
                ui.centered_and_justified(|ui| ui.spinner());
            } else if first_run {
                super::welcome::welcome_ui(self, ui);
            } else {
                match self.persisted.tab {
                    Tab::NewConnection => {
                        super::form::form_ui(self, ui);
                    }
                    Tab::History => super::history::history_ui(self, ui),
                    Tab::Profiles => super::profiles::profiles_ui(self, ui),
                    Tab::Connections => super::connections::connections_ui(self, ui),
                }
            }
        });
        super::history::details_window_ui(self, &ctx);
        super::connections::connection_windows_ui(self, &ctx);
        super::widgets::errors_ui(self, &ctx);
        for command in std::mem::take(&mut self.commands) {
            self.run_command(&ctx, command);
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
        if let CreateState::Running { .. } = self.create {
            // The spinner animates; egui repaints for it while it is visible.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.screenshot_step(&ctx);
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

/// Applies the theme choice to the context.
pub fn apply_theme(ctx: &egui::Context, theme: ThemeChoice) {
    ctx.set_theme(match theme {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    });
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, rgba)
        .ok_or_else(|| "the screenshot has an unexpected size".to_owned())?;
    buffer
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| format!("{}: {e}", path.display()))
}
