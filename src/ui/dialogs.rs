//! File pickers behind a trait: rfd in the app, a stand-in in tests (a native dialog cannot run
//! headless).

use std::path::PathBuf;
use std::sync::mpsc;

/// What to ask the user for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRequest {
    /// Developer Console project JSON to import.
    ConsoleJson,
    /// `~/.aws/credentials` or an IAM CSV to import.
    AwsCredentials,
    /// Where to export history (`default_name` suggests the file name).
    Export {
        /// Suggested file name, with its extension.
        default_name: String,
    },
}

/// Opens file dialogs without blocking the UI thread: the answer arrives later through
/// [`FileDialogs::poll`].
pub trait FileDialogs {
    /// Starts a dialog for `request`.
    fn open(&mut self, request: FileRequest, repaint: Box<dyn Fn() + Send>);
    /// The answer of a finished dialog: the request and the chosen path (None if cancelled).
    fn poll(&mut self) -> Option<(FileRequest, Option<PathBuf>)>;
}

/// A finished dialog: what was asked and the chosen path.
pub type Answer = (FileRequest, Option<PathBuf>);

/// Native dialogs through rfd, each on its own named thread.
#[derive(Default)]
pub struct RfdDialogs {
    answers: Option<(mpsc::Sender<Answer>, mpsc::Receiver<Answer>)>,
    busy: bool,
}

impl FileDialogs for RfdDialogs {
    fn open(&mut self, request: FileRequest, repaint: Box<dyn Fn() + Send>) {
        if self.busy {
            return;
        }
        let (tx, _) = self.answers.get_or_insert_with(mpsc::channel);
        let tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let dialog = rfd::FileDialog::new();
                let path = match &request {
                    FileRequest::ConsoleJson => dialog
                        .set_title("Import Adobe Developer Console JSON")
                        .add_filter("JSON", &["json"])
                        .pick_file(),
                    FileRequest::AwsCredentials => {
                        let dir = dirs::home_dir().map(|h| h.join(".aws"));
                        let dialog = dialog
                            .set_title("Import AWS credentials (~/.aws/credentials or IAM CSV)")
                            .add_filter("AWS credentials or CSV", &["csv", "ini", "txt", ""]);
                        match dir.filter(|d| d.is_dir()) {
                            Some(dir) => dialog.set_directory(dir),
                            None => dialog,
                        }
                        .pick_file()
                    }
                    FileRequest::Export { default_name } => dialog
                        .set_title("Export history")
                        .set_file_name(default_name)
                        .add_filter("CSV", &["csv"])
                        .add_filter("JSON", &["json"])
                        .save_file(),
                };
                let _ = tx.send((request, path));
                repaint();
            });
        self.busy = spawned.is_ok();
    }

    fn poll(&mut self) -> Option<(FileRequest, Option<PathBuf>)> {
        let answer = self.answers.as_ref()?.1.try_recv().ok()?;
        self.busy = false;
        Some(answer)
    }
}

/// A stand-in that answers every request with a preset path (tests).
#[derive(Default)]
pub struct PresetDialogs {
    /// Answers, in order; an empty queue answers "cancelled".
    pub answers: std::collections::VecDeque<Option<PathBuf>>,
    ready: Option<(FileRequest, Option<PathBuf>)>,
}

impl PresetDialogs {
    /// Dialogs that will answer `paths` in order.
    pub fn new(paths: impl IntoIterator<Item = Option<PathBuf>>) -> Self {
        Self {
            answers: paths.into_iter().collect(),
            ready: None,
        }
    }
}

impl FileDialogs for PresetDialogs {
    fn open(&mut self, request: FileRequest, repaint: Box<dyn Fn() + Send>) {
        self.ready = Some((request, self.answers.pop_front().flatten()));
        repaint();
    }

    fn poll(&mut self) -> Option<(FileRequest, Option<PathBuf>)> {
        self.ready.take()
    }
}
