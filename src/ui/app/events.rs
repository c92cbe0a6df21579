//! Worker events: each goes to the screen that owns its data.

use super::AepApp;
use crate::ui::action::Action;
use crate::ui::persisted::Tab;
use crate::ui::top_bar::TopBar;
use crate::worker::{Event, ManageAnswer, RotateKeyJob, RotationEvent, Scope};

impl AepApp {
    /// Takes one message from the worker: the one way worker results reach the screens (each
    /// goes to the screen that owns the data). What it leads to is applied with the next frame's
    /// actions.
    #[expect(
        clippy::too_many_lines,
        reason = "the routing table: one arm per event, each handing it to the screen that owns it"
    )]
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Setup {
                config,
                active,
                session_sandbox,
                known_sandboxes,
                session_secrets,
                keyring,
                history_notice,
                first_history_page,
            } => {
                let first_load = self.config.is_none();
                if let Some(notice) = history_notice {
                    self.notices.push(notice);
                }
                self.session_secrets = session_secrets;
                let before = self.scope();
                let after = active.as_ref().map(Scope::of);
                if before != after {
                    // Another profile or sandbox: what was loaded for the old one is not shown
                    // under the new one's name (the Connections list reloads when shown), and
                    // the sandbox list is read again for the new organisation.
                    self.connections.forget_list();
                    self.connections.close_all();
                    self.key_rotation.forget();
                    let org = |s: &Option<Scope>| {
                        s.as_ref()
                            .map(|s| (s.platform_url.clone(), s.org_id.clone()))
                    };
                    if org(&before) != org(&after) {
                        self.top_bar = TopBar::default();
                        self.token = crate::worker::TokenState::None;
                    }
                    if after.is_some() && !first_load {
                        self.actions.push(Action::ListSandboxes);
                        self.actions.push(Action::RefreshToken);
                        self.actions
                            .push(Action::RotateKey(RotateKeyJob::ListUnfinished));
                    }
                }
                self.known_sandboxes = known_sandboxes;
                self.config = Some(config);
                self.active = active;
                self.session_sandbox = session_sandbox;
                self.keyring = Some(keyring);
                if first_load {
                    // The history was opened with this setup: show its first page now.
                    self.history.start_with(first_history_page);
                    self.actions.push(Action::LoadHistoryFacets);
                }
                if first_load && self.active.is_some() {
                    self.actions.push(Action::ListSandboxes);
                    self.actions.push(Action::RefreshToken);
                    self.actions.push(Action::Reconcile);
                    self.actions
                        .push(Action::RotateKey(RotateKeyJob::ListUnfinished));
                }
            }
            Event::Token { profile, state } => {
                if profile.as_deref() == self.active_profile().map(|p| p.name.as_str()) {
                    self.token = state;
                }
            }
            Event::ProfileTested { name, result } => self.profiles.on_tested(name, result),
            Event::ProfileSaved { name, result } => self.profiles.on_saved(&name, result),
            Event::CreateFinished(result) => {
                if result.is_ok() {
                    // The Connections view has a new row: it reloads when shown.
                    self.connections.forget_list();
                }
                self.form.on_created(result);
            }
            Event::DuplicateFound(existing) => self.form.on_duplicate(existing),
            Event::BatchStep {
                batch,
                sandbox,
                step,
            } => self.form.on_batch_step(&batch, &sandbox, step),
            Event::BatchFinished(result) => {
                // The Connections view may have new rows: it reloads when shown.
                self.connections.forget_list();
                self.form.on_batch_finished(result);
            }
            Event::Rotation(event) => {
                if matches!(event, RotationEvent::Finished { .. }) {
                    // Rotated connections show their new key: the list reloads when shown.
                    self.connections.forget_list();
                }
                self.key_rotation.on_event(event);
            }
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
                let records = if rows == 1 { "record" } else { "records" };
                self.toast(format!("Exported {rows} {records} to {}", path.display()));
            }
            Event::ConsoleImported(c) => {
                self.profiles.on_console_import(*c);
                self.persisted.tab = Tab::Profiles;
            }
            Event::Notice(message) => self.toast(message),
            Event::Error { context, message } => self.errors.push((context, message)),
            Event::Manage {
                scope,
                request,
                answer,
            } => self.on_manage(scope, request, answer),
        }
    }
}

impl AepApp {
    /// A change made in AEP that the history could not record: said in the error window, which
    /// stays until closed (a toast would pass unread).
    fn tell_unrecorded(&mut self, unrecorded: Option<String>) {
        if let Some(message) = unrecorded {
            self.errors.push(("History".to_owned(), message));
        }
    }

    /// An answer about what exists in AEP. One for another profile or sandbox than the one shown
    /// (the user moved on while it was on its way) is dropped, as is a list older than the last
    /// one asked for; a sandbox list is kept for its organisation whatever is shown.
    fn on_manage(&mut self, scope: Option<Scope>, request: u64, answer: ManageAnswer) {
        if let (ManageAnswer::Sandboxes(Ok(list)), Some(s)) = (&answer, &scope) {
            self.known_sandboxes
                .record(&s.platform_url, &s.org_id, list.clone());
        }
        // Said whatever is shown now: the change happened in AEP either way.
        if let ManageAnswer::Rotated(Ok(changed)) | ManageAnswer::ConnectionDeleted(Ok(changed)) =
            &answer
        {
            self.tell_unrecorded(changed.unrecorded.clone());
        }
        let current = self.scope();
        let same_org = |a: &Option<Scope>, b: &Option<Scope>| {
            a.as_ref().map(|s| (&s.platform_url, &s.org_id))
                == b.as_ref().map(|s| (&s.platform_url, &s.org_id))
        };
        match answer {
            ManageAnswer::Sandboxes(result) if same_org(&scope, &current) => {
                self.top_bar.on_sandboxes(result);
            }
            ManageAnswer::Sandboxes(_) => {}
            ManageAnswer::NotStarted(e) => {
                self.errors.push(("talking to AEP".to_owned(), e.message));
            }
            _ if scope != current => {
                tracing::debug!(request, "dropping an answer for another profile or sandbox");
            }
            ManageAnswer::Connections(result) => self.connections.on_list(request, result),
            ManageAnswer::OrgConnections(result) => self.connections.on_org_list(request, result),
            ManageAnswer::Inspected(result) => self.connections.on_inspected(request, result),
            ManageAnswer::Explored { id, path, result } => {
                self.connections.on_explored(&id, path, result);
            }
            ManageAnswer::Previewed { id, path, result } => {
                self.connections.on_previewed(&id, path, result);
            }
            ManageAnswer::Rotated(result) => {
                if self.connections.on_rotated(result.map(|c| c.id)) {
                    self.toast("Credentials rotated; the connection uses the new key".to_owned());
                    self.actions.push(Action::RefreshConnections);
                }
            }
            ManageAnswer::ConnectionDeleted(result) => {
                if let Some(id) = self.connections.on_deleted(result.map(|c| c.id)) {
                    self.toast(format!("Deleted {id} in AEP"));
                    self.actions.push(Action::RefreshConnections);
                    // The history's "deleted in AEP" marks change too.
                    self.history.invalidate();
                }
            }
        }
    }
}
