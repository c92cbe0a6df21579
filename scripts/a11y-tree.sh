#!/usr/bin/env bash
# Prints the window as a screen reader sees it (AT-SPI): starts the demo under Xvfb on a private
# D-Bus session with the accessibility bus switched on (org.a11y.Status IsEnabled=true), then
# dumps the app's accessibility tree (scripts/a11y-tree.py). Needs xvfb, dbus, at-spi2-core and
# python3-pyatspi (Debian packages). Usage: scripts/a11y-tree.sh [path to the binary]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${1:-target/release/aep-s3-connect}"
if [ "${1:-}" != "--inside" ]; then
    exec dbus-run-session -- xvfb-run -a -s "-screen 0 1400x900x24" "$0" --inside "$bin"
fi
bin="$2"
# The accessibility bus, and the switch that tells toolkits (AccessKit among them) to expose a tree.
/usr/libexec/at-spi-bus-launcher --launch-immediately &
launcher=$!
sleep 1
dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true >/dev/null
data=$(mktemp -d)
XDG_DATA_HOME="$data" XDG_CONFIG_HOME="$data" "$bin" --demo >"$data/app.log" 2>&1 &
app=$!
status=0
/usr/bin/python3 scripts/a11y-tree.py || status=$?
kill "$app" "$launcher" 2>/dev/null || true
rm -rf "$data"
exit "$status"
