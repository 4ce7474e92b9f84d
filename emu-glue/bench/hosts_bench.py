#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The same kernel on every host: boot-to-prompt time and `stress 100000 1`.

For each host (QEMU TCG, native runner with Unicorn's JIT, native runner with
TCI, wasm in Node) this measures, from the guest's own UART output:
  - boot to prompt: process start until the first "first-fit> " arrives
    (includes starting the host: QEMU, or Node loading and compiling the wasm);
  - stress: from the echo of the command's Enter until its summary line;
and counts the guest instructions `stress 100000 1` executes. The emulators
count with their block hook; QEMU is counted in a separate run with
`-singlestep -d exec,nochain` (one log line per executed instruction), which
Debian's QEMU 7.2 allows without TCG plugins. Wall times are medians.

Runs are interleaved (run 1 on every host, then run 2, ...), so a change in
the machine's load hits every host alike. With --hook, each emulator also
runs with --engine=hook (Unicorn's block hook at every block, the way before
patch 0011). --no-qemu-count skips QEMU's single-step count (long for a
million ops) and takes the emulators' count, which the conformance test
shows is QEMU's.

usage: hosts_bench.py [--runs N] [--ops N] [--hook] [--no-qemu-count] > table.md
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

KERNEL = "build/kernel8.img"
PROMPT = b"first-fit> "
QEMU = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53", "-m", "128M", "-nographic"]
HOSTS = {
    "QEMU 7.2 (TCG)": lambda keys: QEMU + ["-kernel", KERNEL],
    "native runner (Unicorn JIT)": lambda keys: ["build/allocplay", "--stats", "--script", keys, KERNEL],
    "native runner (Unicorn TCI)": lambda keys: ["build/allocplay-tci", "--stats", "--script", keys, KERNEL],
    "wasm in Node (TCI)": lambda keys: [
        "node", "emu-glue/js/run-session.mjs", KERNEL, keys, "--module", "build/emu/allocplay-emu.mjs",
        "--stats",
    ],
}


def timed_run(argv, keys_path, markers):
    """Runs a host, feeding keys on stdin too (QEMU reads them there); returns
    the time (s since start) at which each marker first appeared, and stderr."""
    with open(keys_path, "rb") as keys:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=keys, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = b""
        found = {}
        while True:
            chunk = proc.stdout.read1(65536)
            if not chunk:
                break
            seen += chunk
            now = time.perf_counter() - start
            for m in markers:
                if m not in found and m in seen:
                    found[m] = now
        err = proc.stderr.read().decode()
        proc.wait()
    missing = [m for m in markers if m not in found]
    if missing:
        raise SystemExit(f"{argv[0]}: never printed {missing}: {err}")
    return found, err


def emulator_instructions(stderr):
    for word_index, line in ((i, l) for i, l in enumerate(stderr.splitlines())):
        if "guest instructions" in line:
            return int(line.split(" guest instructions")[0].split()[-1])
    raise SystemExit(f"no instruction count in: {stderr}")


def qemu_instructions(keys_path):
    """One log line per executed instruction with -singlestep; the count also
    holds the few instructions of QEMU's boot stub before the kernel."""
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "log")
        os.mkfifo(fifo)
        counter = subprocess.Popen(f"wc -l < {fifo}", shell=True, stdout=subprocess.PIPE)
        with open(keys_path, "rb") as keys:
            subprocess.run(
                QEMU + ["-singlestep", "-d", "exec,nochain", "-D", fifo, "-kernel", KERNEL],
                stdin=keys, stdout=subprocess.DEVNULL, check=True, timeout=3600,
            )
        return int(counter.communicate()[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ops", type=int, default=100000)
    parser.add_argument("--hook", action="store_true", help="add --engine=hook rows")
    parser.add_argument("--no-qemu-count", action="store_true", help="skip QEMU's instruction count")
    args = parser.parse_args()
    hosts = dict(HOSTS)
    if args.hook:
        for name, make_argv in HOSTS.items():
            if not name.startswith("QEMU"):
                hosts[f"{name}, hook engine"] = (
                    lambda keys, make_argv=make_argv: make_argv(keys) + ["--engine=hook"]
                )
    command = f"stress {args.ops} 1"
    with tempfile.TemporaryDirectory() as tmp:
        boot_keys = os.path.join(tmp, "boot.bin")
        stress_keys = os.path.join(tmp, "stress.bin")
        with open(boot_keys, "wb") as f:
            f.write(b"halt\r")
        with open(stress_keys, "wb") as f:
            f.write(command.encode() + b"\rhalt\r")
        echo = command.encode() + b"\r\n"
        summary = f"stress: {args.ops} ops".encode()

        boot = {name: [] for name in hosts}
        stress = {name: [] for name in hosts}
        errs = {}
        for run in range(args.runs):
            for name, make_argv in hosts.items():
                found, _ = timed_run(make_argv(boot_keys), boot_keys, [PROMPT])
                boot[name].append(found[PROMPT])
                found, errs[name] = timed_run(make_argv(stress_keys), stress_keys, [echo, summary])
                stress[name].append(found[summary] - found[echo])
            print(f"run {run + 1} of {args.runs} done", file=sys.stderr)
        rows = []
        for name, make_argv in hosts.items():
            if name.startswith("QEMU"):
                instructions = None
                if not args.no_qemu_count:
                    instructions = qemu_instructions(stress_keys) - qemu_instructions(boot_keys)
            else:
                _, boot_err = timed_run(make_argv(boot_keys), boot_keys, [PROMPT])
                instructions = emulator_instructions(errs[name]) - emulator_instructions(boot_err)
            rows.append((name, statistics.median(boot[name]), statistics.median(stress[name]), instructions))

    if rows[0][3] is None:
        rows[0] = rows[0][:3] + (rows[1][3],)
        print("(QEMU's instruction count: the emulators' count, not measured)", file=sys.stderr)
    _, _, qemu_stress, qemu_insns = rows[0]
    print(f"| host | boot to prompt | `{command}` wall time | × QEMU | guest instructions | × QEMU | guest MIPS |")
    print("|---|---|---|---|---|---|---|")
    for name, boot, stress, insns in rows:
        print(
            f"| {name} | {boot * 1000:.0f} ms | {stress:.2f} s | {stress / qemu_stress:.2f} | "
            f"{insns:,} | {insns / qemu_insns:.4f} | {insns / stress / 1e6:.0f} |"
        )


if __name__ == "__main__":
    main()
