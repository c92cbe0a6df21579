//! aep-s3-connect-window: what the Windows Start-menu and desktop shortcuts start.
//!
//! `aep-s3-connect.exe` is a console program, so that the command line prints, reads stdin and
//! sets `%ERRORLEVEL%` / `$LASTEXITCODE` in cmd and PowerShell like any tool. Started from a
//! shortcut, Windows would open a console window behind the app for it. This launcher is a
//! GUI-subsystem program (no console of its own) that starts the sibling `aep-s3-connect.exe`
//! with the same arguments and `CREATE_NO_WINDOW`, so the console it gets is never shown, and
//! waits for it. What the app writes to stderr (its log and errors) is kept, and if it exits with
//! an error (no OpenGL 2, a bad data folder) the launcher shows the message in a message box
//! instead of losing it. It has no other logic and no `unsafe`: `std` and the `rfd` crate's
//! message box. README, "Windows", says why it is a second program.
//!
//! Built only with `--features windows-launcher` (the Windows packaging, `scripts/windows.sh`);
//! on other systems it compiles to a stub that says what it is for.

#![windows_subsystem = "windows"]

#[cfg(windows)]
fn main() {
    std::process::exit(launcher::run());
}

#[cfg(not(windows))]
fn main() {
    eprintln!(
        "aep-s3-connect-window is the Windows shortcuts' launcher; on this system run aep-s3-connect"
    );
    std::process::exit(2);
}

#[cfg(windows)]
mod launcher {
    use std::io::Read as _;
    use std::os::windows::process::CommandExt as _;
    use std::process::{ChildStderr, Command, Stdio};
    use std::sync::{Arc, Mutex, mpsc};
    use std::thread;
    use std::time::Duration;

    /// `CREATE_NO_WINDOW` (winbase.h): the child's console exists but has no window.
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    /// The program started, beside this one.
    const APP_EXE: &str = "aep-s3-connect.exe";
    /// How much of the app's stderr is kept for the message box (its end: the error is last; a
    /// window open for days writes its warnings here too).
    const KEEP_STDERR: usize = 8 * 1024;
    /// How long to wait for more of the app's stderr once it has ended.
    const DRAIN: Duration = Duration::from_millis(300);
    /// The message box's title.
    const TITLE: &str = "AEP S3 Connect";

    /// Starts the app, waits for it, and returns its exit code (shown in a message box when not 0).
    pub fn run() -> i32 {
        let exe = match std::env::current_exe() {
            Ok(launcher) => launcher.with_file_name(APP_EXE),
            Err(e) => return fail(&format!("could not find {APP_EXE}: {e}"), 2),
        };
        let child = Command::new(&exe)
            .args(std::env::args_os().skip(1))
            .creation_flags(CREATE_NO_WINDOW)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => return fail(&format!("could not start {}: {e}", exe.display()), 2),
        };
        let stderr = child.stderr.take().map(StderrTail::start);
        let status = match child.wait() {
            Ok(status) => status,
            Err(e) => return fail(&format!("could not wait for {APP_EXE}: {e}"), 2),
        };
        let code = status.code().unwrap_or(1);
        if code != 0 {
            let text = stderr.map(StderrTail::finish).unwrap_or_default();
            let text = text.trim();
            show_error(&if text.is_empty() {
                format!("{APP_EXE} ended with exit code {code}.")
            } else {
                format!("{text}\n\n({APP_EXE} ended with exit code {code}.)")
            });
        }
        code
    }

    /// The end of the app's stderr, read on a thread while the app runs.
    ///
    /// The app's exit ends the wait, not the pipe's end: a process the app starts can inherit
    /// the pipe and keep it open after the app has gone (under Wine the desktop process does,
    /// when the app is the first program of the session).
    struct StderrTail {
        tail: Arc<Mutex<Vec<u8>>>,
        pipe_ended: mpsc::Receiver<()>,
    }

    impl StderrTail {
        /// Starts reading `stderr`. If the thread cannot start, the message box has the exit
        /// code only.
        fn start(mut stderr: ChildStderr) -> StderrTail {
            let tail = Arc::new(Mutex::new(Vec::new()));
            let (ended, pipe_ended) = mpsc::channel();
            let kept = Arc::clone(&tail);
            let _reader = thread::Builder::new()
                .name("app-stderr".to_owned())
                .spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n @ 1..) = stderr.read(&mut buf) {
                        if let Ok(mut kept) = kept.lock() {
                            kept.extend_from_slice(&buf[..n]);
                            let excess = kept.len().saturating_sub(KEEP_STDERR);
                            kept.drain(..excess);
                        }
                    }
                    let _ = ended.send(());
                });
            StderrTail { tail, pipe_ended }
        }

        /// What the app wrote, once it has ended: it is in the pipe already, so the reader
        /// takes it and stops at the pipe's end, or is left behind after [`DRAIN`].
        fn finish(self) -> String {
            let _ = self.pipe_ended.recv_timeout(DRAIN);
            let tail = self.tail.lock().map(|t| t.clone()).unwrap_or_default();
            String::from_utf8_lossy(&tail).into_owned()
        }
    }

    /// Shows `message` and returns `code`.
    fn fail(message: &str, code: i32) -> i32 {
        show_error(message);
        code
    }

    /// A modal error box (the launcher has no console to print to).
    fn show_error(message: &str) {
        let _ = rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title(TITLE)
            .set_description(message)
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
    }
}
