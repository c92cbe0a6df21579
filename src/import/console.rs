//! The project JSON the Adobe Developer Console downloads ("Download JSON" on a project).
//!
//! Layout (docs/flow-service-api.md §1): `project.org.ims_org_id`, and under
//! `project.workspace.details.credentials[]` an entry with `"integration_type":
//! "oauth_server_to_server"` whose `oauth_server_to_server` object holds `client_id`,
//! `client_secrets` (up to two), `technical_account_email`, `technical_account_id`, `scopes`.

use std::collections::HashMap;

use serde_json::Value;

use super::ImportError;
use crate::secret::Secret;

/// What a profile needs from the console JSON.
#[derive(Clone, Debug)]
pub struct ConsoleCredential {
    /// The file it came from, for errors about it.
    pub source_name: String,
    /// Project name, a good default profile name.
    pub project_name: Option<String>,
    /// IMS org ID.
    pub org_id: String,
    /// OAuth client ID.
    pub client_id: String,
    /// Client secrets, at least one, in the file's order (Adobe allows two during a rotation):
    /// when there are two, the user chooses ([`Self::client_secret`]).
    pub client_secrets: Vec<Secret>,
    /// 1-based line of `client_secrets` in the file.
    pub client_secrets_line: Option<usize>,
    /// Scopes, comma-separated.
    pub scopes: String,
    /// Technical account email.
    pub technical_account_email: Option<String>,
}

impl ConsoleCredential {
    /// A profile name from the project's name (letters, digits, `-`, `_`, `.`), else `adobe`.
    pub fn suggested_profile_name(&self) -> String {
        self.project_name
            .as_deref()
            .map(|n| {
                n.chars()
                    .filter(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(*ch))
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "adobe".to_owned())
    }

    /// The client secret to use: the only one, or number `choice` (1-based, in the file's order)
    /// of several. Several without a choice is an error, never a silent pick: during a rotation
    /// one of them is about to stop working.
    pub fn client_secret(&self, choice: Option<usize>) -> Result<&Secret, ImportError> {
        let count = self.client_secrets.len();
        let err = |message: String| {
            ImportError::new(&self.source_name, self.client_secrets_line, message)
        };
        match (choice, self.client_secrets.as_slice()) {
            (None | Some(1), [only]) => Ok(only),
            (None, _) => Err(err(format!(
                "the OAuth credential holds {count} client secrets (Adobe keeps two while a secret is rotated), so which one to use must be chosen: 1 to {count}, in the file's order"
            ))),
            (Some(n), secrets) => secrets.get(n.wrapping_sub(1)).ok_or_else(|| {
                err(format!(
                    "the OAuth credential holds {count} client secret{}: there is no number {n}",
                    if count == 1 { "" } else { "s" }
                ))
            }),
        }
    }
}

/// Where the credentials list sits in the project JSON.
const CREDENTIALS: &str = "/project/workspace/details/credentials";

/// Parses the console JSON. `source_name` names the file in errors; every error names a line
/// (for a missing field, the line of the object that should hold it).
pub fn parse(text: &str, source_name: &str) -> Result<ConsoleCredential, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let json: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::new(source_name, Some(e.line()), format!("not valid JSON: {e}"))
    })?;
    let at = Located {
        source_name,
        lines: value_lines(text),
    };
    let project = json
        .get("project")
        .ok_or_else(|| at.err("", "no `project` object: is this the JSON from Developer Console > project > Download JSON?"))?;
    let org_id = project
        .pointer("/org/ims_org_id")
        .and_then(Value::as_str)
        .ok_or_else(|| at.err("/project/org/ims_org_id", "no `project.org.ims_org_id`"))?;
    let (index, oauth) = oauth_credential(&json, &at)?;
    let oauth_at = format!("{CREDENTIALS}/{index}/oauth_server_to_server");
    let text_field = |key: &str| oauth.get(key).and_then(Value::as_str).map(str::to_owned);
    let client_id = text_field("client_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            at.err(
                &format!("{oauth_at}/client_id"),
                "the OAuth credential has no `client_id`",
            )
        })?;
    let secrets_at = format!("{oauth_at}/client_secrets");
    let client_secrets = client_secrets(oauth);
    if client_secrets.is_empty() {
        return Err(at.err(
            &secrets_at,
            "the OAuth credential has no client secret (`client_secrets` is missing or empty): generate one in the Developer Console (project > OAuth Server-to-Server > Retrieve client secret) and download the JSON again",
        ));
    }
    Ok(ConsoleCredential {
        source_name: source_name.to_owned(),
        project_name: project
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned),
        org_id: org_id.to_owned(),
        client_id,
        client_secrets,
        client_secrets_line: at.line(&secrets_at),
        scopes: scopes(oauth),
        technical_account_email: text_field("technical_account_email"),
    })
}

/// The parsed file's name and where its values start, so an error names a line.
struct Located<'a> {
    source_name: &'a str,
    lines: HashMap<String, usize>,
}

impl Located<'_> {
    /// The line of `pointer`, or of its nearest ancestor that exists.
    fn line(&self, pointer: &str) -> Option<usize> {
        let mut at = pointer;
        loop {
            if let Some(&line) = self.lines.get(at) {
                return Some(line);
            }
            at = &at[..at.rfind('/')?];
        }
    }

    /// An error about the value at `pointer`, at its line.
    fn err(&self, pointer: &str, message: &str) -> ImportError {
        ImportError::new(self.source_name, self.line(pointer), message.to_owned())
    }
}

/// The first OAuth Server-to-Server credential, with its index in the credentials list; without
/// one, an error that lists the kinds the project has instead.
fn oauth_credential<'j>(
    json: &'j Value,
    at: &Located<'_>,
) -> Result<(usize, &'j Value), ImportError> {
    let credentials = json
        .pointer(CREDENTIALS)
        .and_then(Value::as_array)
        .ok_or_else(|| {
            at.err(
                CREDENTIALS,
                "no `project.workspace.details.credentials` list",
            )
        })?;
    credentials
        .iter()
        .enumerate()
        .find(|(_, c)| c.get("integration_type").and_then(Value::as_str) == Some("oauth_server_to_server"))
        .and_then(|(i, c)| Some((i, c.get("oauth_server_to_server")?)))
        .ok_or_else(|| {
            let kinds: Vec<&str> = credentials
                .iter()
                .filter_map(|c| c.get("integration_type").and_then(Value::as_str))
                .collect();
            at.err(CREDENTIALS, &format!(
                "no OAuth Server-to-Server credential (found: {}); JWT credentials reached end of life in 2025: add an OAuth Server-to-Server credential to the project",
                if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") }
            ))
        })
}

/// The credential's non-empty client secrets, whether the file holds a list or one string.
fn client_secrets(oauth: &Value) -> Vec<Secret> {
    match oauth.get("client_secrets") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![Secret::new(s.as_str())],
        _ => Vec::new(),
    }
}

/// The credential's scopes, comma-separated, whether the file holds a list or one string.
fn scopes(oauth: &Value) -> String {
    match oauth.get("scopes") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The 1-based line where each value of `text` (JSON that parsed) starts, by JSON pointer:
/// serde_json's values keep no positions, and an error about a field must name its line.
fn value_lines(text: &str) -> HashMap<String, usize> {
    let mut scan = LineScan {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        lines: HashMap::new(),
    };
    scan.value(String::new());
    scan.lines
}

/// A walk over valid JSON that notes where values start (see [`value_lines`]). Recursion is as
/// deep as the document, which serde_json has already limited (128 levels).
struct LineScan<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
    lines: HashMap<String, usize>,
}

impl LineScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    /// A string at `self.at` (its opening quote); returns its raw text (escapes kept).
    fn string(&mut self) -> String {
        self.at += 1;
        let start = self.at;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        let end = self.at.min(self.bytes.len());
        self.at += 1;
        String::from_utf8_lossy(&self.bytes[start..end]).into_owned()
    }

    fn value(&mut self, pointer: String) {
        self.skip_space();
        self.lines.insert(pointer.clone(), self.line);
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'"') => {
                            let key = self.string().replace('~', "~0").replace('/', "~1");
                            self.skip_space();
                            self.at += 1; // the colon
                            self.value(format!("{pointer}/{key}"));
                        }
                        Some(b'}') => {
                            self.at += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return;
                        }
                        None => return,
                        Some(_) => {
                            let before = self.at;
                            self.value(format!("{pointer}/{index}"));
                            if self.at == before {
                                return; // not JSON after all: never loop
                            }
                            index += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self.peek().is_some_and(|b| !b",]} \t\r\n".contains(&b)) {
                    self.at += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"project": {"id": "1", "name": "aep-sources", "title": "AEP sources",
      "org": {"id": "1", "name": "Acme", "ims_org_id": "5C1328435BF324E90A49402A@AdobeOrg"},
      "workspace": {"id": "2", "name": "Production", "details": {"credentials": [
        {"id": "3", "name": "OAuth", "integration_type": "oauth_server_to_server",
         "oauth_server_to_server": {"client_id": "abc123", "client_secrets": ["p8e-SECRET1", "p8e-SECRET2"],
           "technical_account_email": "x@techacct.adobe.com", "technical_account_id": "y@techacct.adobe.com",
           "scopes": ["openid", "session", "AdobeID", "read_organizations", "additional_info.projectedProductContext"]}}]}}}}"#;

    #[test]
    fn parses_the_console_layout() {
        let c = parse(SAMPLE, "project.json").unwrap();
        assert_eq!(c.org_id, "5C1328435BF324E90A49402A@AdobeOrg");
        assert_eq!(c.client_id, "abc123");
        assert_eq!(c.client_secrets.len(), 2);
        assert_eq!(c.client_secrets[0].expose(), "p8e-SECRET1");
        assert_eq!(c.scopes, crate::model::DEFAULT_SCOPES);
        assert_eq!(c.project_name.as_deref(), Some("aep-sources"));
    }

    /// Regression: of two client secrets the first was taken silently; the caller
    /// gets both and must choose, and an error names the file and the line.
    #[test]
    fn two_client_secrets_must_be_chosen_between() {
        let c = parse(&SAMPLE.replace(", \"p8e", ",\n \"p8e"), "project.json").unwrap();
        assert_eq!(c.client_secrets.len(), 2);
        assert_eq!(c.client_secrets_line, Some(5));
        let e = c.client_secret(None).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.starts_with("project.json, line 5: the OAuth credential holds 2 client secrets"),
            "{shown}"
        );
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(c.client_secret(Some(1)).unwrap().expose(), "p8e-SECRET1");
        assert_eq!(c.client_secret(Some(2)).unwrap().expose(), "p8e-SECRET2");
        let e = c.client_secret(Some(3)).unwrap_err().to_string();
        assert!(e.contains("there is no number 3"), "{e}");
        let one = parse(&SAMPLE.replace(", \"p8e-SECRET2\"", ""), "p.json").unwrap();
        assert_eq!(one.client_secret(None).unwrap().expose(), "p8e-SECRET1");
    }

    /// Regression: an empty `client_secrets` made a profile without a secret.
    #[test]
    fn no_client_secret_is_an_error_with_its_line() {
        let empty = SAMPLE.replace("[\"p8e-SECRET1\", \"p8e-SECRET2\"]", "[]");
        let e = parse(&empty, "p.json").unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.to_string().contains("no client secret"), "{e}");
        let missing = SAMPLE.replace(
            "\"client_secrets\": [\"p8e-SECRET1\", \"p8e-SECRET2\"],",
            "",
        );
        let e = parse(&missing, "p.json").unwrap_err();
        assert_eq!(e.line, Some(5), "the line of the credential: {e}");
    }

    #[test]
    fn missing_fields_name_the_line_of_their_object() {
        let no_org_id = SAMPLE.replace(
            "\"ims_org_id\": \"5C1328435BF324E90A49402A@AdobeOrg\"",
            "\"x\": 1",
        );
        let e = parse(&no_org_id, "p.json").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = parse("\n\n{\"a\": 1}", "p.json").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let lines = value_lines("{\"a\": [1,\n {\"b/c\": \"x\\\"y\"},\n\"z\"], \"d\": {}}");
        assert_eq!(lines.get("/a/1/b~1c"), Some(&2));
        assert_eq!(lines.get("/a/2"), Some(&3));
        assert_eq!(lines.get("/d"), Some(&3));
    }

    #[test]
    fn errors_name_the_file_and_what_is_missing() {
        let e = parse("{\n  \"project\": ", "p.json").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("p.json, line 2"));
        let jwt = SAMPLE.replace("oauth_server_to_server\",", "service_account\",");
        let e = parse(&jwt, "p.json").unwrap_err().to_string();
        assert!(
            e.contains("service_account") && e.contains("OAuth Server-to-Server"),
            "{e}"
        );
        assert!(
            !parse(&jwt, "p.json")
                .unwrap_err()
                .to_string()
                .contains("SECRET1")
        );
        assert!(parse("[]", "p.json").is_err());
    }
}
