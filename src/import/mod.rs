//! Importers for credentials users already have: the Adobe Developer Console project JSON, the
//! AWS shared credentials file and the IAM console's access-key CSV.

pub mod aws;
pub mod console;

use std::fmt;

/// A file that could not be imported: which file, where in it, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// The file (path or a label such as "clipboard").
    pub source_name: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, never quoting a secret.
    pub message: String,
}

impl ImportError {
    /// An error at an optional line of `source_name`.
    pub fn new(source_name: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            source_name: source_name.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {line}: {}", self.source_name, self.message),
            None => write!(f, "{}: {}", self.source_name, self.message),
        }
    }
}

/// Reads a file for import, with errors naming it. Files over 1 MiB are refused: no credential
/// file is that large, and a wrong pick (a video) must not be read whole. The text holds secrets:
/// it is zeroized when dropped.
pub fn read_file(path: &std::path::Path) -> Result<zeroize::Zeroizing<String>, ImportError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ImportError::new(&name, None, e.to_string()))?;
    if meta.len() > 1024 * 1024 {
        return Err(ImportError::new(
            &name,
            None,
            "larger than 1 MiB: not a credentials file",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError::new(&name, None, e.to_string()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(zeroize::Zeroizing::new(text)),
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            zeroize::Zeroize::zeroize(&mut e.into_bytes());
            Err(ImportError::new(
                &name,
                None,
                format!("not UTF-8 text (byte {valid_up_to})"),
            ))
        }
    }
}

impl crate::error::Problem for ImportError {
    fn class(&self) -> crate::error::ErrorClass {
        crate::error::ErrorClass::Input
    }
}
