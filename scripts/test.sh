#!/usr/bin/env bash
# The project's test command (README and CI call it): `cargo test` (the library's unit tests, the
# integration tests in tests/it/ and the doc tests; not the benchmarks) with the real OS keyring.
#
# On Linux the tests run inside scripts/with-keyring.sh: a private D-Bus session bus with a
# private, unlocked gnome-keyring whose files live in a temp dir. That works headless, as root and
# in CI, and never touches your own keyring. A test that needs something the machine lacks (the
# keyring without dbus-run-session and gnome-keyring-daemon, moto, Xvfb, ...) prints a SKIPPED
# line; with CI set (CI=true, as .ci/run sets it) it fails instead (tests/it/common/environment.rs).
#
# Usage: scripts/test.sh [cargo test arguments...]    e.g. scripts/test.sh --test it keyring::
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "--inside-keyring-session" ]; then
    exec scripts/with-keyring.sh "$0" --inside-keyring-session "$@"
fi
shift

# Test threads: the core count plus 4. Many tests mostly wait (on the emulator's delays, moto and
# Xvfb starting up, a reconcile's second lookup), so on 2 cores the integration tests take 152 s
# with the default of 2 threads and 91 s with 6 (measured under the same load).
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-$(($(nproc 2>/dev/null || echo 2) + 4))}"

# Every failing target is reported, not just the first (cargo refuses the flag twice).
fail_fast_flag="--no-fail-fast"
for arg in "$@"; do
    case "$arg" in
        --) break ;;
        --no-fail-fast) fail_fast_flag="" ;;
    esac
done
exec cargo test ${fail_fast_flag:+"$fail_fast_flag"} "$@"
