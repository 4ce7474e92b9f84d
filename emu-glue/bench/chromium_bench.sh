#!/bin/sh
# Runs the browser build of the benchmark in headless Chromium and prints its
# output lines.
#
#   chromium_bench.sh DIR [ARGS]   DIR holds index.html, unicorn_bench.js/.wasm;
#                                  ARGS as in unicorn_bench.html (?args=...)
# Serves DIR on 127.0.0.1 with python3 -m http.server (wasm needs http, not
# file://), reads the page's "UCBENCH: " console lines from Chromium's log.
set -eu

dir=$1
args=${2:-}
timeout_s=${CHROMIUM_BENCH_TIMEOUT:-300}
tmp=$(mktemp -d)
server_pid=""
chrome_pid=""
cleanup() {
    [ -n "$chrome_pid" ] && kill "$chrome_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    wait 2>/dev/null
    # Chromium's helper processes may still be writing the profile briefly.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        rm -rf "$tmp" 2>/dev/null && break
        sleep 0.5
    done
    true
}
trap cleanup EXIT

# Port 0: the server picks a free port and prints it.
: > "$tmp/server.log"
(cd "$dir" && exec python3 -u -m http.server 0 --bind 127.0.0.1) > "$tmp/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 50); do
    port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$tmp/server.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "chromium_bench: http server did not start" >&2; exit 1; }

: > "$tmp/chrome.log"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --disable-sync \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
    "http://127.0.0.1:$port/index.html?args=$args" 2> "$tmp/chrome.log" &
chrome_pid=$!

waited=0
while ! grep -q 'UCBENCH: BENCH\|UCBENCH: PASS\|UCBENCH: FAIL\|UCBENCH: ERR' "$tmp/chrome.log"; do
    if [ "$waited" -ge "$timeout_s" ] || ! kill -0 "$chrome_pid" 2>/dev/null; then
        echo "chromium_bench: no result after ${waited}s" >&2
        grep -o 'UCBENCH: [^"]*' "$tmp/chrome.log" >&2 || true
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
grep -o 'UCBENCH: [^"]*' "$tmp/chrome.log" | sed 's/^UCBENCH: //'
! grep -q 'UCBENCH: ERR\|UCBENCH: FAIL' "$tmp/chrome.log"
