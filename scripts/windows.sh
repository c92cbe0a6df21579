#!/usr/bin/env bash
# Builds the Windows release on Linux: the two .exe files (cross-compiled with MinGW-w64), a check
# that they import only DLLs Windows itself has, Authenticode signing when a certificate is
# configured, the portable .zip and the NSIS installer. CI runs it (.ci/run), then
# scripts/windows-test.sh installs and exercises the result under Wine.
#
#   scripts/windows.sh [--no-build]
#     --no-build  package the .exe files already built instead of building them
#
# Needs (Debian/Ubuntu): apt-get install gcc-mingw-w64-x86-64 nsis zip osslsigncode, and
# `rustup target add x86_64-pc-windows-gnu`. Anything missing stops it with what to install: a
# release without its Windows build must not pass quietly.
#
# Writes to $CARGO_TARGET_DIR (default target/):
#   x86_64-pc-windows-gnu/release/aep-s3-connect.exe         the app and command line (console program)
#   x86_64-pc-windows-gnu/release/aep-s3-connect-window.exe  the shortcuts' launcher (no console)
#   windows/aep-s3-connect-VERSION-windows-x86_64.zip        portable: unzip and run
#   windows/aep-s3-connect-VERSION-setup.exe                 the per-user installer
#
# Signing (scripts/windows-sign.sh): set AEP_SIGN_PFX (a PKCS#12 file with the code-signing
# certificate and key) and AEP_SIGN_PASSWORD; AEP_SIGN_TIMESTAMP_URL picks the RFC 3161 timestamp
# server. Without AEP_SIGN_PFX every file says "not signed: no certificate configured".
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
  esac
done

TARGET=x86_64-pc-windows-gnu
target_dir="${CARGO_TARGET_DIR:-target}"
bin_dir="$target_dir/$TARGET/release"
out_dir="$target_dir/windows"

fail() { echo "scripts/windows.sh: $*" >&2; exit 1; }

# Everything needed, checked up front with what to install.
missing=()
for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres x86_64-w64-mingw32-objdump makensis zip; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] ||
  fail "missing ${missing[*]}: apt-get install gcc-mingw-w64-x86-64 nsis zip (and osslsigncode to sign)"
if [ "$build" -eq 1 ] && ! rustup target list --installed | grep -x "$TARGET" >/dev/null; then
  fail "the Rust target $TARGET is not installed: rustup target add $TARGET"
fi

# The version is Cargo.toml's; the installer's version block wants four numbers.
version="$(cargo pkgid | sed 's/.*[#@]//')"
[[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]] || fail "cannot read the version from cargo pkgid: $version"
version_quad="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}.0"

if [ "$build" -eq 1 ]; then
  echo "== cargo build --release --target $TARGET --features windows-launcher"
  start=$SECONDS
  cargo build --release --locked --target "$TARGET" --features windows-launcher --bins
  echo "built in $((SECONDS - start)) s"
fi
for exe in aep-s3-connect.exe aep-s3-connect-window.exe; do
  [ -f "$bin_dir/$exe" ] || fail "$bin_dir/$exe is missing (build without --no-build)"
done

# The DLLs an .exe may import: those every Windows 10/11 has in System32. A MinGW runtime DLL
# (libgcc_s_seh-1, libstdc++-6, libwinpthread-1) or anything else would have to ship beside the
# .exe, and is refused here.
SYSTEM_DLLS='^(advapi32|bcrypt|bcryptprimitives|combase|comctl32|comdlg32|crypt32|dwmapi|dwrite|gdi32|imm32|kernel32|msvcrt|ntdll|ole32|oleaut32|opengl32|propsys|secur32|shcore|shell32|shlwapi|uiautomationcore|user32|userenv|uxtheme|version|winmm|ws2_32|api-ms-win-[a-z0-9-]+)\.dll$'
echo "== imports (x86_64-w64-mingw32-objdump -p): only DLLs Windows has"
# The command line is a console program (CUI), the launcher is not (GUI): README, "Windows".
for check in "aep-s3-connect.exe:Windows CUI" "aep-s3-connect-window.exe:Windows GUI"; do
  exe="${check%%:*}"
  headers="$(x86_64-w64-mingw32-objdump -p "$bin_dir/$exe")"
  dlls="$(sed -n 's/^[[:space:]]*DLL Name: //p' <<<"$headers" | tr 'A-Z' 'a-z' | sort -u)"
  [ -n "$dlls" ] || fail "$exe: objdump found no imports at all (not a PE file?)"
  subsystem="$(sed -n 's/^Subsystem[[:space:]].*(\(.*\))$/\1/p' <<<"$headers")"
  echo "$exe ($(($(stat -c %s "$bin_dir/$exe") / 1024)) KiB, $subsystem): $(paste -sd ' ' <<<"$dlls")"
  bad="$(grep -Ev "$SYSTEM_DLLS" <<<"$dlls" || true)"
  [ -z "$bad" ] || fail "$exe imports DLLs Windows does not have: $(paste -sd ' ' <<<"$bad")"
  [ "$subsystem" = "${check#*:}" ] || fail "$exe is a $subsystem program, expected ${check#*:}"
done

# The files both packages carry. The Phosphor licence goes along because the font is built into
# the .exe (src/ui/icons.rs).
name="aep-s3-connect-$version"
stage="$out_dir/$name"
rm -rf "$stage"
mkdir -p "$stage"
cp "$bin_dir/aep-s3-connect.exe" "$bin_dir/aep-s3-connect-window.exe" "$stage/"
cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE assets/fonts/LICENSE-Phosphor.txt "$stage/"

echo "== sign the .exe files"
scripts/windows-sign.sh "$stage/aep-s3-connect.exe" "$stage/aep-s3-connect-window.exe"

echo "== zip"
zip_file="$out_dir/$name-windows-x86_64.zip"
rm -f "$zip_file"
(cd "$out_dir" && zip -q -X -r "$name-windows-x86_64.zip" "$name")
echo "$zip_file ($(($(stat -c %s "$zip_file") / 1024)) KiB)"

echo "== makensis"
setup="$out_dir/$name-setup.exe"
nsis_args=(-V2 -DVERSION="$version" -DVERSION_QUAD="$version_quad" -DSTAGE="$(realpath "$stage")"
  -DICON="$(realpath assets/aep-s3-connect.ico)" -DOUTFILE="$(realpath "$setup")")
# The uninstaller is written by the installer at install time; NSIS signs it while building
# (!uninstfinalize) when a certificate is configured.
[ -z "${AEP_SIGN_PFX:-}" ] || nsis_args+=(-DSIGN_COMMAND="$(realpath scripts/windows-sign.sh)")
makensis "${nsis_args[@]}" packaging/windows/installer.nsi
echo "== sign the installer"
scripts/windows-sign.sh "$setup"
echo "$setup ($(($(stat -c %s "$setup") / 1024)) KiB)"
