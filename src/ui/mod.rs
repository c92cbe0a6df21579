//! The desktop window (egui). Only this module and `main.rs` use egui: everything it shows comes
//! from the worker as events, everything it does goes to the worker as jobs.

pub mod app;
mod connections;
pub mod dialogs;
mod form;
mod history;
mod profiles;
mod result;
mod top_bar;
mod welcome;
mod widgets;

pub use app::{AepApp, AppConfig, Tab};
pub use dialogs::{FileDialogs, FileRequest, RfdDialogs};

/// Opens the window and runs until it is closed.
pub fn run(config: AppConfig) -> eframe::Result<()> {
    let title = if config.demo {
        "aep-s3-connect — DEMO (built-in emulator)"
    } else {
        "aep-s3-connect"
    };
    let screenshot = config.screenshot.is_some();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_inner_size([1100.0, 760.0])
            .with_min_inner_size([720.0, 480.0]),
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
        Box::new(move |cc| Ok(Box::new(AepApp::new(cc, config)))),
    )
}
