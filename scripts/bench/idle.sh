#!/usr/bin/env bash
# Idle CPU: the window open with nothing happening, CPU time over 10 s from /proc/PID/stat
# (utime + stime of all threads), for the app (one profile, 100 past connections) and the floor.
#
# Usage: scripts/with-keyring.sh scripts/bench/idle.sh [SECONDS] [RUNS]   (default 10 s, 3 runs)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds="${1:-10}"
runs="${2:-3}"
build_release
start_xvfb
start_emulator

make_home 100

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz="$(getconf CLK_TCK)"

measure() {
    local name="$1"
    shift
    for _ in $(seq "$runs"); do
        "$@" >/dev/null 2>&1 &
        local pid=$!
        sleep 5 # start-up and the first frames settle
        local t0
        t0="$(ticks "$pid")"
        sleep "$seconds"
        local t1
        t1="$(ticks "$pid")"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.3f\n", (b - a) / hz / s * 100 }'
    done | tee "$work/$name.runs" >/dev/null
    printf '| %s | %s | %s |\n' "$name" "$(median <"$work/$name.runs")" "$(paste -sd' ' "$work/$name.runs")"
}

echo "machine: $(nproc) cores, $(uname -sr); clock ticks: $hz/s (resolution $(awk -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f", 100 / hz / s }') % over $seconds s)"
echo "| window, idle ${seconds} s | median CPU (% of one core) | runs |"
echo "|---|---|---|"
measure floor "$floor"
measure app env AEP_S3_CONNECT_HOME="$home" "$bin"
