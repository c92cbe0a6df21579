#!/usr/bin/env bash
# `connections rotate-key OLD --all-sandboxes` against a sequential curl loop doing the same
# GET + PATCH pairs: the emulator with 8 sandboxes the credential can use (prod, dev, live and 5
# extra) plus `noaccess` (403), 25 S3 connections with the old key in each of the 8 (200), and
# 80 ms of latency on every request.
#
# The curl loop is what a script without this tool does: a token, the sandbox list, each
# sandbox's connections (one page), then for each connection with the old key a GET (its etag)
# and a PATCH with If-Match, one request after the other. The tool does the same, four
# connections at a time (its default), journaled in its history. Before every timed run both are
# given the same starting point: every connection is set back to the old key (hyperfine
# --prepare). The tool exits 3 (noaccess could not be searched) after rotating everything; the
# exit code is ignored.
#
# Then the rate limit: the same run of the tool against an emulator that admits 30 requests a
# second (429 + Retry-After beyond), counting the 429s it met, and those that came more than a
# second after the first (the emulator keeps each 429's time).
#
# Usage: scripts/with-keyring.sh scripts/bench/rotate-key.sh [RUNS] [limit]   (default 3; with
# `limit`, only the rate-limit part)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine jq curl xargs
runs="${1:-3}"
part="${2:-all}"
per_sandbox=25
latency_ms=80
old=AKIAIOSFODNN7EXAMPLE
new=AKIAI44QH8DHBEXAMPL3
build_release

# Sets up an emulator (its options as arguments) with the connections; sets $emulator_url.
setup() {
    start_emulator --latency-ms "$latency_ms" --extra-sandboxes 5 "$@"
    access="$(curl -sf --retry 5 --retry-all-errors -X POST "$emulator_url/ims/token/v3" \
        --data "client_id=$demo_client_id&client_secret=$demo_client_secret&grant_type=client_credentials&scope=openid,AdobeID" |
        jq -r .access_token)"
    flow=(-H "x-api-key: $demo_client_id" -H "x-gw-ims-org-id: $demo_org" -H "Authorization: Bearer $access")
    sandboxes="$(curl -sf --retry 5 --retry-all-errors "${flow[@]}" "$emulator_url/data/foundation/sandbox-management/?limit=50" |
        jq -r '.sandboxes[].name' | grep -vx noaccess)"
    for s in $sandboxes; do
        seq "$per_sandbox" | xargs -P 8 -I{} curl -sf -o /dev/null --retry 5 --retry-all-errors -X POST \
            "${flow[@]}" -H "x-sandbox-name: $s" -H "Content-Type: application/json" \
            --data "{\"name\": \"$s connection {}\", \"auth\": {\"specName\": \"Access Key\", \"params\": {\"s3AccessKey\": \"$old\", \"s3SecretKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\", \"bucketName\": \"landing\"}}, \"connectionSpec\": {\"id\": \"ecadc60c-7455-4d87-84dc-2a0e293d997b\", \"version\": \"1.0\"}}" \
            "$emulator_url/data/foundation/flowservice/connections"
    done
}

# Every connection back to the old key, eight at a time (hyperfine's --prepare).
write_reset() {
    cat >"$work/reset.sh" <<EOF
#!/usr/bin/env bash
set -uo pipefail
flow=(-H "x-api-key: $demo_client_id" -H "x-gw-ims-org-id: $demo_org" -H "Authorization: Bearer $access")
body='[{"op": "replace", "path": "/auth/params", "value": {"s3AccessKey": "$old", "s3SecretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "bucketName": "landing"}}]'
for s in $(echo $sandboxes); do
    n=0
    while read -r id etag; do
        curl -sf -o /dev/null --retry 5 --retry-all-errors -X PATCH "\${flow[@]}" \
            -H "x-sandbox-name: \$s" -H "If-Match: \$etag" -H "Content-Type: application/json" \
            --data "\$body" "$emulator_url/data/foundation/flowservice/connections/\$id" &
        n=\$((n + 1))
        [ \$((n % 8)) = 0 ] && wait
    done < <(curl -sf --retry 5 --retry-all-errors "\${flow[@]}" -H "x-sandbox-name: \$s" \
        "$emulator_url/data/foundation/flowservice/connections?limit=100" | jq -r '.items[] | "\(.id) \(.etag)"')
    wait
done
EOF
    chmod +x "$work/reset.sh"
}

setup
write_reset

if [ "$part" != limit ]; then
# The loop a script would run: every request after the one before.
cat >"$work/curl-loop.sh" <<EOF
#!/usr/bin/env bash
set -uo pipefail
flow=(-H "x-api-key: $demo_client_id" -H "x-gw-ims-org-id: $demo_org")
access="\$(curl -sf -X POST "$emulator_url/ims/token/v3" --data "client_id=$demo_client_id&client_secret=$demo_client_secret&grant_type=client_credentials&scope=openid,AdobeID" | jq -r .access_token)"
flow+=(-H "Authorization: Bearer \$access")
rotated=0
for s in \$(curl -sf "\${flow[@]}" "$emulator_url/data/foundation/sandbox-management/?limit=50" | jq -r '.sandboxes[].name'); do
    ids="\$(curl -s "\${flow[@]}" -H "x-sandbox-name: \$s" "$emulator_url/data/foundation/flowservice/connections?property=connectionSpec.id%3D%3Decadc60c-7455-4d87-84dc-2a0e293d997b&limit=100" |
        jq -r '.items // [] | .[] | select(.auth.params.s3AccessKey == "AKIA************MPLE") | .id')"
    for id in \$ids; do
        etag="\$(curl -sf "\${flow[@]}" -H "x-sandbox-name: \$s" "$emulator_url/data/foundation/flowservice/connections/\$id" | jq -r '.items[0].etag')"
        curl -sf -o /dev/null -X PATCH "\${flow[@]}" -H "x-sandbox-name: \$s" -H "If-Match: \$etag" \
            -H "Content-Type: application/json" \
            --data '[{"op": "replace", "path": "/auth/params", "value": {"s3AccessKey": "$new", "s3SecretKey": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "bucketName": "landing"}}]' \
            "$emulator_url/data/foundation/flowservice/connections/\$id" && rotated=\$((rotated + 1))
    done
done
echo "\$rotated rotated"
EOF
chmod +x "$work/curl-loop.sh"
"$work/reset.sh"
echo "curl loop: $("$work/curl-loop.sh")"

home="$work/home"
printf '%s' "$demo_client_secret" | AEP_S3_CONNECT_HOME="$home" "$bin" profile add bench --activate \
    --client-secret-stdin --org-id "$demo_org" --client-id "$demo_client_id" --sandbox dev \
    --platform-url "$emulator_url" --ims-url "$emulator_url" >/dev/null
tool="env AEP_S3_CONNECT_HOME=$home AEP_CLIENT_SECRET=$demo_client_secret AWS_ACCESS_KEY_ID=$new AWS_SECRET_ACCESS_KEY=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY $bin connections rotate-key $old --all-sandboxes --yes --skip-s3-check --json"
"$work/reset.sh"
echo "tool: $($tool 2>/dev/null | jq -r '"\(.items | map(select(.status == "rotated")) | length) rotated; not searched: \(.unsearched | map(.sandbox) | join(", "))"')"

echo "machine: $(nproc) cores, $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --runs "$runs" --style basic -i --prepare "$work/reset.sh" --export-json "$work/rotate.json" \
    -n "curl loop (sequential GET + PATCH)" "$work/curl-loop.sh" \
    -n "connections rotate-key --all-sandboxes" "$tool"
jq -r '.results[] | "\(.command): median \(.median * 1000 | round) ms (min \(.min * 1000 | round), max \(.max * 1000 | round))"' \
    "$work/rotate.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
home="$work/home"

# The rate limit: a fresh emulator admitting 30 requests a second. Each run twice: with the
# limit's window cleared first (the tool alone against it: `sleep 1.2` after setting the
# connections back), and right after that reset, which used the limit up (other clients of the
# organisation sharing it).
kill "$(pgrep -f "$bin emulator --port 0" | head -1)" 2>/dev/null || true
rm -rf "$home"
setup --rate-limit 30
write_reset
"$work/reset.sh"
printf '%s' "$demo_client_secret" | AEP_S3_CONNECT_HOME="$home" "$bin" profile add bench --activate \
    --client-secret-stdin --org-id "$demo_org" --client-id "$demo_client_id" --sandbox dev \
    --platform-url "$emulator_url" --ims-url "$emulator_url" >/dev/null
tool="env AEP_S3_CONNECT_HOME=$home AEP_CLIENT_SECRET=$demo_client_secret AWS_ACCESS_KEY_ID=$new AWS_SECRET_ACCESS_KEY=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY $bin connections rotate-key $old --all-sandboxes --yes --skip-s3-check --json"
for run in $(seq "$runs"); do
    for wait_first in 1.2 0; do
        "$work/reset.sh"
        sleep "$wait_first"
        before="$(curl -sf "$emulator_url/_emulator/state" | jq '[.throttled, .requestCount]')"
        start=$(date +%s.%N)
        # The tool exits 3 (noaccess could not be searched): the count is what matters here.
        rotated="$($tool 2>/dev/null | jq '.items | map(select(.status == "rotated")) | length' || true)"
        end=$(date +%s.%N)
        state="$(curl -sf "$emulator_url/_emulator/state")"
        after="$(jq '[.throttled, .requestCount]' <<<"$state")"
        # The run's 429s, and those that came more than a second (the Retry-After) after its
        # first: the first burst is the requests already on their way when that one left.
        late="$(jq --argjson from "$(jq '.[0]' <<<"$before")" \
            '.throttledAtMs[$from:] | if length == 0 then 0 else (min + 1000) as $cut | map(select(. > $cut)) | length end' \
            <<<"$state")"
        echo "rate limit 30/s, run $run, waited ${wait_first} s first: $rotated rotated in" \
            "$(echo "$end - $start" | bc) s; requests $(jq -n "$after[1] - $before[1]")," \
            "429s $(jq -n "$after[0] - $before[0]"), of them more than 1 s after the first: $late"
    done
done
