#!/usr/bin/env bash
# Adobe's own Postman requests for base connections, run with newman against the emulator.
#
# The requests are the "Connections" and "Connection specs" folders of Adobe's Flow Service API
# collection (tests/postman/flow-service-base-connections.postman_collection.json, MIT, extracted
# by scripts/postman/extract.py). tests/postman/steps.js puts them in order (token, specs, create,
# list, get, patch, test, explore, delete), chains IDs and etags between them and asserts what
# Adobe documents. Everything goes to the emulator on 127.0.0.1: the collection's URLs are
# variables set here, requests to any other host go to a dead proxy, and the report is checked.
#
# Usage: scripts/postman.sh [BINARY]    (default target/debug/aep-s3-connect, built when missing)
# newman 6 is installed from the npm registry into target/postman-node on first use.
# Exits non-zero when any request or assertion fails; the newman JSON report is left at
# target/postman-report.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"

for tool in node npm; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is not installed (Debian: apt-get install nodejs npm)" >&2
        exit 1
    }
done

bin="${1:-$target/debug/aep-s3-connect}"
if [ ! -x "$bin" ]; then
    if [ $# -gt 0 ]; then
        echo "error: $bin is not an executable" >&2
        exit 1
    fi
    cargo build --quiet --bin aep-s3-connect
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/aep-postman.XXXXXX")"
emulator_pid=""
cleanup() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node_dir="$target/postman-node"
newman="$node_dir/node_modules/.bin/newman"
if [ ! -x "$newman" ]; then
    echo "== installing newman@6 into $node_dir"
    npm install --silent --no-audit --no-fund --prefix "$node_dir" newman@6 >/dev/null
fi

"$bin" emulator --port 0 >"$work/emulator.out" 2>&1 &
emulator_pid=$!
url=""
for _ in $(seq 100); do
    url="$(sed -n 's/^listening on //p' "$work/emulator.out")"
    [ -n "$url" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || break
    sleep 0.05
done
case "$url" in
    http://127.0.0.1:[0-9]*) ;;
    *)
        echo "error: the emulator did not start on 127.0.0.1 (got '$url')" >&2
        cat "$work/emulator.out" >&2
        exit 1
        ;;
esac
echo "== emulator at $url; newman $("$newman" --version), node $(node --version)"

node scripts/postman/wrap.js compose tests/postman/flow-service-base-connections.postman_collection.json \
    tests/postman/steps.js "$work/collection.json"

# The emulator's demo credentials (src/emulator/mod.rs) and AWS's documented example key pair.
status=0
HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 \
    https_proxy=http://127.0.0.1:9 NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 \
    "$newman" run "$work/collection.json" --color off --timeout-request 15000 \
    --reporters cli,json --reporter-json-export "$work/report.json" \
    --env-var "PLATFORM_GATEWAY=$url" \
    --env-var "IMS_URL=$url" \
    --env-var "API_KEY=demo-client-id" \
    --env-var "CLIENT_SECRET=demo-client-secret" \
    --env-var "SCOPES=openid,session,AdobeID,read_organizations,additional_info.projectedProductContext" \
    --env-var "IMS_ORG=DEMO5C1328435BF324E90A49@AdobeOrg" \
    --env-var "SANDBOX_NAME=prod" \
    --env-var "CONNECTION_SPEC_ID=ecadc60c-7455-4d87-84dc-2a0e293d997b" \
    --env-var "S3_ACCESS_KEY=AKIAIOSFODNN7EXAMPLE" \
    --env-var "S3_SECRET_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" ||
    status=$?
[ -f "$work/report.json" ] || {
    echo "error: newman wrote no report (exit $status)" >&2
    exit 1
}
cp "$work/report.json" "$target/postman-report.json"
node scripts/postman/wrap.js check "$work/report.json" || status=1
exit "$status"
