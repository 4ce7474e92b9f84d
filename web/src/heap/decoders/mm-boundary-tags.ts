// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A guess at the student's own heap: the textbook boundary-tag layouts of the
 * malloc lab (a header word holding size | allocated bit, 4 or 8 bytes, with
 * or without an equal footer), walked from a prologue to the epilogue at the
 * break, and compared with the kernel's table of live blocks. Where the walk
 * and the table disagree is where the student's bookkeeping and what mm_malloc
 * returned part ways. Nothing here is trusted: every read is bounded by
 * [mem_heap_lo, break) and the walk by the number of 8-byte granules.
 */
import type { GuestMemory } from '../guest-memory';
import type { BoundaryTagWalk, Finding, TagBlock } from '../model';

export interface LiveBlock {
  address: number;
  requested: number;
}

/** The padding in front of the prologue is at most this many words. */
const MAX_PROLOGUE_WORDS = 4;

function word(m: GuestMemory, address: number, size: 4 | 8): number {
  return size === 4 ? m.u32(address) : m.u64(address);
}

/** Headers from start to the epilogue (size 0, allocated) at brk - size, or null. */
function walkFrom(
  m: GuestMemory,
  start: number,
  brk: number,
  size: 4 | 8,
): { blocks: TagBlock[]; complete: boolean } {
  const blocks: TagBlock[] = [];
  let header = start;
  const bound = Math.ceil((brk - start) / 8) + 1;
  for (let steps = 0; steps < bound && header + size <= brk; steps++) {
    const value = word(m, header, size);
    const blockSize = value - (value % 8);
    const allocated = value % 2 === 1;
    if (blockSize === 0) return { blocks, complete: allocated && header === brk - size };
    if (blockSize < 2 * size || blockSize > brk - header) return { blocks, complete: false };
    blocks.push({ header, size: blockSize, allocated });
    header += blockSize;
  }
  return { blocks, complete: false };
}

function walk(
  m: GuestMemory,
  heapLo: number,
  brk: number,
  live: readonly LiveBlock[],
  size: 4 | 8,
  footers: boolean,
): BoundaryTagWalk {
  let start = -1;
  let blocks: TagBlock[] = [];
  for (let k = 0; k <= MAX_PROLOGUE_WORDS && start < 0; k++) {
    const candidate = heapLo + k * size;
    if (candidate + size > brk) break;
    const tried = walkFrom(m, candidate, brk, size);
    if (tried.complete && tried.blocks.length > 0 && tried.blocks[0]!.allocated) {
      start = candidate;
      blocks = tried.blocks;
    }
  }
  const disagreements: Finding[] = [];
  const result = { word: size, footers, start, blocks, disagreements };
  if (start < 0) {
    disagreements.push({
      severity: 'warning',
      message: `no ${size}-byte header walk reaches an epilogue at the break`,
    });
    return result;
  }
  const byPayload = new Map(live.map((b) => [b.address, b]));
  const matched = new Set<number>();
  // the first block is the prologue: allocated, and never returned by mm_malloc
  for (const b of blocks.slice(1)) {
    const payload = b.header + size;
    const capacity = b.size - (footers ? 2 : 1) * size;
    if (footers && word(m, b.header + b.size - size, size) !== word(m, b.header, size))
      disagreements.push({
        severity: 'warning',
        message: 'footer differs from header',
        address: b.header,
      });
    const entry = byPayload.get(payload);
    if (b.allocated && entry === undefined) {
      disagreements.push({
        severity: 'warning',
        message: 'allocated in the heap, but not a live block for the kernel',
        address: payload,
      });
    } else if (!b.allocated && entry !== undefined) {
      disagreements.push({
        severity: 'warning',
        message: 'free in the heap, but live for the kernel',
        address: payload,
      });
    } else if (entry !== undefined && entry.requested > capacity) {
      disagreements.push({
        severity: 'warning',
        message: `block holds ${capacity} bytes, the kernel asked for ${entry.requested}`,
        address: payload,
      });
    }
    if (entry !== undefined) matched.add(payload);
  }
  for (const b of live) {
    if (!matched.has(b.address))
      disagreements.push({
        severity: 'warning',
        message: 'live for the kernel, but no header in this layout',
        address: b.address,
      });
  }
  return result;
}

/** 4- and 8-byte words, each without and with footers. */
export function boundaryTagWalks(
  m: GuestMemory,
  heapLo: number,
  brk: number,
  live: readonly LiveBlock[],
): BoundaryTagWalk[] {
  const walks: BoundaryTagWalk[] = [];
  for (const size of [4, 8] as const)
    for (const footers of [false, true]) walks.push(walk(m, heapLo, brk, live, size, footers));
  return walks;
}
