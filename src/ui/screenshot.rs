//! `--screenshot PATH`: save the first settled frame as a PNG, then close the window.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A screenshot to take once the window has settled.
pub struct Screenshot {
    path: PathBuf,
    settled_frames: u32,
    requested: bool,
    done: Arc<Mutex<Option<Result<(), String>>>>,
}

impl Screenshot {
    /// A screenshot to save at `path`.
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            settled_frames: 0,
            requested: false,
            done: Arc::default(),
        }
    }

    /// Called once a frame; `settled`: everything asked for at start has arrived.
    pub fn step(&mut self, ctx: &egui::Context, settled: bool) {
        if let Some(result) = self.done.lock().ok().and_then(|mut d| d.take()) {
            if let Err(e) = result {
                eprintln!("error: could not save the screenshot: {e}");
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if settled {
            self.settled_frames += 1;
        }
        // A few frames after everything arrived: fonts are laid out and the layout is stable.
        if self.settled_frames >= 3 && !self.requested {
            self.requested = true;
            let path = self.path.clone();
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
        ctx.request_repaint_after(Duration::from_millis(16));
    }
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(egui::Color32::to_array)
        .collect();
    let size =
        |n: usize| u32::try_from(n).map_err(|_| format!("the screenshot is too large ({w}×{h})"));
    let buffer = image::RgbaImage::from_raw(size(w)?, size(h)?, rgba)
        .ok_or_else(|| "the screenshot has an unexpected size".to_owned())?;
    buffer
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| format!("{}: {e}", path.display()))
}
