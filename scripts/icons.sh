#!/usr/bin/env bash
# Renders the app icon's PNGs and the Windows .ico from assets/aep-s3-connect.svg. Run it after editing
# the SVG and commit what it writes: builds and packaging use the committed files, so they need no renderer.
#
#   assets/icons/aep-s3-connect-SIZE.png   SIZE = 16 24 32 48 64 128 256 512 (hicolor sizes; the
#                                          window icon is the 256 one, embedded by src/ui/mod.rs)
#   assets/aep-s3-connect.ico              16..256 for the Windows executable (build.rs embeds it)
#
# Needs rsvg-convert (Debian/Ubuntu: apt-get install librsvg2-bin) and icotool (apt-get install icoutils).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in rsvg-convert:librsvg2-bin icotool:icoutils; do
  command -v "${tool%%:*}" >/dev/null ||
    { echo "error: ${tool%%:*} is missing (apt-get install ${tool#*:})" >&2; exit 1; }
done

svg=assets/aep-s3-connect.svg
out=assets/icons
mkdir -p "$out"
sizes=(16 24 32 48 64 128 256 512)
for size in "${sizes[@]}"; do
  rsvg-convert --width "$size" --height "$size" --format png "$svg" --output "$out/aep-s3-connect-$size.png"
done

# Windows shows 16-48 in lists and 256 in large views. The 256 entry is stored as PNG (-r), which
# Windows reads since Vista; the small ones as bitmaps, which every reader takes.
icotool --create --output assets/aep-s3-connect.ico \
  "$out/aep-s3-connect-16.png" "$out/aep-s3-connect-24.png" "$out/aep-s3-connect-32.png" \
  "$out/aep-s3-connect-48.png" "$out/aep-s3-connect-64.png" "$out/aep-s3-connect-128.png" \
  --raw="$out/aep-s3-connect-256.png"

ls -l "$out" assets/aep-s3-connect.ico
icotool --list assets/aep-s3-connect.ico
