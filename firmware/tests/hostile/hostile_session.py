#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile-session test: the kernel under a long stream of junk.

Generates (from a seed) a stream of random printable and control bytes,
escape sequences, overlong lines, huge and malformed numbers and valid
commands, with a probe every so often: Ctrl-U (to erase whatever half-line the
junk left; Ctrl-C would instead interrupt a running `stress` and leave the
half-line typed ahead) followed by `check`. The kernel runs in the native runner. It must
stay responsive and its heap check-clean: every probe answers "check: OK",
no fault is left unrecovered, and the final `halt` powers it off.

usage: hostile_session.py [--bytes N] [--seed S] [--runner build/allocplay] [--kernel K]
"""
import argparse
import random
import subprocess
import sys
import tempfile

ALLOCATORS = ["first-fit", "buddy", "page", "bump", "tlsf"]


def heap_address(rng):
    return f"0x{rng.randrange(0x403f0000, 0x40510000) & ~rng.choice([0, 0xf]):x}"


def valid_command(rng):
    """Commands that must never break the kernel (not halt/reboot/corrupt; not
    check either, so that every "check:" answer belongs to a probe)."""
    return rng.choice([
        lambda: f"alloc {rng.choice([1, 16, 100, 4096, 65536, rng.randrange(1, 1 << 20)])}",
        lambda: f"alloc {rng.randrange(1, 5000)} {1 << rng.randrange(0, 13)}",
        lambda: f"free {heap_address(rng)}",
        lambda: f"realloc {heap_address(rng)} {rng.randrange(1, 9000)}",
        lambda: f"free ${rng.randrange(0, 400)}",  # a block named by the command that returned it
        lambda: f"realloc ${rng.randrange(0, 400)} {rng.randrange(1, 9000)}",
        lambda: f"calloc {rng.randrange(0, 100)} {rng.randrange(0, 100)}",
        lambda: "info",
        lambda: "meminfo",
        lambda: "history",
        lambda: "reset",
        lambda: f"use {rng.choice(ALLOCATORS)}",
        lambda: f"stress {rng.randrange(1, 300)} {rng.randrange(0, 1 << 32)}",
        lambda: f"fault {rng.choice(['brk', 'undef'])}",
    ])()


def junk(rng):
    kind = rng.randrange(8)
    if kind == 0:  # any bytes at all
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    if kind == 1:  # printable noise
        return bytes(rng.randrange(0x20, 0x7f) for _ in range(rng.randrange(1, 80)))
    if kind == 2:  # an overlong line
        return b"alloc " + b"9" * rng.randrange(100, 400) + b"\r"
    if kind == 3:  # huge and malformed numbers
        return rng.choice([b"alloc 99999999999999999999999999\r", b"free 0x\r", b"alloc 0x10000000000000000\r",
                           b"stress 10 1 9-1\r", b"alloc -1\r", b"calloc 4294967296 4294967296\r",
                           b"alloc 1k 1m\r", b"realloc 0 0\r", b"free 18446744073709551615\r",
                           b"free $99999999999999999999999\r", b"free $\r", b"realloc $0x1 5\r", b"free $$1\r"])
    if kind == 4:  # escape sequences, complete and broken
        return rng.choice([b"\x1b[A", b"\x1b[B", b"\x1b[1;5C", b"\x1bO", b"\x1b[", b"\x1b[999999999999", b"\x1b\x1b"])
    if kind == 5:  # line-editing keys
        return bytes(rng.choice([0x08, 0x7f, 0x15, 0x03, 0x09, 0x0a, 0x0d]) for _ in range(rng.randrange(1, 10)))
    return valid_command(rng).encode() + b"\r"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bytes", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runner", default="build/allocplay")
    parser.add_argument("--kernel", default="build/kernel8.img")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    stream = bytearray()
    probes = 0
    while len(stream) < args.bytes:
        stream += junk(rng)
        if rng.randrange(20) == 0:
            stream += b"\x15check\r"
            probes += 1
    stream += b"\x15check\r\x15halt\r"
    probes += 1

    with tempfile.NamedTemporaryFile(suffix=".bin") as keys:
        keys.write(stream)
        keys.flush()
        run = subprocess.run([args.runner, "--script", keys.name, args.kernel],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    out = run.stdout
    ok = out.count(b"check: OK")
    failed = out.count(b"check: FAILED")
    problems = []
    if run.returncode != 0:
        problems.append(f"runner exited {run.returncode}: {run.stderr.decode().strip()}")
    if failed:
        problems.append(f"{failed} checks FAILED")
    # an up arrow in the junk can recall a probe's `check`, so answers may
    # outnumber probes; fewer means a probe went unanswered
    if ok < probes:
        problems.append(f"only {ok} 'check: OK' answers for {probes} probes")
    if b"cannot recover" in out:
        problems.append("an exception was not recovered")
    if not out.endswith(b"powering off\r\n"):
        problems.append("the session did not end with the kernel powering off")
    if problems:
        print(f"hostile session (seed {args.seed}): FAILED: " + "; ".join(problems))
        sys.exit(1)
    print(f"ok   hostile session: {len(stream):,} bytes (seed {args.seed}), {probes} probes all 'check: OK', "
          f"{len(out):,} bytes of output, guest powered off cleanly")


if __name__ == "__main__":
    main()
