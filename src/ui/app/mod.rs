//! The application: the screens, what the worker reports ([`events`]), and the actions the
//! screens emit, applied once per frame ([`apply`]: the one place that hands jobs to the worker and
//! marks what is loading). This file holds the state and draws the frame.

mod apply;
mod events;
mod keyboard;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::action::Action;
use super::connections::{ConnectionsScreen, ConnectionsView};
use super::dialogs::FileDialogs;
use super::file_prompt::FilePrompt;
use super::form::{Destination, FormScreen, FormView};
use super::history::HistoryScreen;
use super::persisted::{Persisted, STORAGE_KEY, Tab, apply_theme};
use super::profiles::{ProfilesScreen, ProfilesView};
use super::rotate_key::KeyRotationScreen;
use super::screenshot::Screenshot;
use super::top_bar::{TopBar, TopBarView};
use super::widgets::StatusLine;
use crate::api::sandboxes::SandboxKind;
use crate::store::config::{Config, Profile};
use crate::store::sandboxes::KnownSandboxes;
use crate::store::secrets::KeyringStatus;
use crate::worker::{
    Job, ManageJob, Scope, SessionSandbox, TokenState, WorkerHandle, WorkerSettings,
};

/// How the window starts: `W` is the worker's settings, or the worker itself once started
/// ([`AppConfig::start_worker`]).
pub struct AppConfig<W = WorkerSettings> {
    /// The worker's stores and secrets.
    pub worker: W,
    /// Demo mode (built-in emulator, throwaway data).
    pub demo: bool,
    /// File pickers.
    pub dialogs: Box<dyn FileDialogs>,
    /// `--screenshot PATH`: save the first settled frame and exit.
    pub screenshot: Option<std::path::PathBuf>,
}

impl AppConfig {
    /// Starts the worker now and has it read the config and open the history (with its first
    /// page): done before eframe opens the window, that work runs beside the window's creation
    /// (about 60 ms of GL and fonts) rather than after it.
    pub fn start_worker(self) -> AppConfig<StartedWorker> {
        AppConfig {
            worker: StartedWorker::start(self.worker),
            demo: self.demo,
            dialogs: self.dialogs,
            screenshot: self.screenshot,
        }
    }
}

/// The worker, running and loading the setup, before the window exists.
pub struct StartedWorker {
    handle: WorkerHandle,
    /// The window's context, once it exists: each event wakes it.
    window: Arc<OnceLock<egui::Context>>,
}

impl StartedWorker {
    fn start(settings: WorkerSettings) -> Self {
        let window = Arc::new(OnceLock::<egui::Context>::new());
        let wakes = Arc::clone(&window);
        // Events sent before the window exists wait in the channel: its first frame takes them.
        let waker = Box::new(move || {
            if let Some(ctx) = wakes.get() {
                ctx.request_repaint();
            }
        });
        let handle = WorkerHandle::spawn(settings, waker).unwrap_or_else(|e| {
            // Without a worker thread nothing works; say so in the window rather than panic.
            tracing::error!(error = %e, "could not start the worker thread");
            WorkerHandle::disconnected()
        });
        handle.send(Job::LoadSetup);
        Self { handle, window }
    }
}

/// The window.
pub struct AepApp {
    worker: WorkerHandle,
    dialogs: Box<dyn FileDialogs>,
    screenshot: Option<Screenshot>,
    persisted: Persisted,
    demo: bool,
    /// The config as saved, as the worker last reported it; `None` until it has.
    config: Option<Config>,
    /// The active profile as this session uses it (the worker's answer: its session sandbox
    /// applied).
    active: Option<Profile>,
    keyring: Option<KeyringStatus>,
    /// The active profile's sandbox for this session only, as the worker last said.
    session_sandbox: Option<SessionSandbox>,
    /// The sandbox lists read from AEP, by organisation: the production rule's input.
    known_sandboxes: KnownSandboxes,
    /// The number of the last [`Job::Manage`] sent: answers echo it.
    last_request: u64,
    /// The profiles whose client secret is kept for this session only.
    session_secrets: Vec<String>,
    token: TokenState,
    notices: Vec<String>,
    toasts: Vec<(String, Instant)>,
    /// Failures outside a create: what was being done, and the message.
    errors: Vec<(String, String)>,
    top_bar: TopBar,
    form: FormScreen,
    history: HistoryScreen,
    connections: ConnectionsScreen,
    profiles: ProfilesScreen,
    /// *Rotate a key everywhere* and the runs left unfinished.
    key_rotation: KeyRotationScreen,
    /// Actions from worker events, applied with the frame's own.
    actions: Vec<Action>,
    /// The file prompt of an export or import, while it is open.
    file_prompt: Option<FilePrompt>,
    /// The window width the history panel was last sized for.
    panel_for_width: f32,
}

impl AepApp {
    /// Starts the worker and restores persisted state.
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        Self::with_worker(cc, config.start_worker())
    }

    /// Restores persisted state, with the worker already started.
    pub fn with_worker(cc: &eframe::CreationContext<'_>, config: AppConfig<StartedWorker>) -> Self {
        let persisted: Persisted = cc
            .storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default();
        let _ = config.worker.window.set(cc.egui_ctx.clone());
        apply_theme(&cc.egui_ctx, persisted.theme);
        super::style::install(&cc.egui_ctx);
        Self {
            worker: config.worker.handle,
            dialogs: config.dialogs,
            screenshot: config.screenshot.map(Screenshot::new),
            history: HistoryScreen::new(persisted.history_order),
            persisted,
            demo: config.demo,
            config: None,
            active: None,
            keyring: None,
            session_sandbox: None,
            known_sandboxes: KnownSandboxes::default(),
            last_request: 0,
            session_secrets: Vec::new(),
            token: TokenState::None,
            notices: Vec::new(),
            toasts: Vec::new(),
            errors: Vec::new(),
            top_bar: TopBar::default(),
            form: if config.demo {
                FormScreen::demo()
            } else {
                FormScreen::default()
            },
            connections: ConnectionsScreen::default(),
            profiles: ProfilesScreen::default(),
            key_rotation: KeyRotationScreen::default(),
            actions: Vec::new(),
            panel_for_width: 0.0,
            file_prompt: None,
        }
    }

    /// The active profile as this session uses it, if any.
    pub fn active_profile(&self) -> Option<&Profile> {
        self.active.as_ref()
    }

    /// The sandbox the active profile uses now (this session's choice, else its saved one).
    pub fn effective_sandbox(&self) -> Option<&str> {
        self.active_profile().map(|p| p.sandbox.as_str())
    }

    /// True when the active profile uses a sandbox for this session only, not its saved one.
    pub fn is_session_sandbox(&self) -> bool {
        self.session_sandbox.is_some() && self.active_profile().is_some()
    }

    /// The profile and sandbox the window shows: answers for another are dropped.
    pub fn scope(&self) -> Option<Scope> {
        self.active_profile().map(Scope::of)
    }

    /// Whether `profile`'s sandbox is production, by the one rule on what AEP last listed.
    fn kind_of(&self, profile: &Profile) -> SandboxKind {
        self.known_sandboxes
            .kind(&profile.platform_url, &profile.org_id, &profile.sandbox)
    }

    /// Sends a job on what exists in AEP; returns its request number.
    fn manage(&mut self, job: ManageJob) -> u64 {
        self.last_request += 1;
        self.worker.send(Job::Manage {
            request: self.last_request,
            job,
        });
        self.last_request
    }

    /// The request of the Connections list shown or on its way (its answer must carry it).
    pub fn connections_request(&self) -> u64 {
        self.connections.list_request()
    }

    /// True once the worker has reported the config.
    pub fn is_loaded(&self) -> bool {
        self.config.is_some()
    }

    /// The sandboxes of the active profile's org as AEP last listed them.
    fn listed_sandboxes(&self) -> Option<&[crate::api::sandboxes::Sandbox]> {
        let p = self.active_profile()?;
        self.known_sandboxes
            .listed(&p.platform_url, &p.org_id)
            .map(|o| o.sandboxes.as_slice())
    }

    /// Where the form's create goes: the sandboxes ticked, and which of them are production
    /// (each by the one rule, [`KnownSandboxes::kind`]).
    fn destination(&self) -> Option<Destination> {
        let p = self.active_profile()?;
        let sandboxes = self
            .form
            .sandboxes
            .chosen(&p.sandbox, self.listed_sandboxes().unwrap_or_default());
        let production = sandboxes
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    self.known_sandboxes.kind(&p.platform_url, &p.org_id, s),
                )
            })
            .filter(|(_, kind)| kind.production)
            .collect();
        Some(Destination {
            own: p.sandbox.clone(),
            sandboxes,
            production,
        })
    }

    /// True while a create runs.
    pub fn is_creating(&self) -> bool {
        self.form.is_creating()
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
        while let Some((_, path)) = self.dialogs.poll() {
            let dialog = self.dialogs.availability();
            let answer = super::file_prompt::on_dialog_answer(&mut self.file_prompt, path, dialog);
            self.actions.extend(answer);
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

    /// The history beside the form. Its width is a share of the window's (half at first), never
    /// so wide that the form gets less than 360 px (at 1366 px the list can still reach its
    /// 1000 px layout): the user drags its edge to change the share, and a resized window
    /// keeps it.
    fn history_panel_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let width = ui.available_width();
        let range = 260.0..=(width - 360.0).max(260.0);
        let share = self.persisted.history_share.clamp(0.1, 0.9);
        let mut panel = egui::Panel::left("history-panel")
            .resizable(true)
            .default_size(width * share)
            .size_range(range.clone());
        if (width - self.panel_for_width).abs() > 0.5 {
            panel = panel.exact_size((width * share).clamp(*range.start(), *range.end()));
            self.panel_for_width = width;
        }
        let shown = panel.show(ui, |ui| {
            ui.add_space(4.0);
            super::history::history_panel_ui(ui, &mut self.history, actions);
        });
        let dragged = shown.response.rect.width() / width;
        if (dragged - share).abs() > 0.005 && ui.input(|i| i.pointer.any_down()) {
            self.persisted.history_share = dragged;
        }
    }

    /// The centre of the window: the welcome screen, or the tab shown.
    fn central_ui(&mut self, ui: &mut egui::Ui, welcome: bool, actions: &mut Vec<Action>) {
        let destination = self.destination();
        let production = self
            .active_profile()
            .is_some_and(|p| self.kind_of(p).production);
        let profiles: &[Profile] = self.config.as_ref().map_or(&[], |c| &c.profiles);
        let active = self.active.as_ref();
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(config) = &self.config else {
                ui.centered_and_justified(egui::Ui::spinner);
                return;
            };
            if welcome {
                super::welcome::welcome_ui(ui, self.demo, self.keyring.as_ref(), actions);
                return;
            }
            match self.persisted.tab {
                Tab::NewConnection if self.history.selected().is_some() => {
                    super::history::details_ui(
                        ui,
                        &mut self.history,
                        &self.known_sandboxes,
                        actions,
                    );
                }
                Tab::NewConnection => super::form::form_ui(
                    ui,
                    &mut self.form,
                    FormView {
                        saved_keys: &config.aws_keys,
                        has_profile: active.is_some(),
                        destination: destination.as_ref(),
                        listed: active
                            .and_then(|p| self.known_sandboxes.listed(&p.platform_url, &p.org_id))
                            .map(|o| o.sandboxes.as_slice()),
                    },
                    actions,
                ),
                Tab::Profiles => super::profiles::profiles_ui(
                    ui,
                    &mut self.profiles,
                    ProfilesView {
                        profiles,
                        active: active.map(|p| p.name.as_str()),
                        session: self.session_sandbox.as_ref(),
                        known_sandboxes: &self.known_sandboxes,
                        session_secrets: &self.session_secrets,
                        keyring: self.keyring.as_ref(),
                    },
                    actions,
                ),
                Tab::Connections => super::connections::connections_ui(
                    ui,
                    &mut self.connections,
                    ConnectionsView {
                        sandbox: active.map(|p| p.sandbox.as_str()),
                        production,
                    },
                    actions,
                ),
            }
        });
    }

    /// After the frame: toasts fade, the spinner animates, a screenshot is taken when asked.
    fn after_frame(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        self.toasts
            .retain(|(_, at)| now.duration_since(*at) < Duration::from_secs(4));
        if let Some((_, at)) = self.toasts.first() {
            // Only to fade the toast out: no repaint loop once it is gone.
            ctx.request_repaint_after(
                (*at + Duration::from_secs(4)).saturating_duration_since(now),
            );
        }
        if self.form.is_creating() || self.key_rotation.is_running() {
            // The spinner animates; egui repaints for it while it is visible.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        if let Some(shot) = &mut self.screenshot {
            shot.step(ctx, self.config.is_some() && self.history.is_settled());
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
            active: self.active.as_ref(),
            kind: self.active.as_ref().map(|p| self.kind_of(p)),
            session: self.session_sandbox.as_ref(),
            token: &self.token,
        };
        super::top_bar::top_bar_ui(ui, &self.top_bar, top_bar, &mut actions);
        super::widgets::status_bar_ui(ui, self.status_line());
        super::rotate_key::unfinished_bar_ui(ui, &mut self.key_rotation);
        // While there is no profile to work with, the welcome screen (with the demo) comes back
        // whenever the profile editor is not open.
        let welcome = self.config.as_ref().is_some_and(|c| c.profiles.is_empty())
            && !(self.persisted.tab == Tab::Profiles && self.profiles.is_editing());
        if self.config.is_some() && !welcome && self.persisted.tab == Tab::NewConnection {
            self.history_panel_ui(ui, &mut actions);
        }
        self.central_ui(ui, welcome, &mut actions);
        let connections = ConnectionsView {
            sandbox: self.active.as_ref().map(|p| p.sandbox.as_str()),
            production: self
                .active
                .as_ref()
                .is_some_and(|p| self.kind_of(p).production),
        };
        super::connections::connection_windows_ui(
            &ctx,
            &mut self.connections,
            connections,
            &mut actions,
        );
        if let Some(destination) = self.destination() {
            super::confirm::production_confirm_ui(
                &ctx,
                &mut self.form.confirm_production,
                &destination,
                self.form.fields.name.trim(),
                &mut actions,
            );
        }
        super::rotate_key::rotate_key_ui(
            &ctx,
            &mut self.key_rotation,
            self.active.as_ref().map(|p| p.sandbox.as_str()),
            &mut actions,
        );
        super::file_prompt::file_prompt_ui(&ctx, &mut self.file_prompt, &mut actions);
        super::widgets::errors_ui(&ctx, &mut self.errors);
        super::widgets::focus_ring(&ctx);
        for action in actions {
            self.apply(&ctx, action);
        }
        self.after_frame(&ctx);
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
