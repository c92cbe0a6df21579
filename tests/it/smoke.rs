//! The real binary opens a real window under Xvfb in demo mode and saves its first settled frame.

use std::process::Command;
use std::time::Duration;

use crate::common::environment::{have_tool, require};

const BIN: &str = env!("CARGO_BIN_EXE_aep-s3-connect");

/// An X server for the window: xvfb-run.
fn require_xvfb() -> bool {
    require(
        "xvfb-run (apt-get install xvfb xauth)",
        have_tool("xvfb-run"),
    )
}

#[test]
fn demo_window_renders_a_real_frame_under_xvfb() {
    if !require_xvfb() {
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

/// In the X session, starts the window and prints its `WM_CLASS` and its `_NET_WM_ICON` as numbers
/// (width, height, then one ARGB value per pixel), then closes it. The window is found by
/// `_NET_WM_PID`, not by title or class, so a wrong class fails the assertion instead of the search.
const ICON_PROBE: &str = r#"
app_bin=$1
"$app_bin" --demo & app=$!
deadline=$(( $(date +%s) + 120 ))
while :; do
  for w in $(xwininfo -root -children | awk '$1 ~ /^0x/ { print $1 }'); do
    if xprop -id "$w" _NET_WM_PID 2>/dev/null | grep -q "= $app\$" &&
       xprop -id "$w" -len 8 _NET_WM_ICON 2>/dev/null | grep -q '='; then
      xprop -id "$w" WM_CLASS
      # -len: xprop reads 250,000 bytes of a property unless told; the 256 px icon is 262,152.
      xprop -id "$w" -len 1000000 -notype -f _NET_WM_ICON 32c '=$0+\n' _NET_WM_ICON
      kill "$app"; wait "$app" 2>/dev/null
      exit 0
    fi
  done
  if ! kill -0 "$app" 2>/dev/null; then echo "the app exited before its window had an icon" >&2; exit 1; fi
  if [ "$(date +%s)" -gt "$deadline" ]; then
    echo "no window of pid $app with an icon within 120 s" >&2
    xwininfo -root -tree >&2
    kill "$app"; exit 1
  fi
  sleep 0.2
done
"#;

/// Guards the window's identity on the desktop: the icon is the app's own (not eframe's default
/// egui logo, not none) and the X11 class is the one `assets/aep-s3-connect.desktop` names in
/// `StartupWMClass`, so docks match the window to its launcher.
#[test]
fn window_has_the_app_icon_and_wm_class_under_xvfb() {
    if !require_xvfb()
        || !require(
            "xprop and xwininfo (apt-get install x11-utils)",
            have_tool("xprop") && have_tool("xwininfo"),
        )
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("xvfb-run")
        // -noreset: an X server resets when its last client leaves, and refuses connections
        // meanwhile; the probe's xwininfo can be that last client while the app is still starting.
        .args([
            "-a",
            "-s",
            "-screen 0 1280x900x24 -noreset",
            "sh",
            "-c",
            ICON_PROBE,
            "sh",
            BIN,
        ])
        .env("AEP_S3_CONNECT_HOME", dir.path().join("home"))
        .env("HOME", dir.path())
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "probe failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let class_line = stdout
        .lines()
        .find(|l| l.starts_with("WM_CLASS"))
        .unwrap_or_else(|| panic!("no WM_CLASS in:\n{stdout}"));
    // WM_CLASS(STRING) = "instance", "class": the class is what StartupWMClass matches.
    let desktop = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/aep-s3-connect.desktop"
    ))
    .unwrap();
    let wm_class = desktop
        .lines()
        .find_map(|l| l.strip_prefix("StartupWMClass="))
        .expect("the desktop file names StartupWMClass");
    assert!(
        class_line.ends_with(&format!("\"{wm_class}\"")),
        "{class_line}: the class must be {wm_class:?}, as the desktop file says"
    );

    let icon_line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("_NET_WM_ICON="))
        .unwrap_or_else(|| panic!("no _NET_WM_ICON in:\n{stdout}"));
    let values: Vec<u32> = icon_line
        .split(',')
        .map(|v| v.trim().parse().unwrap())
        .collect();
    let expected = image::open(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/icons/aep-s3-connect-256.png"
    ))
    .unwrap()
    .to_rgba8();
    assert_eq!(
        (values[0], values[1]),
        expected.dimensions(),
        "the window icon's size"
    );
    let argb: Vec<u32> = expected
        .pixels()
        .map(|p| {
            let [r, g, b, a] = p.0;
            u32::from_be_bytes([a, r, g, b])
        })
        .collect();
    let differing = values[2..]
        .iter()
        .zip(&argb)
        .filter(|(got, want)| got != want)
        .count();
    assert!(
        values.len() == 2 + argb.len() && differing == 0,
        "the window icon is not assets/icons/aep-s3-connect-256.png: {} values, {differing} pixels differ",
        values.len()
    );
}
