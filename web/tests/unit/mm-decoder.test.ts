// SPDX-License-Identifier: GPL-2.0-or-later
// The student allocator `mm` on memory captured from the real kernel (the
// image of examples/malloclab/mm-implicit.c): the picture comes from the
// kernel's table and equals its `info`; the check mirrors mm_checked_check();
// the boundary-tag walks find the example's layout (4-byte header and
// footer) and say where a damaged heap disagrees with the table.
import { describe, expect, it } from 'vitest';
import { MmBlock, MmState } from '../../src/heap/abi';
import { decodeHeap } from '../../src/heap/decoder';
import { formatCheck, formatInfo } from '../../src/heap/info-format';
import type { HeapModel, MmExtras } from '../../src/heap/model';
import { heapStateAddress, writeU32 } from '../support/scribble';
import { loadFixtureCheck, loadFixtureInfo, loadFixtureMemory } from '../support/snapshot';

const NAME = 'mm-implicit';

function decode(memory = loadFixtureMemory(NAME)): HeapModel {
  const result = decodeHeap(memory);
  if (result.status !== 'ok') throw new Error(JSON.stringify(result));
  return result.model;
}

function extrasOf(model: HeapModel): MmExtras {
  if (model.extras?.kind !== 'mm') throw new Error('not an mm model');
  return model.extras;
}

function walk(model: HeapModel, word: 4 | 8, footers: boolean) {
  return extrasOf(model).walks.find((w) => w.word === word && w.footers === footers)!;
}

describe('the mm allocator', () => {
  it("formats exactly the kernel's info and check", () => {
    const model = decode();
    expect(formatInfo(model).replaceAll('\n', '\r\n')).toBe(loadFixtureInfo(NAME));
    expect(formatCheck(model).replaceAll('\n', '\r\n')).toBe(loadFixtureCheck(NAME));
    expect(model.findings).toEqual([]);
  });

  it('draws the space above the break as the tail', () => {
    const model = decode();
    const last = model.blocks.at(-1)!;
    expect(last.role).toBe('tail');
    expect(last.start).toBe(extrasOf(model).brk);
    expect(last.start + last.span).toBe(extrasOf(model).limit);
  });

  it("walks the example's layout (4-byte header and footer) in agreement with the table", () => {
    const model = decode();
    const tags = walk(model, 4, true);
    expect(tags.start).toBeGreaterThanOrEqual(extrasOf(model).heapLo);
    expect(tags.disagreements).toEqual([]);
    expect(tags.blocks.filter((b) => b.allocated).length).toBe(extrasOf(model).liveBlocks + 1);
    // 8-byte words do not describe this heap
    expect(walk(model, 8, true).disagreements.length).toBeGreaterThan(0);
  });

  it('reports a payload mm wrote into, as the kernel would', () => {
    const memory = loadFixtureMemory(NAME);
    const state = heapStateAddress(memory);
    const first = memory.u64(state + MmState.table) + MmBlock.address;
    const payload = memory.u64(first);
    writeU32(memory, payload + 4, 0x12345678);
    const model = decode(memory);
    expect(model.check).toEqual({
      ok: false,
      problem: 'payload of a live mm block changed (mm code wrote into it)',
      where: payload + 4,
    });
  });

  it('marks where a damaged header makes the walk disagree with the table', () => {
    const memory = loadFixtureMemory(NAME);
    const state = heapStateAddress(memory);
    const payload = memory.u64(memory.u64(state + MmState.table) + MmBlock.address);
    // clear the allocated bit of the first live block's header
    writeU32(memory, payload - 4, memory.u32(payload - 4) & ~1);
    const tags = walk(decode(memory), 4, true);
    expect(tags.disagreements).toContainEqual({
      severity: 'warning',
      message: 'footer differs from header',
      address: payload - 4,
    });
    expect(tags.disagreements).toContainEqual({
      severity: 'warning',
      message: 'free in the heap, but live for the kernel',
      address: payload,
    });
  });

  it('stops at a damaged table instead of trusting it', () => {
    const memory = loadFixtureMemory(NAME);
    const state = heapStateAddress(memory);
    writeU32(memory, state + MmState.count, 0xffffffff);
    const result = decodeHeap(memory);
    expect(result.status).toBe('ok');
    if (result.status === 'ok')
      expect(result.model.findings[0]!.message).toMatch(/kernel table|table of mm blocks/);
  });
});
