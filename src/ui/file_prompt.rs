//! The in-window file prompt: every export and import picks its file here. A path field (with a
//! suggested path), "Browse…" for the system's file dialog, and for an export the CSV/JSON
//! choice. It exists because a native dialog cannot always open (Linux without an XDG desktop
//! portal or zenity), and then picking a file did nothing at all: here the user is
//! told so, and types the path.
//!
//! The format chosen here is the format written, whatever the file is called: a name without
//! `.json` is still written as JSON, under exactly the name typed (nothing is appended, so the
//! file is where the user said). Switching the format changes the suggested extension.
//!
//! A dialog's answer confirms at once (its Open/Save button was the user's confirmation), unless
//! the path is unusable or, for an export, its extension names the other format: then it fills
//! the field, with the reason, for the user to decide.

use std::path::{MAIN_SEPARATOR, Path, PathBuf};

use super::action::Action;
use super::dialogs::FileRequest;
use crate::records::export::ExportFormat;

/// An open file prompt: what is asked, the typed path, and what the user must be told.
#[derive(Debug)]
pub struct FilePrompt {
    /// What the file is for.
    request: FileRequest,
    /// The format an export is written in (ignored for imports).
    format: ExportFormat,
    /// The path field.
    pub path: String,
    /// The folder a relative path is taken from (the suggested path's folder).
    base: PathBuf,
    /// Whether the system's file dialog can open, and why not.
    dialog: Result<(), String>,
    /// Why the last confirmation was refused.
    error: Option<String>,
    /// A native dialog is open.
    browsing: bool,
    /// Focus the path field on the next frame.
    focus: bool,
}

impl FilePrompt {
    /// A prompt for `request`, suggesting a path under the user's documents (exports), downloads
    /// (Developer Console JSON) or home folder; `dialog` is [`super::FileDialogs::availability`].
    pub fn new(request: FileRequest, dialog: Result<(), String>) -> Self {
        let base = default_folder(&request);
        Self::in_folder(request, dialog, base)
    }

    /// A prompt suggesting a path in `base`, which relative paths are also taken from.
    pub fn in_folder(request: FileRequest, dialog: Result<(), String>, base: PathBuf) -> Self {
        let format = request.export_format().unwrap_or(ExportFormat::Csv);
        let path = match &request {
            FileRequest::Export { default_name } => {
                base.join(default_name).with_extension(format.extension())
            }
            FileRequest::AwsCredentials => dirs::home_dir()
                .map(|home| home.join(".aws").join("credentials"))
                .filter(|file| file.is_file())
                .unwrap_or_else(|| base.join("")),
            FileRequest::ConsoleJson => base.join(""),
        };
        Self {
            request,
            format,
            path: path.display().to_string(),
            base,
            dialog,
            error: None,
            browsing: false,
            focus: true,
        }
    }

    /// What the file is for.
    pub fn request(&self) -> &FileRequest {
        &self.request
    }

    /// The format an export will be written in; `None` for an import.
    pub fn format(&self) -> Option<ExportFormat> {
        self.request.is_export().then_some(self.format)
    }

    /// Chooses the export format; a path ending in the old format's extension gets the new one.
    pub fn set_format(&mut self, format: ExportFormat) {
        if format == self.format {
            return;
        }
        let path = Path::new(&self.path);
        if ExportFormat::from_path(path) == Some(self.format) {
            self.path = path
                .with_extension(format.extension())
                .display()
                .to_string();
        }
        self.format = format;
        self.error = None;
    }

    /// Why the last confirmation was refused, if it was.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The typed path as the file it names: `~` is the home folder, and a relative path is
    /// taken from the suggested folder. `None` when nothing is typed.
    pub fn resolved(&self) -> Option<PathBuf> {
        let text = self.path.trim();
        if text.is_empty() {
            return None;
        }
        let home = || dirs::home_dir().unwrap_or_default();
        let path = if text == "~" {
            home()
        } else if let Some(rest) = text.strip_prefix("~/") {
            home().join(rest)
        } else {
            PathBuf::from(text)
        };
        Some(if path.is_absolute() {
            path
        } else {
            self.base.join(path)
        })
    }

    /// The typed path if it can be used: for an import, an existing file; for an export, a file
    /// name in an existing folder. Otherwise what is wrong, in a sentence for the user.
    pub fn validate(&self) -> Result<PathBuf, String> {
        let Some(path) = self.resolved() else {
            return Err(if self.request.is_export() {
                "Type the path of the file to write, or choose it with Browse…".to_owned()
            } else {
                "Type the path of the file to import, or choose it with Browse…".to_owned()
            });
        };
        let shown = path.display();
        if self.request.is_export() {
            let names_a_folder = self.path.trim_end().ends_with(['/', MAIN_SEPARATOR]);
            if names_a_folder || path.is_dir() || path.file_name().is_none() {
                return Err(format!(
                    "{shown} is a folder: add a file name, such as {}.",
                    path.join(format!(
                        "aep-s3-connect-history.{}",
                        self.format.extension()
                    ))
                    .display()
                ));
            }
            let folder = path.parent().unwrap_or(Path::new("/"));
            match std::fs::metadata(folder) {
                Ok(meta) if meta.is_dir() => Ok(path),
                Ok(_) => Err(format!(
                    "{} is a file, not a folder: the export cannot be written in it.",
                    folder.display()
                )),
                Err(_) => Err(format!(
                    "The folder {} does not exist: create it first, or choose another folder.",
                    folder.display()
                )),
            }
        } else {
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_file() => Ok(path),
                Ok(_) => Err(format!("{shown} is a folder: choose a file in it.")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(format!("There is no file at {shown}: check the path."))
                }
                Err(e) => Err(format!("{shown} cannot be read: {e}.")),
            }
        }
    }

    /// The action that uses `path`: the import, or the export in the chosen format.
    fn picked(&self, path: PathBuf) -> Action {
        let request = if self.request.is_export() {
            FileRequest::export(self.format)
        } else {
            self.request.clone()
        };
        Action::Picked(request, path)
    }

    /// The user confirmed: the action to run, or `None` (with [`Self::error`] set) when the path
    /// cannot be used.
    pub fn confirm(&mut self) -> Option<Action> {
        match self.validate() {
            Ok(path) => Some(self.picked(path)),
            Err(why) => {
                self.error = Some(why);
                None
            }
        }
    }

    /// What to open the system's dialog with (the request, and where to start), marking the
    /// prompt as waiting for it.
    pub fn browse(&mut self) -> (FileRequest, Option<PathBuf>) {
        self.browsing = true;
        self.error = None;
        let request = if self.request.is_export() {
            FileRequest::export(self.format)
        } else {
            self.request.clone()
        };
        let start = self
            .resolved()
            .filter(|p| p.is_dir() || p.parent().is_some_and(Path::is_dir))
            .unwrap_or_else(|| self.base.clone());
        (request, Some(start))
    }

    /// The system's dialog answered (`None`: nothing chosen); `dialog` is the dialogs'
    /// availability now (a dialog that failed to open makes it an error). Returns the action to
    /// run when the answer confirms the prompt.
    pub fn on_answer(
        &mut self,
        path: Option<PathBuf>,
        dialog: Result<(), String>,
    ) -> Option<Action> {
        self.browsing = false;
        self.dialog = dialog;
        let path = path?;
        self.path = path.display().to_string();
        let other_format = self.request.is_export()
            && ExportFormat::from_path(&path).is_some_and(|named| named != self.format);
        if other_format {
            // Asked, not guessed: the format chosen here wins, but the name says otherwise.
            self.focus = true;
            return None;
        }
        self.confirm()
    }

    /// Notes about the typed path: where it resolves to, and for an export the format it will
    /// be written in when the name does not say so, and a file it replaces.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let Some(path) = self.resolved() else {
            return notes;
        };
        if path.as_os_str() != self.path.trim() {
            notes.push(format!("Full path: {}", path.display()));
        }
        if self.request.is_export() && !path.is_dir() {
            let ext = self.format.extension();
            let format = ext.to_uppercase();
            match ExportFormat::from_path(&path) {
                Some(named) if named == self.format => {}
                Some(named) => notes.push(format!(
                    "The name ends in .{}, but the file will be written as {format}.",
                    named.extension()
                )),
                None => notes.push(format!(
                    "The file will be written as {format} under this exact name (.{ext} is not \
                     added)."
                )),
            }
            if path.is_file() {
                notes.push("A file of this name exists: exporting replaces it.".to_owned());
            }
        }
        notes
    }

    /// The window's title.
    fn title(&self) -> &'static str {
        match self.request {
            FileRequest::Export { .. } => "Export history",
            FileRequest::ConsoleJson => "Import Adobe Developer Console JSON",
            FileRequest::AwsCredentials => "Import AWS credentials",
        }
    }
}

/// Where the suggested path of `request` is: documents for an export, downloads for a Developer
/// Console JSON (it is downloaded from the console), home otherwise; the first that exists.
fn default_folder(request: &FileRequest) -> PathBuf {
    let preferred = match request {
        FileRequest::Export { .. } => dirs::document_dir(),
        FileRequest::ConsoleJson => dirs::download_dir(),
        FileRequest::AwsCredentials => None,
    };
    preferred
        .filter(|dir| dir.is_dir())
        .or_else(dirs::home_dir)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// A dialog's answer: goes to the open prompt, which may confirm (and close) with it. An answer
/// for a prompt that was closed meanwhile is dropped: closing it was the user's cancel.
pub fn on_dialog_answer(
    prompt: &mut Option<FilePrompt>,
    path: Option<PathBuf>,
    dialog: Result<(), String>,
) -> Option<Action> {
    let action = prompt.as_mut()?.on_answer(path, dialog);
    if action.is_some() {
        *prompt = None;
    }
    action
}

/// The path field and "Browse…"; true when Enter confirmed the path.
fn path_row_ui(ui: &mut egui::Ui, open: &mut FilePrompt, actions: &mut Vec<Action>) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label("File path:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut open.path)
                    .desired_width(380.0)
                    .hint_text("/path/to/file"),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut open.focus) {
            field.request_focus();
        }
        if field.changed() {
            open.error = None;
        }
        let browse = ui
            .add_enabled(
                open.dialog.is_ok() && !open.browsing,
                egui::Button::new("Browse…"),
            )
            .on_hover_text("Choose the file in the system's file dialog")
            .on_disabled_hover_text(match &open.dialog {
                Err(why) => why.as_str(),
                Ok(()) => "The file dialog is open",
            });
        if browse.clicked() {
            actions.push(Action::BrowseFile);
        }
        field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
    })
    .inner
}

/// Draws the open prompt, if any, over the window. Confirming pushes the import or export;
/// "Browse…" pushes [`Action::BrowseFile`]; Cancel closes it (Esc too, through the app).
pub fn file_prompt_ui(
    ctx: &egui::Context,
    prompt: &mut Option<FilePrompt>,
    actions: &mut Vec<Action>,
) {
    let Some(open) = prompt.as_mut() else {
        return;
    };
    let mut close = false;
    egui::Modal::new(egui::Id::unique("file-prompt")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading(open.title());
        ui.add_space(4.0);
        if let Err(why) = &open.dialog {
            ui.colored_label(ui.visuals().warn_fg_color, why);
            ui.add_space(4.0);
        }
        if open.request.is_export() {
            ui.horizontal(|ui| {
                ui.label("Format:");
                let mut format = open.format;
                ui.radio_value(&mut format, ExportFormat::Csv, "CSV");
                ui.radio_value(&mut format, ExportFormat::Json, "JSON");
                open.set_format(format);
            });
        }
        let mut confirm = path_row_ui(ui, open, actions);
        if open.browsing {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Waiting for the file dialog…");
            });
        }
        for note in open.notes() {
            ui.weak(note);
        }
        if let Some(error) = &open.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let verb = if open.request.is_export() {
                "Export"
            } else {
                "Import"
            };
            confirm |= ui.button(verb).clicked();
            close |= ui.button("Cancel").clicked();
        });
        if confirm && let Some(action) = open.confirm() {
            actions.push(action);
            close = true;
        }
    });
    if close {
        *prompt = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export_prompt(dir: &Path, format: ExportFormat) -> FilePrompt {
        FilePrompt::in_folder(FileRequest::export(format), Ok(()), dir.to_owned())
    }

    fn picked(action: Option<Action>) -> (FileRequest, PathBuf) {
        match action {
            Some(Action::Picked(request, path)) => (request, path),
            other => panic!("expected a picked file, got {other:?}"),
        }
    }

    #[test]
    fn the_suggested_export_path_follows_the_format() {
        let dir = tempfile::tempdir().unwrap();
        let mut prompt = export_prompt(dir.path(), ExportFormat::Csv);
        assert_eq!(
            prompt.resolved().unwrap(),
            dir.path().join("aep-s3-connect-history.csv")
        );
        prompt.set_format(ExportFormat::Json);
        assert_eq!(
            prompt.resolved().unwrap(),
            dir.path().join("aep-s3-connect-history.json")
        );
        // A name of the user's own, without an extension, is left as typed.
        prompt.path = dir.path().join("mine").display().to_string();
        prompt.set_format(ExportFormat::Csv);
        assert_eq!(prompt.resolved().unwrap(), dir.path().join("mine"));
    }

    #[test]
    fn the_chosen_format_wins_over_the_name() {
        // Regression guard: "Export JSON" to a name without .json wrote CSV.
        let dir = tempfile::tempdir().unwrap();
        let mut prompt = export_prompt(dir.path(), ExportFormat::Json);
        prompt.path = "history-without-extension".to_owned();
        let (request, path) = picked(prompt.confirm());
        assert_eq!(request.export_format(), Some(ExportFormat::Json));
        assert_eq!(path, dir.path().join("history-without-extension"));
        assert!(
            prompt
                .notes()
                .iter()
                .any(|n| n.contains("written as JSON under this exact name"))
        );
    }

    #[test]
    fn a_dialog_answer_naming_the_other_format_is_asked_about() {
        let dir = tempfile::tempdir().unwrap();
        let mut prompt = export_prompt(dir.path(), ExportFormat::Csv);
        let json = dir.path().join("out.json");
        assert!(prompt.on_answer(Some(json.clone()), Ok(())).is_none());
        assert_eq!(prompt.resolved().unwrap(), json);
        assert!(prompt.notes().iter().any(|n| n.contains("written as CSV")));
        // A matching name confirms at once.
        let csv = dir.path().join("out.csv");
        let (request, path) = picked(prompt.on_answer(Some(csv.clone()), Ok(())));
        assert_eq!(
            (request.export_format(), path),
            (Some(ExportFormat::Csv), csv)
        );
    }

    #[test]
    fn unusable_paths_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let mut prompt = export_prompt(dir.path(), ExportFormat::Csv);
        let cases = [
            ("", "Type the path"),
            ("no-such-folder/out.csv", "does not exist"),
            (&format!("{}/", dir.path().display()), "is a folder"),
        ];
        for (typed, why) in cases {
            prompt.path = typed.to_owned();
            assert!(prompt.confirm().is_none(), "{typed:?} was accepted");
            let error = prompt.error().unwrap();
            assert!(error.contains(why), "{typed:?}: {error}");
        }
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        prompt.path = file.join("out.csv").display().to_string();
        assert!(prompt.confirm().is_none());
        assert!(prompt.error().unwrap().contains("not a folder"));

        let mut import =
            FilePrompt::in_folder(FileRequest::ConsoleJson, Ok(()), dir.path().to_owned());
        import.path = "missing.json".to_owned();
        assert!(import.confirm().is_none());
        assert!(import.error().unwrap().contains("There is no file at"));
        import.path = dir.path().display().to_string();
        assert!(import.confirm().is_none());
        assert!(import.error().unwrap().contains("is a folder"));
        import.path = "file".to_owned();
        let (request, path) = picked(import.confirm());
        assert_eq!((request, path), (FileRequest::ConsoleJson, file));
    }

    #[test]
    fn a_cancelled_dialog_keeps_the_prompt_and_a_failed_one_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let mut prompt = Some(export_prompt(dir.path(), ExportFormat::Csv));
        let (request, start) = prompt.as_mut().unwrap().browse();
        assert_eq!(request, FileRequest::export(ExportFormat::Csv));
        let suggested = dir.path().join("aep-s3-connect-history.csv");
        assert_eq!(
            start,
            Some(suggested),
            "the dialog opens on the suggested file"
        );
        assert!(on_dialog_answer(&mut prompt, None, Err("gone".into())).is_none());
        let open = prompt.as_ref().unwrap();
        assert_eq!(open.dialog, Err("gone".to_owned()));
        assert!(!open.browsing);
        let chosen = dir.path().join("x.csv");
        assert!(on_dialog_answer(&mut prompt, Some(chosen), Ok(())).is_some());
        assert!(
            prompt.is_none(),
            "a usable answer confirms and closes the prompt"
        );
        assert!(on_dialog_answer(&mut prompt, Some(dir.path().into()), Ok(())).is_none());
    }
}
