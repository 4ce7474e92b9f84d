#!/bin/bash
# Replays one session script on one host and prints the guest's serial output.
#   usage: scripts/run-session.sh <qemu|native|native-tci|wasm|wasm-every-block> <kernel8.img> <keys.bin> [ADDRESS=FILE...]
# wasm-every-block is wasm with the tier compiling every block the first time
# it runs (the default waits for 40 starts): it checks the compiler on all of
# the guest's code, not only the hot loops.
# Each ADDRESS=FILE puts the file's bytes in guest RAM at ADDRESS (a .rep
# trace goes to 0x47000000): QEMU's -device loader, allocplay's --load.
# keys.bin holds the exact keystrokes (scripts/session_bytes.py makes it from a
# session script); the transcript is exactly what the kernel sent back over
# the UART, echo included.
set -euo pipefail
host=$1 kernel=$2 session=$3
shift 3
qemu_loads=() runner_loads=()
for spec in "$@"; do
    qemu_loads+=(-device "loader,file=${spec#*=},addr=${spec%%=*},force-raw=on")
    runner_loads+=(--load "$spec")
done
case "$host" in
qemu)
    # -nographic puts UART0 on stdio; the PL011 FIFO applies back-pressure,
    # so the whole script can be fed at once. halt exits QEMU via PSCI.
    # -icount shift=7: guest time from the instruction count, 128 ns per
    # instruction, as in emu-glue (sleep=off: idle time is skipped, not slept).
    exec timeout 300 qemu-system-aarch64 -M virt -cpu cortex-a53 -m 128M -nographic \
        -icount shift=7,align=off,sleep=off -kernel "$kernel" "${qemu_loads[@]}" <"$session"
    ;;
native)
    exec timeout 300 build/allocplay --script "$session" "${runner_loads[@]}" "$kernel"
    ;;
native-tci)
    exec timeout 600 build/allocplay-tci --script "$session" "${runner_loads[@]}" "$kernel"
    ;;
wasm)
    exec timeout 600 node emu-glue/js/run-session.mjs "$kernel" "$session" --module build/emu/allocplay-emu.mjs \
        "${runner_loads[@]}"
    ;;
wasm-every-block)
    exec timeout 600 node emu-glue/js/run-session.mjs "$kernel" "$session" --module build/emu/allocplay-emu.mjs \
        --tier-limits=1,0 "${runner_loads[@]}"
    ;;
*)
    echo "unknown host '$host'" >&2
    exit 2
    ;;
esac
