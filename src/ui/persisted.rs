//! What survives a restart (never a secret): the tab, the theme and the history's order. The
//! rest of the window's state is runtime only.

use serde::{Deserialize, Serialize};

use crate::store::history::HistoryOrder;

/// Where eframe keeps [`Persisted`].
pub(crate) const STORAGE_KEY: &str = "aep-s3-connect-state";

/// The main tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    /// The history beside the connection form (or a record's details).
    #[serde(alias = "History")]
    NewConnection,
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
    pub history_order: HistoryOrder,
    /// The history panel's share of the window's width (the user drags it; a resized window
    /// keeps the share, so a wide screen gives the list its width).
    pub history_share: f32,
}

impl Default for Persisted {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            tab: Tab::NewConnection,
            history_order: HistoryOrder::NewestFirst,
            history_share: 0.5,
        }
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
