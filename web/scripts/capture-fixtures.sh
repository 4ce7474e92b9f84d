#!/bin/bash
# Captures the decoder's test fixtures from the real kernel: replays every
# session in web/tests/fixtures/sessions/ on the native runner, which writes a
# memory snapshot when the guest halts, and keeps the kernel's own `info` and
# `check` output next to it. Sessions end with `info` (unless the heap is
# corrupted on purpose), `check` and `halt`.
#   usage: web/scripts/capture-fixtures.sh [session-name...]
#   env:   ALLOCPLAY (default build/allocplay, else /tmp/vp/allocplay)
#          KERNEL    (default build/kernel8.img)
#          MM_KERNEL (default build/mm-implicit/kernel8.img: sessions named mm-*
#                    run on the image of examples/malloclab/mm-implicit.c,
#                    `make mm-examples`)
# Writes web/tests/fixtures/NAME.snap.gz, NAME.check.txt (the last `check`),
# NAME.info.txt (the last `info`; .gz when large; none for a corrupted heap,
# where the kernel refuses `info`), NAME.run.txt (what the last `run PROGRAM`
# printed, for sessions that run a user program) and
# web/tests/fixtures/manifest.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
fixtures=web/tests/fixtures
kernel=${KERNEL:-build/kernel8.img}
mm_kernel=${MM_KERNEL:-build/mm-implicit/kernel8.img}
runner=${ALLOCPLAY:-}
if [ -z "$runner" ]; then
    if [ -x build/allocplay ]; then runner=build/allocplay; else runner=/tmp/vp/allocplay; fi
fi
[ -x "$runner" ] || { echo "no native runner at $runner (set ALLOCPLAY)" >&2; exit 1; }
[ -f "$kernel" ] || { echo "no kernel at $kernel (make firmware)" >&2; exit 1; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$fixtures"/sessions/*.txt; do names+=("$(basename "$f" .txt)"); done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in "${names[@]}"; do
    python3 scripts/session_bytes.py "$fixtures/sessions/$name.txt" "$work/$name.bin"
    image=$kernel
    if [[ $name == mm-* ]]; then image=$mm_kernel; fi
    [ -f "$image" ] || { echo "no kernel at $image (make mm-examples)" >&2; exit 1; }
    timeout 600 "$runner" --script "$work/$name.bin" --dump "$work/$name.snap" "$image" >"$work/$name.out" 2>"$work/$name.err"
    # A fixture session has no deliberate errors: one means its addresses are stale.
    if grep -a -q '^error:' "$work/$name.out" && [[ $name != *corrupt* ]]; then
        echo "FAIL $name: the kernel reported an error:" >&2
        grep -a '^error:' "$work/$name.out" | head -5 >&2
        exit 1
    fi
    python3 - "$work/$name.out" "$work/$name.info" "$work/$name.check" "$work/$name.run" <<'PY'
import re, sys
lines = open(sys.argv[1], 'rb').read().split(b'\r\n')
prompt = re.compile(rb'^[a-z-]+> ')

def output_of(command):
    """The output of the last command matching the pattern `command`, or None."""
    starts = [i for i, l in enumerate(lines) if re.match(rb'^[a-z-]+> ' + command + rb'\r?$', l)]
    if not starts:
        return None
    out = []
    for line in lines[starts[-1] + 1:]:
        if prompt.match(line):
            break
        out.append(line)
    return b''.join(l + b'\r\n' for l in out)

for command, target in ((b'info', sys.argv[2]), (b'check', sys.argv[3]), (rb'run [a-z]+', sys.argv[4])):
    text = output_of(command)
    if text is not None:
        open(target, 'wb').write(text)
PY
    [ -f "$work/$name.check" ] || { echo "FAIL $name: the session must end with check" >&2; exit 1; }
    gzip -9n -c "$work/$name.snap" >"$fixtures/$name.snap.gz"
    cp "$work/$name.check" "$fixtures/$name.check.txt"
    rm -f "$fixtures/$name.info.txt" "$fixtures/$name.info.txt.gz" "$fixtures/$name.run.txt"
    if [ -f "$work/$name.run" ]; then cp "$work/$name.run" "$fixtures/$name.run.txt"; fi
    if [ ! -f "$work/$name.info" ]; then
        : # a corrupted heap: the kernel refuses `info`
    elif [ "$(wc -c <"$work/$name.info")" -gt 65536 ]; then
        gzip -9n -c "$work/$name.info" >"$fixtures/$name.info.txt.gz"
    else
        cp "$work/$name.info" "$fixtures/$name.info.txt"
    fi
    echo "captured $name: $(cat "$work/$name.check" | tr -d '\r\n'); snapshot $(wc -c <"$fixtures/$name.snap.gz") bytes gzipped"
done

kernel_sha=$(sha256sum "$kernel" | cut -d' ' -f1)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
cat >"$fixtures/manifest.json" <<JSON
{
  "kernel_sha256": "$kernel_sha",
  "mm_kernel_sha256": "$(sha256sum "$mm_kernel" 2>/dev/null | cut -d' ' -f1)",
  "repo_commit": "$commit",
  "runner": "$(basename "$runner")",
  "captured": "$(date -u +%Y-%m-%d)"
}
JSON
