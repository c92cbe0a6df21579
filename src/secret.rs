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
    pub fn read_from(reader: impl std::io::Read) -> std::io::Result<Self> {
        let buf = read_zeroizing(reader)?;
        let trimmed = buf.trim_end_matches(['\r', '\n']);
        Ok(Self::new(trimmed.to_owned()))
    }
}

/// Room for what secrets arrive on stdin (a key and a session token of a few KiB): a buffer that
/// had to grow would leave the text it outgrew in freed memory, unzeroized.
const STDIN_CAPACITY: usize = 16 * 1024;

/// Reads all of `reader` (stdin holding secrets) into a buffer zeroized on drop, sized so that
/// ordinary input never reallocates it.
pub fn read_zeroizing(mut reader: impl std::io::Read) -> std::io::Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(String::with_capacity(STDIN_CAPACITY));
    reader.read_to_string(&mut buf)?;
    Ok(buf)
}

/// A non-empty secret from the environment variable `var`; `Ok(None)` when it is unset or empty.
/// A value that is not UTF-8 is an error naming the variable (never its value): taking it as
/// unset would quietly fall back to another credential, or to none.
pub fn env_secret(var: &str) -> Result<Option<Secret>, String> {
    secret_from_env_value(var, std::env::var_os(var))
}

/// [`env_secret`] on a value already read.
fn secret_from_env_value(
    var: &str,
    value: Option<std::ffi::OsString>,
) -> Result<Option<Secret>, String> {
    match value.map(std::ffi::OsString::into_string) {
        None => Ok(None),
        Some(Ok(text)) if text.is_empty() => Ok(None),
        Some(Ok(text)) => Ok(Some(Secret::new(text))),
        Some(Err(raw)) => {
            #[cfg(unix)]
            zeroize::Zeroize::zeroize(&mut std::os::unix::ffi::OsStringExt::into_vec(raw));
            #[cfg(not(unix))]
            drop(raw);
            Err(format!(
                "{var} is set but is not valid UTF-8 text, so it was not used: set it to the secret as plain text, or unset it"
            ))
        }
    }
}

// The only field is a `Zeroizing<String>`: dropping a `Secret` zeroizes its memory.
impl zeroize::ZeroizeOnDrop for Secret {}

/// A JSON document that holds secrets (a request body): every string in it is zeroized on drop.
/// `Debug` shows nothing of it.
pub struct SecretJson(pub serde_json::Value);

impl std::ops::Deref for SecretJson {
    type Target = serde_json::Value;

    fn deref(&self) -> &serde_json::Value {
        &self.0
    }
}

impl zeroize::Zeroize for SecretJson {
    fn zeroize(&mut self) {
        fn strings(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::String(s) => s.zeroize(),
                serde_json::Value::Array(items) => items.iter_mut().for_each(strings),
                serde_json::Value::Object(map) => map.values_mut().for_each(strings),
                _ => {}
            }
        }
        strings(&mut self.0);
    }
}

impl Drop for SecretJson {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(self);
    }
}

impl zeroize::ZeroizeOnDrop for SecretJson {}

impl fmt::Debug for SecretJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted JSON)")
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
    fn secrets_zeroize_on_drop() {
        fn zeroizes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroizes_on_drop::<Secret>();
        zeroizes_on_drop::<Zeroizing<String>>();
    }

    #[test]
    fn secret_json_zeroizes_every_string() {
        use zeroize::Zeroize as _;
        let mut body = SecretJson(serde_json::json!({
            "name": "n",
            "auth": {"params": {"s3SecretKey": "wJalrXUtnFEMI", "list": ["tok", 1, null]}},
        }));
        assert_eq!(format!("{body:?}"), "(redacted JSON)");
        body.zeroize();
        let text = body.to_string();
        assert!(!text.contains("wJalr") && !text.contains("tok"), "{text}");
        assert_eq!(
            body["auth"]["params"]["list"][1], 1,
            "only strings are cleared"
        );
    }

    #[test]
    fn stdin_is_read_without_growing_the_buffer() {
        let input = "k".repeat(STDIN_CAPACITY - 1);
        let buf = read_zeroizing(input.as_bytes()).unwrap();
        assert_eq!(buf.as_str(), input);
        assert_eq!(
            buf.capacity(),
            STDIN_CAPACITY,
            "no reallocation left a copy behind"
        );
    }

    /// Regression: a non-UTF-8 value was taken as "not set".
    #[test]
    fn env_secret_refuses_non_utf8_naming_the_variable() {
        assert!(secret_from_env_value("V", None).unwrap().is_none());
        assert!(
            secret_from_env_value("V", Some("".into()))
                .unwrap()
                .is_none()
        );
        let s = secret_from_env_value("V", Some("s3cr3t".into())).unwrap();
        assert_eq!(s.unwrap().expose(), "s3cr3t");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt as _;
            let raw = std::ffi::OsString::from_vec(b"s3cr\xff\xfet".to_vec());
            let e = secret_from_env_value("AEP_CLIENT_SECRET", Some(raw)).unwrap_err();
            assert!(e.starts_with("AEP_CLIENT_SECRET "), "{e}");
            assert!(e.contains("UTF-8") && !e.contains("s3cr"), "{e}");
        }
    }

    #[test]
    fn read_from_trims_only_the_line_ending() {
        let s = Secret::read_from(" a b \r\n".as_bytes()).unwrap();
        assert_eq!(s.expose(), " a b ");
    }
}
