//! The real binary opens a real window under Xvfb in demo mode and saves its first settled frame.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_aep-s3-connect");

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn demo_window_renders_a_real_frame_under_xvfb() {
    if !have("xvfb-run") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have xvfb-run (apt-get install xvfb xauth)"
        );
        eprintln!("SKIPPED: xvfb-run is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("window.png");
    let mut child = Command::new("xvfb-run")
        .args([
            "-a",
            "-s",
            "-screen 0 1280x900x24",
            BIN,
            "--demo",
            "--screenshot",
        ])
        .arg(&png)
        .env("AEP_S3_CONNECT_HOME", dir.path().join("home"))
        .env("HOME", dir.path())
        .env_remove("WAYLAND_DISPLAY")
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the window did not save a screenshot and exit within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status {status}");
    let image = image::open(&png).expect("a PNG was written").to_rgba8();
    let (w, h) = image.dimensions();
    assert!(w >= 700 && h >= 450, "window size {w}x{h}");
    // A real frame has text and widgets: many distinct colours, not one flat fill.
    let mut colours = std::collections::HashSet::new();
    for p in image.pixels().step_by(7) {
        colours.insert(p.0);
    }
    assert!(
        colours.len() > 20,
        "only {} distinct colours: blank window?",
        colours.len()
    );
}
