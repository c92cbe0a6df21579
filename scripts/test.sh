#!/usr/bin/env bash
# The project's test command (README and CI call it): every test target, plus the doc tests on a
# full run, with the real OS keyring tests switched on.
#
# On Linux the tests run inside scripts/with-keyring.sh: a private D-Bus session bus with a
# private, unlocked gnome-keyring whose files live in a temp dir. That works headless, as root and
# in CI, and never touches your own keyring. Without dbus-run-session and gnome-keyring-daemon
# the keyring tests say they were skipped.
#
# Usage: scripts/test.sh [cargo test arguments...]    e.g. scripts/test.sh --test it keyring::
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "--inside-keyring-session" ]; then
    exec scripts/with-keyring.sh "$0" --inside-keyring-session "$@"
fi
shift
# The private keyring is there: the keyring tests must pass, not skip.
if [ "${AEP_S3_CONNECT_PRIVATE_KEYRING:-}" = 1 ]; then
    export AEP_S3_CONNECT_REQUIRE_KEYRING=1
fi

# Arguments that pick targets (--test it, --lib, ...) are the caller's choice; without any,
# every target runs. (--all-targets would override them, so it is added only then.)
selects_targets="" fail_fast_flag="--no-fail-fast"
for arg in "$@"; do
    case "$arg" in
        --) break ;;
        # cargo refuses a flag given twice.
        --no-fail-fast) fail_fast_flag="" ;;
        --lib | --bin | --bin=* | --bins | --test | --test=* | --tests | --bench | --bench=* | \
            --benches | --example | --example=* | --examples | --all-targets | --doc)
            selects_targets=1
            ;;
    esac
done
if [ -n "$selects_targets" ]; then
    cargo test "$@"
else
    # Every failing target is reported, not just the first.
    cargo test --all-targets ${fail_fast_flag:+"$fail_fast_flag"} "$@"
    # --all-targets leaves out doc tests, and cargo refuses --doc with target selection.
    cargo test --doc "$@"
fi
