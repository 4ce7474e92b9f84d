// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What happened to the heap between two pictures A and B of the same heap
 * (two checkpoints): which blocks were allocated, freed, resized in place,
 * moved, split and merged, and how the totals changed.
 *
 * Identity of a block. The decoders report addresses, sizes and status, not
 * who owns a block, so a used block is "the same allocation" in A and B when
 * its payload address is the same in both. That is sound for what it claims
 * and has two documented limits: a free followed by an allocation that
 * reuses the same address looks unchanged (or resized), and a realloc that
 * moved looks like a free plus an allocation. Both are fixed where the
 * kernel's `$N` table (heap ABI 4, lib/block_refs.c) is in both pictures:
 * each block A's table has live is followed through B's table (a realloc
 * ends an entry as "resized" and starts the realloc's own), so a move and a
 * free-then-reuse are told apart. The table covers what shell commands
 * returned (alloc, calloc, realloc), the last 256 of them; blocks of user
 * programs, `stress` and `trace`, and older entries, keep the address rule.
 * No move is ever guessed: payload contents are not used (shell allocations
 * leave them as they were, so equal contents prove nothing).
 *
 * Split and merged come from the block layout: a block of A whose bytes are
 * exactly several blocks of B was split, a block of B that is exactly several
 * blocks of A is a merge. The per-block highlight is panel/block-diff.ts, the
 * same sweep that draws "changed by the last command".
 */
import { type BlockChange, diffBlocks } from '../panel/block-diff';
import type { DecodeResult, HeapBlock, HeapModel, HeapTotals } from './model';

/** A block the caller knows moved: its payload was at `from` in A and is at `to` in B. */
export interface BlockMove {
  from: number;
  to: number;
}

export type DeltaEvent =
  | { kind: 'allocated'; block: HeapBlock }
  | { kind: 'freed'; block: HeapBlock }
  | { kind: 'resized'; before: HeapBlock; after: HeapBlock }
  | { kind: 'moved'; before: HeapBlock; after: HeapBlock }
  /** one block of A whose bytes now hold several blocks of B */
  | { kind: 'split'; before: HeapBlock; into: number }
  /** one block of B that covers several blocks of A */
  | { kind: 'merged'; after: HeapBlock; from: number };

export interface DeltaCounts {
  allocated: number;
  freed: number;
  resized: number;
  moved: number;
  split: number;
  merged: number;
}

/** B minus A of every total (bytes, blocks; fragmentation as a fraction). */
export type TotalsDelta = Omit<HeapTotals, 'regionSize'>;

export type HeapDelta =
  | {
      status: 'ok';
      before: HeapModel;
      after: HeapModel;
      /** in B's address order (freed and split ones at their A address) */
      events: DeltaEvent[];
      counts: DeltaCounts;
      totals: TotalsDelta;
      /** per block of B, for the panel's highlight */
      changes: BlockChange[];
    }
  /** the two pictures are not of one heap, or one is not a picture: nothing to draw as a delta */
  | { status: 'incomparable'; message: string };

export interface DeltaOptions {
  /**
   * moves a trusted source knows about; ignored unless `from` is used in A and `to` is used in B.
   * Default: what the two pictures' `$N` tables say (none without them).
   */
  moves?: readonly BlockMove[];
  /** payloads of A whose block ended before B even if B has a block there (default: from the tables) */
  ended?: ReadonlySet<number>;
  /** the caller knows the machine rebooted between A and B (the models alone cannot always tell) */
  rebootedBetween?: boolean;
}

function pictureProblem(result: DecodeResult, name: 'A' | 'B'): string | null {
  if (result.status === 'ok') return null;
  if (result.status === 'busy')
    return `checkpoint ${name} caught the heap in the middle of a change`;
  return `checkpoint ${name} has no heap picture (${result.findings[0]?.message ?? 'no heap'})`;
}

/** Why A and B cannot be compared block by block, or null when they can. */
export function incomparableReason(a: HeapModel, b: HeapModel, rebooted = false): string | null {
  if (a.kind !== b.kind || a.kindName !== b.kindName)
    return `A uses ${a.kindName} and B uses ${b.kindName}: a delta needs the same allocator on both`;
  if (
    rebooted ||
    a.heapInits !== b.heapInits ||
    a.regionStart !== b.regionStart ||
    a.regionEnd !== b.regionEnd ||
    a.stateAddress !== b.stateAddress
  )
    return `the ${a.kindName} heap was re-initialised between A and B (use, reset or reboot): its blocks are not the same blocks`;
  return null;
}

export function heapDelta(a: DecodeResult, b: DecodeResult, options: DeltaOptions = {}): HeapDelta {
  const problem = pictureProblem(a, 'A') ?? pictureProblem(b, 'B');
  if (problem !== null) return { status: 'incomparable', message: `Cannot compare: ${problem}.` };
  if (a.status !== 'ok' || b.status !== 'ok') throw new Error('unreachable');
  const before = a.model;
  const after = b.model;
  const reason = incomparableReason(before, after, options.rebootedBetween);
  if (reason !== null) return { status: 'incomparable', message: `Cannot compare: ${reason}.` };

  const usedBefore = usedByPayload(before.blocks);
  const usedAfter = usedByPayload(after.blocks);
  const lineage = blockLineage(before, after);
  const ended = options.ended ?? lineage.ended;
  const movedFrom = new Map<number, HeapBlock>();
  const movedTo = new Set<number>();
  for (const move of options.moves ?? lineage.moves) {
    const from = usedBefore.get(move.from);
    const to = usedAfter.get(move.to);
    if (from === undefined || to === undefined || move.from === move.to) continue;
    if (movedFrom.has(move.from) || movedTo.has(move.to)) continue;
    movedFrom.set(move.from, to);
    movedTo.add(move.to);
  }

  // events keyed by an address so the list reads in address order
  const events: { at: number; order: number; event: DeltaEvent }[] = [];
  const add = (at: number, event: DeltaEvent) => events.push({ at, order: events.length, event });
  const counts: DeltaCounts = { allocated: 0, freed: 0, resized: 0, moved: 0, split: 0, merged: 0 };

  for (const block of before.blocks) {
    if (block.status !== 'used') continue;
    const movedTo = movedFrom.get(block.payload);
    if (movedTo !== undefined) {
      add(movedTo.start, { kind: 'moved', before: block, after: movedTo });
      counts.moved++;
      continue;
    }
    const now = ended.has(block.payload) ? undefined : usedAfter.get(block.payload);
    if (now === undefined) {
      add(block.start, { kind: 'freed', block });
      counts.freed++;
    } else if (
      now.start !== block.start ||
      now.span !== block.span ||
      now.usable !== block.usable ||
      now.requested !== block.requested
    ) {
      add(now.start, { kind: 'resized', before: block, after: now });
      counts.resized++;
    }
  }
  for (const block of after.blocks) {
    if (block.status !== 'used' || movedTo.has(block.payload)) continue;
    const then = usedBefore.get(block.payload);
    // a used block where a block moved away or ended is a new allocation there
    if (then === undefined || movedFrom.has(block.payload) || ended.has(block.payload)) {
      add(block.start, { kind: 'allocated', block });
      counts.allocated++;
    }
  }

  const changes = diffBlocks(before.blocks, after.blocks);
  for (const { block, pieces } of tiledBy(before.blocks, after.blocks)) {
    add(block.start, { kind: 'split', before: block, into: pieces });
    counts.split++;
  }
  for (const { block, pieces } of tiledBy(after.blocks, before.blocks)) {
    add(block.start, { kind: 'merged', after: block, from: pieces });
    counts.merged++;
  }

  // at one address, read cause before effect: split or freed, merged, then what now lives there
  events.sort(
    (x, y) => x.at - y.at || RANK[x.event.kind] - RANK[y.event.kind] || x.order - y.order,
  );
  return {
    status: 'ok',
    before,
    after,
    events: events.map((e) => e.event),
    counts,
    totals: totalsDelta(before.totals, after.totals),
    changes,
  };
}

/**
 * What the kernel's `$N` tables say happened to A's blocks by B: each entry
 * live in A is looked up in B by its command number and followed through
 * every realloc (a resized entry's block is the realloc's own entry). Live
 * at another address: moved; freed or released: ended (even when something
 * else now sits at its address). Entries B's ring forgot say nothing.
 */
export function blockLineage(
  before: HeapModel,
  after: HeapModel,
): { moves: BlockMove[]; ended: Set<number> } {
  const moves: BlockMove[] = [];
  const ended = new Set<number>();
  if (before.blockRefs === undefined || after.blockRefs === undefined) return { moves, ended };
  const later = new Map(after.blockRefs.map((r) => [r.command, r]));
  for (const ref of before.blockRefs) {
    if (ref.state !== 'live') continue;
    let now = later.get(ref.command);
    // a chain of reallocs; the ring holds at most BLOCK_REFS entries, so this ends
    for (let steps = 0; now?.state === 'resized' && steps < later.size; steps++)
      now = later.get(now.endedBy);
    if (now === undefined || now.state === 'resized') continue;
    if (now.state === 'live') {
      if (now.address !== ref.address) moves.push({ from: ref.address, to: now.address });
    } else {
      ended.add(ref.address);
    }
  }
  return { moves, ended };
}

const RANK: Record<DeltaEvent['kind'], number> = {
  split: 0,
  freed: 1,
  merged: 2,
  resized: 3,
  moved: 4,
  allocated: 5,
};

function end(block: HeapBlock): number {
  return block.start + block.span;
}

function usedByPayload(blocks: readonly HeapBlock[]): Map<number, HeapBlock> {
  const map = new Map<number, HeapBlock>();
  for (const b of blocks) if (b.status === 'used') map.set(b.payload, b);
  return map;
}

/**
 * Blocks of `outer` whose bytes are exactly two or more blocks of `inner`
 * (a split: outer = A, inner = B; a merge: outer = B, inner = A). Exact
 * tiling only: a used block that grew in place into part of its free
 * neighbour is resized, not merged. Both lists in address order: O(n).
 */
function tiledBy(
  outer: readonly HeapBlock[],
  inner: readonly HeapBlock[],
): { block: HeapBlock; pieces: number }[] {
  const found: { block: HeapBlock; pieces: number }[] = [];
  let j = 0;
  for (const block of outer) {
    while (j < inner.length && inner[j]!.start < block.start) j++;
    let pieces = 0;
    let k = j;
    while (k < inner.length && end(inner[k]!) <= end(block)) {
      pieces++;
      k++;
    }
    const tiles =
      pieces >= 2 && inner[j]!.start === block.start && end(inner[k - 1]!) === end(block);
    if (tiles) found.push({ block, pieces });
  }
  return found;
}

export function totalsDelta(a: HeapTotals, b: HeapTotals): TotalsDelta {
  return {
    usedBytes: b.usedBytes - a.usedBytes,
    requestedBytes: b.requestedBytes - a.requestedBytes,
    freeBytes: b.freeBytes - a.freeBytes,
    overheadBytes: b.overheadBytes - a.overheadBytes,
    largestFree: b.largestFree - a.largestFree,
    usedBlocks: b.usedBlocks - a.usedBlocks,
    freeBlocks: b.freeBlocks - a.freeBlocks,
    fragmentation: b.fragmentation - a.fragmentation,
  };
}
