//! Where config and data live: the OS's config and data dirs, or one home given by the user.

use std::path::{Path, PathBuf};

/// Directory name under the OS's config and data dirs.
pub const APP_DIR: &str = "aep-s3-connect";
/// Environment variable that overrides both dirs (the CLI's `--data-dir`).
pub const HOME_VAR: &str = "AEP_S3_CONNECT_HOME";

/// Why the directories could not be worked out.
#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    /// The OS reports no config or data directory (typically `HOME` is unset).
    #[error(
        "could not find this system's {which} directory (is HOME set?): pass --data-dir DIR or set {HOME_VAR}"
    )]
    NoSystemDir {
        /// "config" or "data".
        which: &'static str,
    },
    /// The override was empty.
    #[error("the data directory given by --data-dir or {HOME_VAR} is empty: give a directory path")]
    EmptyOverride,
    /// The override could not be made absolute (the working directory is gone).
    #[error("could not resolve the data directory {path}: {source}")]
    Resolve {
        /// The path as given.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The app's directories: config (TOML) and data (history, logs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppPaths {
    /// Holds `config.toml`.
    pub config_dir: PathBuf,
    /// Holds the history database and logs.
    pub data_dir: PathBuf,
}

impl AppPaths {
    /// `<home>/config` and `<home>/data` when a home is given, else the OS's dirs + `aep-s3-connect`.
    ///
    /// A relative home is made absolute now, so a later change of working directory cannot move
    /// the data. Nothing is created on disk: see [`AppPaths::create_dirs`].
    pub fn resolve(override_home: Option<&Path>) -> Result<AppPaths, PathsError> {
        if let Some(home) = override_home {
            if home.as_os_str().is_empty() {
                return Err(PathsError::EmptyOverride);
            }
            let home = std::path::absolute(home).map_err(|source| PathsError::Resolve {
                path: home.to_path_buf(),
                source,
            })?;
            return Ok(Self::under(&home));
        }
        let config = dirs::config_dir().ok_or(PathsError::NoSystemDir { which: "config" })?;
        let data = dirs::data_dir().ok_or(PathsError::NoSystemDir { which: "data" })?;
        Ok(AppPaths {
            config_dir: config.join(APP_DIR),
            data_dir: data.join(APP_DIR),
        })
    }

    /// The layout used under an explicit home directory.
    pub fn under(home: &Path) -> AppPaths {
        AppPaths {
            config_dir: home.join("config"),
            data_dir: home.join("data"),
        }
    }

    /// `config.toml` in the config dir.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// `history.sqlite3` in the data dir.
    pub fn history_db(&self) -> PathBuf {
        self.data_dir.join("history.sqlite3")
    }

    /// `sandboxes.json` in the data dir: the sandbox lists last read
    /// ([`crate::store::sandboxes`]).
    pub fn sandboxes_file(&self) -> PathBuf {
        self.data_dir.join("sandboxes.json")
    }

    /// `logs/` in the data dir.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// Creates the config and data dirs if they are missing.
    pub fn create_dirs(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.config_dir)?;
        std::fs::create_dir_all(&self.data_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_home_splits_into_config_and_data() {
        let paths = AppPaths::resolve(Some(Path::new("/tmp/aep-home"))).unwrap();
        assert_eq!(paths.config_dir, Path::new("/tmp/aep-home/config"));
        assert_eq!(paths.data_dir, Path::new("/tmp/aep-home/data"));
        assert_eq!(
            paths.config_file(),
            Path::new("/tmp/aep-home/config/config.toml")
        );
        assert_eq!(
            paths.history_db(),
            Path::new("/tmp/aep-home/data/history.sqlite3")
        );
        assert_eq!(paths.log_dir(), Path::new("/tmp/aep-home/data/logs"));
    }

    #[test]
    fn relative_override_becomes_absolute() {
        let paths = AppPaths::resolve(Some(Path::new("rel-home"))).unwrap();
        assert!(paths.config_dir.is_absolute());
        assert!(paths.config_dir.ends_with("rel-home/config"));
    }

    #[test]
    fn empty_override_is_an_error() {
        let e = AppPaths::resolve(Some(Path::new(""))).unwrap_err();
        assert!(e.to_string().contains("--data-dir"));
    }

    #[test]
    fn default_uses_os_dirs_with_app_name() {
        // HOME is set wherever tests run; without it the error path is what users see.
        if let Ok(paths) = AppPaths::resolve(None) {
            assert!(paths.config_dir.ends_with(APP_DIR));
            assert!(paths.data_dir.ends_with(APP_DIR));
        }
    }

    #[test]
    fn create_dirs_makes_both() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = AppPaths::resolve(Some(&tmp.path().join("h"))).unwrap();
        paths.create_dirs().unwrap();
        assert!(paths.config_dir.is_dir());
        assert!(paths.data_dir.is_dir());
    }
}
