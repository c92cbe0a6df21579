//! Worker events: each goes to the screen that owns its data.

use super::AepApp;
use crate::store::config::{Config, Profile};
use crate::ui::action::Action;
use crate::ui::persisted::Tab;
use crate::ui::top_bar::TopBar;
use crate::worker::Event;

impl AepApp {
    /// Takes one message from the worker: the one way worker results reach the screens (each
    /// goes to the screen that owns the data). What it leads to is applied with the next frame's
    /// actions.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::SessionSandbox(sandbox) => self.session_sandbox = sandbox,
            Event::Setup {
                config,
                keyring,
                history_notice,
            } => {
                let (config, session) = self.with_session_sandbox(config);
                let first_load = self.config.is_none();
                if let Some(notice) = history_notice {
                    self.notices.push(notice);
                }
                self.profiles.on_config(&config);
                let has_profile = config.active().is_some();
                let before = self
                    .config
                    .as_ref()
                    .and_then(Config::active)
                    .map(Profile::target);
                let after = config.active().map(Profile::target);
                if before != after {
                    // Another profile or sandbox: what was loaded for the old one is not shown
                    // under the new one's name (the Connections list reloads when shown).
                    self.connections.forget_list();
                    self.connections.close_all();
                    if before.as_ref().map(|t| (&t.org_id, &t.ims_url))
                        != after.as_ref().map(|t| (&t.org_id, &t.ims_url))
                    {
                        self.top_bar = TopBar::default();
                    }
                }
                self.config = Some(config);
                self.keyring = Some(keyring);
                // After any reset of the top bar above.
                self.top_bar.on_session_sandbox(session);
                if first_load {
                    self.actions.push(Action::LoadHistoryFacets);
                }
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
                    self.toast(r.describe());
                }
            }
            Event::History {
                query,
                generation,
                rows,
                total,
            } => self.history.on_page(&query, generation, rows, total),
            Event::HistoryChanged => {
                self.history.invalidate();
                // A record of a new profile or sandbox (or the last of one gone) changes the
                // filters' choices.
                self.actions.push(Action::LoadHistoryFacets);
            }
            Event::HistoryFacets {
                profiles,
                sandboxes,
            } => self.history.on_facets(profiles, sandboxes),
            Event::Deleted(attempt) => self.history.on_deleted(*attempt),
            Event::Exported { path, rows } => {
                self.toast(format!("Exported {rows} records to {}", path.display()));
            }
            Event::ConsoleImported(c) => {
                self.profiles.on_console_import(*c);
                self.persisted.tab = Tab::Profiles;
            }
            Event::Notice(message) => self.toast(message),
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
}
