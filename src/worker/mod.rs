//! The window's worker: a named thread that owns the async runtime, the API client and the stores.
//!
//! The UI sends [`Job`]s and receives [`Event`]s; after each event the worker calls the waker the
//! UI gave it (`ctx.request_repaint()`), so the UI thread never waits on the network, the keyring
//! or the disk. The worker knows nothing of egui.
//!
//! The worker only dispatches: each job becomes a task on its thread, which calls the shared
//! operations of [`crate::ops`] and [`crate::ops::connections`] and turns their results into events. Its own
//! loop never waits either, so Cancel and history pages are answered while a task waits on an
//! unlock prompt:
//! - keyring, config and file calls run with `spawn_blocking` (`blocking`);
//! - the history store lives on a thread of its own (`history::HistoryThread`);
//! - the config and the active profile's client sit behind an async lock (`Setup`): a profile
//!   change, which may wait on the keyring, finishes before a later job reads them, and jobs
//!   that need neither (history pages, Cancel) never wait for it.

mod batch;
mod create;
mod history;
mod manage;
mod profiles;
mod protocol;
mod records;
mod rotate_key;
mod setup;
mod views;

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::api::PlatformClient;
use crate::error::NoClientSecret;
use crate::ops::token::{self, ClientSpec, Credential, TokenError};
use crate::secret::Secret;
use crate::store::config::{Config, Profile};
use crate::store::sandboxes::KnownSandboxes;
use history::HistoryThread;
use setup::Setup;

pub use protocol::{
    Event, HistoryPage, Job, ManageAnswer, ManageJob, Scope, SessionSandbox, WorkerSettings,
};
pub use rotate_key::{
    PlannedRotation, RotateKeyJob, RotationDone, RotationEvent, RotationRow, UnfinishedRun,
};
pub use views::{
    BatchRow, BatchView, Changed, ConnectionsList, CreatedView, ErrorView, RotateFailure,
    SandboxList, TokenState,
};

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
                );
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
}

/// The worker's state, shared by the tasks on its thread.
struct Worker {
    settings: WorkerSettings,
    notifier: Notifier,
    session: Mutex<Setup>,
    /// The history's thread, once opened; `None` when it could not be.
    history: Mutex<Option<HistoryThread>>,
    /// The running create, if any: one at a time, and Cancel aborts it.
    create_task: RefCell<Option<tokio::task::JoinHandle<()>>>,
    /// The running key rotation's Cancel, if one runs: one at a time.
    rotation_cancel: RefCell<Option<std::sync::Arc<std::sync::atomic::AtomicBool>>>,
    /// Client secrets kept in memory for this session only, by profile: never written.
    session_secrets: RefCell<std::collections::HashMap<String, Secret>>,
}

impl Worker {
    fn send(&self, event: Event) {
        self.notifier.send(event);
    }

    /// Reports a failure outside a create; `context` says what was being done.
    fn error(&self, context: &str, message: impl std::fmt::Display) {
        self.send(Event::Error {
            context: context.to_owned(),
            message: message.to_string(),
        });
    }

    /// The history, once it is open (waits while it is being opened).
    async fn history(&self) -> Option<HistoryThread> {
        self.history.lock().await.clone()
    }

    /// Sends the config, the active profile as this session uses it, the sandbox lists last
    /// read and the keyring's state.
    async fn send_setup(&self) {
        let setup = self.setup(None, None).await;
        self.send(setup);
    }

    /// [`Event::Setup`] as of now; at start, with what opening the history said and its first
    /// page.
    async fn setup(
        &self,
        history_notice: Option<String>,
        first_history_page: Option<Box<HistoryPage>>,
    ) -> Event {
        let (config, active, session_sandbox) = {
            let session = self.session.lock().await;
            let session_sandbox = session.session_sandbox().and_then(|sandbox| {
                let saved = session.config.active()?;
                Some(SessionSandbox {
                    profile: saved.name.clone(),
                    saved: saved.sandbox.clone(),
                    session: sandbox.to_owned(),
                })
            });
            (
                session.config.clone(),
                session.active_profile(),
                session_sandbox,
            )
        };
        let file = self.settings.paths.sandboxes_file();
        let known_sandboxes = blocking(move || KnownSandboxes::load(&file)).await;
        let session_secrets = self.session_secrets.borrow().keys().cloned().collect();
        Event::Setup {
            config,
            active,
            session_sandbox,
            known_sandboxes,
            session_secrets,
            keyring: self.settings.secrets.status(),
            history_notice,
            first_history_page,
        }
    }

    /// What feeds the token of `profile` (being tested with `typed`, a secret typed in the
    /// editor, or in use): the typed secret, the demo's, the one kept for this session, or the
    /// keyring's.
    fn credential(&self, profile: &str, typed: Option<Secret>) -> Credential {
        let kept = || self.session_secrets.borrow().get(profile).cloned();
        match (
            typed.filter(|s| !s.is_empty()),
            &self.settings.demo_client_secret,
        ) {
            (Some(secret), _) => Credential::ClientSecret(secret),
            (None, Some(demo)) => Credential::ClientSecret(demo.clone()),
            (None, None) => kept().map_or(Credential::Keyring, Credential::ClientSecret),
        }
    }

    /// A client for `profile` fed by `credential`; reads the keyring off the loop.
    async fn client_for(
        &self,
        profile: &Profile,
        config: &Config,
        credential: Credential,
    ) -> Result<PlatformClient, ErrorView> {
        let spec = ClientSpec {
            target: profile.target(),
            profile: profile.name.clone(),
            stored_profile: true,
            credential,
            settings: config.timeouts.http_settings(),
        };
        let secrets = self.settings.secrets.clone();
        blocking(move || token::client(spec, || secrets))
            .await
            .map_err(|e| ErrorView::of(&e))
    }

    /// A client to test `profile` with: its token comes from IMS afresh, the token cache
    /// untouched (see [`token::uncached_client`]).
    async fn test_client_for(
        &self,
        profile: &Profile,
        config: &Config,
        credential: Credential,
    ) -> Result<PlatformClient, ErrorView> {
        let spec = ClientSpec {
            target: profile.target(),
            profile: profile.name.clone(),
            stored_profile: config.profile(&profile.name).is_some(),
            credential,
            settings: config.timeouts.http_settings(),
        };
        let secrets = self.settings.secrets.clone();
        blocking(move || token::uncached_client(spec, || secrets))
            .await
            .map_err(|e| match e {
                TokenError::NoSecret(NoClientSecret { profile: None }) => ErrorView::message(
                    "Type the client secret: this profile is not saved, so the keyring has none for it.",
                ),
                e => ErrorView::of(&e),
            })
    }

    /// The active profile's scope and client: the pasted token when there is one, else its
    /// client secret. Built on first use, then kept until a profile changes.
    async fn active_client(&self) -> Result<(Scope, PlatformClient), ErrorView> {
        let mut session = self.session.lock().await;
        if let Some(client) = &session.client {
            return Ok(client.clone());
        }
        let profile = session.active_profile().ok_or_else(|| {
            ErrorView::message("No profile yet: add one under Profiles, or try the demo.")
        })?;
        let credential = match &self.settings.access_token {
            Some(token) => Credential::Token(token.clone()),
            None => self.credential(&profile.name, None),
        };
        let client = self
            .client_for(&profile, &session.config, credential)
            .await?;
        let scope = Scope::of(&profile);
        session.client = Some((scope.clone(), client.clone()));
        Ok((scope, client))
    }
}

/// Why a job that records in the history did not start.
fn history_not_open() -> ErrorView {
    ErrorView::message(
        "The history could not be opened, so nothing was sent (see the message above).",
    )
}

/// Runs `f` (keyring, config, files) on tokio's blocking threads, so the worker's loop goes on.
async fn blocking<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => value,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Only when the runtime shuts down, with the worker.
        Err(_) => std::future::pending().await,
    }
}

/// Runs `task` on the worker's thread without waiting for it.
fn spawn<Fut: Future<Output = ()> + 'static>(
    w: &Rc<Worker>,
    task: impl FnOnce(Rc<Worker>) -> Fut,
) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_local(task(Rc::clone(w)))
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
            notifier.send(Event::Error {
                context: "starting the worker".to_owned(),
                message: e.to_string(),
            });
            return;
        }
    };
    let w = Rc::new(Worker {
        settings,
        notifier,
        session: Mutex::new(Setup::new()),
        history: Mutex::new(None),
        create_task: RefCell::new(None),
        rotation_cancel: RefCell::new(None),
        session_secrets: RefCell::default(),
    });
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        // After each job, once nothing else has come for a while, read the search text ahead.
        let mut warm = false;
        loop {
            let job = if warm {
                match tokio::time::timeout(IDLE_BEFORE_WARMING, jobs.recv()).await {
                    Ok(job) => job,
                    Err(_) => {
                        records::warm_search(&w);
                        warm = false;
                        continue;
                    }
                }
            } else {
                jobs.recv().await
            };
            let Some(job) = job else { break };
            dispatch(&w, job);
            warm = true;
        }
    });
    drop(local);
    // The window is gone: a keyring call still waiting on a prompt must not hold the thread.
    runtime.shutdown_background();
}

/// How long the worker waits for another job before reading the search text ahead: pages asked
/// for while scrolling come every frame, and must not queue behind that read.
const IDLE_BEFORE_WARMING: Duration = Duration::from_millis(300);

/// Starts the task that does `job`. Never waits: the loop is free for the next job at once.
#[expect(
    clippy::too_many_lines,
    reason = "the dispatch table: one arm per job, each naming the task it runs"
)]
fn dispatch(w: &Rc<Worker>, job: Job) {
    match job {
        Job::LoadSetup => {
            spawn(w, |w| async move { profiles::load_setup(&w).await });
        }
        Job::SwitchProfile(name) => {
            spawn(w, |w| async move { profiles::switch(&w, &name).await });
        }
        Job::SaveProfile {
            profile,
            client_secret,
            previous_name,
            secret_for_session_only,
        } => {
            spawn(w, |w| async move {
                let secret = if secret_for_session_only {
                    profiles::SecretPlace::SessionOnly(client_secret)
                } else {
                    profiles::SecretPlace::Keyring(client_secret)
                };
                profiles::save(&w, profile, secret, previous_name).await;
            });
        }
        Job::RemoveProfile(name) => {
            spawn(w, |w| async move { profiles::remove(&w, &name).await });
        }
        Job::TestProfile {
            profile,
            client_secret,
        } => {
            spawn(w, |w| async move {
                profiles::test(&w, profile, client_secret).await;
            });
        }
        Job::FetchToken => {
            spawn(w, |w| async move { profiles::fetch_token(&w).await });
        }
        Job::Create {
            input,
            allow_duplicate,
            remember_aws_as,
        } => create::start(w, input, allow_duplicate, remember_aws_as),
        Job::CreateBatch {
            input,
            sandboxes,
            batch,
            remember_aws_as,
        } => batch::start(w, input, sandboxes, batch, remember_aws_as),
        Job::Cancel => {
            spawn(w, |w| async move { create::cancel(&w).await });
        }
        Job::Reconcile => {
            spawn(w, |w| async move { create::reconcile_active(&w).await });
        }
        Job::LoadHistory { query, generation } => {
            spawn(w, |w| async move {
                records::load_page(&w, query, generation).await;
            });
        }
        Job::LoadHistoryFacets => {
            spawn(w, |w| async move { records::load_facets(&w).await });
        }
        Job::DeleteAttempt(id) => {
            spawn(w, |w| async move { records::delete(&w, id).await });
        }
        Job::RestoreAttempt(attempt) => {
            spawn(w, |w| async move { records::restore(&w, *attempt).await });
        }
        Job::Export {
            path,
            format,
            query,
        } => {
            spawn(w, |w| async move {
                records::export(&w, path, format, query).await;
            });
        }
        Job::ImportConsoleJson(path) => {
            spawn(
                w,
                |w| async move { profiles::import_console(&w, path).await },
            );
        }
        Job::ImportAwsFile(path) => {
            spawn(
                w,
                |w| async move { profiles::import_aws_file(&w, path).await },
            );
        }
        Job::LoadSavedAwsKey(label) => {
            spawn(
                w,
                |w| async move { profiles::load_aws_key(&w, label).await },
            );
        }
        Job::UseSandbox(sandbox) => {
            spawn(
                w,
                |w| async move { profiles::use_sandbox(&w, sandbox).await },
            );
        }
        Job::SaveSandbox(sandbox) => {
            spawn(
                w,
                |w| async move { profiles::save_sandbox(&w, sandbox).await },
            );
        }
        Job::RotateKey(job) => rotate_key::dispatch(w, job),
        Job::Manage { request, job } => {
            spawn(w, |w| async move { manage::run(&w, request, job).await });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Condvar, Mutex as StdMutex};
    use std::time::Instant;

    use keyring_core::{CredentialStore, Entry, api::CredentialStoreApi};

    use super::*;
    use crate::store::history::HistoryQuery;
    use crate::store::paths::AppPaths;
    use crate::store::secrets::SecretStore;

    /// A keyring whose every call waits until the test opens its gate, as one waiting on an
    /// unlock prompt does.
    #[derive(Debug)]
    struct GatedStore {
        inner: Arc<CredentialStore>,
        open: Arc<(StdMutex<bool>, Condvar)>,
    }

    impl CredentialStoreApi for GatedStore {
        fn vendor(&self) -> String {
            "gated".to_owned()
        }

        fn id(&self) -> String {
            "gated".to_owned()
        }

        fn build(
            &self,
            service: &str,
            user: &str,
            modifiers: Option<&HashMap<&str, &str>>,
        ) -> keyring_core::Result<Entry> {
            let (lock, opened) = &*self.open;
            let mut open = lock.lock().unwrap();
            while !*open {
                open = opened.wait(open).unwrap();
            }
            self.inner.build(service, user, modifiers)
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    /// The worker's events, waited for through its waker (no sleeps).
    struct Events {
        handle: WorkerHandle,
        woken: mpsc::Receiver<()>,
    }

    impl Events {
        fn next(&self, within: Duration) -> Option<Event> {
            let deadline = Instant::now() + within;
            loop {
                if let Some(event) = self.handle.try_recv() {
                    return Some(event);
                }
                let left = deadline.checked_duration_since(Instant::now())?;
                let _ = self.woken.recv_timeout(left);
            }
        }

        fn until(&self, what: &str, pick: impl Fn(&Event) -> bool) -> Event {
            loop {
                match self.next(Duration::from_secs(10)) {
                    Some(event) if pick(&event) => return event,
                    Some(_) => {}
                    None => panic!("no {what} within 10 s"),
                }
            }
        }
    }

    /// Regression: a keyring call (an unlock prompt) ran on the worker's loop, so
    /// history pages waited for the prompt. Now a profile save waiting on the keyring holds up
    /// only itself.
    #[test]
    fn a_keyring_waiting_on_a_prompt_does_not_hold_up_history_pages() {
        let home = tempfile::tempdir().unwrap();
        let open = Arc::new((StdMutex::new(false), Condvar::new()));
        let store: Arc<CredentialStore> = Arc::new(GatedStore {
            inner: keyring_core::mock::Store::new().unwrap(),
            open: Arc::clone(&open),
        });
        let settings = WorkerSettings {
            paths: AppPaths::under(home.path()),
            secrets: SecretStore::with_store(store, "gated"),
            demo_client_secret: None,
            access_token: None,
        };
        let (wake, woken) = mpsc::channel();
        let handle = WorkerHandle::spawn(
            settings,
            Box::new(move || {
                let _ = wake.send(());
            }),
        )
        .unwrap();
        let events = Events { handle, woken };
        events.handle.send(Job::LoadSetup);
        events.until("history ready", |e| matches!(e, Event::Setup { .. }));

        events.handle.send(Job::SaveProfile {
            profile: Profile::new("gated", "ABC123@AdobeOrg", "client", "dev"),
            client_secret: Some(Secret::new("s3cret")),
            previous_name: None,
            secret_for_session_only: false,
        });
        events.handle.send(Job::LoadHistory {
            query: HistoryQuery::default(),
            generation: 7,
        });
        let page = events.until("the history page", |e| {
            matches!(e, Event::History { .. } | Event::Setup { .. })
        });
        assert!(
            matches!(page, Event::History { generation: 7, .. }),
            "the page came first, while the keyring waits: {page:?}"
        );

        *open.0.lock().unwrap() = true;
        open.1.notify_all();
        let Event::Setup { config, .. } = events.until("the saved profile", |e| {
            matches!(e, Event::Setup { .. } | Event::Error { .. })
        }) else {
            panic!("the save failed");
        };
        assert_eq!(config.active_profile.as_deref(), Some("gated"));
    }

    /// Regression: "Switch sandbox" rewrote the saved profile. The session's sandbox
    /// lives beside the config, never in it, and ends with the profile it was chosen for.
    #[test]
    fn a_session_sandbox_stays_out_of_the_config_and_ends_with_its_profile() {
        let mut session = Setup::new();
        session.config = Config {
            active_profile: Some("a".into()),
            profiles: vec![
                Profile::new("a", "ABC123@AdobeOrg", "client", "prod"),
                Profile::new("b", "ABC123@AdobeOrg", "client", "prod"),
            ],
            ..Config::default()
        };
        let saved = session.config.clone();
        assert_eq!(session.use_sandbox("dev".into()).as_deref(), Some("a"));
        assert_eq!(session.session_sandbox(), Some("dev"));
        assert_eq!(session.active_profile().unwrap().sandbox, "dev");
        assert_eq!(
            session.config, saved,
            "the config (what is saved) is unchanged"
        );

        // Choosing the saved sandbox again ends the session's choice.
        session.use_sandbox("prod".into());
        assert_eq!(session.session_sandbox(), None);
        assert_eq!(session.sandbox_override, None);

        // Another profile made active: the choice does not follow it.
        session.use_sandbox("dev".into());
        session.config.active_profile = Some("b".into());
        session.settle_override();
        assert_eq!(session.sandbox_override, None);
        assert_eq!(session.active_profile().unwrap().sandbox, "prod");

        // Saved to the profile: the choice is the profile's own now.
        session.config.active_profile = Some("a".into());
        session.use_sandbox("dev".into());
        session.config.profiles[0].sandbox = "dev".into();
        session.settle_override();
        assert_eq!(session.sandbox_override, None);
        assert_eq!(session.active_profile().unwrap().sandbox, "dev");
        assert_eq!(Setup::new().use_sandbox("dev".into()), None, "no profile");
    }
}
