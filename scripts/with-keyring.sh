#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a private, unlocked gnome-keyring, so the
# app's OS keyring works headless, as root and in CI, without touching your own keyring. The
# keyring's files live in a temp dir (XDG_DATA_HOME and XDG_RUNTIME_DIR point there), removed
# afterwards. The command sees AEP_S3_CONNECT_PRIVATE_KEYRING=1.
#
# Without dbus-run-session and gnome-keyring-daemon (Debian: apt-get install dbus gnome-keyring)
# it says so and runs the command as it is, without a keyring.
#
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail

if [ "$(uname -s)" != "Linux" ]; then
    # macOS and Windows use the user's own keychain / Credential Manager.
    exec "$@"
fi

if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
    echo "note: dbus-run-session or gnome-keyring-daemon is not installed: running without a keyring" >&2
    echo "      (Debian/Ubuntu: apt-get install dbus gnome-keyring)" >&2
    exec "$@"
fi

keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/aep-s3-connect-keyring.XXXXXX")"
trap 'rm -rf "$keyring_home"' EXIT
mkdir -m 700 "$keyring_home/data" "$keyring_home/runtime"

# Set for the bus too: services it starts on demand inherit its environment, not the caller's.
XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/runtime" \
    dbus-run-session -- bash -c '
set -euo pipefail
log="$XDG_RUNTIME_DIR/gnome-keyring.log"

# --unlock with the password on stdin creates the "login" keyring on first use, makes it the
# default collection (where the store writes) and unlocks it. --foreground keeps the daemon our
# child, so it is stopped below instead of outliving the bus.
printf "%s" "private-keyring-password" |
    gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>"$log" &
keyring_pid=$!
trap "kill $keyring_pid 2>/dev/null || true; wait $keyring_pid 2>/dev/null || true" EXIT

if command -v dbus-send >/dev/null 2>&1; then
    # A call to the Secret Service before the daemon owned its name would make D-Bus start a
    # second, locked daemon: wait for the name (NameHasOwner does not start anything).
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
    echo "note: using a private, unlocked gnome-keyring ($default_collection) on a private D-Bus session" >&2
else
    sleep 1
    echo "note: using a private, unlocked gnome-keyring on a private D-Bus session" >&2
fi

export AEP_S3_CONNECT_PRIVATE_KEYRING=1
"$@"
' bash "$@"
