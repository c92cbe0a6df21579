//! Build script. What it does, by target platform:
//!
//! - **Every platform**: embeds the git commit for `--version` and the About box
//!   (`AEP_S3_CONNECT_GIT_COMMIT`; "unknown" outside a git checkout). One `git rev-parse`, nothing else.
//! - **Linux**: nothing more. The window icon is `assets/icons/aep-s3-connect-256.png`, built into
//!   the binary by `include_bytes!` in `src/ui/mod.rs`; the desktop file, the AppStream metainfo and
//!   the hicolor icons are installed by the Debian package (`[package.metadata.deb]` in Cargo.toml,
//!   `scripts/deb.sh`).
//! - **macOS**: nothing more. A bare binary's Dock icon is the window icon, which eframe sets at
//!   run time; an `.app` bundle carries its own `.icns` (README, "Install").
//! - **Windows**: also compiles `assets/aep-s3-connect.ico` (made by `scripts/icons.sh`) into a
//!   resource linked into the executable, with a version block from Cargo.toml, so Explorer,
//!   shortcuts and the taskbar show the icon before the window opens. This uses the `winresource`
//!   crate and the toolchain's resource compiler: `rc.exe` from the Windows SDK (MSVC) or `windres`
//!   from MinGW-w64 (GNU) on Windows; cross-building from Linux, `x86_64-w64-mingw32-windres` (Debian:
//!   `binutils-mingw-w64-x86-64 gcc-mingw-w64-x86-64`) or `llvm-rc` for the MSVC target. A missing
//!   compiler stops the build with what to install; `AEP_S3_CONNECT_NO_WINDOWS_ICON=1` builds without
//!   the resource (the window icon still works).
//!
//! `winresource` is compiled for every target (about a second, once: cargo cannot make a build
//! dependency depend on the *target*), and called only for Windows.

use std::process::Command;

/// The Windows icon: every size of `assets/icons/` up to 256 px, made by `scripts/icons.sh`.
const WINDOWS_ICON: &str = "assets/aep-s3-connect.ico";

fn main() {
    embed_git_commit();
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        println!("cargo:rerun-if-env-changed=AEP_S3_CONNECT_NO_WINDOWS_ICON");
        if std::env::var("AEP_S3_CONNECT_NO_WINDOWS_ICON").as_deref() != Ok("1") {
            embed_windows_icon();
        }
    }
}

/// `AEP_S3_CONNECT_GIT_COMMIT`: the short hash of HEAD, for `--version` and the About box.
fn embed_git_commit() {
    let commit = git(&["rev-parse", "--short=10", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=AEP_S3_CONNECT_GIT_COMMIT={commit}");
    // Asked of git, not assumed to be `.git/...`: in a worktree `.git` is a file, and a path that
    // does not exist would make cargo run this script (and rebuild the crate) every time.
    for what in ["HEAD", "refs/heads", "packed-refs"] {
        if let Some(path) = git(&["rev-parse", "--git-path", what])
            && std::path::Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-env-changed=AEP_S3_CONNECT_GIT_COMMIT");
}

/// What `git args` prints, trimmed; `None` outside a checkout or without git.
fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Compiles the icon and version resource and links it into the executable. A failure stops the
/// build, naming the tool to install: a Windows release without its icon is a defect.
fn embed_windows_icon() {
    println!("cargo:rerun-if-changed={WINDOWS_ICON}");
    let mut resource = winresource::WindowsResource::new();
    // Task Manager and "Open with" show FileDescription as the program's name: use the name the
    // desktop file and the AppStream metainfo give it.
    resource
        .set_icon(WINDOWS_ICON)
        .set("FileDescription", "AEP S3 Connect")
        .set("ProductName", "AEP S3 Connect");
    if let Err(e) = resource.compile() {
        panic!(
            "could not embed the Windows icon ({WINDOWS_ICON}): {e}. It needs the resource compiler: \
             rc.exe from the Windows SDK (MSVC), windres from MinGW-w64 on PATH (GNU; cross-building \
             from Debian/Ubuntu: apt-get install binutils-mingw-w64-x86-64 gcc-mingw-w64-x86-64), or \
             llvm-rc (MSVC target from Linux). AEP_S3_CONNECT_NO_WINDOWS_ICON=1 builds without the icon."
        );
    }
}
