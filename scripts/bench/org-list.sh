#!/usr/bin/env bash
# `connections list --all-sandboxes` against a sequential curl loop doing the same requests: the
# emulator with 8 sandboxes the credential can use (prod, dev, live and 5 extra) plus `noaccess`
# (403), 250 S3 connections in each of the 8, and 80 ms of latency on every request.
#
# The curl loop is what a script without this tool does: a token, the sandbox list, then every
# page (100 connections a page, following `_links.next`) of each sandbox, one request after the
# other. The tool sends the same requests, four sandboxes at a time, and merges each sandbox
# with its history. Both are timed as whole processes (hyperfine); both exit non-zero-free:
# the tool exits 3 (noaccess could not be listed) after printing everything, which is ignored.
#
# Usage: scripts/with-keyring.sh scripts/bench/org-list.sh [RUNS]      (default 10)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine jq curl xargs
runs="${1:-10}"
per_sandbox=250
latency_ms=80
build_release
start_emulator --latency-ms "$latency_ms" --extra-sandboxes 5

token() {
    curl -sf -X POST "$emulator_url/ims/token/v3" \
        --data "client_id=$demo_client_id&client_secret=$demo_client_secret&grant_type=client_credentials&scope=openid,AdobeID" |
        jq -r .access_token
}
flow=(-H "x-api-key: $demo_client_id" -H "x-gw-ims-org-id: $demo_org")

# The connections, made many at a time (the latency is per request, not a queue).
access="$(token)"
sandboxes="$(curl -sf "${flow[@]}" -H "Authorization: Bearer $access" \
    "$emulator_url/data/foundation/sandbox-management/?limit=50" | jq -r '.sandboxes[].name' | grep -vx noaccess)"
echo "sandboxes: $(echo $sandboxes)"
for s in $sandboxes; do
    seq "$per_sandbox" | xargs -P 32 -I{} curl -sf -o /dev/null -X POST \
        "${flow[@]}" -H "Authorization: Bearer $access" -H "x-sandbox-name: $s" \
        -H "Content-Type: application/json" \
        --data "{\"name\": \"$s connection {}\", \"auth\": {\"specName\": \"Access Key\", \"params\": {\"s3AccessKey\": \"AKIAIOSFODNN7EXAMPLE\", \"s3SecretKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}}, \"connectionSpec\": {\"id\": \"ecadc60c-7455-4d87-84dc-2a0e293d997b\", \"version\": \"1.0\"}}" \
        "$emulator_url/data/foundation/flowservice/connections"
done

# The loop a script would run: every request after the one before.
cat >"$work/curl-loop.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
flow=(-H "x-api-key: $demo_client_id" -H "x-gw-ims-org-id: $demo_org")
access="\$(curl -sf -X POST "$emulator_url/ims/token/v3" --data "client_id=$demo_client_id&client_secret=$demo_client_secret&grant_type=client_credentials&scope=openid,AdobeID" | jq -r .access_token)"
auth=(-H "Authorization: Bearer \$access")
count=0
for s in \$(curl -sf "\${flow[@]}" "\${auth[@]}" "$emulator_url/data/foundation/sandbox-management/?limit=50" | jq -r '.sandboxes[].name'); do
    next="/connections?property=connectionSpec.id%3D%3Decadc60c-7455-4d87-84dc-2a0e293d997b&limit=100"
    while [ -n "\$next" ]; do
        page="\$(curl -s "\${flow[@]}" "\${auth[@]}" -H "x-sandbox-name: \$s" "$emulator_url/data/foundation/flowservice\$next")"
        count=\$((count + \$(echo "\$page" | jq '.items // [] | length')))
        next="\$(echo "\$page" | jq -r '._links.next.href // empty')"
    done
done
echo "\$count connections"
EOF
chmod +x "$work/curl-loop.sh"
echo "curl loop: $("$work/curl-loop.sh")"

home="$work/home"
printf '%s' "$demo_client_secret" | AEP_S3_CONNECT_HOME="$home" "$bin" profile add bench --activate \
    --client-secret-stdin --org-id "$demo_org" --client-id "$demo_client_id" --sandbox dev \
    --platform-url "$emulator_url" --ims-url "$emulator_url" >/dev/null
tool="env AEP_S3_CONNECT_HOME=$home AEP_CLIENT_SECRET=$demo_client_secret $bin connections list --all-sandboxes --json"
echo "tool: $($tool 2>/dev/null | jq -r '"\(.total) connections; sandboxes not listed in full: \(.error.failedSandboxes // [] | join(", "))"')"

echo "machine: $(nproc) cores, $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --runs "$runs" --warmup 1 --style basic -i --export-json "$work/org-list.json" \
    -n "curl loop (sequential)" "$work/curl-loop.sh" \
    -n "connections list --all-sandboxes" "$tool"
jq -r '.results[] | "\(.command): median \(.median * 1000 | round) ms (min \(.min * 1000 | round), max \(.max * 1000 | round))"' \
    "$work/org-list.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
