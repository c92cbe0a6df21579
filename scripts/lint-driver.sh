#!/bin/sh
# Clippy as the compiler of this package's own crates, with every warning an error: CI runs the
# tests' build with RUSTC_WORKSPACE_WRAPPER pointing here (.ci/run), so the build that makes the
# test binaries also lints every target, as `cargo clippy --all-targets -- -D warnings` would.
# Only the workspace's crates come through here: the dependencies are built as for any `cargo
# test` (RUSTFLAGS untouched), so they are shared with the other builds of the run.
# Cargo calls it as: lint-driver.sh RUSTC ARGS...
exec "$(rustc --print sysroot)/bin/clippy-driver" "$@" -D warnings
