#!/bin/bash
# Puts what the page loads at run time into public/ (served as-is by Vite and
# copied into build/web/): the kernel image and the emulator module.
#   usage: web/scripts/copy-assets.sh   (from anywhere; paths are repo-relative)
# Missing inputs are an error: the page cannot boot without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
kernel=${KERNEL:-build/kernel8.img}
emu=${EMU_DIR:-build/emu}
for f in "$kernel" "$emu/allocplay-emu.mjs" "$emu/allocplay-emu.wasm"; do
    [ -f "$f" ] || { echo "copy-assets: missing $f (make firmware emu-wasm)" >&2; exit 1; }
done
mkdir -p public/emu
cp "$kernel" public/kernel8.img
cp "$emu/allocplay-emu.mjs" "$emu/allocplay-emu.wasm" public/emu/
echo "copy-assets: public/kernel8.img, public/emu/allocplay-emu.{mjs,wasm}"
