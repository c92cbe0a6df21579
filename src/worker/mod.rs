//! The window's worker: a named thread that owns the async runtime, the API client and the stores.
//!
//! The UI sends [`Job`]s and receives [`Event`]s; after each event the worker calls the waker the
//! UI gave it (`ctx.request_repaint()`), so the UI thread never waits on the network, the keyring
//! or the disk. The worker knows nothing of egui.

mod create;
mod manage;

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use crate::api::explore::{ExploreItem, Preview};
use crate::api::sandboxes::Sandbox;
use crate::api::{
    ClientCredentials, ClientError, Connection, HttpSettings, PlatformClient, TokenSource,
};
use crate::export::{self, ExportFormat};
use crate::import::{self, aws::AwsCredential, console::ConsoleCredential};
use crate::manage::NewCredentials;
use crate::manage::{Inspected, MergedConnection};
use crate::model::{CreatedConnection, S3ConnectionInput, Target};
use crate::ops::Reconciled;
use crate::secret::Secret;
use crate::store::config::{Config, Profile};
use crate::store::history::{Attempt, AttemptId, HistoryQuery, HistoryStore};
use crate::store::paths::AppPaths;
use crate::store::secrets::{KeyringStatus, SecretKind, SecretStore};

/// How the worker is set up.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// Config and data dirs.
    pub paths: AppPaths,
    /// The keyring to use.
    pub secrets: SecretStore,
    /// Demo mode: a client secret used for every profile instead of the keyring.
    pub demo_client_secret: Option<Secret>,
    /// A pasted access token (`AEP_ACCESS_TOKEN`): used for this session instead of IMS.
    pub access_token: Option<Secret>,
}

/// Work for the worker.
#[derive(Debug)]
pub enum Job {
    /// Load config, keyring status and history basics.
    LoadSetup,
    /// Make a profile active.
    SwitchProfile(String),
    /// Add or replace a profile; `client_secret` goes to the keyring when given.
    SaveProfile {
        /// The profile.
        profile: Profile,
        /// Its client secret, if the user typed one.
        client_secret: Option<Secret>,
        /// The profile's old name when it is renamed.
        previous_name: Option<String>,
    },
    /// Remove a profile and its keyring entries.
    RemoveProfile(String),
    /// Fetch a token for a profile (saved or being edited) and report success or the error.
    TestProfile {
        /// The profile.
        profile: Profile,
        /// A client secret typed in the editor, else the keyring's.
        client_secret: Option<Secret>,
    },
    /// Get (or reuse) a token for the active profile, for the top bar.
    FetchToken,
    /// Create a connection.
    Create {
        /// What to create.
        input: S3ConnectionInput,
        /// Create even when the sandbox has a connection of that name.
        allow_duplicate: bool,
        /// Remember the AWS key in the keyring under this label.
        remember_aws_as: Option<String>,
    },
    /// Cancel the running create.
    Cancel,
    /// Look pending records of the active profile up in AEP (at start).
    Reconcile,
    /// Load a page of history.
    LoadHistory {
        /// Filters, order, offset and limit.
        query: HistoryQuery,
        /// Echoed back so stale answers can be dropped.
        generation: u64,
    },
    /// Remove a record.
    DeleteAttempt(AttemptId),
    /// Put a removed record back.
    RestoreAttempt(Box<Attempt>),
    /// Write the rows matching a query to a file.
    Export {
        /// Target file.
        path: PathBuf,
        /// CSV or JSON.
        format: ExportFormat,
        /// Which rows (limit and offset are ignored).
        query: HistoryQuery,
    },
    /// Parse a Developer Console project JSON.
    ImportConsoleJson(PathBuf),
    /// Parse `~/.aws/credentials` or an IAM CSV.
    ImportAwsFile(PathBuf),
    /// Load a remembered AWS key's secrets from the keyring.
    LoadSavedAwsKey(String),
    /// List the active sandbox's S3 connections, merged with the history.
    ListConnections,
    /// One connection's details.
    Inspect(String),
    /// One level of a connection's storage (`None` = the root).
    Explore {
        /// Connection ID.
        id: String,
        /// Folder path, or the root.
        path: Option<String>,
    },
    /// The first rows of a file.
    Preview {
        /// Connection ID.
        id: String,
        /// File path.
        path: String,
    },
    /// Replace a connection's access key.
    Rotate {
        /// Connection ID.
        id: String,
        /// The version the user saw (for "what changed" on a conflict).
        seen: Option<Box<Connection>>,
        /// The new key.
        credentials: NewCredentials,
    },
    /// Delete a connection in AEP.
    DeleteConnection {
        /// Connection ID.
        id: String,
        /// Its name, for the history and messages.
        name: Option<String>,
    },
    /// The sandboxes the active profile's credential may use.
    ListSandboxes,
}

/// What the worker reports.
#[derive(Debug)]
pub enum Event {
    /// Config and keyring state (after start and after profile changes).
    Setup {
        /// The config.
        config: Config,
        /// The keyring.
        keyring: KeyringStatus,
        /// Message when the history file was moved aside or could not be opened.
        history_notice: Option<String>,
    },
    /// Token state of the active profile.
    Token(TokenState),
    /// Result of a profile test.
    ProfileTested {
        /// Profile name.
        name: String,
        /// Expiry on success, the error otherwise.
        result: Result<i64, ErrorView>,
    },
    /// A create has started (its pending record exists once `attempt` is set).
    CreateStarted,
    /// A create finished.
    CreateFinished(Result<CreatedView, ErrorView>),
    /// Pending records were settled.
    Reconciled(Vec<Reconciled>),
    /// A page of history.
    History {
        /// The query it answers.
        query: HistoryQuery,
        /// Its generation.
        generation: u64,
        /// Rows.
        rows: Vec<Attempt>,
        /// Rows matching without limit.
        total: usize,
    },
    /// The history changed (a create, delete or restore): reload what is shown.
    HistoryChanged,
    /// A record was removed; the attempt is kept for undo.
    Deleted(Box<Attempt>),
    /// Export done.
    Exported {
        /// File written.
        path: PathBuf,
        /// Rows written.
        rows: usize,
    },
    /// A console JSON was read.
    ConsoleImported(Box<ConsoleCredential>),
    /// AWS keys were read from a file (or the keyring).
    AwsImported(Vec<AwsCredential>),
    /// The connections view.
    Connections(Result<Vec<MergedConnection>, ErrorView>),
    /// One connection's details.
    Inspected(Result<Box<Inspected>, ErrorView>),
    /// One level of storage.
    Explored {
        /// Connection ID.
        id: String,
        /// The folder, or the root.
        path: Option<String>,
        /// Its items.
        result: Result<Vec<ExploreItem>, ErrorView>,
    },
    /// A file preview.
    Previewed {
        /// Connection ID.
        id: String,
        /// File path.
        path: String,
        /// Columns and rows.
        result: Result<Preview, ErrorView>,
    },
    /// A rotation finished.
    Rotated(Result<String, RotateFailure>),
    /// A deletion finished (the connection ID on success).
    ConnectionDeleted(Result<String, ErrorView>),
    /// The sandboxes the credential may use.
    Sandboxes(Result<Vec<Sandbox>, ErrorView>),
    /// A connection with the same name already exists: the create was not sent.
    DuplicateFound(Box<Connection>),
    /// Something failed outside a create; `context` says what was being done.
    Error {
        /// What was being done.
        context: String,
        /// The message.
        message: String,
    },
}

/// A rotation that did not apply: the message, and on a conflict the current version with what
/// changed, so the user can look and retry.
#[derive(Clone, Debug)]
pub struct RotateFailure {
    /// What happened.
    pub error: ErrorView,
    /// The current version and the changes, when someone else changed the connection.
    pub stale: Option<(Box<Connection>, Vec<String>)>,
}

/// The token state shown in the top bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenState {
    /// No token yet.
    None,
    /// Valid until (epoch ms; `i64::MAX` for a pasted token).
    Valid(i64),
    /// The last attempt failed.
    Error(String),
}

/// A create's success, as the result card shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedView {
    /// History record.
    pub attempt: AttemptId,
    /// The connection.
    pub connection: CreatedConnection,
    /// Connection name.
    pub name: String,
    /// Sandbox.
    pub sandbox: String,
    /// Warnings to show.
    pub warnings: Vec<String>,
    /// The runnable, redacted cURL.
    pub curl: String,
}

/// A failure, as the UI shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorView {
    /// HTTP status.
    pub status: Option<u16>,
    /// Adobe's code.
    pub code: Option<String>,
    /// The message.
    pub message: String,
    /// `x-request-id`.
    pub request_id: Option<String>,
    /// What to do.
    pub hint: Option<String>,
    /// Raw response excerpt.
    pub raw_body: Option<String>,
    /// The redacted cURL of the request, when there was one.
    pub curl: Option<String>,
    /// Nothing was created because the duplicate check could not run: offer to create without it.
    pub offer_create_anyway: bool,
}

impl ErrorView {
    /// From a client error.
    pub fn from_client(e: &ClientError) -> Self {
        let raw_body = match e {
            ClientError::Api(api) => Some(api.raw_body.clone()),
            ClientError::OutcomeUnknown { cause, .. } => match cause.as_ref() {
                ClientError::Api(api) => Some(api.raw_body.clone()),
                _ => None,
            },
            _ => None,
        };
        let message = match e {
            ClientError::Api(api) => api.message.clone(),
            other => other.to_string(),
        };
        Self {
            status: e.status(),
            code: e.code().map(str::to_owned),
            message,
            request_id: e.request_id().map(str::to_owned),
            hint: e.hint().map(str::to_owned),
            raw_body,
            curl: None,
            offer_create_anyway: false,
        }
    }

    /// A plain message.
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }
}

/// The UI's end of the worker.
pub struct WorkerHandle {
    jobs: tokio::sync::mpsc::UnboundedSender<Job>,
    events: mpsc::Receiver<Event>,
}

impl WorkerHandle {
    /// Starts the worker thread. `waker` is called after every event.
    pub fn spawn(
        settings: WorkerSettings,
        waker: Box<dyn Fn() + Send>,
    ) -> std::io::Result<WorkerHandle> {
        let (job_tx, job_rx) = tokio::sync::mpsc::unbounded_channel();
        let (event_tx, event_rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("aep-worker".to_owned())
            .spawn(move || {
                run(
                    settings,
                    job_rx,
                    Notifier {
                        tx: event_tx,
                        waker,
                    },
                )
            })?;
        Ok(WorkerHandle {
            jobs: job_tx,
            events: event_rx,
        })
    }

    /// A handle whose worker never started: jobs go nowhere, no events come.
    pub fn disconnected() -> WorkerHandle {
        let (jobs, _) = tokio::sync::mpsc::unbounded_channel();
        let (_, events) = mpsc::channel();
        WorkerHandle { jobs, events }
    }

    /// Queues a job (dropped silently if the worker is gone, which only happens at exit).
    pub fn send(&self, job: Job) {
        let _ = self.jobs.send(job);
    }

    /// The next event, if one is ready.
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }
}

/// Sends events and wakes the UI.
struct Notifier {
    tx: mpsc::Sender<Event>,
    waker: Box<dyn Fn() + Send>,
}

impl Notifier {
    fn send(&self, event: Event) {
        if self.tx.send(event).is_ok() {
            (self.waker)();
        }
    }

    fn error(&self, context: &str, message: impl std::fmt::Display) {
        self.send(Event::Error {
            context: context.to_owned(),
            message: message.to_string(),
        });
    }
}

/// The worker's own state, on its thread only.
struct State {
    settings: WorkerSettings,
    config: Config,
    history: Option<Rc<HistoryStore>>,
    client: Option<(String, PlatformClient)>,
    create_task: Option<tokio::task::JoinHandle<()>>,
}

fn run(
    settings: WorkerSettings,
    mut jobs: tokio::sync::mpsc::UnboundedReceiver<Job>,
    notifier: Notifier,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            notifier.error("starting the worker", e);
            return;
        }
    };
    let notifier = Rc::new(notifier);
    let state = Rc::new(RefCell::new(State {
        settings,
        config: Config::default(),
        history: None,
        client: None,
        create_task: None,
    }));
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        // After each job, once nothing else has come for a while, read the search text ahead.
        let mut warm = false;
        loop {
            let job = if warm {
                match tokio::time::timeout(IDLE_BEFORE_WARMING, jobs.recv()).await {
                    Ok(job) => job,
                    Err(_) => {
                        warm_search(&state);
                        warm = false;
                        continue;
                    }
                }
            } else {
                jobs.recv().await
            };
            let Some(job) = job else { break };
            handle(&state, &notifier, job).await;
            warm = true;
        }
    });
}

/// How long the worker waits for another job before reading the search text ahead: pages asked
/// for while scrolling come every frame, and must not queue behind that read.
const IDLE_BEFORE_WARMING: Duration = Duration::from_millis(300);

/// Reads the history's search text if it is missing or stale (at start, or after another
/// process wrote), so the next search does not wait for it: ~80 ms at 100,000 records
/// (BENCHMARKS.md). Once read, the store's own writes keep it current.
fn warm_search(state: &Rc<RefCell<State>>) {
    let history = state.borrow().history.clone();
    if let Some(history) = history
        && let Err(e) = history.warm_search()
    {
        tracing::debug!(error = %e, "could not read the history's search text ahead");
    }
}

async fn handle(state: &Rc<RefCell<State>>, n: &Rc<Notifier>, job: Job) {
    match job {
        Job::LoadSetup => load_setup(state, n),
        Job::SwitchProfile(name) => {
            let result = {
                let mut s = state.borrow_mut();
                let path = s.settings.paths.config_file();
                s.client = None;
                s.config
                    .set_active(&name)
                    .and_then(|()| s.config.save(&path))
            };
            match result {
                Ok(()) => {
                    send_setup(state, n, None);
                    fetch_token(state, n).await;
                }
                Err(e) => n.error("switching profile", e),
            }
        }
        Job::SaveProfile {
            profile,
            client_secret,
            previous_name,
        } => save_profile(state, n, profile, client_secret, previous_name),
        Job::RemoveProfile(name) => remove_profile(state, n, &name),
        Job::TestProfile {
            profile,
            client_secret,
        } => {
            let name = profile.name.clone();
            let result = test_profile(state, profile, client_secret)
                .await
                .map_err(|e| *e);
            n.send(Event::ProfileTested { name, result });
        }
        Job::FetchToken => fetch_token(state, n).await,
        Job::Create {
            input,
            allow_duplicate,
            remember_aws_as,
        } => create::start_create(state, n, input, allow_duplicate, remember_aws_as),
        Job::ListConnections
        | Job::Inspect(_)
        | Job::Explore { .. }
        | Job::Preview { .. }
        | Job::Rotate { .. }
        | Job::DeleteConnection { .. }
        | Job::ListSandboxes => manage::spawn_manage(state, n, job),
        Job::Cancel => create::cancel_create(state, n).await,
        Job::Reconcile => {
            if let Ok((_, client)) = active_client(state) {
                let (state, n) = (Rc::clone(state), Rc::clone(n));
                // In the background: a slow lookup must not hold up the jobs behind it.
                tokio::task::spawn_local(
                    async move { create::reconcile(&state, &n, client).await },
                );
            }
        }
        Job::LoadHistory { query, generation } => {
            let s = state.borrow();
            let Some(history) = &s.history else { return };
            match history
                .search(&query)
                .and_then(|rows| Ok((rows, history.count(&query)?)))
            {
                Ok((rows, total)) => n.send(Event::History {
                    query,
                    generation,
                    rows,
                    total,
                }),
                Err(e) => n.error("loading the history", e),
            }
        }
        Job::DeleteAttempt(id) => {
            let s = state.borrow();
            let Some(history) = &s.history else { return };
            match history.get(id).and_then(|a| {
                history.delete(id)?;
                Ok(a)
            }) {
                Ok(Some(attempt)) => {
                    n.send(Event::Deleted(Box::new(attempt)));
                    n.send(Event::HistoryChanged);
                }
                Ok(None) => n.send(Event::HistoryChanged),
                Err(e) => n.error("removing the record", e),
            }
        }
        Job::RestoreAttempt(attempt) => {
            let s = state.borrow();
            let Some(history) = &s.history else { return };
            match history.restore(&attempt) {
                Ok(()) => n.send(Event::HistoryChanged),
                Err(e) => n.error("restoring the record", e),
            }
        }
        Job::Export {
            path,
            format,
            query,
        } => {
            let s = state.borrow();
            let Some(history) = &s.history else { return };
            let all = HistoryQuery {
                limit: None,
                offset: 0,
                ..query
            };
            let result = history
                .search(&all)
                .map_err(|e| e.to_string())
                .and_then(|rows| {
                    export::export_to_file(&path, &rows, format).map_err(|e| e.to_string())
                });
            match result {
                Ok(rows) => n.send(Event::Exported { path, rows }),
                Err(e) => n.error("exporting the history", e),
            }
        }
        Job::ImportConsoleJson(path) => match import::read_file(&path)
            .and_then(|text| import::console::parse(&text, &path.display().to_string()))
        {
            Ok(c) => n.send(Event::ConsoleImported(Box::new(c))),
            Err(e) => n.error("importing the Developer Console JSON", e),
        },
        Job::ImportAwsFile(path) => {
            let name = path.display().to_string();
            let parsed = import::read_file(&path).and_then(|text| {
                let is_csv = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
                    || text
                        .trim_start_matches('\u{feff}')
                        .to_ascii_lowercase()
                        .contains("access key id,");
                if is_csv {
                    import::aws::parse_iam_csv(&text, &name)
                } else {
                    import::aws::parse_credentials_ini(&text, &name)
                }
            });
            match parsed {
                Ok(keys) if keys.is_empty() => n.error(
                    "importing AWS credentials",
                    format!("{name}: no access keys in the file"),
                ),
                Ok(keys) => n.send(Event::AwsImported(keys)),
                Err(e) => n.error("importing AWS credentials", e),
            }
        }
        Job::LoadSavedAwsKey(label) => {
            let s = state.borrow();
            let Some(saved) = s.config.aws_keys.iter().find(|k| k.label == label).cloned() else {
                return;
            };
            let secrets = &s.settings.secrets;
            let key = secrets.get(&label, SecretKind::AwsSecretKey);
            let token = if saved.has_session_token {
                secrets.get(&label, SecretKind::AwsSessionToken)
            } else {
                Ok(None)
            };
            match (key, token) {
                (Ok(Some(secret_key)), Ok(session_token)) => {
                    n.send(Event::AwsImported(vec![AwsCredential {
                        label,
                        access_key_id: saved.access_key_id,
                        secret_key,
                        session_token,
                        line: None,
                    }]));
                }
                (Ok(None), _) => n.error(
                    "loading remembered AWS credentials",
                    format!("the keyring has no secret for `{label}` any more"),
                ),
                (Err(e), _) | (_, Err(e)) => n.error("loading remembered AWS credentials", e),
            }
        }
    }
}

fn load_setup(state: &Rc<RefCell<State>>, n: &Rc<Notifier>) {
    let paths = state.borrow().settings.paths.clone();
    let config = match Config::load(&paths.config_file()) {
        Ok(c) => c,
        Err(e) => {
            n.error("reading the config", &e);
            Config::default()
        }
    };
    let (history, notice) = match HistoryStore::open(&paths.history_db()) {
        Ok((store, notice)) => (Some(Rc::new(store)), notice.map(|n| n.message)),
        Err(e) => (None, Some(e.to_string())),
    };
    {
        let mut s = state.borrow_mut();
        s.config = config;
        s.history = history;
        s.client = None;
    }
    send_setup(state, n, notice);
    n.send(Event::HistoryChanged);
}

fn send_setup(state: &Rc<RefCell<State>>, n: &Rc<Notifier>, history_notice: Option<String>) {
    let s = state.borrow();
    n.send(Event::Setup {
        config: s.config.clone(),
        keyring: s.settings.secrets.status(),
        history_notice,
    });
}

fn save_profile(
    state: &Rc<RefCell<State>>,
    n: &Rc<Notifier>,
    profile: Profile,
    client_secret: Option<Secret>,
    previous_name: Option<String>,
) {
    if let Err(errors) = profile.validate() {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        n.error("saving the profile", text.join("\n"));
        return;
    }
    let result = {
        let mut s = state.borrow_mut();
        let secrets = s.settings.secrets.clone();
        let stored = match &client_secret {
            Some(secret) if !secret.is_empty() => secrets
                .set(&profile.name, SecretKind::ClientSecret, secret)
                .map_err(|e| e.to_string()),
            _ => Ok(()),
        };
        stored.and_then(|()| {
            if let Some(old) = previous_name.filter(|old| *old != profile.name) {
                s.config.remove_profile(&old);
                if client_secret.is_none()
                    && let Ok(Some(secret)) = secrets.get(&old, SecretKind::ClientSecret)
                {
                    secrets
                        .set(&profile.name, SecretKind::ClientSecret, &secret)
                        .map_err(|e| e.to_string())?;
                }
                let _ = secrets.delete(&old, SecretKind::ClientSecret);
            }
            let name = profile.name.clone();
            let first = s.config.profiles.is_empty() || s.config.active_profile.is_none();
            s.config.upsert_profile(profile);
            if first {
                s.config.active_profile = Some(name);
            }
            s.client = None;
            let path = s.settings.paths.config_file();
            s.config.save(&path).map_err(|e| e.to_string())
        })
    };
    match result {
        Ok(()) => send_setup(state, n, None),
        Err(e) => n.error("saving the profile", e),
    }
}

fn remove_profile(state: &Rc<RefCell<State>>, n: &Rc<Notifier>, name: &str) {
    let result = {
        let mut s = state.borrow_mut();
        let removed = s.config.remove_profile(name);
        s.client = None;
        let path = s.settings.paths.config_file();
        let saved = s.config.save(&path);
        if let Some(p) = removed {
            let secrets = &s.settings.secrets;
            let _ = secrets.delete(name, SecretKind::ClientSecret);
            let _ = secrets.delete(
                &crate::session::token_cache_scope(name, &p.target()),
                SecretKind::AccessToken,
            );
        }
        saved
    };
    match result {
        Ok(()) => send_setup(state, n, None),
        Err(e) => n.error("removing the profile", e),
    }
}

/// The client secret for `profile`: the demo secret, else the keyring's.
fn client_secret_for(s: &State, profile: &str) -> Result<Secret, Box<ErrorView>> {
    if let Some(secret) = &s.settings.demo_client_secret {
        return Ok(secret.clone());
    }
    match s.settings.secrets.get(profile, SecretKind::ClientSecret) {
        Ok(Some(secret)) => Ok(secret),
        Ok(None) => Err(Box::new(ErrorView {
            message: format!("profile `{profile}` has no client secret in the keyring"),
            hint: Some("Open Profiles, edit the profile and enter its client secret.".to_owned()),
            ..ErrorView::default()
        })),
        Err(e) => Err(Box::new(ErrorView {
            message: e.to_string(),
            hint: e.fix().map(str::to_owned),
            ..ErrorView::default()
        })),
    }
}

fn http_settings(config: &Config) -> HttpSettings {
    config.timeouts.http_settings()
}

fn make_client(
    s: &State,
    profile: &Profile,
    client_secret: Secret,
) -> Result<PlatformClient, Box<ErrorView>> {
    let target: Target = profile.target();
    let source = TokenSource::Ims(ClientCredentials {
        ims_url: target.ims_url.clone(),
        client_id: target.client_id.clone(),
        client_secret: client_secret.into(),
        scopes: target.scopes.clone(),
    });
    crate::session::build_client(
        target,
        source,
        Some(&s.settings.secrets),
        &profile.name,
        http_settings(&s.config),
    )
    .map_err(|e| Box::new(ErrorView::from_client(&e)))
}

/// The client for `profile`: the pasted token when there is one, else the client secret.
fn client_for(s: &State, profile: &Profile) -> Result<PlatformClient, Box<ErrorView>> {
    if let Some(token) = &s.settings.access_token {
        return crate::session::build_client(
            profile.target(),
            TokenSource::Fixed(token.clone()),
            None,
            &profile.name,
            http_settings(&s.config),
        )
        .map_err(|e| Box::new(ErrorView::from_client(&e)));
    }
    let secret = client_secret_for(s, &profile.name)?;
    make_client(s, profile, secret)
}

/// The active profile's client, built on first use.
fn active_client(state: &Rc<RefCell<State>>) -> Result<(String, PlatformClient), Box<ErrorView>> {
    let mut s = state.borrow_mut();
    if let Some(client) = &s.client {
        return Ok(client.clone());
    }
    let profile = s.config.active().cloned().ok_or_else(|| {
        Box::new(ErrorView::message(
            "No profile yet: add one under Profiles, or try the demo.",
        ))
    })?;
    let client = client_for(&s, &profile)?;
    s.client = Some((profile.name.clone(), client.clone()));
    Ok((profile.name, client))
}

async fn fetch_token(state: &Rc<RefCell<State>>, n: &Rc<Notifier>) {
    let client = match active_client(state) {
        Ok((_, c)) => c,
        Err(e) => {
            n.send(Event::Token(TokenState::Error(e.message)));
            return;
        }
    };
    let token_state = match client.tokens().token().await {
        Ok(t) => TokenState::Valid(t.expires_at_ms),
        Err(e) => TokenState::Error(e.to_string()),
    };
    n.send(Event::Token(token_state));
}

async fn test_profile(
    state: &Rc<RefCell<State>>,
    profile: Profile,
    client_secret: Option<Secret>,
) -> Result<i64, Box<ErrorView>> {
    let client = {
        let s = state.borrow();
        let secret = match client_secret.filter(|s| !s.is_empty()) {
            Some(secret) => secret,
            None => client_secret_for(&s, &profile.name)?,
        };
        make_client(&s, &profile, secret)?
    };
    client
        .tokens()
        .token()
        .await
        .map(|t| t.expires_at_ms)
        .map_err(|e| Box::new(ErrorView::from_client(&e)))
}
