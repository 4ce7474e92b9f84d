// SPDX-License-Identifier: GPL-2.0-or-later
// Deliberately corrupted snapshots: every one must come back as corrupted
// (findings), busy or invalid — never as a clean heap, never as an exception,
// and quickly.
import { describe, expect, it } from 'vitest';
import {
  BumpBlock,
  BumpState,
  BuddyState,
  Descriptor,
  FfState,
  PageState,
  TlsfState,
  TLSF_SL_COUNT,
} from '../../src/heap/abi';
import { decodeHeap } from '../../src/heap/decoder';
import { NO_HEAP_DESCRIPTOR } from '../../src/heap/descriptor-locator';
import { GuestMemory } from '../../src/heap/guest-memory';
import type { DecodeResult, HeapModel } from '../../src/heap/model';
import { loadFixtureMemory } from '../support/snapshot';
import {
  IMAGE_HEADER,
  descriptorAddress,
  heapStateAddress,
  writeU32,
  writeU64,
} from '../support/scribble';

/** Decodes and returns the result; a walk that never ends fails on the test's timeout
 * (how fast decoding is belongs to the web benchmark, not to a test). */
function boundedDecode(memory: GuestMemory): DecodeResult {
  return decodeHeap(memory);
}

function corruptedModel(memory: GuestMemory): HeapModel {
  const result = boundedDecode(memory);
  if (result.status !== 'ok')
    throw new Error(`expected a decoded (corrupted) heap, got ${result.status}`);
  expect(result.model.findings.length).toBeGreaterThan(0);
  // the kernel's own check (ported) notices too, and leads the findings
  expect(result.model.check.ok).toBe(false);
  if (!result.model.check.ok)
    expect(result.model.findings[0]!.message).toBe(result.model.check.problem);
  return result.model;
}

function messages(model: HeapModel): string {
  return model.findings.map((f) => f.message).join('\n');
}

describe('descriptor', () => {
  it('an odd generation means the heap is being modified', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    const d = descriptorAddress(memory);
    writeU32(memory, d + Descriptor.generation, memory.u32(d + Descriptor.generation) + 1);
    expect(boundedDecode(memory)).toMatchObject({
      status: 'busy',
      message: 'heap is being modified',
    });
  });

  it('a generation that changes during the read is busy', () => {
    const source = loadFixtureMemory('first-fit-basic');
    const generationAt = descriptorAddress(source) + Descriptor.generation;
    let reads = 0;
    // the second read of the generation sees the kernel's next mutation
    class MovingMemory extends GuestMemory {
      override u32(address: number): number {
        const value = super.u32(address);
        return address === generationAt && reads++ > 0 ? value + 2 : value;
      }
    }
    const memory = new MovingMemory(source.bytes, source.base);
    expect(boundedDecode(memory)).toMatchObject({
      status: 'busy',
      message: 'heap changed while it was read',
    });
  });

  it('a bad image header magic is invalid', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    writeU32(memory, IMAGE_HEADER, 0x12345678);
    expect(boundedDecode(memory)).toMatchObject({
      status: 'invalid',
      findings: [{ message: NO_HEAP_DESCRIPTOR }],
    });
    expect(NO_HEAP_DESCRIPTOR).toMatch(/^no heap descriptor in this image/);
  });

  it('a bad descriptor magic is invalid', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    writeU32(memory, descriptorAddress(memory) + Descriptor.magic, 0xdeadbeef);
    const result = boundedDecode(memory);
    expect(result.status).toBe('invalid');
    if (result.status === 'invalid') expect(result.findings[0]!.message).toMatch(/magic/);
  });

  it('a descriptor pointing outside memory is invalid', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    writeU64(memory, IMAGE_HEADER + 8, 0x7fff_0000_0000);
    expect(boundedDecode(memory).status).toBe('invalid');
  });

  it('an unknown allocator kind is invalid', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    writeU32(memory, descriptorAddress(memory) + Descriptor.kind, 9);
    expect(boundedDecode(memory).status).toBe('invalid');
  });

  it('a heap region outside memory is invalid', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    writeU64(memory, descriptorAddress(memory) + Descriptor.regionEnd, 0x5000_0000);
    expect(boundedDecode(memory).status).toBe('invalid');
  });

  it('a heap state pointer outside the region is corrupted', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    writeU64(memory, descriptorAddress(memory) + Descriptor.heapState, 0x40100000);
    expect(messages(corruptedModel(memory))).toMatch(/state struct is outside/);
  });
});

describe('first-fit', () => {
  const load = () => {
    const memory = loadFixtureMemory('first-fit-fragmented');
    const state = heapStateAddress(memory);
    const result = decodeHeap(memory);
    if (result.status !== 'ok') throw new Error('fixture did not decode');
    return { memory, state, model: result.model };
  };

  it('bad state magic', () => {
    const { memory, state } = load();
    writeU32(memory, state + FfState.magic, 0);
    const model = corruptedModel(memory);
    expect(messages(model)).toMatch(/bad state magic/);
    expect(model.blocks).toEqual([]);
  });

  it('a header size scribbled below the minimum stops the walk there', () => {
    const { memory, model } = load();
    const victim = model.blocks[7]!;
    writeU32(memory, victim.start, 0x10 | 1);
    const broken = corruptedModel(memory);
    expect(messages(broken)).toMatch(/smaller than the 32-byte minimum/);
    expect(broken.blocks).toHaveLength(7);
  });

  it('a header size running past the heap end', () => {
    const { memory, model } = load();
    writeU64(memory, model.blocks[3]!.start, 0x4000_0000);
    expect(messages(corruptedModel(memory))).toMatch(/runs past the heap end/);
  });

  it('a header size that lands inside another block', () => {
    const { memory, model } = load();
    const b = model.blocks[10]!;
    writeU64(memory, b.start, (b.span + 16) | (b.status === 'used' ? 1 : 0));
    expect(messages(corruptedModel(memory))).toMatch(
      /prev_size|requested|adjacent|smaller|runs past|not a block|missing/,
    );
  });

  it('a free link pointing outside the heap', () => {
    const { memory, model } = load();
    const free = model.blocks.filter((b) => b.status === 'free');
    writeU64(memory, free[2]!.start + 16, 0x1234_5670);
    const broken = corruptedModel(memory);
    expect(messages(broken)).toMatch(/outside the heap/);
    const extras = broken.extras;
    expect(extras?.kind === 'first-fit' && extras.freeList.complete).toBe(false);
  });

  it('a free list cycle', () => {
    const { memory, model } = load();
    const free = model.blocks.filter((b) => b.status === 'free');
    writeU64(memory, free[5]!.start + 16, free[1]!.start);
    expect(messages(corruptedModel(memory))).toMatch(/cycle|address order/);
  });

  it('a free list cycle to itself', () => {
    const { memory, model } = load();
    const free = model.blocks.filter((b) => b.status === 'free');
    writeU64(memory, free[0]!.start + 16, free[0]!.start);
    expect(messages(corruptedModel(memory))).toMatch(/cycle/);
  });

  it('a broken prev link', () => {
    const { memory, model } = load();
    const free = model.blocks.filter((b) => b.status === 'free');
    writeU64(memory, free[4]!.start + 24, free[2]!.start);
    expect(messages(corruptedModel(memory))).toMatch(/prev link broken/);
  });

  it('a free list that skips a free block', () => {
    const { memory, model } = load();
    const free = model.blocks.filter((b) => b.status === 'free');
    writeU64(memory, free[3]!.start + 16, free[5]!.start);
    writeU64(memory, free[5]!.start + 24, free[3]!.start);
    expect(messages(corruptedModel(memory))).toMatch(/missing from the free list/);
  });

  it('a free head pointing at a used block', () => {
    const { memory, state, model } = load();
    writeU64(
      memory,
      state + FfState.freeHead,
      model.blocks.find((b) => b.status === 'used')!.start,
    );
    expect(messages(corruptedModel(memory))).toMatch(/not a free block/);
  });

  it('heap bounds outside the region', () => {
    const { memory, state } = load();
    writeU64(memory, state + FfState.heapEnd, 0x4800_0000);
    expect(messages(corruptedModel(memory))).toMatch(/heap bounds/);
  });
});

describe('buddy', () => {
  const load = () => {
    const memory = loadFixtureMemory('buddy-splits');
    const state = heapStateAddress(memory);
    const result = decodeHeap(memory);
    if (result.status !== 'ok' || result.model.extras?.kind !== 'buddy')
      throw new Error('fixture did not decode');
    return { memory, state, model: result.model, extras: result.model.extras };
  };

  it('a table entry scribbled to zero breaks the tiling', () => {
    const { memory, model, extras } = load();
    const victim = model.blocks[5]!;
    writeU32(memory, victim.metaAddress, 0);
    const broken = corruptedModel(memory);
    expect(messages(broken)).toMatch(/arena not tiled/);
    expect(broken.blocks).toHaveLength(5);
    expect(extras.tree.length).toBeGreaterThan(0);
  });

  it('a stray entry inside a block', () => {
    const { memory, model } = load();
    const big = model.blocks[0]!;
    writeU32(memory, big.metaAddress + 4 * 8, 0x21);
    expect(messages(corruptedModel(memory))).toMatch(/inside a block is not 0/);
  });

  it('a free list that loops', () => {
    const { memory, extras } = load();
    const list = extras.freeLists.find((l) => l.nodes.length >= 1)!;
    writeU64(memory, list.nodes.at(-1)!.address, list.nodes[0]!.address);
    expect(messages(corruptedModel(memory))).toMatch(/cycle|longer than/);
  });

  it('a free head outside the arena', () => {
    const { memory, state } = load();
    writeU64(memory, state + BuddyState.freeHeads + 8 * 9, 0x40000000);
    expect(messages(corruptedModel(memory))).toMatch(/outside the arena/);
  });

  it('a unit count far beyond the table', () => {
    const { memory, state } = load();
    writeU64(memory, state + BuddyState.unitCount, 2 ** 40);
    expect(messages(corruptedModel(memory))).toMatch(/unit count|table overlaps/);
  });
});

describe('page', () => {
  const load = () => {
    const memory = loadFixtureMemory('page-runs');
    const state = heapStateAddress(memory);
    const result = decodeHeap(memory);
    if (result.status !== 'ok') throw new Error('fixture did not decode');
    return { memory, state, model: result.model };
  };

  it('a tail page without a head stops the walk', () => {
    const { memory, model } = load();
    // the second page of a free run: the run ends after one page, then a tail has no head
    const freeRun = model.blocks.find((b) => b.status === 'free' && b.span > 4096)!;
    writeU32(memory, freeRun.metaAddress + 4, 2);
    const broken = corruptedModel(memory);
    expect(messages(broken)).toMatch(/tail page without a head/);
    expect(broken.blocks.length).toBeLessThan(model.blocks.length);
  });

  it('a used page count that does not match the map', () => {
    const { memory, state } = load();
    writeU64(memory, state + PageState.usedPages, 3);
    expect(messages(corruptedModel(memory))).toMatch(/used page count/);
  });

  it('a page count larger than the region', () => {
    const { memory, state } = load();
    writeU64(memory, state + PageState.pageCount, 1 << 30);
    expect(messages(corruptedModel(memory))).toMatch(/page count/);
  });
});

describe('bump', () => {
  const load = () => {
    const memory = loadFixtureMemory('bump-dead');
    const state = heapStateAddress(memory);
    const result = decodeHeap(memory);
    if (result.status !== 'ok') throw new Error('fixture did not decode');
    return { memory, state, model: result.model };
  };

  it('a scribbled span stops the walk and drops the tail', () => {
    const { memory, model } = load();
    writeU32(memory, model.blocks[2]!.start + BumpBlock.span, 8);
    const broken = corruptedModel(memory);
    expect(messages(broken)).toMatch(/span/);
    expect(broken.blocks.some((b) => b.role === 'tail')).toBe(false);
  });

  it('a live count that does not match the headers', () => {
    const { memory, state } = load();
    writeU32(memory, state + BumpState.liveBlocks, 17);
    expect(messages(corruptedModel(memory))).toMatch(/live block count/);
  });

  it('a bump pointer beyond the end', () => {
    const { memory, state } = load();
    writeU64(memory, state + BumpState.next, 0x40600000);
    expect(messages(corruptedModel(memory))).toMatch(/bump pointer/);
  });
});

describe('tlsf', () => {
  const load = () => {
    const memory = loadFixtureMemory('tlsf-bins');
    const state = heapStateAddress(memory);
    const result = decodeHeap(memory);
    if (result.status !== 'ok' || result.model.extras?.kind !== 'tlsf')
      throw new Error('fixture did not decode');
    return { memory, state, model: result.model, extras: result.model.extras };
  };

  it('an sl bitmap bit cleared under a non-empty list', () => {
    const { memory, state, extras } = load();
    const bin = extras.bins[0]!;
    writeU32(
      memory,
      state + TlsfState.slBitmap + 4 * bin.fl,
      extras.slBitmaps[bin.fl]! & ~(1 << bin.sl),
    );
    expect(messages(corruptedModel(memory))).toMatch(/sl_bitmap bit|fl_bitmap bit/);
  });

  it('a list head pointing at a block of another class', () => {
    const { memory, state, extras } = load();
    const [a, b] = [extras.bins[0]!, extras.bins.at(-1)!];
    writeU64(memory, state + TlsfState.heads + 8 * (a.fl * TLSF_SL_COUNT + a.sl), b.list.head);
    expect(messages(corruptedModel(memory))).toMatch(/wrong list|missing/);
  });

  it('a list that loops back to its head', () => {
    const { memory, extras } = load();
    const bin = extras.bins.find((x) => x.list.nodes.length >= 2) ?? extras.bins[0]!;
    writeU64(memory, bin.list.nodes.at(-1)!.address + 16, bin.list.nodes[0]!.address);
    expect(messages(corruptedModel(memory))).toMatch(/cycle|longer than/);
  });

  it('prev_phys that does not point at the previous block', () => {
    const { memory, model } = load();
    writeU64(memory, model.blocks[20]!.start, model.blocks[2]!.start);
    expect(messages(corruptedModel(memory))).toMatch(/prev_phys/);
  });

  it('a size field of 0 stops the walk', () => {
    const { memory, model } = load();
    writeU32(memory, model.blocks[40]!.start + 8, 0);
    const broken = corruptedModel(memory);
    expect(broken.blocks).toHaveLength(40);
  });
});
