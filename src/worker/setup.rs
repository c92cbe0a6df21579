//! The worker's view of the config: the config as saved, the active profile's client, and the
//! sandbox the active profile uses for this session only (kept apart from the config, which is
//! what gets saved).

use crate::api::PlatformClient;
use crate::store::config::{Config, Profile};

use super::Scope;

/// The config and the client built from its active profile.
pub(super) struct Setup {
    pub(super) config: Config,
    /// The active profile's scope and client, built on first use.
    pub(super) client: Option<(Scope, PlatformClient)>,
    /// A sandbox the active profile uses for this session instead of its saved one. Kept apart
    /// from `config`, which is what gets saved: it never reaches the config file.
    pub(super) sandbox_override: Option<SandboxOverride>,
}

/// A sandbox used for this session only, and the profile it was chosen for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SandboxOverride {
    profile: String,
    sandbox: String,
}

impl Setup {
    pub(super) fn new() -> Self {
        Self {
            config: Config::default(),
            client: None,
            sandbox_override: None,
        }
    }

    /// The active profile as this session uses it: with its session-only sandbox, if any.
    pub(super) fn active_profile(&self) -> Option<Profile> {
        let mut profile = self.config.active().cloned()?;
        if let Some(sandbox) = self.session_sandbox() {
            profile.sandbox = sandbox.to_owned();
        }
        Some(profile)
    }

    /// The session-only sandbox of the active profile, when it differs from the saved one.
    pub(super) fn session_sandbox(&self) -> Option<&str> {
        let o = self.sandbox_override.as_ref()?;
        let active = self.config.active()?;
        (active.name == o.profile && active.sandbox != o.sandbox).then_some(o.sandbox.as_str())
    }

    /// Drops a session sandbox that no longer applies: another profile became active (or this
    /// one was renamed or removed), or the profile was saved with that sandbox.
    pub(super) fn settle_override(&mut self) {
        if self.session_sandbox().is_none() {
            self.sandbox_override = None;
        }
    }

    /// Uses `sandbox` for the active profile for this session (its saved sandbox: back to it).
    /// Returns the profile's name, or `None` when no profile is active.
    pub(super) fn use_sandbox(&mut self, sandbox: String) -> Option<String> {
        let name = self.config.active()?.name.clone();
        self.sandbox_override = Some(SandboxOverride {
            profile: name.clone(),
            sandbox,
        });
        self.settle_override();
        self.client = None;
        Some(name)
    }
}
