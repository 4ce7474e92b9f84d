#!/bin/sh
# Builds Unicorn 2.1.4 (AArch64 guest only) with the project's patches, once
# per set of inputs, and exposes the result at build/unicorn/<variant>/.
#
#   emu-glue/unicorn/build.sh VARIANT
#
# Variants:
#   jit          native, QEMU's normal JIT, -O3 (Release)
#   tci          native, TCG interpreter, -O3: the reference for wasm speed
#   tci-asan     native, TCG interpreter, -O1 -g with ASan + UBSan (no
#                recovery): for tests; consumers must link with
#                UNICORN_ASAN_FLAGS too
#   wasm         Emscripten (Debian's emcc), TCG interpreter, -O3, static
#   wasm-fpcast  like wasm but without the typed-helper-call patch (0005);
#                only for the comparison in docs/perf/unicorn.md, consumers
#                must link it with -sEMULATE_FUNCTION_POINTER_CASTS=1
#
# Native variants use ${UNICORN_CC:-cc} (deliberately not $CC, which a
# project Makefile may point at the guest's cross compiler).
#
# Outputs go to ${ALLOCPLAY_CACHE:-$HOME/.cache/allocplay}/unicorn/<variant>-<key>/
# where <key> is the SHA-256 of every input: fetch.sh (it holds the source
# pins), the patches, this script, the compiler's version and the variant's
# flags. If that directory is complete the script only links it and returns.
# Each output holds lib/libunicorn.a (one archive with everything: the Unicorn
# API, the AArch64 softmmu and the common QEMU code), include/unicorn/*.h,
# build-info.txt and build.log.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${ALLOCPLAY_CACHE:-$HOME/.cache/allocplay}/unicorn
jobs=${UNICORN_BUILD_JOBS:-2}

log() { echo "unicorn/build: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$#" -eq 1 ] || die "usage: $0 jit|tci|tci-asan|wasm|wasm-fpcast"
variant=$1

sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
common_flags="-DUNICORN_ARCH=aarch64 -DBUILD_SHARED_LIBS=OFF -DUNICORN_BUILD_TESTS=OFF -DUNICORN_INSTALL=OFF"
skip_patch=""
case "$variant" in
jit)
    cc=${UNICORN_CC:-cc}
    cmake_flags="-DCMAKE_BUILD_TYPE=Release"
    ;;
tci)
    cc=${UNICORN_CC:-cc}
    cmake_flags="-DCMAKE_BUILD_TYPE=Release -DUNICORN_TCI=ON"
    ;;
tci-asan)
    cc=${UNICORN_CC:-cc}
    cmake_flags="-DCMAKE_BUILD_TYPE=Debug -DUNICORN_TCI=ON"
    c_flags="-O1 -g $sanitizers"
    ;;
wasm | wasm-fpcast)
    cc=emcc
    # Debian's emscripten imports Debian's node modules (acorn) from here.
    export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
    cmake_flags="-DCMAKE_BUILD_TYPE=Release"
    c_flags="-sSUPPORT_LONGJMP=wasm"
    [ "$variant" = wasm-fpcast ] && skip_patch=0005-tci-typed-helper-calls.patch
    ;;
*)
    die "unknown variant '$variant' (jit, tci, tci-asan, wasm, wasm-fpcast)"
    ;;
esac
c_flags=${c_flags:-}

command -v "$cc" >/dev/null || die "compiler '$cc' not found (scripts/install-deps.sh)"
compiler_version=$("$cc" --version 2>/dev/null | head -n 1)
[ -n "$compiler_version" ] || die "'$cc --version' printed nothing"

# --- cache key: hash of all inputs ---------------------------------------------
patches=$(ls "$here"/patches/*.patch)
key=$(
    {
        echo "variant=$variant"
        echo "cmake_flags=$common_flags $cmake_flags"
        echo "c_flags=$c_flags"
        echo "skip_patch=$skip_patch"
        echo "compiler=$cc: $compiler_version"
        echo "cmake=$(cmake --version | head -n 1)"
        for f in "$here/fetch.sh" "$here/build.sh" $patches; do
            echo "file=$(basename "$f") $(sha256sum < "$f" | cut -d' ' -f1)"
        done
    } | sha256sum | cut -c1-16
)
out=$cache/$variant-$key
link=$repo/build/unicorn/$variant

expose() {
    mkdir -p "$(dirname "$link")"
    ln -sfn "$out" "$link"
    log "$variant: $link -> $out"
}

if [ -f "$out/.complete" ]; then
    expose
    exit 0
fi

# --- cold build -----------------------------------------------------------------
started=$(date +%s)
"$here/fetch.sh"
sources=$cache/sources
work=$(mktemp -d "$cache/work-$variant.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "$variant: preparing sources in $work"
cp -R "$sources/unicorn-2.1.4/src" "$work/src"
# QEMU 5.2's TCI files, under Unicorn's file naming (tcg-target.inc.c).
mkdir -p "$work/src/qemu/tcg/tci"
cp "$sources/qemu-5.2-tci/tci.c" "$work/src/qemu/tcg/tci.c"
cp "$sources/qemu-5.2-tci/tcg-target.h" "$work/src/qemu/tcg/tci/tcg-target.h"
cp "$sources/qemu-5.2-tci/tcg-target.c.inc" "$work/src/qemu/tcg/tci/tcg-target.inc.c"
for p in $patches; do
    [ "$(basename "$p")" = "$skip_patch" ] && continue
    patch -d "$work/src" -p1 --quiet --forward --no-backup-if-mismatch < "$p" ||
        die "patch $(basename "$p") does not apply"
done

log "$variant: configuring and building (ninja -j$jobs), log in $out/build.log"
mkdir -p "$work/build"
if [ "$cc" = emcc ]; then
    configure() { emcmake cmake "$@"; }
else
    configure() { CC=$cc cmake "$@"; }
fi
# shellcheck disable=SC2086 # flag lists are split on purpose
if ! {
    configure -G Ninja -S "$work/src" -B "$work/build" $common_flags $cmake_flags \
        ${c_flags:+-DCMAKE_C_FLAGS_DEBUG=} ${c_flags:+"-DCMAKE_C_FLAGS=$c_flags"} &&
        ninja -C "$work/build" -j "$jobs" unicorn_archive
} > "$work/build.log" 2>&1; then
    tail -n 30 "$work/build.log" >&2
    die "$variant: build failed (full log: $work/build.log)"
fi

stage=$work/out
mkdir -p "$stage/lib" "$stage/include/unicorn"
cp "$work/build/libunicorn.a" "$stage/lib/"
cp "$work/src/include/unicorn/"*.h "$stage/include/unicorn/"
cp "$work/build.log" "$stage/"
elapsed=$(($(date +%s) - started))
{
    echo "variant: $variant"
    echo "key: $key"
    echo "compiler: $cc: $compiler_version"
    echo "cmake flags: $common_flags $cmake_flags"
    echo "c flags: $c_flags"
    echo "patches: $(for p in $patches; do [ "$(basename "$p")" = "$skip_patch" ] || printf '%s ' "$(basename "$p")"; done)"
    echo "cold build seconds: $elapsed"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$stage/build-info.txt"
touch "$stage/.complete"
rm -rf "$out"
mv "$stage" "$out"
log "$variant: built in ${elapsed}s"
expose
