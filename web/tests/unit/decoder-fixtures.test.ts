// SPDX-License-Identifier: GPL-2.0-or-later
// Conformance: on memory captured from the real kernel, the decoder's `info`
// text equals the kernel's own, and what it adds (free lists, bins, the
// buddy tree, page runs, the bump pointer) agrees with the blocks.
import { describe, expect, it } from 'vitest';
import { decodeHeap } from '../../src/heap/decoder';
import { formatCheck, formatInfo } from '../../src/heap/info-format';
import type { HeapModel } from '../../src/heap/model';
import { tlsfClassOf } from '../../src/heap/decoders/tlsf';
import {
  CORRUPTED_FIXTURE_NAMES,
  FIXTURE_NAMES,
  loadFixtureCheck,
  loadFixtureInfo,
  loadFixtureMemory,
} from '../support/snapshot';

function decodeFixture(name: string): HeapModel {
  const result = decodeHeap(loadFixtureMemory(name));
  if (result.status !== 'ok') throw new Error(`${name}: ${JSON.stringify(result)}`);
  return result.model;
}

describe.each(FIXTURE_NAMES)('fixture %s', (name) => {
  const model = decodeFixture(name);

  it("formats exactly the kernel's info text", () => {
    expect(formatInfo(model).replaceAll('\n', '\r\n')).toBe(loadFixtureInfo(name));
  });

  it("agrees with the kernel's check", () => {
    expect(formatCheck(model).replaceAll('\n', '\r\n')).toBe(loadFixtureCheck(name));
  });

  it('finds the heap consistent', () => {
    expect(model.findings).toEqual([]);
    expect(model.check).toEqual({ ok: true });
  });

  it('reports blocks that tile their area in address order', () => {
    for (let i = 1; i < model.blocks.length; i++) {
      const prev = model.blocks[i - 1]!;
      expect(model.blocks[i]!.start).toBe(prev.start + prev.span);
    }
    expect(model.totals.usedBlocks + model.totals.freeBlocks).toBe(model.blocks.length);
  });

  it('keeps a copy of every block header or table entry', () => {
    for (const b of model.blocks) {
      if (b.role === 'tail') continue;
      expect(b.metaLength).toBeGreaterThan(0);
      expect(b.metaOffset + b.metaLength).toBeLessThanOrEqual(model.metaBytes.length);
    }
  });
});

describe.each(CORRUPTED_FIXTURE_NAMES)('corrupted fixture %s', (name) => {
  const model = decodeFixture(name);

  it("reports exactly what the kernel's check reports, as its first finding", () => {
    const kernel = loadFixtureCheck(name);
    expect(kernel).toMatch(/^check: FAILED: /);
    expect(formatCheck(model).replaceAll('\n', '\r\n')).toBe(kernel);
    const first = model.findings[0]!;
    expect(`check: FAILED: ${first.message} at 0x${first.address!.toString(16)}\r\n`).toBe(kernel);
  });
});

describe('allocator extras', () => {
  it('first-fit: the free list holds exactly the free blocks, in address order', () => {
    const model = decodeFixture('first-fit-fragmented');
    const extras = model.extras;
    if (extras?.kind !== 'first-fit') throw new Error('expected first-fit extras');
    const free = model.blocks.filter((b) => b.status === 'free').map((b) => b.start);
    expect(extras.freeList.complete).toBe(true);
    expect(extras.freeList.nodes.map((n) => n.address)).toEqual(free);
    expect(free.length).toBeGreaterThan(150);
    expect(model.totals.fragmentation).toBeGreaterThan(0);
  });

  it('first-fit: aligned requests leave free gaps before the aligned blocks', () => {
    const model = decodeFixture('first-fit-aligned');
    const page = model.blocks.find((b) => b.status === 'used' && b.payload % 4096 === 0);
    expect(page).toBeDefined();
    const before = model.blocks[model.blocks.indexOf(page!) - 1]!;
    expect(before.status).toBe('free');
  });

  it('buddy: the split tree has the blocks as its leaves and halves at every level', () => {
    const model = decodeFixture('buddy-splits');
    const extras = model.extras;
    if (extras?.kind !== 'buddy') throw new Error('expected buddy extras');
    const leaves = extras.tree.filter((n) => n.state === 'used' || n.state === 'free');
    expect(leaves.map((n) => n.blockIndex)).toEqual(model.blocks.map((_, i) => i));
    expect(extras.tree.some((n) => n.state === 'unknown')).toBe(false);
    const splits = extras.tree.filter((n) => n.state === 'split');
    expect(splits.length).toBeGreaterThan(5);
    for (const split of splits) {
      const children = extras.tree.filter(
        (n) =>
          n.depth === split.depth + 1 &&
          n.address >= split.address &&
          n.address < split.address + 32 * 2 ** split.order,
      );
      expect(children.map((c) => c.order)).toEqual([split.order - 1, split.order - 1]);
    }
    const heads = extras.tableEntries.map((e) => e.address);
    expect(heads).toEqual(model.blocks.map((b) => b.start));
    const listed = extras.freeLists
      .flatMap((l) => l.nodes.map((n) => n.address))
      .sort((a, b) => a - b);
    expect(listed).toEqual(model.blocks.filter((b) => b.status === 'free').map((b) => b.start));
  });

  it('page: runs match the blocks and the map', () => {
    const model = decodeFixture('page-runs');
    const extras = model.extras;
    if (extras?.kind !== 'page') throw new Error('expected page extras');
    expect(extras.runs.map((r) => r.pages * 4096)).toEqual(model.blocks.map((b) => b.span));
    expect(extras.runs.filter((r) => r.status === 'used').reduce((n, r) => n + r.pages, 0)).toBe(
      extras.usedPages,
    );
    expect(extras.entries.length).toBe(extras.pageCount);
  });

  it('bump: dead blocks, the tail at the bump pointer, the live count', () => {
    const model = decodeFixture('bump-dead');
    const extras = model.extras;
    if (extras?.kind !== 'bump') throw new Error('expected bump extras');
    expect(model.blocks.filter((b) => b.role === 'dead')).toHaveLength(2);
    expect(extras.deadBlocks).toBe(2);
    const tail = model.blocks.at(-1)!;
    expect(tail.role).toBe('tail');
    expect(tail.start).toBe(extras.next);
    expect(extras.liveBlocks).toBe(model.totals.usedBlocks);
    // an aligned block keeps padding between its header and its payload
    expect(model.blocks.some((b) => b.payload - b.start > 16)).toBe(true);
  });

  it('bump: 10,000 blocks with every tenth dead', () => {
    const model = decodeFixture('bump-10k');
    expect(model.blocks).toHaveLength(10_001);
    expect(model.blocks.filter((b) => b.role === 'dead')).toHaveLength(1000);
  });

  it('tlsf: every free block is in the bin of its size class, bitmaps match', () => {
    const model = decodeFixture('tlsf-bins');
    const extras = model.extras;
    if (extras?.kind !== 'tlsf') throw new Error('expected tlsf extras');
    expect(extras.bins.length).toBeGreaterThan(10);
    let listed = 0;
    for (const bin of extras.bins) {
      expect((extras.flBitmap >>> bin.fl) & 1).toBe(1);
      expect((extras.slBitmaps[bin.fl]! >>> bin.sl) & 1).toBe(1);
      for (const node of bin.list.nodes) {
        const block = model.blocks[node.blockIndex]!;
        expect(block.status).toBe('free');
        expect(tlsfClassOf(block.span)).toEqual({ fl: bin.fl, sl: bin.sl });
        expect(block.span).toBeGreaterThanOrEqual(bin.minSize);
        expect(block.span).toBeLessThanOrEqual(bin.maxSize);
        listed++;
      }
    }
    expect(listed).toBe(model.totals.freeBlocks);
  });
});

describe('info formatting', () => {
  it('prints a negative overhead as the size_t it wraps to in C', () => {
    const model = decodeFixture('first-fit-basic');
    const broken = { ...model, totals: { ...model.totals, overheadBytes: -16 } };
    expect(formatInfo(broken).split('\n')[1]).toMatch(/overhead 18446744073709551600 bytes$/);
  });
});
