#!/usr/bin/env bash
# Renders resources/icon.svg into the files electron-builder.yml uses: icon.png (1024), icons/NxN.png (Linux),
# icon.ico (Windows, 16-256) and icon.icns (macOS). Needs Debian's librsvg2-bin, icoutils and icnsutils.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p icons
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icons/${size}x${size}.png"
done
cp icons/1024x1024.png icon.png
icotool -c -o icon.ico icons/{16x16,24x24,32x32,48x48,64x64,128x128}.png -r icons/256x256.png
png2icns icon.icns icons/{16x16,32x32,48x48,128x128,256x256,512x512,1024x1024}.png >/dev/null
echo "rendered icon.png, icons/, icon.ico, icon.icns from icon.svg"
