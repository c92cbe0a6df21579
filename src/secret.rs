//! A string that must never be shown: redacted in `Debug`/`Display`, zeroized on drop.

use std::fmt;

use zeroize::Zeroizing;

/// A secret value (client secret, AWS secret key, session token, access token).
///
/// `Debug` and `Display` print `(redacted)`; the memory is zeroized when the value is dropped.
/// Read it only where it leaves the process: the HTTP request or the keyring.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The value itself. Every call site is a place the secret leaves memory: keep them few.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// True when the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads one secret from a reader (stdin), trimming the trailing newline.
    pub fn read_from(mut reader: impl std::io::Read) -> std::io::Result<Self> {
        let mut buf = Zeroizing::new(String::new());
        reader.read_to_string(&mut buf)?;
        let trimmed = buf.trim_end_matches(['\r', '\n']);
        Ok(Self::new(trimmed.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("wJalrXUtnFEMI/K7MDENG");
        assert_eq!(format!("{s:?}"), "(redacted)");
        assert_eq!(format!("{s}"), "(redacted)");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some((redacted))");
        assert_eq!(s.expose(), "wJalrXUtnFEMI/K7MDENG");
    }

    #[test]
    fn read_from_trims_only_the_line_ending() {
        let s = Secret::read_from(" a b \r\n".as_bytes()).unwrap();
        assert_eq!(s.expose(), " a b ");
    }
}
