// SPDX-License-Identifier: GPL-2.0-or-later
// Property tests: whatever is in memory, the decoder returns (never throws),
// quickly, and everything it reports stays inside the heap region.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ABI_VERSION,
  BUDDY_MAGIC,
  BUMP_MAGIC,
  DESCRIPTOR_MAGIC,
  Descriptor,
  FF_MAGIC,
  IMAGE_MAGIC,
  PAGE_MAGIC,
  TLSF_MAGIC,
} from '../../src/heap/abi';
import { BuddyState, BumpState, FfState, PageState, TlsfState } from '../../src/heap/abi';
import { decodeHeap } from '../../src/heap/decoder';
import { GuestMemory } from '../../src/heap/guest-memory';
import { formatInfo } from '../../src/heap/info-format';
import type { DecodeResult } from '../../src/heap/model';
import { loadFixtureMemory } from '../support/snapshot';
import { IMAGE_HEADER, descriptorAddress, writeU32, writeU64 } from '../support/scribble';

const STATE_SIZE: Record<number, number> = {
  1: FfState.size,
  2: BuddyState.size,
  3: PageState.size,
  4: BumpState.size,
  5: TlsfState.size,
};
const STATE_MAGIC: Record<number, number> = {
  1: FF_MAGIC,
  2: BUDDY_MAGIC,
  3: PAGE_MAGIC,
  4: BUMP_MAGIC,
  5: TLSF_MAGIC,
};

/** What must hold for any decode of any memory. */
function checkInvariants(memory: GuestMemory, result: DecodeResult): void {
  expect(['ok', 'busy', 'invalid']).toContain(result.status);
  // The decoder's own checks must catch every bad pointer before a read does:
  // the safety net in decodeHeap() is for bugs, and this finds them.
  if (result.status === 'invalid') expect(result.findings[0]!.message).not.toMatch(/^decoder /);
  if (result.status !== 'ok') return;
  const { model } = result;
  expect(model.regionStart).toBeGreaterThanOrEqual(memory.base);
  expect(model.regionEnd).toBeLessThanOrEqual(memory.end);
  let previousEnd = -Infinity;
  for (const b of model.blocks) {
    expect(b.start).toBeGreaterThanOrEqual(model.regionStart);
    expect(b.start + b.span).toBeLessThanOrEqual(model.regionEnd);
    expect(b.start).toBeGreaterThanOrEqual(previousEnd);
    previousEnd = b.start + b.span;
  }
  expect(typeof formatInfo(model)).toBe('string');
}

function decodeAndCheck(memory: GuestMemory): void {
  const result = decodeHeap(memory);
  checkInvariants(memory, result);
}

/** How many cases each property tries: the default keeps `make test` quick;
 * DECODER_PROPERTY_RUNS=N runs a longer campaign (docs/RELIABILITY.md). */
function propertyRuns(fallback: number): number {
  const asked = Number(process.env.DECODER_PROPERTY_RUNS ?? '');
  return Number.isInteger(asked) && asked > 0 ? asked : fallback;
}
/** A long campaign may take minutes per property: lift vitest's time limit. */
const PROPERTY_TIMEOUT_MS = process.env.DECODER_PROPERTY_RUNS ? 3_600_000 : undefined;

describe('decoder on random memory', () => {
  // image header, descriptor and a 64 KiB "heap" of random bytes behind them
  const base = 0x40080000;
  const regionStart = 0x40090000;
  const regionSize = 0x10000;

  it('never throws and stays in bounds', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: regionSize, maxLength: regionSize }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 8 }),
        (heapBytes, kind, validMagic, generationSalt) => {
          const bytes = new Uint8Array(regionStart - base + regionSize);
          bytes.set(heapBytes, regionStart - base);
          const memory = new GuestMemory(bytes, base);
          const d = base + 0x100;
          writeU32(memory, IMAGE_HEADER, IMAGE_MAGIC);
          writeU32(memory, IMAGE_HEADER + 4, ABI_VERSION);
          writeU64(memory, IMAGE_HEADER + 8, d);
          writeU32(memory, d + Descriptor.magic, DESCRIPTOR_MAGIC);
          writeU32(memory, d + Descriptor.abiVersion, ABI_VERSION);
          writeU32(memory, d + Descriptor.generation, generationSalt);
          writeU32(memory, d + Descriptor.kind, kind);
          writeU64(memory, d + Descriptor.regionStart, regionStart);
          writeU64(memory, d + Descriptor.regionEnd, regionStart + regionSize);
          writeU64(memory, d + Descriptor.heapState, regionStart);
          if (validMagic && STATE_MAGIC[kind] !== undefined)
            writeU32(memory, regionStart, STATE_MAGIC[kind]);
          decodeAndCheck(memory);
        },
      ),
      { numRuns: propertyRuns(150) },
    );
  });
});

/** Fixtures with a clean decode, and the addresses worth scribbling on: metadata and links. */
const MUTATION_TARGETS = [
  'first-fit-fragmented',
  'buddy-splits',
  'page-runs',
  'bump-dead',
  'tlsf-bins',
] as const;

describe.each(MUTATION_TARGETS)('decoder on mutated %s', (name) => {
  const pristine = loadFixtureMemory(name);
  const clean = decodeHeap(pristine);
  if (clean.status !== 'ok') throw new Error(`${name} does not decode`);
  const model = clean.model;
  const stateSize = STATE_SIZE[model.kind]!;
  const stateSlots = Array.from({ length: stateSize / 8 }, (_, i) => model.stateAddress + 8 * i);
  // three groups, picked evenly: the fields that steer the walk (descriptor
  // and non-zero state slots: bounds, list heads), any state slot, and block
  // metadata and links
  const groups = [
    [
      descriptorAddress(pristine) + Descriptor.generation,
      descriptorAddress(pristine) + Descriptor.heapState,
      ...stateSlots.filter((a) => pristine.u64(a) !== 0),
    ],
    stateSlots,
    model.blocks
      .flatMap((b) => [b.metaAddress, b.start + 16, b.start + 24])
      .filter((a) => pristine.contains(a, 8)),
  ];
  const pointers = model.blocks.map((b) => b.start);
  const spot = fc.oneof(...groups.map((g) => fc.constantFrom(...g)));

  const write = fc.record({
    at: spot,
    shift: fc.constantFrom(0, 0, 0, 4, -4, 8, -8, 1),
    width: fc.constantFrom(1, 4, 8),
    value: fc.oneof(
      fc.integer({ min: 0, max: 0xff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.constantFrom(...pointers),
      fc.integer({ min: model.regionStart - 64, max: model.regionEnd + 64 }),
      fc.constant(0),
    ),
  });

  it('never throws, terminates fast and stays inside the region', {
    timeout: PROPERTY_TIMEOUT_MS,
  }, () => {
    fc.assert(
      fc.property(fc.array(write, { minLength: 1, maxLength: 6 }), (writes) => {
        const memory = new GuestMemory(pristine.bytes.slice(), pristine.base);
        const view = new DataView(memory.bytes.buffer);
        for (const w of writes) {
          const offset = w.at + w.shift - memory.base;
          if (offset < 0 || offset + 8 > memory.bytes.length) continue;
          if (w.width === 1) view.setUint8(offset, w.value & 0xff);
          else if (w.width === 4) view.setUint32(offset, w.value >>> 0, true);
          else view.setBigUint64(offset, BigInt(w.value), true);
        }
        decodeAndCheck(memory);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
