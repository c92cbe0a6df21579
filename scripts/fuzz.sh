#!/usr/bin/env bash
# Runs every cargo-fuzz (libFuzzer) target of fuzz/ for a bounded time, on a temp copy of the
# committed corpus (fuzz/corpus/<target>/ plus fuzz/regressions/<target>/), so the checkout is
# never modified. Prints one summary line per target and exits non-zero when a target crashed
# (its reproducer is kept and its path printed) or could not run.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target, default 60; default all targets.
#        scripts/fuzz.sh --build-only              only build the targets (CI builds them early)
# Needs a nightly toolchain (libFuzzer's instrumentation); installs cargo-fuzz if it is missing.
# FUZZ_KEEP=1 keeps the temp dir (grown corpora, logs) and prints where it is.
# FUZZ_JOBS=N runs N targets at a time (default: one per CPU core), each a single-threaded
# libFuzzer process on its own core for its SECONDS, so N cores fuzz N times as much per minute.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Always fuzz/target (the paths below assume it), whatever CARGO_TARGET_DIR says.
export CARGO_TARGET_DIR="$PWD/fuzz/target"

build_only=""
if [ "${1:-}" = "--build-only" ]; then
    build_only=1
    shift
fi
seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]  (SECONDS: a positive whole number, got '$seconds')" >&2
    exit 2
fi

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "################################################################################" >&2
    echo "error: no nightly Rust toolchain: cargo-fuzz (libFuzzer) needs one." >&2
    echo "       Install it with: rustup toolchain install nightly" >&2
    echo "       The fuzz targets did NOT run." >&2
    echo "################################################################################" >&2
    exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    # Dev profile: it only runs cargo, and compiles in about half the time of a release build.
    echo "== installing cargo-fuzz (crates.io)"
    cargo install cargo-fuzz --locked --debug
fi

# The window is not built (fuzz/Cargo.toml uses the library without its `gui` feature).
# -a: debug assertions and overflow checks on, so an arithmetic overflow is a crash.
# -s none: the code under test forbids `unsafe`; without a sanitizer it runs about twice as fast.
build_flags=(--release --debug-assertions --sanitizer none)
echo "== cargo +nightly fuzz build ${build_flags[*]}"
cargo +nightly fuzz build "${build_flags[@]}"
[ -z "$build_only" ] || exit 0

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
bin_dir="fuzz/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"

work="$(mktemp -d "${TMPDIR:-/tmp}/aep-s3-connect-fuzz.XXXXXX")"
keep="${FUZZ_KEEP:-}"
cleanup() {
    if [ -n "$keep" ]; then
        echo "note: fuzz work dir kept: $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
if ! [[ "$jobs" =~ ^[0-9]+$ ]] || [ "$jobs" -eq 0 ]; then
    echo "error: FUZZ_JOBS must be a positive whole number, got '$jobs'" >&2
    exit 2
fi

# Fuzzes one target for $seconds; its summary line goes to $work/$target.line, and a failure
# (crash, hang, or a target that could not run) to $work/$target.failed with the details.
fuzz_one() {
    local target=$1
    local bin="$bin_dir/$target"
    local corpus="$work/corpus/$target"
    local artifacts="$work/artifacts/$target"
    local log="$work/$target.log"
    if [ ! -x "$bin" ]; then
        echo "$target: no such fuzz target (cargo +nightly fuzz list shows the targets)" >"$work/$target.line"
        : >"$work/$target.failed"
        return
    fi
    mkdir -p "$corpus" "$artifacts"
    for seed_dir in "fuzz/corpus/$target" "fuzz/regressions/$target"; do
        if [ -d "$seed_dir" ]; then
            find "$seed_dir" -maxdepth 1 -type f -exec cp -t "$corpus" {} +
        fi
    done
    local before after crashes execs rate status=0
    before="$(find "$corpus" -type f | wc -l)"
    echo "== $target: ${seconds}s on $before seed inputs"
    # -timeout: one input taking 10 s is a hang, reported like a crash.
    "$bin" "$corpus" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
    execs="$(sed -n "s/^stat::number_of_executed_units: *//p" "$log" | tail -n 1)"
    rate="$(sed -n "s/^stat::average_exec_per_sec: *//p" "$log" | tail -n 1)"
    after="$(find "$corpus" -type f | wc -l)"
    crashes="$(find "$artifacts" -type f | wc -l)"
    if [ "$status" -eq 0 ] && [ "$crashes" -eq 0 ]; then
        echo "$target: ${execs:-?} executions in ${seconds}s (${rate:-?} exec/s), corpus $before -> $after inputs, crashes: 0" >"$work/$target.line"
    else
        echo "$target: CRASHED after ${execs:-?} executions (exit $status), corpus $before -> $after inputs, crashes: $crashes" >"$work/$target.line"
        {
            echo "error: $target failed (exit $status); the end of its log:"
            grep -v '^#\|^INFO\|^stat::' "$log" | tail -n 30 || true
            find "$artifacts" -type f | sed 's/^/  reproducer: /'
            echo "  replay one: $bin <reproducer>; fix the bug, then add the file to fuzz/regressions/$target/"
        } >"$work/$target.failed"
    fi
    cat "$work/$target.line"
}

echo "== fuzzing ${#targets[@]} targets, ${seconds}s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    fuzz_one "$target" &
    running=$((running + 1))
done
wait

failed=0
summary=()
for target in "${targets[@]}"; do
    if [ ! -f "$work/$target.line" ]; then
        echo "$target: did not finish" >"$work/$target.line"
        : >"$work/$target.failed"
    fi
    summary+=("$(cat "$work/$target.line")")
    if [ -f "$work/$target.failed" ]; then
        failed=1
        keep=1
        cat "$work/$target.failed" >&2
    fi
done

echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    echo "error: fuzzing found a crash or could not run a target (see above)" >&2
    exit 1
fi
