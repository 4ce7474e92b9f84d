#!/bin/bash
# The conformance test: every session script must produce a transcript that is
# byte-identical to its reviewed golden file, on the given host.
#   usage: scripts/check-transcripts.sh <host> [session-name...]
#   UPDATE_GOLDEN=1 writes the goldens instead (review the diff before committing).
#   SESSIONS, GOLDEN: other directories of sessions and goldens; KERNEL: the
#   image, where {name} stands for the session's name (the malloc-lab sessions
#   each boot the image built from the example of that name).
# A session line "#! load ADDRESS FILE" puts FILE in guest RAM at ADDRESS
# before the session starts (a .rep trace for `trace`: ADDRESS 0x47000000).
set -uo pipefail
host=$1
shift
kernel_template=${KERNEL:-build/kernel8.img}
sessions=${SESSIONS:-firmware/tests/sessions}
golden=${GOLDEN:-firmware/tests/golden}
out=build/transcripts/$host
mkdir -p "$out"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$sessions"/*.txt; do names+=("$(basename "$f" .txt)"); done
fi

failed=0
mkdir -p build/sessions
for name in "${names[@]}"; do
    actual=$out/$name.out
    kernel=${kernel_template//\{name\}/$name}
    keys=build/sessions/$name.bin
    python3 scripts/session_bytes.py "$sessions/$name.txt" "$keys"
    loads=()
    while read -r _ _ address file; do
        loads+=("$address=$file")
    done < <(grep '^#! load ' "$sessions/$name.txt")
    if ! scripts/run-session.sh "$host" "$kernel" "$keys" "${loads[@]}" >"$actual"; then
        echo "FAIL $host $name: the host exited with an error (see $actual)"
        failed=1
        continue
    fi
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$actual" "$golden/$name.out"
        echo "wrote $golden/$name.out"
    elif cmp -s "$actual" "$golden/$name.out"; then
        echo "ok   $host $name ($(wc -c <"$actual") bytes)"
    else
        echo "FAIL $host $name: transcript differs from $golden/$name.out:"
        diff <(cat -A "$golden/$name.out") <(cat -A "$actual") | head -20
        failed=1
    fi
done
exit $failed
