#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes our own CS:APP-format (.rep) traces, sized for the kernel's 1 MiB heap.

Each one exercises a pattern the handout's traces are known for:

  binary      binary-bal: small and large blocks alternate, every large one is
              freed, then blocks slightly larger than the freed holes arrive
              (a first fit cannot reuse the holes without coalescing).
  coalescing  coalescing-bal: two neighbours are allocated and freed, then one
              block of their combined size is asked for; small pinned blocks
              that stay live now and then break up the free space.
  realloc     realloc-bal: a vector grows by realloc in small steps while a
              small block is allocated after it and the previous small block
              freed (so growing in place needs coalescing with free space);
              a second vector grows by doubling.
  random      random-bal: random sizes (log-uniform 16 B - 4 KiB), random
              frees and reallocs around a bounded live set, then everything
              is freed.

All traces are balanced (everything allocated is freed) and deterministic:
randomness comes from splitmix64 with a fixed seed, so the files never change
unless this script does.

usage: gen_traces.py OUTPUT_DIR      (writes OUTPUT_DIR/<name>.rep)
"""
import os
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed: int):
        self.state = seed & MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def range(self, lo: int, hi: int) -> int:
        """Uniform in [lo, hi] (the tiny modulo bias does not matter here)."""
        return lo + self.next() % (hi - lo + 1)


class Trace:
    """Requests on ids; ids are recycled after a free to keep the table small."""

    def __init__(self):
        self.ops = []
        self.free_ids = []
        self.next_id = 0

    def alloc(self, size: int) -> int:
        ident = self.free_ids.pop() if self.free_ids else self.next_id
        if ident == self.next_id:
            self.next_id += 1
        self.ops.append(f"a {ident} {size}")
        return ident

    def free(self, ident: int) -> None:
        self.ops.append(f"f {ident}")
        self.free_ids.append(ident)

    def realloc(self, ident: int, size: int) -> None:
        self.ops.append(f"r {ident} {size}")

    def text(self, suggested_heap: int) -> str:
        header = [str(suggested_heap), str(self.next_id), str(len(self.ops)), "1"]
        return "\n".join(header + self.ops) + "\n"


def binary() -> Trace:
    t = Trace()
    small, large = [], []
    for _ in range(500):
        small.append(t.alloc(64))
        large.append(t.alloc(448))
    for ident in large:
        t.free(ident)
    bigger = [t.alloc(512) for _ in range(500)]
    for ident in small + bigger:
        t.free(ident)
    return t


def coalescing() -> Trace:
    t = Trace()
    pins = []
    for round_number in range(250):
        a = t.alloc(4095)
        b = t.alloc(4095)
        t.free(a)
        t.free(b)
        c = t.alloc(8190)
        if round_number % 8 == 0:
            pins.append(t.alloc(16))
        t.free(c)
    for ident in pins:
        t.free(ident)
    return t


def realloc() -> Trace:
    t = Trace()
    vector = t.alloc(512)
    size = 512
    previous = t.alloc(128)
    for _ in range(200):
        size += 128
        t.realloc(vector, size)
        current = t.alloc(128)
        t.free(previous)
        previous = current
    doubling = t.alloc(16)
    size = 16
    while size < 32768:
        size *= 2
        t.realloc(doubling, size)
    t.free(previous)
    t.free(vector)
    t.free(doubling)
    return t


def random_trace() -> Trace:
    t = Trace()
    rng = SplitMix64(0x7A11_0C)
    live = {}  # id -> size
    live_limit = 256 * 1024

    def size() -> int:
        octave = rng.range(4, 11)  # 16 B .. 4 KiB
        return rng.range(1 << octave, (2 << octave) - 1)

    for _ in range(4000):
        r = rng.range(0, 99)
        if not live or (r < 50 and sum(live.values()) < live_limit):
            s = size()
            live[t.alloc(s)] = s
        elif r < 85:
            ident = sorted(live)[rng.range(0, len(live) - 1)]
            t.free(ident)
            del live[ident]
        else:
            ident = sorted(live)[rng.range(0, len(live) - 1)]
            live[ident] = size()
            t.realloc(ident, live[ident])
    for ident in sorted(live):
        t.free(ident)
    return t


TRACES = {"binary": binary, "coalescing": coalescing, "realloc": realloc, "random": random_trace}


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, make in TRACES.items():
        with open(os.path.join(out, f"{name}.rep"), "w", newline="\n") as f:
            f.write(make().text(1 << 20))


if __name__ == "__main__":
    main()
