#!/usr/bin/env bash
# Builds the Debian package with cargo-deb, installs it with dpkg and checks the installed result:
# `aep-s3-connect --version` from PATH, the desktop entry (desktop-file-validate), the AppStream
# metainfo (appstreamcli), the hicolor icons and the docs. CI runs it (.ci/run); it needs root (dpkg -i).
#
#   scripts/deb.sh [--remove] [--no-build]
#     --remove    remove the package again after the checks (leave the machine as it was)
#     --no-build  package the existing target/release/aep-s3-connect instead of building it
#
# Installs cargo-deb (crates.io) if missing, and desktop-file-utils + appstream (apt) if missing.
# `cargo deb` builds the release binary first: several minutes on a cold target dir.
set -euo pipefail
cd "$(dirname "$0")/.."

remove=0
build=1
for arg in "$@"; do
  case "$arg" in
    --remove) remove=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--remove] [--no-build]" >&2; exit 2 ;;
  esac
done

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive

need=()
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
command -v appstreamcli >/dev/null || need+=(appstream)
# cargo-deb computes Depends ($auto) with dpkg-shlibdeps when it is there.
command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
if [ ${#need[@]} -gt 0 ]; then
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! cargo deb --version >/dev/null 2>&1; then
  # Dev profile: it reads files and runs cargo and dpkg-deb, so an optimised build of it compiles
  # twice as long for nothing.
  echo "== cargo install cargo-deb --locked --debug"
  cargo install cargo-deb --locked --debug --quiet
fi

fail() { echo "FAIL: $*" >&2; exit 1; }

started=$(date +%s)
deb_args=()
[ "$build" -eq 1 ] || deb_args+=(--no-build)
echo "== cargo deb ${deb_args[*]:-(builds the release binary)}"
# Progress goes to stderr; the last line on stdout is the path of the package.
deb=$(cargo deb "${deb_args[@]}" | tail -n 1)
[ -f "$deb" ] || fail "cargo deb did not print the path of a .deb (last line: $deb)"
echo "== $deb: $(du -h "$deb" | cut -f1) ($(stat -c %s "$deb") bytes), built in $(($(date +%s) - started)) s"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
dpkg-deb --contents "$deb" | awk '{print $NF}' | grep -v '/$'
# The package's tree as AppStream sees it: the metainfo, the desktop entry it launches, the icon.
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
dpkg-deb --extract "$deb" "$tree"
appstreamcli validate-tree --no-net "$tree" || fail "appstreamcli validate-tree on the package's files"

echo "== dpkg -i"
if ! "${as_root[@]}" dpkg -i "$deb"; then
  # Missing dependencies: let apt fetch them and finish the configuration.
  "${as_root[@]}" apt-get install -f -y -qq --no-install-recommends
fi
dpkg -s aep-s3-connect | grep -E '^(Status|Version|Depends|Recommends):'

echo "== checks"
bin=$(command -v aep-s3-connect) || fail "aep-s3-connect is not on PATH"
[ "$bin" = /usr/bin/aep-s3-connect ] || fail "aep-s3-connect on PATH is $bin, not /usr/bin/aep-s3-connect"
version=$(aep-s3-connect --version)
echo "aep-s3-connect --version: $version"
want="aep-s3-connect $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
[[ "$version" == "$want"* ]] || fail "--version printed '$version', expected it to start with '$want'"

desktop=/usr/share/applications/aep-s3-connect.desktop
[ -f "$desktop" ] || fail "$desktop is not installed"
desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
grep -qx 'Exec=aep-s3-connect' "$desktop" || fail "$desktop does not run aep-s3-connect"
metainfo=/usr/share/metainfo/io.github.aep_s3_connect.metainfo.xml
[ -f "$metainfo" ] || fail "$metainfo is not installed"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate $metainfo"
for size in 16 24 32 48 64 128 256 512; do
  icon=/usr/share/icons/hicolor/${size}x${size}/apps/aep-s3-connect.png
  [ -f "$icon" ] || fail "$icon is not installed"
  # The PNG header's width (bytes 17-20, big-endian) must match the directory it is in.
  width=$(od -An -tu1 -j16 -N4 "$icon" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  [ "$width" -eq "$size" ] || fail "$icon is ${width} px wide"
done
[ -f /usr/share/icons/hicolor/scalable/apps/aep-s3-connect.svg ] || fail "the scalable icon is not installed"
for doc in README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE copyright; do
  [ -f "/usr/share/doc/aep-s3-connect/$doc" ] || fail "/usr/share/doc/aep-s3-connect/$doc is not installed"
done
echo "OK: installed, on PATH, desktop entry and metainfo valid, icons 16-512 + scalable, docs"

if [ "$remove" -eq 1 ]; then
  echo "== dpkg --remove aep-s3-connect"
  "${as_root[@]}" dpkg --remove aep-s3-connect
  [ ! -e /usr/bin/aep-s3-connect ] || fail "/usr/bin/aep-s3-connect is still there after removal"
  [ ! -e "$desktop" ] || fail "$desktop is still there after removal"
fi
echo "== scripts/deb.sh took $(($(date +%s) - started)) s"
