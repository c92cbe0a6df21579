//! The desktop window (egui). Only this module and `main.rs` use egui: everything it shows comes
//! from the worker as events, everything it does goes to the worker as jobs.
//!
//! One module per screen; each owns its state, draws from it and a small view-model of what it
//! needs from outside (`*View`), and pushes [`Action`]s. [`AepApp`] routes worker events to the
//! screen that owns the data and applies the actions once per frame.

mod a11y_table;
pub mod action;
pub mod app;
pub mod batch_card;
mod confirm;
pub mod connections;
pub mod dialogs;
pub mod file_prompt;
pub mod form;
pub mod history;
pub mod icons;
pub mod loadable;
pub mod persisted;
pub mod profiles;
pub mod result;
pub mod rotate_key;
mod screenshot;
pub mod style;
pub mod top_bar;
pub mod welcome;
pub mod widgets;

pub use action::Action;
pub use app::{AepApp, AppConfig, StartedWorker};
pub use dialogs::{FileDialogs, FileRequest, RfdDialogs};
pub use persisted::{Tab, ThemeChoice};

/// The window's Wayland app id and X11 `WM_CLASS` class: the name of `assets/aep-s3-connect.desktop`,
/// so a dock matches the window to its launcher and shows its icon. It is also the app name, so
/// eframe's saved window state stays where it was.
pub const APP_ID: &str = "aep-s3-connect";

/// The window icon: the 256 px rendering of `assets/aep-s3-connect.svg` (`scripts/icons.sh`), built
/// into the binary. Without it (an undecodable file) the window opens with no icon rather than not at all.
fn window_icon() -> egui::IconData {
    let png = include_bytes!("../../assets/icons/aep-s3-connect-256.png");
    eframe::icon_data::from_png_bytes(png).unwrap_or_else(|e| {
        tracing::warn!("the window icon could not be decoded: {e}");
        egui::IconData::default()
    })
}

/// Opens the window and runs until it is closed.
pub fn run(config: AppConfig) -> eframe::Result<()> {
    let title = if config.demo {
        "aep-s3-connect — DEMO (built-in emulator)"
    } else {
        "aep-s3-connect"
    };
    // First: the worker reads the config and the history while eframe opens the window.
    let config = config.start_worker();
    let screenshot = config.screenshot.is_some();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_app_id(APP_ID)
            .with_icon(window_icon())
            .with_inner_size([1100.0, 760.0])
            .with_min_inner_size([800.0, 600.0]),
        // A screenshot run must not remember or restore a window layout.
        persist_window: !screenshot,
        // Test builds also compile wgpu in (egui_kittest renders snapshots with it), and eframe
        // would prefer it: the window always uses glow.
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "aep-s3-connect",
        options,
        Box::new(move |cc| Ok(Box::new(AepApp::with_worker(cc, config)))),
    )
}
