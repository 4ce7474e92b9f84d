#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Emulator speed on every host in one run, against QEMU and issue 14's targets.

`stress 1000000 1` (by default) on:
  - QEMU 7.2 TCG with the session runner's flags (scripts/run-session.sh qemu:
    -icount shift=7,align=off,sleep=off), the reference for every ratio;
  - the native runner on Unicorn's JIT and on TCI;
  - the wasm module in Node (emu-glue/js/run-session.mjs);
  - the page in headless Chromium: the command typed in the terminal, from the
    Enter key until its summary line is in the terminal (page_speed.mjs).
Wall time is from the command's echo to its summary line in the guest's output
(the page: from Enter), median of --runs. Guest instruction counts must be
identical: QEMU's from its icount (qemu_count.py), the emulators' from their
block hook (--stats), each a session with the command minus one without. The
page gets its keys one at a time, so its count (of the Enter) is compared with
the same keys typed one by one into the wasm module in Node (keywise_count.mjs).
Also the emulator module's size (raw, gzip -9) in the built page and the cold
load to the first prompt in Chromium. Prints one Markdown report on stdout;
exits 1 if instruction counts differ (a conformance bug), not for a missed
target.

Which build is measured (the defaults are the repository's build/ outputs):
  --native-jit PATH / ALLOCPLAY_NATIVE_JIT     native runner, JIT
  --native-tci PATH / ALLOCPLAY_NATIVE_TCI     native runner, TCI
  --wasm-module PATH / ALLOCPLAY_EMU_MODULE    the ES module (its .wasm beside it)
  --emu-args A / SPEED_BENCH_EMU_ARGS          more arguments for the native runners and
                                               run-session.mjs (e.g. an emulator path option)
  --page-query Q / SPEED_BENCH_PAGE_QUERY      appended to the page URL (name=value&...)
The page is always build/web (vite preview); --hosts leaves hosts out.

usage: speed_bench.py [--runs N] [--ops N] [--hosts qemu,jit,tci,wasm,page] [...] > report.md
"""
import argparse
import glob
import gzip
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hosts_bench import PROMPT, emulator_instructions, timed_run  # noqa: E402
from qemu_count import qemu_instructions  # noqa: E402

BENCH_DIR = os.path.relpath(os.path.dirname(os.path.abspath(__file__)))
WEB_BUILD = "build/web"
ALL_HOSTS = ["qemu", "jit", "tci", "wasm", "page"]

# issue 14's targets
TARGET_RATIO = {"jit": 2.0, "wasm": 8.0, "page": 10.0}
TARGET_RAW_BYTES = 2.5e6
TARGET_GZIP_BYTES = 0.6e6
TARGET_COLD_LOAD_MS = 800


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per host (median); default 3")
    parser.add_argument("--ops", type=int, default=1000000, help="stress operations; default 1000000")
    parser.add_argument("--hosts", default=",".join(ALL_HOSTS),
                        help="comma-separated subset of " + ",".join(ALL_HOSTS) + " (qemu always runs)")
    parser.add_argument("--kernel", default="build/kernel8.img")
    parser.add_argument("--native-jit", default=os.environ.get("ALLOCPLAY_NATIVE_JIT", "build/allocplay"))
    parser.add_argument("--native-tci", default=os.environ.get("ALLOCPLAY_NATIVE_TCI", "build/allocplay-tci"))
    parser.add_argument("--wasm-module",
                        default=os.environ.get("ALLOCPLAY_EMU_MODULE", "build/emu/allocplay-emu.mjs"))
    parser.add_argument("--emu-args", default=os.environ.get("SPEED_BENCH_EMU_ARGS", ""),
                        help="more arguments for the native runners and run-session.mjs")
    parser.add_argument("--page-query", default=os.environ.get("SPEED_BENCH_PAGE_QUERY", ""))
    args = parser.parse_args()
    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    unknown = [h for h in hosts if h not in ALL_HOSTS]
    if unknown or args.runs < 1 or args.ops < 1:
        parser.error(f"unknown host(s) {unknown}" if unknown else "--runs and --ops must be positive")
    args.emu_args = shlex.split(args.emu_args)
    args.hosts = ["qemu"] + [h for h in hosts if h != "qemu"]
    for path in [args.kernel, args.wasm_module] + [
        p for h, p in (("jit", args.native_jit), ("tci", args.native_tci)) if h in args.hosts
    ]:
        if not os.path.exists(path):
            parser.error(f"{path} does not exist (make emu-native emu-wasm web-build builds the defaults)")
    return args


def emulator_argv(args, host, keys):
    if host == "qemu":
        return ["scripts/run-session.sh", "qemu", args.kernel, keys]
    if host == "jit":
        return [args.native_jit, "--stats", *args.emu_args, "--script", keys, args.kernel]
    if host == "tci":
        return [args.native_tci, "--stats", *args.emu_args, "--script", keys, args.kernel]
    return ["node", "emu-glue/js/run-session.mjs", args.kernel, keys, "--module", args.wasm_module, "--stats",
            *args.emu_args]


def measure_session_host(args, host, keys, echo, summary):
    """Median wall time from echo to summary, and the command's guest instructions."""
    seconds, stress_err = [], ""
    for _ in range(args.runs):
        found, stress_err = timed_run(emulator_argv(args, host, keys["stress"]), keys["stress"], [echo, summary])
        seconds.append(found[summary] - found[echo])
    confirmed = True
    if host == "qemu":
        stress, stress_sure = qemu_instructions(args.kernel, keys["stress"])
        boot, boot_sure = qemu_instructions(args.kernel, keys["boot"])
        instructions, confirmed = stress - boot, stress_sure and boot_sure
    else:
        _, boot_err = timed_run(emulator_argv(args, host, keys["boot"]), keys["boot"], [PROMPT])
        instructions = emulator_instructions(stress_err) - emulator_instructions(boot_err)
    return {"seconds": statistics.median(seconds), "all": seconds, "instructions": instructions,
            "confirmed": confirmed}


def measure_page(args, command, summary):
    argv = ["node", os.path.join(BENCH_DIR, "page_speed.mjs"), "--command", command, "--summary", summary,
            "--runs", str(args.runs)]
    if args.page_query:
        argv += ["--query", args.page_query]
    result = json.loads(subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True).stdout)
    keywise = int(subprocess.run(
        ["node", os.path.join(BENCH_DIR, "keywise_count.mjs"), args.kernel, command, "--module", args.wasm_module],
        check=True, stdout=subprocess.PIPE, text=True).stdout)
    runs = result["runs"]
    return {
        "chromium": result["chromium"],
        "seconds": statistics.median(r["commandMs"] for r in runs) / 1000,
        "all": [r["commandMs"] / 1000 for r in runs],
        "instructions": sorted({r["instructions"] for r in runs}),
        "keywise": keywise,
        "cold_load_ms": statistics.median(r["coldLoadMs"] for r in runs),
        "cold_loads": [r["coldLoadMs"] for r in runs],
    }


def module_sizes():
    sizes = []
    for path in sorted(glob.glob(os.path.join(WEB_BUILD, "**", "*.wasm"), recursive=True)):
        with open(path, "rb") as f:
            data = f.read()
        sizes.append((path, len(data), len(gzip.compress(data, compresslevel=9))))
    return sizes


def verdict(ok):
    return "met" if ok else "**missed**"


def report(args, command, results, page, sizes):
    qemu = results["qemu"]["seconds"]
    names = {
        "qemu": "QEMU 7.2 TCG (`-icount shift=7`, as run-session.sh)",
        "jit": f"native runner, Unicorn JIT (`{args.native_jit}`)",
        "tci": f"native runner, Unicorn TCI (`{args.native_tci}`)",
        "wasm": f"wasm in Node (`{args.wasm_module}`)",
        "page": "the page in headless Chromium" + (f" (`?{args.page_query}`)" if args.page_query else ""),
    }
    out = []
    load = os.getloadavg()[0]
    out.append(f"`{command}`, median of {args.runs} runs; {os.cpu_count()} cores, load average {load:.1f}"
               + (f"; {page['chromium']}" if page else "")
               + (f"; emulator arguments `{shlex.join(args.emu_args)}`" if args.emu_args else "") + ".")
    out.append("")
    out.append(f"| host | `{command}` wall time | × QEMU | target | verdict | guest instructions | guest MIPS |")
    out.append("|---|---|---|---|---|---|---|")
    for host in args.hosts:
        r = page if host == "page" else results[host]
        # a command too short to time (echo and summary in one read) has no ratio
        ratio = r["seconds"] / qemu if qemu > 0 else None
        target = TARGET_RATIO.get(host)
        insns = r["keywise"] if host == "page" else r["instructions"]
        shown = (", ".join(f"{n:,}" for n in r["instructions"]) + " (Enter, typed)") if host == "page" \
            else f"{insns:,}"
        mips = f"{insns / r['seconds'] / 1e6:.0f}" if r["seconds"] > 0 else "–"
        out.append(
            f"| {names[host]} | {r['seconds']:.3f} s | {'–' if ratio is None else f'{ratio:.2f}'} | "
            f"{'reference' if host == 'qemu' else (f'≤ {target:g}×' if target else '–')} | "
            f"{verdict(ratio <= target) if target and ratio is not None else '–'} | {shown} | {mips} |"
        )
    for path, raw, gz in sizes:
        ok = raw <= TARGET_RAW_BYTES and gz <= TARGET_GZIP_BYTES
        out.append(f"| emulator module `{path}` | {raw / 1e6:.2f} MB raw / {gz / 1e6:.2f} MB gzip | | "
                   f"≤ 2.5 MB / 0.6 MB | {verdict(ok)} | | |")
    if page:
        loads = page["cold_loads"]
        out.append(f"| cold load to first prompt (Chromium, fresh context) | {page['cold_load_ms']:.0f} ms "
                   f"(min {min(loads):.0f}, max {max(loads):.0f}) | | ≤ {TARGET_COLD_LOAD_MS} ms | "
                   f"{verdict(page['cold_load_ms'] <= TARGET_COLD_LOAD_MS)} | | |")
    out.append("")

    problems = []
    batch = {h: results[h]["instructions"] for h in results}
    if len(set(batch.values())) != 1:
        problems.append("guest instructions differ between the session hosts: "
                        + ", ".join(f"{h} {n:,}" for h, n in batch.items())
                        + ("" if results["qemu"]["confirmed"] else
                           " (QEMU's smallest count never came out twice: the guest may have waited for keys"
                           " in every run, so its count may be too high; run again on a quieter machine)"))
    if page and page["instructions"] != [page["keywise"]]:
        problems.append(f"the page's count of the Enter ({page['instructions']}) is not the count of the same "
                        f"keys typed into the wasm module in Node ({page['keywise']:,})")
    if problems:
        out += [f"- MISMATCH: {p}" for p in problems]
    else:
        out.append(f"Guest instructions identical: {batch['qemu']:,} on "
                   + ", ".join(h for h in results) + " (session minus boot-only session)"
                   + (f"; the page's Enter {page['keywise']:,} = the same keys typed one by one in Node"
                      if page else "") + ".")
    for host in args.hosts:
        r = page if host == "page" else results[host]
        out.append(f"- {host}: runs " + ", ".join(f"{s:.3f} s" for s in r["all"]))
    return "\n".join(out), not problems


def main():
    args = parse_args()
    command = f"stress {args.ops} 1"
    echo = command.encode() + b"\r\n"
    summary = f"stress: {args.ops} ops"
    results, page = {}, None
    with tempfile.TemporaryDirectory() as tmp:
        keys = {"boot": os.path.join(tmp, "boot.bin"), "stress": os.path.join(tmp, "stress.bin")}
        with open(keys["boot"], "wb") as f:
            f.write(b"halt\r")
        with open(keys["stress"], "wb") as f:
            f.write(command.encode() + b"\rhalt\r")
        for host in args.hosts:
            started = time.monotonic()
            if host == "page":
                page = measure_page(args, command, summary)
            else:
                results[host] = measure_session_host(args, host, keys, echo, summary.encode())
            print(f"speed_bench: measured {host} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    text, same = report(args, command, results, page, module_sizes())
    print(text)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
