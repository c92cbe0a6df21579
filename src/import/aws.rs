//! AWS credentials users already have: `~/.aws/credentials` (INI) and the IAM console's CSV.

use std::path::PathBuf;

use super::ImportError;
use crate::secret::Secret;

/// One access key with its secret.
#[derive(Clone, Debug)]
pub struct AwsCredential {
    /// Where it came from: the profile name, or `row N` of a CSV.
    pub label: String,
    /// Access key ID.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_key: Secret,
    /// Session token of temporary credentials.
    pub session_token: Option<Secret>,
    /// 1-based line of the file it came from (its section header, or its CSV row), if any.
    pub line: Option<usize>,
}

/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn default_credentials_path() -> Option<PathBuf> {
    std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".aws").join("credentials")))
}

/// Parses the shared credentials file: sections are bare profile names (`[default]`, `[dev]`).
/// Sections without a key pair (role or SSO profiles) are skipped. Errors, each naming the line:
/// a section with only half of a pair; a `[profile dev]` section, which is `~/.aws/config`'s
/// syntax (the AWS CLI would take it for a profile named "profile dev"); a section written twice.
pub fn parse_credentials_ini(
    text: &str,
    source_name: &str,
) -> Result<Vec<AwsCredential>, ImportError> {
    let options = ini::ParseOption {
        enabled_quote: false,
        enabled_escape: false,
        ..ini::ParseOption::default()
    };
    let text = text.trim_start_matches('\u{feff}');
    // rust-ini reads the lines after a `[` without its `]` into the section's name, and reports
    // the end of the file: name the line instead, and never quote a key from those lines.
    if let Some(i) = text.lines().position(|l| {
        let l = l.trim();
        l.starts_with('[') && !l.contains(']')
    }) {
        return Err(ImportError::new(
            source_name,
            Some(i + 1),
            "the section header has no closing `]`",
        ));
    }
    // rust-ini's line numbers are already 1-based.
    let parsed = ini::Ini::load_from_str_opt(text, options)
        .map_err(|e| ImportError::new(source_name, Some(e.line), e.msg.to_string()))?;
    let headers = section_headers(text, source_name)?;
    let mut found = Vec::new();
    for (section, props) in &parsed {
        let Some(section) = section else { continue };
        if section.contains(['\n', '\r']) {
            // A `[` whose `]` is on a later line (`[dev][`): the name swallowed the lines between,
            // keys and secrets included, so it must not be shown. Name the line it starts on.
            // (rust-ini trims the name, so look for its first line, then the `[` before it.)
            let line = section
                .lines()
                .find(|l| !l.trim().is_empty())
                .and_then(|first| text.find(first.trim()))
                .and_then(|at| text[..at].rfind('['))
                .map(|open| text[..open].matches('\n').count() + 1);
            return Err(ImportError::new(
                source_name,
                line,
                "the section header has no closing `]` on its line",
            ));
        }
        let label = section.trim().to_owned();
        let line = headers
            .iter()
            .find(|(name, _)| *name == label)
            .map(|&(_, line)| line);
        let get = |k: &str| props.get(k).map(str::trim).filter(|v| !v.is_empty());
        match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(id), Some(secret)) => found.push(AwsCredential {
                label,
                access_key_id: id.to_owned(),
                secret_key: Secret::new(secret),
                session_token: get("aws_session_token").map(Secret::new),
                line,
            }),
            (None, None) => {}
            (Some(_), None) => {
                return Err(ImportError::new(
                    source_name,
                    line,
                    format!("profile [{label}] has aws_access_key_id but no aws_secret_access_key"),
                ));
            }
            (None, Some(_)) => {
                return Err(ImportError::new(
                    source_name,
                    line,
                    format!("profile [{label}] has aws_secret_access_key but no aws_access_key_id"),
                ));
            }
        }
    }
    Ok(found)
}

/// The section headers of a credentials file as (name, 1-based line), refusing `[profile x]` and
/// a name written twice. Names are trimmed, as rust-ini trims them.
fn section_headers(text: &str, source_name: &str) -> Result<Vec<(String, usize)>, ImportError> {
    let mut headers: Vec<(String, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('[') else {
            continue;
        };
        let Some((name, _)) = rest.split_once(']') else {
            continue; // refused before, with its line
        };
        let (name, line) = (name.trim(), i + 1);
        if let Some(profile) = name.strip_prefix("profile ") {
            let profile = profile.trim();
            return Err(ImportError::new(
                source_name,
                Some(line),
                format!(
                    "[{name}] is how ~/.aws/config names a profile; in a credentials file the section is [{profile}] (the AWS CLI would read this one as a profile named \"{name}\"): rename it"
                ),
            ));
        }
        if let Some((_, first)) = headers.iter().find(|(seen, _)| seen == name) {
            return Err(ImportError::new(
                source_name,
                Some(line),
                format!(
                    "profile [{name}] appears twice, on lines {first} and {line}: keep one of them"
                ),
            ));
        }
        headers.push((name.to_owned(), line));
    }
    Ok(headers)
}

/// The one key of an import that must hold exactly one (`create --aws-csv`): several are an
/// error naming their lines (and access key IDs, which are not secret), never a silent pick.
pub fn only_key(
    mut keys: Vec<AwsCredential>,
    source_name: &str,
) -> Result<AwsCredential, ImportError> {
    if keys.len() == 1 {
        return Ok(keys.remove(0));
    }
    let rows: Vec<String> = keys
        .iter()
        .map(|k| match k.line {
            Some(line) => format!("line {line}: {}", k.access_key_id),
            None => format!("{}: {}", k.label, k.access_key_id),
        })
        .collect();
    Err(ImportError::new(
        source_name,
        keys.get(1).and_then(|k| k.line),
        if keys.is_empty() {
            "no access keys in the file".to_owned()
        } else {
            format!(
                "the file holds {} access keys ({}), so which one to use is not clear: keep only that one in the file",
                keys.len(),
                rows.join("; ")
            )
        },
    ))
}

/// Parses the IAM console's access-key CSV (`Access key ID,Secret access key`, or the legacy
/// `User name,Password,Access key ID,Secret access key,Console login link`); headers are
/// case-insensitive and may start with a UTF-8 BOM.
pub fn parse_iam_csv(text: &str, source_name: &str) -> Result<Vec<AwsCredential>, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportError::new(source_name, Some(1), format!("unreadable header: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(id_col), Some(secret_col)) = (column("Access key ID"), column("Secret access key"))
    else {
        return Err(ImportError::new(
            source_name,
            Some(1),
            "the header needs the columns `Access key ID` and `Secret access key` (the IAM console's download)",
        ));
    };
    let user_col = column("User name");
    let mut found = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::default();
    for i in 0.. {
        // Counted from the bytes read so far: the reader skips blank lines, and its own positions
        // point before them, so neither `i + 2` nor the reader's line is the record's line.
        let line = lines.record_line(text, reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ImportError::new(source_name, Some(line), e.to_string())),
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let id = record.get(id_col).unwrap_or_default();
        let secret = record.get(secret_col).unwrap_or_default();
        if id.is_empty() || secret.is_empty() {
            return Err(ImportError::new(
                source_name,
                Some(line),
                if id.is_empty() {
                    "the access key ID is empty"
                } else {
                    "the secret access key is empty"
                },
            ));
        }
        let label = user_col
            .and_then(|c| record.get(c))
            .filter(|u| !u.is_empty())
            .map_or_else(|| format!("row {}", i + 1), str::to_owned);
        found.push(AwsCredential {
            label,
            access_key_id: id.to_owned(),
            secret_key: Secret::new(secret),
            session_token: None,
            line: Some(line),
        });
    }
    if found.is_empty() {
        return Err(ImportError::new(
            source_name,
            None,
            "no access keys in the file",
        ));
    }
    Ok(found)
}

/// Line ends counted as the reader advances, so finding every record's line stays linear.
#[derive(Default)]
struct LineCounter {
    /// Bytes counted so far.
    at: usize,
    /// Line ends in them: `\n`, `\r\n` or a lone `\r`, as for the CSV reader.
    ends: usize,
}

impl LineCounter {
    /// The 1-based line of the first record at or after byte `from` (blank lines skipped).
    fn record_line(&mut self, text: &str, from: u64) -> usize {
        let bytes = text.as_bytes();
        let from = usize::try_from(from).unwrap_or(usize::MAX).min(bytes.len());
        let blank = bytes[from..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let to = (from + blank).max(self.at);
        let start = self.at;
        self.ends += bytes[start..to]
            .iter()
            .enumerate()
            .filter(|&(i, &b)| {
                b == b'\n' || (b == b'\r' && bytes.get(start + i + 1) != Some(&b'\n'))
            })
            .count();
        self.at = to;
        self.ends + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_profiles() {
        let text = "# comment\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n[temp]\naws_access_key_id=ASIAIOSFODNN7EXAMPLE\naws_secret_access_key=abc+def/ghi\naws_session_token=FwoG//tok==\n[sso]\nsso_start_url = https://x\n";
        let creds = parse_credentials_ini(text, "credentials").unwrap();
        assert_eq!(creds.len(), 2);
        assert_eq!(creds[0].label, "default");
        assert_eq!(
            creds[0].secret_key.expose(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        );
        assert_eq!(creds[1].label, "temp");
        assert_eq!((creds[0].line, creds[1].line), (Some(2), Some(6)));
        assert_eq!(
            creds[1].session_token.as_ref().unwrap().expose(),
            "FwoG//tok=="
        );
    }

    #[test]
    fn ini_errors_name_the_place() {
        let e = parse_credentials_ini("[dev]\naws_access_key_id = AKIA\n", "creds").unwrap_err();
        assert!(e.to_string().contains("[dev]"), "{e}");
        let e = parse_credentials_ini("[dev\nx=1\n", "creds").unwrap_err();
        assert_eq!(e.source_name, "creds");
        assert_eq!(e.line, Some(1));
        // Found by the aws_ini fuzz target: the line was one past rust-ini's (already 1-based).
        let e = parse_credentials_ini("[dev]\nx=1\n=y\n", "creds").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }

    /// Regression: `[profile x]` (the ~/.aws/config syntax) was silently taken as
    /// profile `x`; it is reported with its line.
    #[test]
    fn ini_profile_prefix_is_reported_with_its_line() {
        let text = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n\n[profile dev]\nregion = eu-west-1\n";
        let e = parse_credentials_ini(text, "credentials").unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        let shown = e.to_string();
        assert!(
            shown.starts_with("credentials, line 5: [profile dev]"),
            "{shown}"
        );
        assert!(
            shown.contains("~/.aws/config") && shown.contains("[dev]"),
            "{shown}"
        );
        assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    }

    /// Regression: a section written twice was read as two profiles of one name, the
    /// first silently winning; it is reported with both lines.
    #[test]
    fn ini_duplicate_sections_are_reported_with_both_lines() {
        let text = "[dev]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\n[other]\n[ dev ]\naws_access_key_id = AKIA2\naws_secret_access_key = s2\n";
        let e = parse_credentials_ini(text, "credentials").unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(
            e.to_string()
                .contains("[dev] appears twice, on lines 1 and 5"),
            "{e}"
        );
        // A half pair names the section's line too.
        let e = parse_credentials_ini("\n[a]\n\n[b]\naws_access_key_id = AKIA\n", "c").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
    }

    /// Regression: `create --aws-csv` took the first of several keys silently.
    #[test]
    fn only_key_refuses_several_naming_their_lines() {
        let csv = "Access key ID,Secret access key\nAKIAONE,s3cr3t-one\n\nAKIATWO,s3cr3t-two\n";
        let keys = parse_iam_csv(csv, "k.csv").unwrap();
        assert_eq!(
            keys.len(),
            2,
            "every row is returned, for the window to offer"
        );
        let e = only_key(keys, "k.csv").unwrap_err();
        assert_eq!(e.line, Some(4));
        let shown = e.to_string();
        assert!(
            shown.starts_with("k.csv, line 4: the file holds 2 access keys"),
            "{shown}"
        );
        assert!(
            shown.contains("line 2: AKIAONE; line 4: AKIATWO"),
            "{shown}"
        );
        assert!(!shown.contains("s3cr3t"), "{shown}");
        let one = parse_iam_csv("Access key ID,Secret access key\nAKIAONE,s\n", "k.csv").unwrap();
        assert_eq!(only_key(one, "k.csv").unwrap().access_key_id, "AKIAONE");
        assert!(only_key(Vec::new(), "k.csv").is_err());
    }

    #[test]
    fn csv_current_and_legacy() {
        let now = "\u{feff}Access key ID,Secret access key\r\nAKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n";
        let c = parse_iam_csv(now, "k.csv").unwrap();
        assert_eq!(c[0].access_key_id, "AKIAIOSFODNN7EXAMPLE");
        let legacy = "User name,Password,ACCESS KEY ID,Secret access key,Console login link\nalice,,AKIAIOSFODNN7EXAMPLE,s3cr3t,https://x\n";
        let c = parse_iam_csv(legacy, "k.csv").unwrap();
        assert_eq!(c[0].label, "alice");
        assert_eq!(c[0].secret_key.expose(), "s3cr3t");
    }

    #[test]
    fn csv_errors_name_line() {
        let e = parse_iam_csv("Name,Key\na,b\n", "k.csv").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = parse_iam_csv("Access key ID,Secret access key\nAKIAX,\n", "k.csv").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(!e.to_string().contains("AKIAX,"));
        // Found by the aws_csv fuzz target: blank lines shifted the line named.
        let e =
            parse_iam_csv("Access key ID,Secret access key\n\n\nAKIAX,\n", "k.csv").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn ini_section_spanning_lines_is_refused_without_quoting_it() {
        // Found by the aws_ini fuzz target: the name swallowed the next lines, secret included.
        let text = "[default][\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n[dev]\naws_access_key_id=AKIA2\n";
        let e = parse_credentials_ini(text, "creds").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        assert!(!e.to_string().contains("wJalrXUtnFEMI"), "{e}");
    }
}
