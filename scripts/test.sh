#!/usr/bin/env bash
# The project's test command (README and CI call it): every test target, plus the doc tests on a
# full run, with the real OS keyring tests switched on.
#
# On Linux the Secret Service tests need a D-Bus session with an unlocked keyring. When
# dbus-run-session and gnome-keyring-daemon are installed, this script starts a private session
# bus and a private gnome-keyring whose files live in a temp dir, unlocked with a throwaway
# password. That works headless, as root and in CI, and never touches your own keyring (its
# control socket and files are found through XDG_RUNTIME_DIR and XDG_DATA_HOME, both pointed at
# the temp dir). Without those tools the keyring tests say they were skipped.
#
# Usage: scripts/test.sh [cargo test arguments...]    e.g. scripts/test.sh --test keyring
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

run_tests() {
    # Arguments that pick targets (--test keyring, --lib, ...) are the caller's choice; without
    # any, every target runs. (--all-targets would override them, so it is added only then.)
    local arg selects_targets="" fail_fast_flag="--no-fail-fast"
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
}

if [ "$(uname -s)" != "Linux" ]; then
    # macOS and Windows tests use the user's own keychain / Credential Manager.
    run_tests "$@"
    exit
fi

if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
    echo "note: dbus-run-session or gnome-keyring-daemon is not installed: the real keyring tests will be skipped" >&2
    echo "      (Debian/Ubuntu: apt-get install dbus gnome-keyring)" >&2
    run_tests "$@"
    exit
fi

keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/aep-s3-connect-keyring.XXXXXX")"
trap 'rm -rf "$keyring_home"' EXIT
mkdir -m 700 "$keyring_home/data" "$keyring_home/runtime"

export -f run_tests
# Set for the bus too: services it starts on demand inherit its environment, not the caller's.
XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/runtime" \
    dbus-run-session -- bash -c '
set -euo pipefail
log="$XDG_RUNTIME_DIR/gnome-keyring.log"

# --unlock with the password on stdin creates the "login" keyring on first use, makes it the
# default collection (where the store writes) and unlocks it. --foreground keeps the daemon our
# child, so it is stopped below instead of outliving the bus.
printf "%s" "ci-keyring-password" |
    gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>"$log" &
keyring_pid=$!
trap "kill $keyring_pid 2>/dev/null || true; wait $keyring_pid 2>/dev/null || true" EXIT

if command -v dbus-send >/dev/null 2>&1; then
    # A test that called the Secret Service before the daemon owned its name would make D-Bus
    # start a second, locked daemon: wait for the name (NameHasOwner does not start anything).
    ready=""
    for _ in $(seq 100); do
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
            grep -q "boolean true"; then
            ready=1
            break
        fi
        sleep 0.1
    done
    if [ -z "$ready" ]; then
        echo "error: the private gnome-keyring-daemon did not start; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    default_collection="$(dbus-send --session --print-reply --dest=org.freedesktop.secrets \
        /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default |
        sed -n "s/.*object path \"\(.*\)\"/\1/p")"
    if [ -z "$default_collection" ] || [ "$default_collection" = "/" ]; then
        echo "error: the private keyring has no default collection, so secrets cannot be saved; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    echo "note: real keyring tests use a private, unlocked gnome-keyring ($default_collection) on a private D-Bus session" >&2
else
    sleep 1
    echo "note: real keyring tests use a private, unlocked gnome-keyring on a private D-Bus session" >&2
fi

export AEP_S3_CONNECT_REQUIRE_KEYRING=1
run_tests "$@"
' bash "$@"
