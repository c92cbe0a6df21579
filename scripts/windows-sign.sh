#!/usr/bin/env bash
# Signs Windows executables (the .exe files, the installer and, through makensis, the uninstaller)
# with an Authenticode certificate, in place, with osslsigncode. scripts/windows.sh calls it.
#
#   scripts/windows-sign.sh [--as NAME] FILE.exe...
#     --as NAME  the name to report (makensis signs the uninstaller under a temporary name)
#
# Configured by the environment:
#   AEP_SIGN_PFX             a PKCS#12 (.pfx/.p12) file with the code-signing certificate, its chain
#                            and its key. Unset: nothing is signed and each file says so.
#   AEP_SIGN_PASSWORD        the .pfx's password (read by osslsigncode from a pipe, not the command line)
#   AEP_SIGN_TIMESTAMP_URL   an RFC 3161 timestamp server (default http://timestamp.digicert.com);
#                            "none" signs without a timestamp (tests only: such a signature stops
#                            being valid when the certificate expires)
#   AEP_SIGN_CAFILE          the CA bundle the signature is verified against afterwards (default:
#                            the system's); a test with a self-signed certificate passes that certificate
#
# A certificate kept in a hardware token or a cloud HSM (EV certificates, Azure Trusted Signing)
# has no .pfx: sign there with signtool (`signtool sign /fd SHA256 /tr URL /td SHA256`) or with
# osslsigncode's -pkcs11module/-pkcs11cert options in place of -pkcs12 here.
set -euo pipefail

label=""
if [ "${1:-}" = --as ]; then
  label="${2:?--as needs a name}"
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--as NAME] FILE.exe..." >&2; exit 2; }

if [ -z "${AEP_SIGN_PFX:-}" ]; then
  for file in "$@"; do
    echo "not signed: no certificate configured (set AEP_SIGN_PFX and AEP_SIGN_PASSWORD): ${label:-$(basename "$file")}"
  done
  exit 0
fi

command -v osslsigncode >/dev/null || { echo "$0: AEP_SIGN_PFX is set but osslsigncode is missing: apt-get install osslsigncode" >&2; exit 1; }
[ -f "$AEP_SIGN_PFX" ] || { echo "$0: AEP_SIGN_PFX=$AEP_SIGN_PFX is not a file" >&2; exit 1; }

timestamp_url="${AEP_SIGN_TIMESTAMP_URL:-http://timestamp.digicert.com}"
timestamp=()
[ "$timestamp_url" = none ] || timestamp=(-ts "$timestamp_url")
verify_ca=()
[ -z "${AEP_SIGN_CAFILE:-}" ] || verify_ca=(-CAfile "$AEP_SIGN_CAFILE")

for file in "$@"; do
  signed="$file.signed"
  rm -f "$signed"
  osslsigncode sign -pkcs12 "$AEP_SIGN_PFX" -readpass <(printf '%s' "${AEP_SIGN_PASSWORD:-}") \
    -h sha256 -n "AEP S3 Connect" "${timestamp[@]}" -in "$file" -out "$signed" >/dev/null
  mv "$signed" "$file"
  if ! osslsigncode verify "${verify_ca[@]}" -in "$file" >"$file.verify.log" 2>&1; then
    cat "$file.verify.log" >&2
    rm -f "$file.verify.log"
    echo "$0: the signature on $file does not verify" >&2
    exit 1
  fi
  rm -f "$file.verify.log"
  echo "signed: ${label:-$(basename "$file")} ($(openssl pkcs12 -in "$AEP_SIGN_PFX" -passin env:AEP_SIGN_PASSWORD -nokeys -clcerts 2>/dev/null | openssl x509 -noout -subject 2>/dev/null || echo "certificate from $AEP_SIGN_PFX"))"
done
