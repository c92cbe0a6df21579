//! What a test needs from the machine (a tool, the OS keyring, moto, a user whom file permissions
//! bind), and the one way a test that lacks it is skipped: [`require`].

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use aep_s3_connect::store::secrets::{KeyringStatus, SecretStore};

/// True under CI: `CI` is set to anything but empty, `0` or `false` (CI systems set `CI=true`, and
/// so does `.ci/run`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Whether the calling test has `what` it needs from the environment: returns `available`.
///
/// When it is not available the test is skipped: a `SKIPPED` line naming the test and `what` goes
/// to stderr (written directly, which the test harness does not capture), and `false` tells the
/// caller to return (or to leave out the part that needs it). Under CI ([`in_ci`]) a skip is a
/// failure instead, so a CI run can never pass with a group of tests that did not run.
#[track_caller]
pub fn require(what: &str, available: bool) -> bool {
    if available {
        return true;
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    assert!(
        !in_ci(),
        "{test} needs {what}; under CI (CI is set) no test may be skipped: .ci/run installs what the tests need"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: needs {what}");
    false
}

/// True when `tool` is on the PATH (xvfb-run, dbus-run-session, ...).
pub fn have_tool(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The real OS keyring (on Linux: a Secret Service on the D-Bus session bus), or why it cannot
/// be used here.
pub fn real_keyring() -> Result<SecretStore, String> {
    if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return Err("no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)".to_owned());
    }
    let store = SecretStore::open_default();
    match store.status() {
        KeyringStatus::Available { .. } => Ok(store),
        status @ KeyringStatus::Unavailable { .. } => Err(status.to_string()),
    }
}

/// What [`require`] says about a keyring that [`real_keyring`] could not open.
pub fn keyring_needed(why: &str) -> String {
    format!(
        "the OS keyring, which cannot be used here: {why} (scripts/test.sh runs the tests with a private gnome-keyring when dbus and gnome-keyring are installed)"
    )
}

/// True inside `scripts/with-keyring.sh` (so inside `scripts/test.sh`): a private, unlocked
/// gnome-keyring on a private session bus, which a test may fill and empty freely.
pub fn private_keyring() -> bool {
    std::env::var("AEP_S3_CONNECT_PRIVATE_KEYRING").is_ok_and(|v| v == "1")
}

/// True when folder permissions bind this process: a file cannot be created in a folder of mode
/// 0500. Root ignores them (and CI runs as root).
#[cfg(unix)]
pub fn permissions_bind() -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500)).unwrap();
    let bound = std::fs::write(dir.path().join("probe"), "x").is_err();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    bound
}

/// A copy of an executable in a temp dir that anyone may enter, so that `nobody` can run it
/// wherever the original lies (a checkout in a folder only root may enter, say). Removed on drop.
pub struct NobodyCopy {
    _dir: tempfile::TempDir,
    /// The copied executable.
    pub exe: PathBuf,
}

impl NobodyCopy {
    /// Copies `exe` (mode bits kept).
    #[cfg(unix)]
    pub fn of(exe: &Path) -> Self {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let copy = dir.path().join(exe.file_name().unwrap());
        std::fs::copy(exe, &copy).unwrap();
        Self {
            _dir: dir,
            exe: copy,
        }
    }

    /// `setpriv` running the copy as `nobody` (user and group 65534, no supplementary groups),
    /// from `/`, with temp files in `/tmp`.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&self.exe)
            .current_dir("/")
            .env("TMPDIR", "/tmp");
        cmd
    }
}

/// For a test of what read-only folders do, which root would pass without checking anything.
///
/// True when folder permissions bind this process: run the checks here. Otherwise (root) the
/// test `module::name` (its `module_path!()` and name) runs again in a child process, a copy of
/// this test binary run as `nobody`, and false is returned once it passed there (a failure there
/// fails this test); when that cannot be done, the test is skipped through [`require`].
#[cfg(unix)]
#[track_caller]
pub fn permissions_bind_or_run_as_nobody(module: &str, name: &str) -> bool {
    const CHILD_VAR: &str = "AEP_S3_CONNECT_TEST_AS_NOBODY";
    if permissions_bind() {
        return true;
    }
    assert!(
        std::env::var_os(CHILD_VAR).is_none(),
        "running as nobody, and folder permissions still do not bind"
    );
    // The test's path inside the test binary: its module less the crate, and its name.
    let test = match module.split_once("::") {
        Some((_, path)) => format!("{path}::{name}"),
        None => name.to_owned(),
    };
    let copy = NobodyCopy::of(&std::env::current_exe().unwrap());
    let output = copy
        .command()
        .args(["--exact", &test, "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, "1")
        .output();
    let ran = match &output {
        Ok(out) => {
            let stdout = String::from_utf8_lossy(&out.stdout);
            stdout.contains("1 passed") || stdout.contains("1 failed")
        }
        Err(_) => false,
    };
    if !require(
        &format!(
            "a user whom folder permissions bind: this is root, and setpriv could not run the test as nobody ({output:?})"
        ),
        ran,
    ) {
        return false;
    }
    let out = output.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "as nobody, {test} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = writeln!(std::io::stderr(), "{test}: passed as nobody");
    false
}
