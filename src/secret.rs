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

    #[test]
    fn read_from_trims_only_the_line_ending() {
        let s = Secret::read_from(" a b \r\n".as_bytes()).unwrap();
        assert_eq!(s.expose(), " a b ");
    }
}
