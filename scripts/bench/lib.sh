# Shared by the benchmark scripts (sourced, not run). See BENCHMARKS.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bin="${CARGO_TARGET_DIR:-$root/target}/release/aep-s3-connect"
floor="${CARGO_TARGET_DIR:-$root/target}/release/aep-s3-connect-floor"
work="$(mktemp -d "${TMPDIR:-/tmp}/aep-bench.XXXXXX")"
cleanup_hooks=("rm -rf '$work'")
trap 'for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done' EXIT

need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || {
            echo "error: $tool is not installed (Debian: apt-get install $tool)" >&2
            exit 1
        }
    done
}

# The release binary and the floor window (benches/floor, its own workspace, built into the same
# target dir so the shared dependencies are built once).
# BENCH_NO_BUILD=1 uses the binaries as they are.
build_release() {
    [ "${BENCH_NO_BUILD:-}" = 1 ] && [ -x "$bin" ] && [ -x "$floor" ] && return 0
    cargo build --release --quiet --bin aep-s3-connect
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" \
        cargo build --release --quiet --manifest-path "$root/benches/floor/Cargo.toml"
}

# Median of the numbers on stdin, one per line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# An Xvfb display of our own, stopped on exit.
start_xvfb() {
    need Xvfb
    local n
    for n in $(seq 70 99); do
        [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || break
    done
    Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
    cleanup_hooks+=("kill $! 2>/dev/null")
    export DISPLAY=":$n"
    unset WAYLAND_DISPLAY
    for _ in $(seq 50); do
        [ -e "/tmp/.X11-unix/X$n" ] && return 0
        sleep 0.1
    done
    echo "error: Xvfb did not start on :$n" >&2
    exit 1
}

# The emulator on a free loopback port; sets $emulator_url.
start_emulator() { # [EMULATOR OPTIONS...], e.g. --latency-ms 80
    "$bin" emulator --port 0 "$@" >"$work/emulator.out" 2>&1 &
    cleanup_hooks+=("kill $! 2>/dev/null")
    for _ in $(seq 100); do
        emulator_url="$(sed -n 's/^listening on //p' "$work/emulator.out")"
        [ -n "$emulator_url" ] && return 0
        sleep 0.05
    done
    echo "error: the emulator did not start" >&2
    cat "$work/emulator.out" >&2
    exit 1
}

# A configured home at $home (exported as AEP_S3_CONNECT_HOME): one profile on the emulator, its
# client secret in the keyring when there is one, and $1 past connections (default 100).
make_home() {
    home="$work/home"
    export AEP_S3_CONNECT_HOME="$home"
    printf '%s' "$demo_client_secret" | "$bin" profile add bench --activate --client-secret-stdin \
        --org-id "$demo_org" --client-id "$demo_client_id" --sandbox dev \
        --platform-url "$emulator_url" --ims-url "$emulator_url" >/dev/null
    local i
    for i in $(seq "${1:-100}"); do
        AEP_CLIENT_SECRET="$demo_client_secret" \
            AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYBENCHKEY0$((i % 10))" \
            "$bin" create --json --name "bench connection $i" \
            --access-key-id "AKIABENCHBENCH00000$((i % 10))" --bucket "bench-bucket-$i" >/dev/null
    done
}

# The demo credentials of the built-in emulator (src/emulator).
demo_org="DEMO5C1328435BF324E90A49@AdobeOrg"
demo_client_id="demo-client-id"
demo_client_secret="demo-client-secret"
