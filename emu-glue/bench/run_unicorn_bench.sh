#!/bin/sh
# Runs the benchmark binaries built by "make unicorn-bench" (emu-glue/unicorn.mk)
# and writes DIR/results.md: guest MIPS per build, wasm sizes, build times.
#
#   run_unicorn_bench.sh DIR
#
# Environment: BENCH_ARGS="ITERATIONS RUNS WARMUP_SECONDS" (default
# "2000000 5 5"), UNICORN_NODE (node command).
set -eu

dir=$1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
node=${UNICORN_NODE:-node --no-experimental-fetch}
args=${BENCH_ARGS:-2000000 5 5}
web_args=$(echo "$args" | tr ' ' ',')
results=$dir/results.md

log() { echo "unicorn-bench: $*" >&2; }

# The instruction count formula and the checksum model must hold everywhere.
log "verifying the instruction count on jit, tci and wasm"
"$dir/bench-jit" --verify | tail -n 1 | grep -qx PASS
"$dir/bench-tci" --verify | tail -n 1 | grep -qx PASS
# shellcheck disable=SC2086 # $node is a command with flags
$node "$dir/bench-wasm.js" --verify | tail -n 1 | grep -qx PASS

# bench NAME COMMAND...: run one build, keep its output, print "median best".
bench() {
    name=$1
    shift
    log "running $name: $*"
    "$@" > "$dir/bench-$name.txt"
    sed -n 's/^BENCH .*median_mips=\([0-9.]*\) best_mips=\([0-9.]*\).*/\1 \2/p' "$dir/bench-$name.txt"
}

# shellcheck disable=SC2086 # argument lists are split on purpose
{
    jit=$(bench jit "$dir/bench-jit" $args)
    tci=$(bench tci "$dir/bench-tci" $args)
    wasm_node=$(bench wasm-node $node "$dir/bench-wasm.js" $args)
    fpcast_node=$(bench wasm-fpcast-node $node "$dir/bench-wasm-fpcast.js" $args)
    wasm_chromium=$(bench wasm-chromium "$here/chromium_bench.sh" "$dir/web" "$web_args")
    fpcast_chromium=$(bench wasm-fpcast-chromium "$here/chromium_bench.sh" "$dir/web-fpcast" "$web_args")
}
instructions=$(sed -n 's/^BENCH instructions=\([0-9]*\).*/\1/p' "$dir/bench-jit.txt")

size() { wc -c < "$1" | tr -d ' '; }
gzsize() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

cold() { sed -n 's/^cold build seconds: //p' "$repo/build/unicorn/$1/build-info.txt"; }
warm() {
    start=$(date +%s.%N)
    "$repo/emu-glue/unicorn/build.sh" "$1" 2>/dev/null
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
}

row() { printf '| %s | %s | %s |\n' "$1" "${2% *}" "${2#* }"; }

{
    echo "| build | median guest MIPS | best guest MIPS |"
    echo "|---|---|---|"
    row "native JIT" "$jit"
    row "native TCI" "$tci"
    row "wasm TCI, Node $(node --version)" "$wasm_node"
    row "wasm TCI, headless Chromium $(chromium --version 2>/dev/null | awk '{print $2}')" "$wasm_chromium"
    row "wasm TCI + EMULATE_FUNCTION_POINTER_CASTS, Node" "$fpcast_node"
    row "wasm TCI + EMULATE_FUNCTION_POINTER_CASTS, Chromium" "$fpcast_chromium"
    echo
    echo "Workload: $instructions guest instructions per run (args: $args)."
    echo
    echo "| artifact | raw | gzip -9 |"
    echo "|---|---|---|"
    for f in "$dir/web/unicorn_bench.wasm" "$dir/bench-wasm.wasm" "$dir/web-fpcast/unicorn_bench.wasm"; do
        printf '| %s | %s | %s |\n' "${f#"$dir"/}" "$(mib "$(size "$f")")" "$(mib "$(gzsize "$f")")"
    done
    printf '| %s | %s | %s |\n' "web/unicorn_bench.js (loader)" "$(size "$dir/web/unicorn_bench.js") B" \
        "$(gzsize "$dir/web/unicorn_bench.js") B"
    printf '| %s | %s | - |\n' "libunicorn.a (wasm, static archive)" \
        "$(mib "$(size "$repo/build/unicorn/wasm/lib/libunicorn.a")")"
    echo
    echo "| variant | cold build | warm build |"
    echo "|---|---|---|"
    for v in jit tci tci-asan wasm; do
        printf '| %s | %s s | %s s |\n' "$v" "$(cold "$v")" "$(warm "$v")"
    done
} > "$results"
cat "$results"
log "results in $results"
