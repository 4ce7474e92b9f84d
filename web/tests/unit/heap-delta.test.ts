// SPDX-License-Identifier: GPL-2.0-or-later
// The heap delta between two checkpoints' pictures: what was allocated,
// freed, resized, moved, split and merged, the totals' difference, and the
// one message when the pictures are not of one heap.
import { describe, expect, it } from 'vitest';
import { type DeltaEvent, heapDelta } from '../../src/heap/heap-delta';
import { deltaSummary, eventText, signedBytes } from '../../src/heap/heap-delta-text';
import { BlockRef, BlockRefs, Descriptor, RefState } from '../../src/heap/abi';
import { decodeBlockRefs } from '../../src/heap/block-refs-decoder';
import { GuestMemory } from '../../src/heap/guest-memory';
import type { BlockRefEntry, DecodeResult, HeapBlock, HeapModel } from '../../src/heap/model';
import { writeU32, writeU64 } from '../support/scribble';
import { decodeHeap } from '../../src/heap/decoder';
import { loadFixtureMemory } from '../support/snapshot';

const REGION = 0x40400000;
const HEAP = REGION + 0x30;
const REGION_END = REGION + 0x1000;

/** [span, 'u' | 'f', requested] from HEAP on, first-fit style: 16-byte header, payload after it */
type Spec = [number, 'u' | 'f', number?];

function blocks(specs: Spec[]): HeapBlock[] {
  let at = HEAP;
  return specs.map(([span, status, requested]) => {
    const block: HeapBlock = {
      start: at,
      span,
      payload: at + 16,
      usable: span - 16,
      requested: status === 'u' ? (requested ?? span - 16) : 0,
      status: status === 'u' ? 'used' : 'free',
      metaAddress: at,
      metaLength: 16,
      metaOffset: 0,
    };
    at += span;
    return block;
  });
}

function picture(specs: Spec[], overrides: Partial<HeapModel> = {}): DecodeResult {
  const list = blocks(specs);
  const used = list.filter((b) => b.status === 'used');
  const free = list.filter((b) => b.status === 'free');
  const usedBytes = used.reduce((n, b) => n + b.usable, 0);
  const freeBytes = free.reduce((n, b) => n + b.usable, 0);
  const largestFree = Math.max(0, ...free.map((b) => b.usable));
  const model: HeapModel = {
    abiVersion: 3,
    generation: 2,
    commands: 1,
    heapInits: 1,
    kind: 1,
    kindName: 'first-fit',
    regionStart: REGION,
    regionEnd: REGION_END,
    stateAddress: REGION,
    totals: {
      regionSize: REGION_END - REGION,
      usedBytes,
      requestedBytes: used.reduce((n, b) => n + b.requested, 0),
      freeBytes,
      overheadBytes: REGION_END - REGION - usedBytes - freeBytes,
      largestFree,
      usedBlocks: used.length,
      freeBlocks: free.length,
      fragmentation: freeBytes === 0 ? 0 : 1 - largestFree / freeBytes,
    },
    area: { start: HEAP, end: REGION_END },
    blocks: list,
    metaBytes: new Uint8Array(16),
    extras: null,
    findings: [],
    check: { ok: true },
    ...overrides,
  };
  return { status: 'ok', model };
}

const TAIL = REGION_END - HEAP;

function kinds(events: DeltaEvent[]): string[] {
  return events.map((e) => e.kind);
}

describe('heapDelta', () => {
  it('reports an allocation carved from the free block as allocated and split', () => {
    const a = picture([[TAIL, 'f']]);
    const b = picture([
      [128, 'u', 100],
      [TAIL - 128, 'f'],
    ]);
    const delta = heapDelta(a, b);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toEqual({
      allocated: 1,
      freed: 0,
      resized: 0,
      moved: 0,
      split: 1,
      merged: 0,
    });
    expect(kinds(delta.events)).toEqual(['split', 'allocated']);
    expect(delta.events[0]).toMatchObject({ kind: 'split', into: 2 });
    expect(delta.totals.usedBytes).toBe(112);
    expect(delta.totals.freeBytes).toBe(-128);
    expect(delta.totals.overheadBytes).toBe(16);
    expect(delta.totals.usedBlocks).toBe(1);
    expect(delta.changes).toEqual(['split', 'split']);
  });

  it('reports a free that coalesces with its neighbour as freed and merged', () => {
    const a = picture([
      [128, 'u'],
      [64, 'u'],
      [TAIL - 192, 'f'],
    ]);
    const b = picture([
      [128, 'u'],
      [TAIL - 128, 'f'],
    ]);
    const delta = heapDelta(a, b);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ allocated: 0, freed: 1, merged: 1, split: 0 });
    const merged = delta.events.find((e) => e.kind === 'merged');
    expect(merged).toMatchObject({ kind: 'merged', from: 2 });
    expect(delta.totals.usedBytes).toBe(-48);
    expect(delta.changes).toEqual(['same', 'merged']);
  });

  it('keeps a block at the same payload as the same allocation, resized in place when its size changed', () => {
    const a = picture([
      [128, 'u', 100],
      [TAIL - 128, 'f'],
    ]);
    const b = picture([
      [320, 'u', 300],
      [TAIL - 320, 'f'],
    ]);
    const delta = heapDelta(a, b);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ allocated: 0, freed: 0, resized: 1, moved: 0 });
    expect(eventText(delta.events[0]!)).toBe('resized 0x40400040 in place: 112 B → 304 B');
  });

  it('without a trusted source, a realloc that moved is a free and an allocation, never a guessed move', () => {
    const a = picture([
      [128, 'u', 100],
      [64, 'u'],
      [TAIL - 192, 'f'],
    ]);
    const b = picture([
      [128, 'f'],
      [64, 'u'],
      [320, 'u', 300],
      [TAIL - 512, 'f'],
    ]);
    const delta = heapDelta(a, b);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ allocated: 1, freed: 1, moved: 0 });
  });

  it('reports a move the caller knows about, and ignores moves that do not fit the pictures', () => {
    const a = picture([
      [128, 'u', 100],
      [64, 'u'],
      [TAIL - 192, 'f'],
    ]);
    const b = picture([
      [128, 'f'],
      [64, 'u'],
      [320, 'u', 300],
      [TAIL - 512, 'f'],
    ]);
    const from = HEAP + 16;
    const to = HEAP + 192 + 16;
    const delta = heapDelta(a, b, {
      moves: [
        { from, to },
        { from: 0x1234, to }, // not a used payload in A
        { from: HEAP + 128 + 16, to: 0x5678 }, // not a used payload in B
      ],
    });
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ allocated: 0, freed: 0, moved: 1 });
    const moved = delta.events.find((e) => e.kind === 'moved');
    expect(moved === undefined ? '' : eventText(moved)).toBe(
      'moved 0x40400040 → 0x40400100 (112 B → 304 B)',
    );
  });

  it('counts a new block at an address a move vacated as allocated', () => {
    const a = picture([
      [128, 'u', 100],
      [TAIL - 128, 'f'],
    ]);
    const b = picture([
      [128, 'u', 50],
      [320, 'u', 300],
      [TAIL - 448, 'f'],
    ]);
    const delta = heapDelta(a, b, { moves: [{ from: HEAP + 16, to: HEAP + 128 + 16 }] });
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ allocated: 1, freed: 0, moved: 1, resized: 0 });
  });

  it('finds nothing between a picture and itself', () => {
    const a = picture([
      [128, 'u'],
      [TAIL - 128, 'f'],
    ]);
    const delta = heapDelta(a, a);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.events).toEqual([]);
    expect(delta.changes).toEqual(['same', 'same']);
    expect(deltaSummary(delta, { command: 'x', index: 1 }, { command: 'x', index: 1 })).toBe(
      'between `x` (1) and `x` (1): no block changed, totals unchanged',
    );
  });

  it('reads B against A whichever comes first on the timeline', () => {
    const early = picture([[TAIL, 'f']]);
    const late = picture([
      [128, 'u'],
      [TAIL - 128, 'f'],
    ]);
    const backwards = heapDelta(late, early);
    if (backwards.status !== 'ok') throw new Error(backwards.message);
    expect(backwards.counts).toMatchObject({ freed: 1, merged: 1, allocated: 0 });
  });

  it('writes the summary the page shows (a block at the same payload stays the same allocation)', () => {
    const a = picture([
      [128, 'u'],
      [64, 'u'],
      [TAIL - 192, 'f'],
    ]);
    const b = picture([
      [128, 'u'],
      [32, 'u'],
      [32, 'u'],
      [TAIL - 192, 'f'],
    ]);
    const delta = heapDelta(a, b);
    expect(
      deltaSummary(delta, { command: 'alloc 100', index: 3 }, { command: 'free $3', index: 5 }),
    ).toBe(
      'between `alloc 100` (3) and `free $3` (5): 1 allocated, 1 resized, 1 split, used −16 B, overhead +16 B',
    );
  });

  describe('says once, clearly, when A and B are not one heap', () => {
    const a = picture([[TAIL, 'f']]);
    it.each([
      [
        'another allocator',
        picture([[TAIL, 'f']], { kind: 5, kindName: 'tlsf' }),
        'Cannot compare: A uses first-fit and B uses tlsf: a delta needs the same allocator on both.',
      ],
      [
        'a re-initialised heap',
        picture([[TAIL, 'f']], { heapInits: 2 }),
        'Cannot compare: the first-fit heap was re-initialised between A and B (use, reset or reboot): its blocks are not the same blocks.',
      ],
      [
        'a busy picture',
        { status: 'busy', generation: 3, message: 'odd' } as DecodeResult,
        'Cannot compare: checkpoint B caught the heap in the middle of a change.',
      ],
      [
        'no heap',
        {
          status: 'invalid',
          findings: [{ severity: 'error', message: 'bad magic' }],
        } as DecodeResult,
        'Cannot compare: checkpoint B has no heap picture (bad magic).',
      ],
    ])('%s', (_name, b, message) => {
      expect(heapDelta(a, b)).toEqual({ status: 'incomparable', message });
    });

    it('a reboot the caller knows about', () => {
      expect(heapDelta(a, a, { rebootedBetween: true }).status).toBe('incomparable');
    });
  });

  it('signs byte differences', () => {
    expect(signedBytes(-96)).toBe('−96 B');
    expect(signedBytes(2048)).toBe('+2 KiB');
    expect(signedBytes(0)).toBe('±0 B');
  });
});

describe("identity from the kernel's $N tables", () => {
  const p = HEAP + 16;
  const q = HEAP + 192 + 16;
  const ref = (command: number, address: number, state: BlockRefEntry['state'], endedBy = 0) => ({
    command,
    address,
    state,
    endedBy,
  });
  const withRefs = (result: DecodeResult, blockRefs: BlockRefEntry[]): DecodeResult =>
    result.status === 'ok' ? { ...result, model: { ...result.model, blockRefs } } : result;
  const a = withRefs(
    picture([
      [128, 'u', 100],
      [64, 'u'],
      [TAIL - 192, 'f'],
    ]),
    [ref(1, p, 'live'), ref(2, HEAP + 128 + 16, 'live')],
  );
  const moved = picture([
    [128, 'f'],
    [64, 'u'],
    [320, 'u', 300],
    [TAIL - 512, 'f'],
  ]);

  it('a realloc that moved is one move', () => {
    const b = withRefs(moved, [
      ref(1, p, 'resized', 3),
      ref(2, HEAP + 144, 'live'),
      ref(3, q, 'live'),
    ]);
    const delta = heapDelta(a, b);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ moved: 1, freed: 0, allocated: 0 });
  });

  it('a chain of reallocs is followed to where the block is now', () => {
    const b = withRefs(moved, [
      ref(1, p, 'resized', 3),
      ref(2, HEAP + 144, 'live'),
      ref(3, p, 'resized', 4),
      ref(4, q, 'live'),
    ]);
    const delta = heapDelta(a, b);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ moved: 1, freed: 0, allocated: 0 });
  });

  it('a free and a new block at the same address is a free and an allocation, not the same block', () => {
    const b = withRefs(
      picture([
        [128, 'u', 100],
        [64, 'u'],
        [TAIL - 192, 'f'],
      ]),
      [ref(1, p, 'freed', 3), ref(2, HEAP + 144, 'live'), ref(4, p, 'live')],
    );
    const delta = heapDelta(a, b);
    if (delta.status !== 'ok') throw new Error(delta.message);
    expect(delta.counts).toMatchObject({ freed: 1, allocated: 1, moved: 0, resized: 0 });
  });

  it('entries the ring forgot, or a picture without a table, keep the address rule', () => {
    const forgotten = withRefs(moved, [ref(2, HEAP + 144, 'live'), ref(300, q, 'live')]);
    for (const b of [forgotten, moved]) {
      const delta = heapDelta(a, b);
      if (delta.status !== 'ok') throw new Error(delta.message);
      expect(delta.counts).toMatchObject({ moved: 0, freed: 1, allocated: 1 });
    }
  });
});

describe('the $N table in guest memory', () => {
  const memory = new GuestMemory(new Uint8Array(0x4000), 0x40080000);
  const descriptor = 0x40080100;
  const table = 0x40081000;
  writeU64(memory, descriptor + Descriptor.blockRefs, table);
  writeU64(memory, table + BlockRefs.count, 2);
  for (const [i, [command, address, state, by]] of [
    [1, 0x40400040, RefState.Resized, 3],
    [3, 0x40400100, RefState.Live, 0],
  ].entries()) {
    const at = table + i * BlockRef.size;
    writeU64(memory, at + BlockRef.command, command!);
    writeU64(memory, at + BlockRef.address, address!);
    writeU64(memory, at + BlockRef.endedBy, by!);
    writeU32(memory, at + BlockRef.state, state!);
  }

  it('is read from version 4 on', () => {
    expect(decodeBlockRefs(memory, descriptor, 4)).toEqual([
      { command: 1, address: 0x40400040, endedBy: 3, state: 'resized' },
      { command: 3, address: 0x40400100, endedBy: 0, state: 'live' },
    ]);
    expect(decodeBlockRefs(memory, descriptor, 3)).toBeUndefined();
  });

  it('is not used when it says nonsense', () => {
    writeU32(memory, table + BlockRef.state, 9);
    expect(decodeBlockRefs(memory, descriptor, 4)).toBeUndefined();
    writeU32(memory, table + BlockRef.state, RefState.Resized);
    writeU64(memory, table + BlockRefs.count, 257);
    expect(decodeBlockRefs(memory, descriptor, 4)).toBeUndefined();
    writeU64(memory, table + BlockRefs.count, 2);
    writeU64(memory, descriptor + Descriptor.blockRefs, 0x50000000);
    expect(decodeBlockRefs(memory, descriptor, 4)).toBeUndefined();
  });
});

describe('heapDelta on real kernel pictures', () => {
  // two sessions of one allocator: not checkpoints of one session, but a delta must still
  // account for every used block of both and agree with the totals
  const a = decodeHeap(loadFixtureMemory('first-fit-basic'));
  const b = decodeHeap(loadFixtureMemory('first-fit-fragmented'));

  it('accounts for every used block of A and B', () => {
    if (a.status !== 'ok' || b.status !== 'ok') throw new Error('fixtures must decode');
    const delta = heapDelta(a, { ...b, model: { ...b.model, heapInits: a.model.heapInits } });
    if (delta.status !== 'ok') throw new Error(delta.message);
    const usedA = a.model.totals.usedBlocks;
    const usedB = b.model.totals.usedBlocks;
    const { allocated, freed, resized, moved } = delta.counts;
    const kept = usedA - freed - moved; // blocks of A still used at the same payload
    expect(kept + allocated + moved).toBe(usedB);
    expect(resized).toBeLessThanOrEqual(kept);
    expect(delta.totals.usedBytes).toBe(b.model.totals.usedBytes - a.model.totals.usedBytes);
    expect(delta.changes).toHaveLength(b.model.blocks.length);
  });
});
