#!/usr/bin/env bash
# Clippy as the compiler of this package's own crates, with every warning an error: CI runs the
# tests' build with RUSTC_WORKSPACE_WRAPPER pointing here (.ci/run), so the build that makes the
# test binaries also lints every target, as `cargo clippy --all-targets -- -D warnings` would.
# Only the workspace's crates come through here: the dependencies are built as for any `cargo
# test` (RUSTFLAGS untouched), so they are shared with the other builds of the run.
# Cargo calls it as: lint-driver.sh RUSTC ARGS... (bash, not sh: dash drops environment variables
# whose names are not shell names, such as CARGO_BIN_EXE_aep-s3-connect, which the tests read)
exec "$(rustc --print sysroot)/bin/clippy-driver" "$@" -D warnings
