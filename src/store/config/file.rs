//! Reading and writing `config.toml`: errors that name the file, line and column, notes on the
//! keys this version does not know, and an atomic save that never replaces a file it cannot read.

use std::io::Write;
use std::path::Path;

use super::{Config, ConfigError, TIMEOUT_BOUNDS, location};

/// First lines of every saved file, so a reader knows where the secrets are not.
const HEADER: &str =
    "# aep-s3-connect configuration. Secrets are not stored here: they live in the OS keyring.\n\n";

impl Config {
    /// Reads the config; a missing file is an empty config. A malformed file is an error naming
    /// the file, line and column, and is never touched. Unknown keys are ignored: see
    /// [`Config::load_noting`] for the warnings about them.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Ok(Self::load_noting(path)?.0)
    }

    /// [`Config::load`], with a warning for each key the file has that this version does not
    /// know (a misspelt `total_sec` would otherwise be ignored in silence), naming file and line.
    pub fn load_noting(path: &Path) -> Result<(Config, Vec<String>), ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Config::default(), Vec::new()));
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::from_text_noting(path, &text)
    }

    /// Parses the text of a config file; `path` only names the file in errors. The same checks
    /// as [`Config::load`].
    pub fn from_text(path: &Path, text: &str) -> Result<Config, ConfigError> {
        Ok(Self::from_text_noting(path, text)?.0)
    }

    fn from_text_noting(path: &Path, text: &str) -> Result<(Config, Vec<String>), ConfigError> {
        let (config, unknown) = parse(path, text)?;
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = config.profiles.iter().find(|p| !seen.insert(&p.name)) {
            return Err(ConfigError::DuplicateProfile {
                path: path.to_path_buf(),
                name: dup.name.clone(),
            });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for ((key, value), (_, range)) in config.timeouts.values().into_iter().zip(TIMEOUT_BOUNDS) {
            if !range.contains(&value) {
                return Err(ConfigError::OutOfRange {
                    path: path.to_path_buf(),
                    line: key_line(text, &["timeouts", key]),
                    key: format!("timeouts.{key}"),
                    value: value.to_string(),
                    rule: format!(
                        "it must be from {} to {} seconds",
                        range.start(),
                        range.end()
                    ),
                });
            }
        }
        let mut notes: Vec<(Option<usize>, String)> = unknown
            .iter()
            .map(|key| {
                let segments: Vec<&str> = key.split('.').collect();
                let line = key_line(text, &segments);
                let note = format!(
                    "the config file {} has a key this version does not know, `{key}`{}: it was ignored (a misspelling? the keys are listed in the README)",
                    path.display(),
                    location(line, None)
                );
                (line, note)
            })
            .collect();
        // In the file's order.
        notes.sort_by_key(|(line, _)| *line);
        Ok((config, notes.into_iter().map(|(_, note)| note).collect()))
    }

    /// Writes the config atomically: a temp file in the same dir, flushed to disk, then renamed
    /// over the old one. Refuses to replace a file that does not parse, so a user's half-done
    /// edit is never lost.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let write_err = |source| ConfigError::Write {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(existing) => {
                parse(path, &existing)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        let text = self.to_text()?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(write_err)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".config.toml.")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(write_err)?;
        tmp.write_all(text.as_bytes()).map_err(write_err)?;
        tmp.as_file().sync_all().map_err(write_err)?;
        // On failure the temp file comes back inside the error and is deleted when it drops.
        tmp.persist(path).map_err(|e| write_err(e.error))?;
        sync_dir(dir).map_err(write_err)
    }

    /// The text [`Config::save`] writes: a header comment, then the TOML.
    pub fn to_text(&self) -> Result<String, ConfigError> {
        Ok(format!("{HEADER}{}", toml::to_string(self)?))
    }
}

/// The config in `text`, and the dotted paths of the keys it ignored.
fn parse(path: &Path, text: &str) -> Result<(Config, Vec<String>), ConfigError> {
    // Editors on Windows may add a byte order mark; TOML does not allow one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut unknown = Vec::new();
    toml::Deserializer::parse(text)
        .and_then(|de| serde_ignored::deserialize(de, |ignored| unknown.push(ignored.to_string())))
        .map(|config| (config, std::mem::take(&mut unknown)))
        .map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_column(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim_end().to_owned(),
            }
        })
}

/// The 1-based line of the key at `path` (table keys and array indexes), when the text has it.
fn key_line(text: &str, path: &[&str]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut span = None;
    let mut segments = path.iter().peekable();
    while let Some(segment) = segments.next() {
        let (key, value) = table.get_key_value(*segment)?;
        span = Some(key.span());
        let mut value = value.get_ref();
        // An array of tables: the next segment is the index.
        if let DeValue::Array(items) = value {
            let index: usize = segments.next()?.parse().ok()?;
            let item = items.get(index)?;
            span = Some(item.span());
            value = item.get_ref();
        }
        match value {
            DeValue::Table(t) => table = t,
            _ if segments.peek().is_none() => break,
            _ => return None,
        }
    }
    span.map(|s| line_column(text, s.start).0)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Makes the rename itself durable: on Unix a rename lives in the directory's metadata.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Windows has no directory handles to flush; `MoveFileEx` is durable enough for a config file.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let text = "active_profile = \"a\"\n[timeouts]\ntotal_sec = 5\n\n[[profiles]]\nname = \"a\"\norg_id = \"o\"\nclient_id = \"c\"\nsandbox = \"dev\"\ncolour = \"red\"\n";
        let (config, notes) = Config::from_text_noting(Path::new("c.toml"), text).unwrap();
        assert_eq!(config.profiles.len(), 1);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("`timeouts.total_sec` at line 3"),
            "{notes:?}"
        );
        assert!(
            notes[1].contains("`profiles.0.colour` at line 10"),
            "{notes:?}"
        );
    }

    #[test]
    fn timeouts_are_bounded() {
        let err = Config::from_text(Path::new("c.toml"), "[timeouts]\n\nconnect_secs = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("timeouts.connect_secs = 0 at line 3"), "{err}");
        assert!(err.contains("from 1 to 300 seconds"), "{err}");
        let fine = "[timeouts]\nconnect_secs = 300\ntotal_secs = 3600\nclock_slack_secs = 0\n";
        assert!(Config::from_text(Path::new("c.toml"), fine).is_ok());
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // "bé = " is 6 bytes but 5 characters.
        assert_eq!(line_column(text, 12), (2, 6));
        assert_eq!(line_column(text, 999), (3, 1));
    }
}
