#!/usr/bin/env bash
# Installs and exercises the Windows build under Wine, in a fresh Wine prefix that is thrown away
# afterwards. CI runs it (.ci/run) after scripts/windows.sh has built the installer and the zip.
#
#   scripts/windows-test.sh [--keep]
#     --keep  keep the work folder (the prefix, the emulator's output, the screenshots) and say where
#
# What it checks, in order:
#   1. the installer's silent install (/S): the files, the Start-menu shortcut (to the launcher),
#      the "Installed apps" entry in HKCU (name, version from Cargo.toml, publisher, icon, size,
#      uninstall strings); `aep-s3-connect.exe --version` from the install folder;
#   2. the command line against the emulator, which runs natively on loopback (the Linux build):
#      `profile add` with the client secret on stdin going to Wine's Credential Manager, `token`,
#      `create` (secret key and session token on stdin), a refused duplicate, `history --json`,
#      `connections list --json`, `rotate`, `delete` (refused without --yes, then done), an unknown
#      ID; each with its exit code, and the exact connection count on the emulator after each change;
#   3. the launcher (aep-s3-connect-window.exe, what the shortcuts start): the window opens with no
#      console window (X's window list), while starting the console program the way a shortcut
#      would without the launcher shows one (the check can fail); its error box when the app
#      fails; the window's `--screenshot` through it, on the profile made in step 2 (look at
#      $CARGO_TARGET_DIR/windows/wine-window.png);
#   4. no secret (the client secret, both AWS secret keys, both session tokens; plain, UTF-16,
#      base64, hex) in any file of the prefix or its home folder, except Wine's Credential
#      Manager, which is the registry key HKCU\Software\Wine\Credential Manager in user.reg, and
#      the installed copies of the shipped files (the .exe files hold the emulator's demo client
#      secret, the README names it);
#   5. the portable zip: its files, `--version` from it;
#   6. the silent uninstall: the program files, shortcut and registry entry gone; config, history
#      and the Credential Manager entries kept; then /S /DESKTOPSHORTCUT adds the desktop shortcut
#      and the uninstall removes it.
#
# Needs: wine (Debian: wine wine64), xvfb-run, xdotool, x86_64-w64-mingw32-gcc, curl, python3,
# unzip, and the Linux release binary (built here if missing); osslsigncode, if there, checks
# that a signed installer installs signed programs. Wine 8 lacks ProcessPrng
# (bcryptprimitives.dll), which Rust's standard library calls: the script builds a stand-in
# (packaging/windows/wine-shim/) into the test prefix's system32 only when the .exe does not start
# without it, and says which it did.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
  esac
done

fail() { echo "scripts/windows-test.sh: FAILED: $*" >&2; exit 1; }
step() { echo "== wine: $*"; }

missing=()
for tool in wine wineserver winepath xvfb-run xdotool x86_64-w64-mingw32-gcc curl python3 unzip; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] ||
  fail "missing ${missing[*]}: apt-get install wine wine64 xvfb xauth xdotool gcc-mingw-w64-x86-64 curl python3 unzip"

# One X server for the whole run: Wine's processes in a prefix share a display.
if [ -z "${AEP_WINE_TEST_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1400x1000x24" env AEP_WINE_TEST_DISPLAY=1 "$0" "$@"
fi

target_dir="${CARGO_TARGET_DIR:-target}"
version="$(cargo pkgid | sed 's/.*[#@]//')"
name="aep-s3-connect-$version"
setup="$target_dir/windows/$name-setup.exe"
zip_file="$target_dir/windows/$name-windows-x86_64.zip"
[ -f "$setup" ] && [ -f "$zip_file" ] || fail "$setup or $zip_file is missing: run scripts/windows.sh first"
# AEP_WINE_TEST_EMULATOR_BIN: another build of aep-s3-connect to run the emulator with.
linux_bin="${AEP_WINE_TEST_EMULATOR_BIN:-$target_dir/release/aep-s3-connect}"
if [ ! -x "$linux_bin" ]; then
  echo "== cargo build --release (the Linux binary, for the emulator)"
  cargo build --release --locked --bin aep-s3-connect
fi

work="$(mktemp -d /tmp/aep-wine-test.XXXXXX)"
emulator_pid=""
cleanup() {
  set +e
  [ -z "$emulator_pid" ] || kill "$emulator_pid" 2>/dev/null
  WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null
  if [ "$keep" -eq 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Only what this script sets reaches the programs: no profile, URL or secret from the caller.
for var in $(env | sed -n 's/^\(AEP_[A-Z0-9_]*\|AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$var"; done
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko download prompts; no Linux menu entries for the shortcuts the installer makes.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
# Wine links the Windows user's Desktop, Documents, ... to $HOME's: keep them inside the work folder.
mkdir -p "$work/home"
w() { HOME="$work/home" timeout 300 wine "$@"; }
winpath() { HOME="$work/home" winepath -w "$1" 2>/dev/null | tr -d '\r'; }
# Runs the rest of the line, expecting exit code $1; its stdout is in $out.
expect_exit() {
  local want="$1"; shift
  local got=0
  out="$("$@")" || got=$?
  [ "$got" -eq "$want" ] || fail "exit code $got, expected $want: $*${out:+ (stdout: $out)}"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

step "a fresh prefix ($WINEPREFIX, $(wine --version))"
start=$SECONDS
w wineboot --init >/dev/null 2>&1 || true
HOME="$work/home" wineserver -w
[ -f "$WINEPREFIX/system.reg" ] || fail "wineboot did not create the prefix"
echo "prefix ready in $((SECONDS - start)) s"

step "silent install: $(basename "$setup") /S"
expect_exit 0 w "$setup" /S
HOME="$work/home" wineserver -w
unix_dir() { realpath -m "$(HOME="$work/home" winepath -u "$(w cmd /c "echo %$1%" | tr -d '\r')" | tr -d '\r')"; }
localappdata="$(unix_dir LOCALAPPDATA)"
appdata="$(unix_dir APPDATA)"
inst="$localappdata/Programs/aep-s3-connect"
expected="CHANGELOG.md LICENSE-APACHE LICENSE-MIT LICENSE-Phosphor.txt README.md aep-s3-connect-window.exe aep-s3-connect.exe uninstall.exe"
got="$(ls "$inst" 2>/dev/null | sort | paste -sd ' ')"
[ "$got" = "$expected" ] || fail "installed files in $inst: '$got', expected '$expected'"
echo "installed: $got"
shortcut="$appdata/Microsoft/Windows/Start Menu/Programs/AEP S3 Connect.lnk"
[ -f "$shortcut" ] || fail "no Start-menu shortcut at $shortcut"
grep -qa 'aep-s3-connect-window.exe' "$shortcut" || fail "the Start-menu shortcut does not start aep-s3-connect-window.exe"
[ ! -e "$work/home/AEP S3 Connect.lnk" ] || fail "a silent install made a desktop shortcut without /DESKTOPSHORTCUT"
echo "Start-menu shortcut: $(basename "$shortcut") -> aep-s3-connect-window.exe"
uninstall_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\aep-s3-connect'
reg="$(w reg query "$uninstall_key" | tr -d '\r')" || fail "no uninstall entry at $uninstall_key"
reg_value() { echo "$reg" | sed -n "s/^ *$1 *REG_[A-Z]* *//p"; }
[ "$(reg_value DisplayName)" = "AEP S3 Connect" ] || fail "DisplayName: '$(reg_value DisplayName)'"
[ "$(reg_value DisplayVersion)" = "$version" ] || fail "DisplayVersion '$(reg_value DisplayVersion)', expected $version"
[ -n "$(reg_value Publisher)" ] || fail "no Publisher"
[[ "$(reg_value DisplayIcon)" == *'\aep-s3-connect.exe,0' ]] || fail "DisplayIcon: '$(reg_value DisplayIcon)'"
[[ "$(reg_value UninstallString)" == *'\uninstall.exe"' ]] || fail "UninstallString: '$(reg_value UninstallString)'"
[[ "$(reg_value QuietUninstallString)" == *'\uninstall.exe" /S' ]] || fail "QuietUninstallString: '$(reg_value QuietUninstallString)'"
[ "$(reg_value NoModify)" = 0x1 ] && [ "$(reg_value NoRepair)" = 0x1 ] || fail "NoModify/NoRepair are not 1"
size_kb=$(($(reg_value EstimatedSize)))
[ "$size_kb" -gt 1000 ] || fail "EstimatedSize $size_kb KB"
# Signed packages (scripts/windows-sign.sh) install signed programs, the uninstaller too.
if command -v osslsigncode >/dev/null; then
  signed() { rm -f "$work/signature.der"; osslsigncode extract-signature -in "$1" -out "$work/signature.der" >/dev/null 2>&1; }
  if signed "$setup"; then
    for exe in aep-s3-connect.exe aep-s3-connect-window.exe uninstall.exe; do
      signed "$inst/$exe" || fail "the installer is signed but the installed $exe is not"
    done
    echo "Authenticode: the installer and the installed .exe files (uninstall.exe too) are signed"
  else
    echo "Authenticode: not signed (no certificate was configured for scripts/windows.sh)"
  fi
fi
echo "uninstall entry: $(reg_value DisplayName) $(reg_value DisplayVersion), $(reg_value Publisher), $size_kb KB"

app="$inst/aep-s3-connect.exe"
step "aep-s3-connect.exe --version"
if out="$(w "$app" --version)"; then
  echo "Wine runs it as it is: no ProcessPrng stand-in needed"
else
  # Wine 8 has no bcryptprimitives.dll: Rust's std cannot start. The stand-in goes to this
  # prefix's system32, where Windows keeps its own copy: the install folder stays as installed.
  echo "it does not start ($(wine --version) lacks ProcessPrng): building packaging/windows/wine-shim into the prefix's system32"
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    packaging/windows/wine-shim/bcryptprimitives.c packaging/windows/wine-shim/bcryptprimitives.def -ladvapi32
  expect_exit 0 w "$app" --version
fi
echo "$out"
[[ "$out" == "aep-s3-connect $version "* ]] || fail "--version printed '$out'"

step "the emulator, natively on loopback"
"$linux_bin" emulator --port 0 >"$work/emulator.out" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/emulator.out" && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$work/emulator.out")"
[ -n "$url" ] || fail "the emulator did not start: $(cat "$work/emulator.out")"
echo "$url"
emulator_count() { curl -sf "$url/_emulator/state" | json 'len(d["connections"])'; }
expect_count() {
  local n; n="$(emulator_count)"
  [ "$n" = "$1" ] || fail "the emulator holds $n connections, expected $1 ($2)"
  echo "emulator: $n connection(s) ($2)"
}

# Secrets made up for this run, so that a hit in the scan can only come from this run.
# Shaped like AWS's: a secret key is 40 characters of base64, a session token longer.
rand() { python3 -c "import base64, secrets; print(base64.b64encode(secrets.token_bytes($1)).decode())"; }
client_secret="demo-client-secret"
aws_secret_1="$(rand 30)"
aws_secret_2="$(rand 30)"
session_token_1="$(rand 90)"
session_token_2="$(rand 90)"

step "profile add (the client secret on stdin, to Credential Manager)"
expect_exit 0 w "$app" profile add wine-test --org-id DEMO5C1328435BF324E90A49@AdobeOrg \
  --client-id demo-client-id --sandbox prod --platform-url "$url" --ims-url "$url" \
  --client-secret-stdin --activate < <(printf '%s' "$client_secret")
echo "$out"
expect_exit 0 w "$app" profile show --json </dev/null
[ "$(echo "$out" | json 'd["clientSecret"]')" = "stored in Windows Credential Manager" ] ||
  fail "profile show: $out"
creds="$(w reg query 'HKCU\Software\Wine\Credential Manager' /s | tr -d '\r')"
grep -q 'profile:wine-test:client-secret.aep-s3-connect' <<<"$creds" ||
  fail "no Credential Manager entry for the client secret: $creds"
echo "Credential Manager: $(echo "$creds" | grep -c '^HKEY_CURRENT_USER.*Generic:') generic entr(y/ies)"

step "token (the client secret read back from Credential Manager)"
expect_exit 0 w "$app" token --json </dev/null
[ "$(curl -sf "$url/_emulator/state" | json 'd["imsTokenRequests"]')" -ge 1 ] || fail "no token was asked of IMS"
echo "$out"

step "create (secret key and session token on stdin)"
AWS_ACCESS_KEY_ID=ASIAWINETESTKEY00001 expect_exit 0 w "$app" create --name "Wine landing" \
  --bucket my-bucket --folder-path in/daily --secret-key-stdin --session-token-stdin --json \
  < <(printf '%s\n%s\n' "$aws_secret_1" "$session_token_1")
id_a="$(echo "$out" | json 'd["id"]')"
echo "created $id_a"
expect_count 1 "after the first create"
AWS_ACCESS_KEY_ID=AKIAWINETESTKEY00002 expect_exit 0 w "$app" create --name "Wine archive" \
  --bucket my-archive --secret-key-stdin --json < <(printf '%s\n' "$aws_secret_1")
id_b="$(echo "$out" | json 'd["id"]')"
echo "created $id_b"
expect_count 2 "after the second create"
AWS_ACCESS_KEY_ID=AKIAWINETESTKEY00002 expect_exit 2 w "$app" create --name "Wine archive" \
  --bucket my-archive --secret-key-stdin --json < <(printf '%s\n' "$aws_secret_1")
echo "a create of the same name: exit 2, $(echo "$out" | json 'd["error"]["message"][:90]')..."
expect_count 2 "the duplicate was refused"

step "history --json"
expect_exit 0 w "$app" history --json </dev/null
echo "$out" | json '"\n".join("%s: %s %s" % (i["status"], i["name"], i["connectionId"]) for i in d["items"])'
[ "$(echo "$out" | json "sorted(i['connectionId'] for i in d['items'] if i['status'] == 'created')")" = \
  "$(python3 -c "print(sorted(['$id_a', '$id_b']))")" ] || fail "history does not list both connections as created"

step "connections list --json"
expect_exit 0 w "$app" connections list --json </dev/null
[ "$(echo "$out" | json 'sorted((i["kind"], i["id"]) for i in d["items"])')" = \
  "$(python3 -c "print(sorted([('bothSides', '$id_a'), ('bothSides', '$id_b')]))")" ] ||
  fail "connections list: $out"
echo "$(echo "$out" | json 'd["total"]') connections, both made here"

step "connections rotate (new key, secret and session token on stdin)"
AWS_ACCESS_KEY_ID=ASIAWINETESTKEY00003 expect_exit 0 w "$app" connections rotate "$id_a" \
  --secret-key-stdin --session-token-stdin --yes --json < <(printf '%s\n%s\n' "$aws_secret_2" "$session_token_2")
key="$(curl -sf "$url/_emulator/state" | json "[c['auth']['params']['s3AccessKey'] for c in d['connections'] if c['id'] == '$id_a'][0]")"
[ "$key" = "ASIA************0003" ] || fail "after rotate the emulator has key $key"
expect_count 2 "rotate changes none"
echo "rotated $id_a to ASIAWINETESTKEY00003"

step "connections delete"
expect_exit 2 w "$app" connections delete "$id_b" --json </dev/null
echo "without --yes and a terminal: exit 2, nothing sent"
expect_count 2 "nothing deleted"
expect_exit 0 w "$app" connections delete "$id_b" --yes --json </dev/null
expect_count 1 "after the delete"
[ "$(curl -sf "$url/_emulator/state" | json 'd["connections"][0]["id"]')" = "$id_a" ] || fail "the wrong connection is left"
expect_exit 0 w "$app" connections list --json </dev/null
[ "$(echo "$out" | json 'sorted((i["kind"], i["id"]) for i in d["items"])')" = \
  "$(python3 -c "print(sorted([('bothSides', '$id_a'), ('localDeleted', '$id_b')]))")" ] ||
  fail "connections list after the delete: $out"
echo "listed: $id_a made here, $id_b deleted in AEP"
expect_exit 3 w "$app" connections show 00000000-0000-0000-0000-000000000000 --json </dev/null
echo "an unknown connection: exit 3"
# The same from a cmd.exe batch file: cmd waits for a console program and gets its exit code.
printf '@echo off\r\n"%s" connections show 00000000-0000-0000-0000-000000000000 >NUL 2>NUL\r\necho errorlevel=%%ERRORLEVEL%%\r\n' \
  "$(winpath "$app")" >"$work/exit-code.bat"
expect_exit 3 w cmd /c "$(winpath "$work/exit-code.bat")" </dev/null
[ "$(echo "$out" | tr -d '\r')" = "errorlevel=3" ] || fail "cmd.exe saw '$out', expected errorlevel=3"
echo "in cmd.exe: $(echo "$out" | tr -d '\r')"

# The X server's visible top-level windows, one "id<TAB>title" a line.
windows() {
  local id
  for id in $(xdotool search --onlyvisible --name '.*' 2>/dev/null); do
    printf '%s\t%s\n' "$id" "$(xdotool getwindowname "$id" 2>/dev/null)"
  done
}
# Their titles. (Pipelines end in a variable before grep -q: an early exit of grep would
# otherwise fail the pipeline under pipefail.)
titles() { windows | cut -f2; }
wait_window() { # title regex, seconds
  local i
  for i in $(seq $(($2 * 2))); do
    grep -Eq "$1" <<<"$(titles)" && return 0
    sleep 0.5
  done
  return 1
}
stop_wine() { HOME="$work/home" wineserver -k 2>/dev/null || true; HOME="$work/home" wineserver -w; }
demo_title='^aep-s3-connect — DEMO'
# A console window's title is the program's path.
console_title='aep-s3-connect\.exe$'

step "the launcher: the window without a console"
w "$inst/aep-s3-connect-window.exe" --demo &
wait_window "$demo_title" 120 || fail "the window did not open from aep-s3-connect-window.exe: $(windows)"
sleep 2
echo "visible windows: $(titles | paste -sd '|')"
! grep -Eq "$console_title" <<<"$(titles)" || fail "a console window opened with the launcher: $(windows)"
stop_wine
# The same program started as a shortcut would start it without the launcher: a console opens.
w start "$(winpath "$app")" --demo
wait_window "$demo_title" 120 || fail "the window did not open from aep-s3-connect.exe: $(windows)"
wait_window "$console_title" 10 || fail "the console check sees no console window even without the launcher: $(windows)"
echo "without the launcher (start aep-s3-connect.exe): $(titles | paste -sd '|')"
stop_wine

step "the launcher: an error from the app in a message box"
(code=0; w "$inst/aep-s3-connect-window.exe" --no-such-option || code=$?; echo "$code" >"$work/launcher.exit") &
wait_window '^AEP S3 Connect$' 60 || fail "no message box for the app's error: $(windows)"
import -window root "$work/error-box.png" 2>/dev/null || true
xdotool search --onlyvisible --name '^AEP S3 Connect$' windowfocus --sync key --clearmodifiers Return
for _ in $(seq 60); do [ -s "$work/launcher.exit" ] && break; sleep 0.5; done
launcher_exit="$(cat "$work/launcher.exit" 2>/dev/null || echo none)"
[ "$launcher_exit" = 2 ] || fail "the launcher exited with $launcher_exit after the app's usage error, expected 2"
echo "message box shown, launcher exit code 2 (the app's)"
stop_wine

step "the launcher: --screenshot of the window on profile wine-test"
shot="$work/window.png"
expect_exit 0 w "$inst/aep-s3-connect-window.exe" --screenshot "$(winpath "$shot")"
python3 - "$shot" <<'EOF' || fail "the screenshot is not a PNG"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", data[16:24])
print(f"screenshot: {w}x{h}, {len(data) // 1024} KiB")
EOF
mkdir -p "$target_dir/windows"
cp "$shot" "$target_dir/windows/wine-window.png"
echo "saved as $target_dir/windows/wine-window.png"
stop_wine

step "no secret in any file of the prefix outside Credential Manager"
# wineserver writes the registry (user.reg) when the last process ends: done by stop_wine above.
python3 - "$WINEPREFIX" "$work/home" "$target_dir/windows/$name" \
  "$client_secret" "$aws_secret_1" "$aws_secret_2" "$session_token_1" "$session_token_2" <<'EOF' || fail "the secret scan failed or found a secret (above)"
import base64, hashlib, os, re, sys

prefix, home, stage, *secrets = sys.argv[1:]
# The files as shipped (scripts/windows.sh's staging folder): the .exe files hold the emulator's
# demo client secret and the README names it; copies of them are not written by the app.
shipped = {hashlib.sha256(open(os.path.join(stage, f), "rb").read()).hexdigest() for f in os.listdir(stage)}

def forms(secret):
    raw = secret.encode()
    utf16 = secret.encode("utf-16-le")
    out = {"plain": raw, "utf-16": utf16, "base64": base64.b64encode(raw).rstrip(b"="),
           "hex": raw.hex().encode()}
    # The registry files write binary values as "hex:4f,3a,..." (continued over lines).
    for label, b in (("reg hex", raw), ("reg hex utf-16", utf16)):
        out[label] = ",".join(f"{x:02x}" for x in b).encode()
    return out

def without_credential_manager(text):
    """user.reg minus the keys under [Software\\\\Wine\\\\Credential Manager...]."""
    kept, dropped = [], []
    skipping = False
    for line in text.split(b"\n"):
        if line.startswith(b"["):
            skipping = line.startswith(b"[Software\\\\Wine\\\\Credential Manager")
        (dropped if skipping else kept).append(line)
    return b"\n".join(kept), b"\n".join(dropped)

files = skipped = 0
hits = []
for root in (prefix, home):
    for dirpath, dirnames, filenames in os.walk(root):  # symlinks (dosdevices, the user folders) not followed
        for f in filenames:
            path = os.path.join(dirpath, f)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            data = open(path, "rb").read()
            if hashlib.sha256(data).hexdigest() in shipped:
                skipped += 1
                continue
            files += 1
            if path == os.path.join(prefix, "user.reg"):
                data, dropped = without_credential_manager(data)
                plain = [s[:8] for s in secrets if s.encode() in dropped]
                lines = dropped.count(b"\n") + 1
                print(f"user.reg: {lines} lines under [Software\\Wine\\Credential Manager] "
                      f"not searched (Wine keeps the passwords there ARC4-encrypted with a key stored beside them; in plain text: {plain or 'none'})")
            if path.endswith(".reg"):
                data = re.sub(rb"\\\r?\n\s*", b"", data)  # join continued lines
            lower = data.lower()
            for s in secrets:
                for label, needle in forms(s).items():
                    hay = lower if label.startswith("reg hex") or label == "hex" else data
                    if needle in hay:
                        hits.append(f"{path}: {s[:8]}... ({label})")
print(f"searched {files} files for {len(secrets)} secrets in 7 encodings ({skipped} files identical to the shipped ones not searched)")
for h in hits:
    print("FOUND", h)
sys.exit(1 if hits else 0)
EOF

step "the portable zip"
mkdir -p "$work/portable"
unzip -q "$zip_file" -d "$work/portable"
got="$(ls "$work/portable/$name" | sort | paste -sd ' ')"
expected_zip="CHANGELOG.md LICENSE-APACHE LICENSE-MIT LICENSE-Phosphor.txt README.md aep-s3-connect-window.exe aep-s3-connect.exe"
[ "$got" = "$expected_zip" ] || fail "zip holds '$got', expected '$expected_zip'"
expect_exit 0 w "$work/portable/$name/aep-s3-connect.exe" --version
echo "zip: $got; --version: $out"

step "silent uninstall"
expect_exit 0 w "$inst/uninstall.exe" /S
# The uninstaller runs from a copy in %TEMP%: wait for it.
HOME="$work/home" wineserver -w
[ ! -e "$inst" ] || fail "the install folder is still there: $(ls -A "$inst")"
[ ! -e "$shortcut" ] || fail "the Start-menu shortcut is still there"
! w reg query "$uninstall_key" >/dev/null 2>&1 || fail "the uninstall entry is still there"
for f in config.toml history.sqlite3; do
  [ -s "$appdata/aep-s3-connect/$f" ] || fail "the uninstall removed the user's $f"
done
creds="$(w reg query 'HKCU\Software\Wine\Credential Manager' /s | tr -d '\r')"
grep -q 'profile:wine-test:client-secret.aep-s3-connect' <<<"$creds" ||
  fail "the uninstall removed the Credential Manager entry"
echo "removed: $inst, the shortcut, the uninstall entry; kept: $(ls "$appdata/aep-s3-connect" | paste -sd ' ') in %APPDATA%\\aep-s3-connect and the Credential Manager entries"
step "silent install with /DESKTOPSHORTCUT, then silent uninstall"
expect_exit 0 w "$setup" /S /DESKTOPSHORTCUT
# Wine's Desktop is the home folder (see HOME above).
desktop_lnk="$work/home/AEP S3 Connect.lnk"
[ -f "$desktop_lnk" ] || fail "no desktop shortcut after /S /DESKTOPSHORTCUT"
grep -qa 'aep-s3-connect-window.exe' "$desktop_lnk" || fail "the desktop shortcut does not start aep-s3-connect-window.exe"
expect_exit 0 w "$inst/uninstall.exe" /S
HOME="$work/home" wineserver -w
[ ! -e "$desktop_lnk" ] && [ ! -e "$inst" ] || fail "the uninstall left the desktop shortcut or the install folder"
echo "desktop shortcut made, and removed with the rest"
echo "== wine: all checks passed ($((SECONDS - start)) s)"
