//! Version and build information embedded by `build.rs`.

/// Crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Git commit the binary was built from, or `unknown`.
pub const GIT_COMMIT: &str = env!("AEP_S3_CONNECT_GIT_COMMIT");

/// `0.1.0 (abc1234)`: what `--version` and the About box show.
pub fn long_version() -> String {
    format!("{VERSION} ({GIT_COMMIT})")
}
