//! The framework's floor for the start-up benchmarks (BENCHMARKS.md): the smallest eframe window
//! built with the same eframe features and window options as the app, that does what
//! `aep-s3-connect --screenshot PATH` does: draw a few frames, save one as PNG, exit.
//!
//! `scripts/bench/startup.sh` builds and runs it: `aep-s3-connect-floor PATH.png`.
//! Without a path it stays open (for the idle-CPU measurement).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

type Done = Arc<Mutex<Option<Result<(), String>>>>;

struct Floor {
    screenshot: Option<PathBuf>,
    frames: u32,
    requested: bool,
    done: Done,
}

impl eframe::App for Floor {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("floor");
            ui.label("The smallest eframe window: one heading, one label.");
        });
        let ctx = ui.ctx().clone();
        let Some(path) = &self.screenshot else {
            return;
        };
        if let Some(result) = self.done.lock().ok().and_then(|mut d| d.take()) {
            if let Err(e) = result {
                eprintln!("error: could not save the screenshot: {e}");
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        // As the app: a few frames after start, then one screenshot.
        self.frames += 1;
        if self.frames >= 3 && !self.requested {
            self.requested = true;
            let path = path.clone();
            let done = Arc::clone(&self.done);
            let waker = ctx.clone();
            ctx.request_screenshot(move |image| {
                let result = save_png(&path, &image);
                if let Ok(mut d) = done.lock() {
                    *d = Some(result);
                }
                waker.request_repaint();
            });
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(16));
    }
}

fn main() -> eframe::Result<()> {
    let screenshot = std::env::args_os().nth(1).map(PathBuf::from);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("floor")
            .with_inner_size([1100.0, 760.0])
            .with_min_inner_size([720.0, 480.0]),
        persist_window: screenshot.is_none(),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "aep-s3-connect-floor",
        options,
        Box::new(move |_cc| {
            Ok(Box::new(Floor {
                screenshot,
                frames: 0,
                requested: false,
                done: Done::default(),
            }))
        }),
    )
}

/// Saves a frame as PNG, as the app's `--screenshot` does.
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, rgba)
        .ok_or_else(|| "the screenshot has an unexpected size".to_owned())?;
    buffer
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| format!("{}: {e}", path.display()))
}
