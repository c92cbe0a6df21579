#!/usr/bin/env bash
# The real window, driven as a person would (scripts/real-window.py): at 800×600 and 1920×1080,
# under Xvfb with the accessibility bus on, the demo creates a connection, its ID is copied from
# the result card and read back from the X clipboard, its details and the delete confirmation
# are opened, then one connection is created in two sandboxes (the form's Sandboxes list, the
# production confirmation, the batch's rows), and the key rotated everywhere from a connection's
# Manage menu (the plan, production confirmed, the summary); after each state a screenshot, and every showing
# node must lie inside the window.
# Needs xvfb, dbus, at-spi2-core, python3-pyatspi, xdotool, xclip and imagemagick.
# Usage: scripts/real-window.sh [binary] [screenshot dir]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${1:-}" != "--inside" ]; then
    bin="${1:-target/release/aep-s3-connect}"
    out="${2:-target/real-window}"
    mkdir -p "$out"
    status=0
    for size in 800x600 1920x1080; do
        dbus-run-session -- xvfb-run -a -s "-screen 0 ${size}x24" "$0" --inside "$bin" "$out" "$size" \
            || status=$?
    done
    exit "$status"
fi
bin="$2" out="$3" size="$4"
/usr/libexec/at-spi-bus-launcher --launch-immediately &
launcher=$!
sleep 1
dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true >/dev/null
data=$(mktemp -d)
XDG_DATA_HOME="$data" XDG_CONFIG_HOME="$data" XDG_CACHE_HOME="$data" "$bin" --demo >"$data/app.log" 2>&1 &
app=$!
# No window manager: the window is placed at 0,0 and sized to the screen here.
window=$(xdotool search --sync --name "aep-s3-connect" | head -n 1)
xdotool windowmove "$window" 0 0 windowsize "$window" "${size%x*}" "${size#*x}"
xdotool windowfocus "$window" mousemove 1 1
sleep 1
status=0
/usr/bin/python3 scripts/real-window.py "${size%x*}" "${size#*x}" "$out" || status=$?
kill "$app" "$launcher" 2>/dev/null || true
wait "$app" 2>/dev/null || true
[ "$status" = 0 ] || sed 's/^/app: /' "$data/app.log" | tail -n 20 >&2
rm -rf "$data"
exit "$status"
