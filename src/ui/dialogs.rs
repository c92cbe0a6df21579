//! File pickers behind a trait: rfd in the app, a stand-in in tests (a native dialog cannot run
//! headless). The in-window prompt ([`super::file_prompt`]) is where every file is chosen; these
//! dialogs are its "Browse…" button, and [`FileDialogs::availability`] says when there is none.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::records::export::ExportFormat;

/// What to ask the user for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRequest {
    /// Developer Console project JSON to import.
    ConsoleJson,
    /// `~/.aws/credentials` or an IAM CSV to import.
    AwsCredentials,
    /// Where to export history (`default_name` suggests the file name). Build it with
    /// [`FileRequest::export`]: the extension of `default_name` is the format the user chose.
    Export {
        /// Suggested file name, with its extension.
        default_name: String,
    },
}

/// The file name an export suggests, before its extension.
const EXPORT_STEM: &str = "aep-s3-connect-history";

impl FileRequest {
    /// An export in `format` (the button the user pressed), suggesting a file name for it.
    pub fn export(format: ExportFormat) -> Self {
        Self::Export {
            default_name: format!("{EXPORT_STEM}.{}", format.extension()),
        }
    }

    /// The format an export request was made for; `None` for an import, or an export whose
    /// suggested name names no format.
    pub fn export_format(&self) -> Option<ExportFormat> {
        match self {
            Self::Export { default_name } => ExportFormat::from_path(Path::new(default_name)),
            Self::ConsoleJson | Self::AwsCredentials => None,
        }
    }

    /// True for an export (a file to write), false for an import (a file to read).
    pub fn is_export(&self) -> bool {
        matches!(self, Self::Export { .. })
    }
}

/// The message shown when no native file dialog can open (Linux without an XDG desktop portal
/// and without zenity, rfd's two ways of showing one).
pub const NO_DIALOG: &str = "No file dialog is available on this system (no XDG desktop portal \
    or zenity); type the path instead.";

/// Opens file dialogs without blocking the UI thread: the answer arrives later through
/// [`FileDialogs::poll`].
pub trait FileDialogs {
    /// Starts a dialog for `request`, opening at `start` (a folder, or a file to suggest).
    fn open(&mut self, request: FileRequest, start: Option<PathBuf>, repaint: Box<dyn Fn() + Send>);
    /// The answer of a finished dialog: the request and the chosen path (None if cancelled).
    fn poll(&mut self) -> Option<(FileRequest, Option<PathBuf>)>;
    /// Whether a dialog can open at all, and if not, a sentence for the user saying why. Cheap
    /// (a few file checks): called when the file prompt opens and after each answer.
    fn availability(&self) -> Result<(), String> {
        Ok(())
    }
}

/// A finished dialog: what was asked and the chosen path.
pub type Answer = (FileRequest, Option<PathBuf>);

/// A dialog that answers "nothing chosen" sooner than this did not open: no one reads a file
/// dialog and cancels it that fast. rfd reports a failed portal and a missing zenity only in
/// its log, and answers `None` as for a cancel.
const TOO_FAST_TO_BE_A_USER: Duration = Duration::from_millis(300);

/// Native dialogs through rfd, each on its own named thread.
#[derive(Default)]
pub struct RfdDialogs {
    answers: Option<(mpsc::Sender<RfdAnswer>, mpsc::Receiver<RfdAnswer>)>,
    busy: bool,
    /// Set when a dialog came back empty too fast to have been shown.
    failed: bool,
}

/// An answer, and whether it came too fast to be a user's.
type RfdAnswer = (Answer, bool);

impl FileDialogs for RfdDialogs {
    fn open(
        &mut self,
        request: FileRequest,
        start: Option<PathBuf>,
        repaint: Box<dyn Fn() + Send>,
    ) {
        if self.busy {
            return;
        }
        let (tx, _) = self.answers.get_or_insert_with(mpsc::channel);
        let tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let opened = Instant::now();
                let path = rfd_dialog(&request, start.as_deref());
                let too_fast = path.is_none() && opened.elapsed() < TOO_FAST_TO_BE_A_USER;
                let _ = tx.send(((request, path), too_fast));
                repaint();
            });
        self.busy = spawned.is_ok();
    }

    fn poll(&mut self) -> Option<(FileRequest, Option<PathBuf>)> {
        let (answer, too_fast) = self.answers.as_ref()?.1.try_recv().ok()?;
        self.busy = false;
        if too_fast {
            tracing::warn!("the file dialog closed at once: taking it as not available");
            self.failed = true;
        }
        Some(answer)
    }

    fn availability(&self) -> Result<(), String> {
        if self.failed {
            return Err(
                "The file dialog closed as soon as it was opened (it needs an XDG desktop \
                        portal or zenity); type the path instead."
                    .to_owned(),
            );
        }
        native_availability()
    }
}

/// Shows rfd's dialog for `request` and waits for it.
fn rfd_dialog(request: &FileRequest, start: Option<&Path>) -> Option<PathBuf> {
    let mut dialog = rfd::FileDialog::new();
    // A folder opens there; a file opens in its folder (and, to save, suggests its name).
    let (folder, file_name) = match start {
        Some(path) if path.is_dir() => (Some(path), None),
        Some(path) => (path.parent(), path.file_name()),
        None => (None, None),
    };
    if let Some(folder) = folder.filter(|f| f.is_dir()) {
        dialog = dialog.set_directory(folder);
    }
    match request {
        FileRequest::ConsoleJson => dialog
            .set_title("Import Adobe Developer Console JSON")
            .add_filter("JSON", &["json"])
            .pick_file(),
        FileRequest::AwsCredentials => {
            if folder.is_none()
                && let Some(aws) = dirs::home_dir()
                    .map(|h| h.join(".aws"))
                    .filter(|d| d.is_dir())
            {
                dialog = dialog.set_directory(aws);
            }
            dialog
                .set_title("Import AWS credentials (~/.aws/credentials or IAM CSV)")
                .add_filter("AWS credentials or CSV", &["csv", "ini", "txt", ""])
                .pick_file()
        }
        FileRequest::Export { default_name } => {
            let name =
                file_name.map_or_else(|| default_name.clone(), |n| n.to_string_lossy().into());
            // The chosen format's filter first: it is the one the dialog starts on.
            let mut filters = [("CSV", "csv"), ("JSON", "json")];
            if request.export_format() == Some(ExportFormat::Json) {
                filters.reverse();
            }
            let mut dialog = dialog.set_title("Export history").set_file_name(name);
            for (label, ext) in filters {
                dialog = dialog.add_filter(label, &[ext]);
            }
            dialog.save_file()
        }
    }
}

/// Whether rfd can show a dialog here. On Linux it asks the XDG desktop portal over D-Bus, and
/// falls back to running `zenity`; with neither, every dialog answers "nothing chosen" at once.
/// The portal is taken as there when a session bus is and the portal's D-Bus service is
/// installed (the bus starts it on demand). Elsewhere the system's own dialogs are always there.
fn native_availability() -> Result<(), String> {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return Ok(());
    }
    if on_path("zenity") || portal_installed() {
        Ok(())
    } else {
        Err(NO_DIALOG.to_owned())
    }
}

/// True when an executable file named `program` is in a folder of `PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| is_executable(&dir.join(program)))
    })
}

/// True when `path` is a file this user may run.
fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// True when a session bus is there and the XDG desktop portal's D-Bus service is installed.
fn portal_installed() -> bool {
    let session_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| Path::new(&dir).join("bus").exists());
    if !session_bus {
        return false;
    }
    // Where the bus looks for services it can start ($XDG_DATA_HOME, then $XDG_DATA_DIRS).
    let data_home = dirs::data_dir();
    let data_dirs = std::env::var_os("XDG_DATA_DIRS")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    data_home
        .into_iter()
        .chain(std::env::split_paths(&data_dirs))
        .any(|dir| {
            dir.join("dbus-1/services/org.freedesktop.portal.Desktop.service")
                .is_file()
        })
}

/// A stand-in that answers every request with a preset path (tests).
#[derive(Default)]
pub struct PresetDialogs {
    /// Answers, in order; an empty queue answers "cancelled".
    pub answers: std::collections::VecDeque<Option<PathBuf>>,
    /// When set, no dialog is available: [`FileDialogs::availability`] says this, and a dialog
    /// opened anyway answers "cancelled" (as rfd does).
    pub unavailable: Option<String>,
    /// Where each dialog was asked to open, in order.
    pub opened_at: Vec<Option<PathBuf>>,
    ready: Option<(FileRequest, Option<PathBuf>)>,
}

impl PresetDialogs {
    /// Dialogs that will answer `paths` in order.
    pub fn new(paths: impl IntoIterator<Item = Option<PathBuf>>) -> Self {
        Self {
            answers: paths.into_iter().collect(),
            ..Self::default()
        }
    }

    /// No dialog can open, as on Linux without a portal or zenity.
    pub fn unavailable() -> Self {
        Self {
            unavailable: Some(NO_DIALOG.to_owned()),
            ..Self::default()
        }
    }
}

impl FileDialogs for PresetDialogs {
    fn open(
        &mut self,
        request: FileRequest,
        start: Option<PathBuf>,
        repaint: Box<dyn Fn() + Send>,
    ) {
        self.opened_at.push(start);
        let answer = if self.unavailable.is_some() {
            None
        } else {
            self.answers.pop_front().flatten()
        };
        self.ready = Some((request, answer));
        repaint();
    }

    fn poll(&mut self) -> Option<(FileRequest, Option<PathBuf>)> {
        self.ready.take()
    }

    fn availability(&self) -> Result<(), String> {
        self.unavailable.clone().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_request_carries_its_format() {
        for format in [ExportFormat::Csv, ExportFormat::Json] {
            let request = FileRequest::export(format);
            assert_eq!(request.export_format(), Some(format));
            assert!(request.is_export());
        }
        assert_eq!(FileRequest::ConsoleJson.export_format(), None);
        assert!(!FileRequest::AwsCredentials.is_export());
    }

    #[test]
    fn preset_dialogs_can_be_unavailable() {
        let mut dialogs = PresetDialogs::unavailable();
        dialogs.answers.push_back(Some(PathBuf::from("/x")));
        assert_eq!(dialogs.availability(), Err(NO_DIALOG.to_owned()));
        dialogs.open(FileRequest::ConsoleJson, None, Box::new(|| {}));
        assert_eq!(dialogs.poll(), Some((FileRequest::ConsoleJson, None)));
        assert_eq!(PresetDialogs::default().availability(), Ok(()));
    }

    #[cfg(unix)]
    #[test]
    fn a_program_is_found_on_path_only_when_executable() {
        assert!(on_path("sh"), "every Unix has sh on PATH");
        assert!(!on_path("no-such-program-aep-s3-connect"));
    }
}
