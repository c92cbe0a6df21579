//! Profile, token and credential-import jobs: each calls the shared operation (off the loop, as
//! it reads the keyring, the config or a file) and reports what came of it.

use std::path::PathBuf;

use super::history::HistoryThread;
use super::{ErrorView, Event, HistoryPage, TokenState, Worker, blocking};
use crate::model::S3ConnectionInput;
use crate::ops::profiles::{self, SaveProfile};
use crate::ops::{HistoryAccess, aws_keys};
use crate::secret::Secret;
use crate::store::config::{Config, Profile};
use crate::store::history::HistoryQuery;

/// Reads the config and opens the history (at start).
pub(super) async fn load_setup(w: &Worker) {
    // Both locks first: jobs sent after this one wait for what it loads.
    let mut history = w.history.lock().await;
    let mut session = w.session.lock().await;
    let path = w.settings.paths.config_file();
    let config = match blocking(move || Config::load_noting(&path)).await {
        Ok((config, notes)) => {
            for note in notes {
                w.send(Event::Notice(note));
            }
            config
        }
        Err(e) => {
            w.error("reading the config", &e);
            Config::default()
        }
    };
    session.config = config;
    session.client = None;
    session.sandbox_override = None;
    drop(session);
    let (opened, notice) = match HistoryThread::open(&w.settings.paths.history_db()).await {
        Ok((thread, notice)) => (Some(thread), notice.map(|n| n.message)),
        Err(e) => (None, Some(e.to_string())),
    };
    // The first page the window shows, read now: its first frame then has the rows.
    let first_page = match &opened {
        Some(thread) => first_history_page(thread).await,
        None => None,
    };
    *history = opened;
    drop(history);
    let setup = w.setup(notice, first_page).await;
    w.send(setup);
}

/// The history's first page in its default order (`None` if it cannot be read: the window
/// then asks for it, and hears why).
async fn first_history_page(history: &HistoryThread) -> Option<Box<HistoryPage>> {
    let query = HistoryQuery::default().page(0);
    let page_of = query.clone();
    let (rows, total) = history
        .try_run(move |h| crate::ops::history::page(h, &page_of))
        .await
        .ok()?;
    Some(Box::new(HistoryPage { query, rows, total }))
}

/// Runs a change of the config (and keyring) off the loop, with the session locked, and keeps
/// the config it leaves. The client is rebuilt on next use. The change sees the config as saved:
/// the session's sandbox is not in it, so it is never written; it ends when another profile
/// becomes active or the profile is saved with it.
pub(super) async fn change_config<R: Send + 'static>(
    w: &Worker,
    change: impl FnOnce(&mut Config) -> R + Send + 'static,
) -> R {
    let mut session = w.session.lock().await;
    let mut config = session.config.clone();
    let (config, result) = blocking(move || {
        let result = change(&mut config);
        (config, result)
    })
    .await;
    session.config = config;
    session.client = None;
    session.settle_override();
    result
}

/// Makes a profile active, then fetches its token.
pub(super) async fn switch(w: &Worker, name: &str) {
    let file = w.settings.paths.config_file();
    let name = name.to_owned();
    match change_config(w, move |config| profiles::activate(config, &file, &name)).await {
        Ok(()) => {
            w.send_setup().await;
            fetch_token(w).await;
        }
        Err(e) => w.error("switching profile", e),
    }
}

/// Where a saved profile's client secret goes.
pub(super) enum SecretPlace {
    /// To the keyring, when one was typed.
    Keyring(Option<Secret>),
    /// Kept in memory for this session only (no keyring); never written.
    SessionOnly(Option<Secret>),
}

/// Adds, replaces or renames a profile; its client secret goes to the keyring, or is kept for
/// this session only. The answer is [`Event::ProfileSaved`]: on a failure the window keeps
/// what was typed.
pub(super) async fn save(
    w: &Worker,
    profile: Profile,
    secret: SecretPlace,
    previous_name: Option<String>,
) {
    let name = profile.name.clone();
    let file = w.settings.paths.config_file();
    let secrets = w.settings.secrets.clone();
    let (client_secret, kept) = match secret {
        SecretPlace::Keyring(s) => (s, None),
        SecretPlace::SessionOnly(s) => (None, s),
    };
    let change = SaveProfile {
        profile,
        client_secret,
        previous_name,
        activate: false,
    };
    let saved = change_config(w, move |config| {
        profiles::save(config, &file, || secrets, change)
    })
    .await;
    let result = match saved {
        Ok(saved) => {
            if let Some(secret) = kept {
                w.session_secrets.borrow_mut().insert(name.clone(), secret);
                // The client built before used no secret, or another one.
                w.session.lock().await.client = None;
            }
            w.send_setup().await;
            for warning in saved.warnings {
                w.send(Event::Notice(warning));
            }
            Ok(())
        }
        Err(e) => Err(ErrorView::of(&e)),
    };
    w.send(Event::ProfileSaved { name, result });
}

/// Removes a profile and its keyring entries.
pub(super) async fn remove(w: &Worker, name: &str) {
    let file = w.settings.paths.config_file();
    let secrets = w.settings.secrets.clone();
    let name = name.to_owned();
    let removed = change_config(w, move |config| {
        profiles::remove(config, &file, || secrets, &name)
    })
    .await;
    match removed {
        Ok(warnings) => {
            w.send_setup().await;
            for warning in warnings {
                w.error("removing the profile", warning);
            }
        }
        Err(e) => w.error("removing the profile", e),
    }
}

/// Uses `sandbox` for the active profile for this session only: the config file is not touched.
pub(super) async fn use_sandbox(w: &Worker, sandbox: String) {
    let used = w.session.lock().await.use_sandbox(sandbox);
    match used {
        Some(_) => w.send_setup().await,
        None => w.error("switching the sandbox", "no profile is active"),
    }
}

/// Saves `sandbox` as the active profile's sandbox (which ends a session-only choice of it).
pub(super) async fn save_sandbox(w: &Worker, sandbox: String) {
    let Some(mut profile) = w.session.lock().await.config.active().cloned() else {
        return w.error("saving the sandbox", "no profile is active");
    };
    profile.sandbox = sandbox;
    save(w, profile, SecretPlace::Keyring(None), None).await;
}

/// Tries a profile (saved or being edited) out and reports the token's expiry or the error.
/// IMS is always asked, with the secret typed (else the demo's or the keyring's), and the token
/// cache is left alone: a token cached earlier must not pass a wrong secret, and a profile not
/// saved must leave nothing in the keyring.
pub(super) async fn test(w: &Worker, profile: Profile, client_secret: Option<Secret>) {
    let config = w.session.lock().await.config.clone();
    let credential = w.credential(&profile.name, client_secret);
    let result = match w.test_client_for(&profile, &config, credential).await {
        Ok(client) => client
            .tokens()
            .token()
            .await
            .map(|t| t.expires_at)
            .map_err(|e| ErrorView::of(&e)),
        Err(e) => Err(e),
    };
    w.send(Event::ProfileTested {
        name: profile.name,
        result,
    });
}

/// Gets (or reuses) the active profile's token, for the top bar.
pub(super) async fn fetch_token(w: &Worker) {
    let (profile, state) = match w.active_client().await {
        Ok((scope, client)) => (
            Some(scope.profile),
            match client.tokens().token().await {
                Ok(t) => TokenState::Valid(t.expires_at),
                Err(e) => TokenState::Error(e.to_string()),
            },
        ),
        Err(e) => (None, TokenState::Error(e.message)),
    };
    w.send(Event::Token { profile, state });
}

/// Remembers the create's AWS key under `label` (keyring and config).
pub(super) async fn remember_aws_key(w: &Worker, label: String, input: S3ConnectionInput) {
    let file = w.settings.paths.config_file();
    let secrets = w.settings.secrets.clone();
    let remembered = change_config(w, move |config| {
        aws_keys::remember(config, &file, &secrets, &label, &input)
    })
    .await;
    match remembered {
        Ok(()) => w.send_setup().await,
        Err(e) => w.error("remembering the AWS credentials", e),
    }
}

/// Reads a Developer Console project JSON.
pub(super) async fn import_console(w: &Worker, path: PathBuf) {
    match blocking(move || profiles::read_console_json(&path)).await {
        Ok(c) => w.send(Event::ConsoleImported(Box::new(c))),
        Err(e) => w.error("importing the Developer Console JSON", e),
    }
}

/// Reads `~/.aws/credentials` or an IAM CSV.
pub(super) async fn import_aws_file(w: &Worker, path: PathBuf) {
    match blocking(move || aws_keys::read_file(&path)).await {
        Ok(keys) => w.send(Event::AwsImported(keys)),
        Err(e) => w.error("importing AWS credentials", e),
    }
}

/// Loads a remembered AWS key's secrets from the keyring.
pub(super) async fn load_aws_key(w: &Worker, label: String) {
    let config = w.session.lock().await.config.clone();
    let secrets = w.settings.secrets.clone();
    match blocking(move || aws_keys::load(&config, &secrets, &label)).await {
        Ok(Some(key)) => w.send(Event::AwsImported(vec![key])),
        Ok(None) => {}
        Err(e) => w.error("loading remembered AWS credentials", e),
    }
}
