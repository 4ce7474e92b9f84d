#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The checkpoint benchmark in headless Chromium (Debian's): serves the page,
# machine.mjs, the wasm module and the kernel from a temporary directory of
# links and prints the page's Markdown table.
#
#   emu-glue/bench/checkpoint_bench.sh [COMMANDS,RESTORES]   (after make emu-wasm build/kernel8.img)
#
# CHECKPOINT_BENCH_EMU=DIR takes the emulator module (allocplay-emu.mjs and
# .wasm) from DIR instead of build/emu, e.g. an older build to compare with.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
ln -s "$repo/emu-glue/bench/checkpoint_bench.html" "$site/index.html"
ln -s "$repo/emu-glue/bench" "$site/bench"
ln -s "$repo/emu-glue/js" "$site/js"
ln -s "${CHECKPOINT_BENCH_EMU:-$repo/build/emu}" "$site/emu"
ln -s "$repo/build/kernel8.img" "$site/kernel8.img"
CHROMIUM_BENCH_TIMEOUT=${CHROMIUM_BENCH_TIMEOUT:-600} \
    "$repo/emu-glue/bench/chromium_bench.sh" "$site" "${1:-1000,200}"
