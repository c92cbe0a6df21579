#!/usr/bin/env bash
# Start-up to the first settled frame, and peak memory, of the window vs. the framework's floor
# (examples/floor.rs: the smallest eframe window with the same features and window options).
# Each run is a whole process under Xvfb that draws its first settled frame, saves it as PNG
# (--screenshot) and exits. Run it inside scripts/with-keyring.sh so the app finds a keyring.
#
# Two times per case: the whole process (hyperfine: start to exit, so the app's shutdown of its
# worker and history database counts too), and start to the first settled frame itself: the time
# the screenshot's PNG was written (its modification time, in nanoseconds) minus the time the
# process was started, measured from outside the program, the same way for the floor.
#
# Usage: scripts/with-keyring.sh scripts/bench/startup.sh [RUNS]     (default 10 runs per case)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine jq
runs="${1:-10}"
build_release
start_xvfb
start_emulator

# A configured home: one profile and 100 past connections.
make_home 100
unset AEP_S3_CONNECT_HOME

declare -A cmd=(
    [floor]="$floor $work/floor.png"
    [app-first-run]="env AEP_S3_CONNECT_HOME=$work/fresh $bin --screenshot $work/first.png"
    [app-100-rows]="env AEP_S3_CONNECT_HOME=$home $bin --screenshot $work/app.png"
    [app-demo]="$bin --demo --screenshot $work/demo.png"
)
cases=(floor app-first-run app-100-rows app-demo)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
args=()
for c in "${cases[@]}"; do args+=(-n "$c" "${cmd[$c]}"); done
hyperfine --runs "$runs" --warmup 2 --style basic --export-json "$work/startup.json" "${args[@]}"

# The PNG each case writes, the last word of its command.
png_of() { local words=(${cmd[$1]}); echo "${words[-1]}"; }
# Start to the first settled frame written: median of RUNS, in ms.
frame_ms() {
    local png start
    png="$(png_of "$1")"
    for _ in $(seq "$runs"); do
        rm -f "$png"
        start="$(date +%s%N)"
        ${cmd[$1]} >/dev/null 2>&1
        echo "$(( ($(stat -c %.9Y "$png" | tr -d .) - start) / 1000 ))"
    done | median | awk '{ printf "%.0f", $1 / 1000 }'
}

echo
echo "| case | median start to exit (ms) | x floor | median start to first settled frame written (ms) | x floor | median peak RSS (MiB) | x floor |"
echo "|---|---|---|---|---|---|---|"
floor_ms="" floor_frame="" floor_rss=""
for c in "${cases[@]}"; do
    ms="$(jq -r --arg c "$c" '.results[] | select(.command == $c) | .median * 1000' "$work/startup.json")"
    frame="$(frame_ms "$c")"
    for _ in $(seq "$runs"); do
        /usr/bin/time -f '%M' -o "$work/rss" ${cmd[$c]} >/dev/null 2>&1
        cat "$work/rss"
    done | median >"$work/rss.median"
    rss="$(awk '{ printf "%.1f", $1 / 1024 }' "$work/rss.median")"
    [ -n "$floor_ms" ] || { floor_ms="$ms"; floor_frame="$frame"; floor_rss="$rss"; }
    awk -v c="$c" -v ms="$ms" -v fm="$floor_ms" -v f="$frame" -v ff="$floor_frame" -v r="$rss" -v fr="$floor_rss" \
        'BEGIN { printf "| %s | %.0f | %.2f | %.0f | %.2f | %.1f | %.2f |\n", c, ms, ms / fm, f, f / ff, r, r / fr }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
