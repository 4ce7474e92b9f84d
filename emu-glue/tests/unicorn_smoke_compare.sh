#!/bin/sh
# Runs the smoke test binaries built by "make unicorn-smoke" (emu-glue/unicorn.mk)
# and checks that each passes, that the reports of all Unicorn builds are
# byte-identical, and that a build with a deliberately wrong expectation fails.
#
#   unicorn_smoke_compare.sh DIR     (DIR holds smoke-jit, smoke-tci, ...)
set -eu

dir=$1
node=${UNICORN_NODE:-node --no-experimental-fetch}
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok:   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# run NAME COMMAND...: run one build of the smoke test, keep its report.
run() {
    name=$1
    shift
    if "$@" > "$dir/report-$name.txt" 2> "$dir/stderr-$name.txt"; then
        pass "$name: $(tail -n 1 "$dir/report-$name.txt")"
    else
        fail "$name: exit $?, see $dir/report-$name.txt and $dir/stderr-$name.txt"
        grep -v ' ok$' "$dir/report-$name.txt" | head -n 20 || true
        head -n 20 "$dir/stderr-$name.txt" || true
    fi
}

run jit "$dir/smoke-jit"
run tci "$dir/smoke-tci"
run tci-asan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1 "$dir/smoke-tci-asan"
# shellcheck disable=SC2086 # $node is a command with flags
run wasm $node "$dir/smoke-wasm.js"

for name in tci tci-asan wasm; do
    if cmp -s "$dir/report-jit.txt" "$dir/report-$name.txt"; then
        pass "report $name == report jit"
    else
        fail "report $name differs from report jit:"
        diff "$dir/report-jit.txt" "$dir/report-$name.txt" | head -n 20 || true
    fi
done

# The test must be able to fail: one expected value is wrong in this build.
if "$dir/smoke-broken" > "$dir/report-broken.txt" 2>&1; then
    fail "smoke-broken passed although an expectation is wrong"
elif grep -q 'MISMATCH' "$dir/report-broken.txt"; then
    pass "smoke-broken fails as it must: $(grep -m 1 MISMATCH "$dir/report-broken.txt" | tr -s ' ')"
else
    fail "smoke-broken failed without reporting a MISMATCH"
fi

echo "unicorn-smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
