#!/usr/bin/env bash
# One create, whole process, against the emulator on loopback:
#   aep-s3-connect create --json   vs.   curl (+ jq for the token)   vs.   newman (Postman's CLI)
# "fresh token": each run asks IMS for a token, then creates (ours: no keyring, so no token cache).
# "token at hand": the token is already there (ours: from the keyring cache, or from
# AEP_ACCESS_TOKEN; curl and newman: a variable, and curl also with the token read from the same
# keyring by secret-tool, like for like with ours), so each run only creates.
# Every run creates a new connection with a unique name.
#
# Usage: scripts/with-keyring.sh scripts/bench/cli.sh [RUNS]     (default 20 runs per case)
# newman is installed from the npm registry into target/bench-node on first use.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine jq curl npm secret-tool
runs="${1:-20}"
build_release
start_emulator

node_dir="${CARGO_TARGET_DIR:-$root/target}/bench-node"
newman="$node_dir/node_modules/.bin/newman"
if [ ! -x "$newman" ]; then
    npm install --silent --no-audit --no-fund --prefix "$node_dir" newman@6 >/dev/null
fi

scopes="openid,session,AdobeID,read_organizations,additional_info.projectedProductContext"
spec="ecadc60c-7455-4d87-84dc-2a0e293d997b"
export AEP_S3_CONNECT_HOME="$work/home" AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYBENCHKEY00" \
    BENCH_URL="$emulator_url" BENCH_ORG="$demo_org" BENCH_CLIENT="$demo_client_id" \
    BENCH_SECRET="$demo_client_secret" BENCH_SCOPES="$scopes" BENCH_SPEC="$spec"
printf '%s' "$demo_client_secret" | "$bin" profile add bench --activate --client-secret-stdin \
    --org-id "$demo_org" --client-id "$demo_client_id" --sandbox dev \
    --platform-url "$emulator_url" --ims-url "$emulator_url" >/dev/null
"$bin" token >/dev/null # fills the keyring's token cache for the "token at hand" runs
BENCH_TOKEN="$(curl -sf -X POST "$emulator_url/ims/token/v3" --data-urlencode "client_id=$demo_client_id" \
    --data-urlencode "client_secret=$demo_client_secret" -d grant_type=client_credentials \
    --data-urlencode "scope=$scopes" | jq -r .access_token)"
export BENCH_TOKEN
# The same token in the keyring, for curl to read with libsecret's own CLI.
printf '%s' "$BENCH_TOKEN" | secret-tool store --label="aep-s3-connect benchmark token" \
    service aep-s3-connect-bench account token

# The same POST as docs/flow-service-api.md §2, by hand.
cat >"$work/curl-create.sh" <<'SH'
token="${1:-$BENCH_TOKEN}"
curl -sf -X POST "$BENCH_URL/data/foundation/flowservice/connections" \
    -H "Authorization: Bearer $token" -H "x-api-key: $BENCH_CLIENT" -H "x-gw-ims-org-id: $BENCH_ORG" \
    -H "x-sandbox-name: dev" -H "Content-Type: application/json" -H "Accept: application/json" \
    -d "{\"name\":\"curl $(date +%s%N)\",\"auth\":{\"specName\":\"Access Key\",\"params\":{\"s3AccessKey\":\"AKIABENCHBENCH000000\",\"s3SecretKey\":\"$AWS_SECRET_ACCESS_KEY\",\"bucketName\":\"bench-bucket\"}},\"connectionSpec\":{\"id\":\"$BENCH_SPEC\",\"version\":\"1.0\"}}" \
    >/dev/null
SH
cat >"$work/curl-keyring-create.sh" <<'SH'
token="$(secret-tool lookup service aep-s3-connect-bench account token)"
. "$(dirname "$0")/curl-create.sh" "$token"
SH
cat >"$work/curl-token-create.sh" <<'SH'
token="$(curl -sf -X POST "$BENCH_URL/ims/token/v3" --data-urlencode "client_id=$BENCH_CLIENT" \
    --data-urlencode "client_secret=$BENCH_SECRET" -d grant_type=client_credentials \
    --data-urlencode "scope=$BENCH_SCOPES" | jq -r .access_token)"
. "$(dirname "$0")/curl-create.sh" "$token"
SH

# The same two requests as a Postman collection (v2.1), as Adobe's own collection does them.
jq -n --arg spec "$spec" '{
  info: { name: "aep-s3-connect benchmark",
          schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  item: [
    { name: "token",
      event: [ { listen: "test", script: { exec: [
        "pm.collectionVariables.set(\"token\", pm.response.json().access_token);" ] } } ],
      request: { method: "POST", url: "{{url}}/ims/token/v3",
        body: { mode: "urlencoded", urlencoded: [
          { key: "client_id", value: "{{client_id}}" }, { key: "client_secret", value: "{{client_secret}}" },
          { key: "grant_type", value: "client_credentials" }, { key: "scope", value: "{{scopes}}" } ] } } },
    { name: "create",
      request: { method: "POST", url: "{{url}}/data/foundation/flowservice/connections",
        header: [ { key: "Authorization", value: "Bearer {{token}}" }, { key: "x-api-key", value: "{{client_id}}" },
                  { key: "x-gw-ims-org-id", value: "{{org}}" }, { key: "x-sandbox-name", value: "dev" },
                  { key: "Content-Type", value: "application/json" }, { key: "Accept", value: "application/json" } ],
        body: { mode: "raw", raw: ({ name: "newman {{$timestamp}}{{$randomInt}}",
          auth: { specName: "Access Key", params: { s3AccessKey: "AKIABENCHBENCH000000",
            s3SecretKey: "{{secret_key}}", bucketName: "bench-bucket" } },
          connectionSpec: { id: $spec, version: "1.0" } } | tojson) } } } ] }' >"$work/collection.json"
newman_args="run $work/collection.json --bail --silent --env-var url=$emulator_url --env-var client_id=$demo_client_id \
--env-var client_secret=$demo_client_secret --env-var scopes=$scopes --env-var org=$demo_org \
--env-var secret_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYBENCHKEY00"

ours="$bin create --json --access-key-id AKIABENCHBENCH000000 --bucket bench-bucket"
echo "machine: $(nproc) cores, $(uname -sr); $(curl --version | head -1 | cut -d' ' -f1-2); newman $("$newman" --version); node $(node --version); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --runs "$runs" --warmup 3 --style basic --export-json "$work/fresh.json" \
    -n "ours, fresh token" "env AEP_S3_CONNECT_NO_KEYRING=1 AEP_CLIENT_SECRET=$demo_client_secret $ours --name \"ours \$(date +%s%N)\"" \
    -n "curl, fresh token" "sh $work/curl-token-create.sh" \
    -n "newman, fresh token" "$newman $newman_args"
hyperfine --runs "$runs" --warmup 3 --style basic --export-json "$work/cached.json" \
    -n "ours, token at hand" "$ours --name \"ours \$(date +%s%N)\"" \
    -n "curl, token at hand" "sh $work/curl-create.sh" \
    -n "curl, token from the keyring (secret-tool)" "sh $work/curl-keyring-create.sh" \
    -n "newman, token at hand" "$newman $newman_args --folder create --env-var token=$BENCH_TOKEN" \
    -n "ours, token in AEP_ACCESS_TOKEN" "env AEP_S3_CONNECT_NO_KEYRING=1 AEP_ACCESS_TOKEN=$BENCH_TOKEN $ours --name \"ours \$(date +%s%N)\""

echo
echo "| case | median (ms) | ours / curl | ours / newman |"
echo "|---|---|---|---|"
for f in fresh cached; do
    jq -r '.results as $r
      | ([$r[] | select(.command | startswith("curl"))][0].median) as $curl
      | ($r[] | select(.command | startswith("newman")) | .median) as $newman
      | $r[] | "| \(.command) | \(.median * 1000 | round) | \(if (.command | startswith("ours"))
          then "\(.median / $curl * 100 | round / 100)x | \(.median / $newman * 1000 | round / 1000)x"
          else " | " end) |"' \
        "$work/$f.json"
done
jq -r '.results as $r
  | ([$r[] | select(.command | contains("secret-tool"))][0].median) as $floor
  | $r[] | select(.command == "ours, token at hand")
  | "ours with the keyring cache / curl with the token from the keyring: \(.median / $floor * 100 | round / 100)x"' \
    "$work/cached.json"
echo "connections made in the emulator: $(curl -sf "$emulator_url/_emulator/state" | jq '[.. | objects | select(has("connectionSpec"))] | length' 2>/dev/null || echo '?')"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
