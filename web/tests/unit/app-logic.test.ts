// SPDX-License-Identifier: GPL-2.0-or-later
// The page's pure logic: URL parameters, the command tracker, share links,
// block diffs and the strip layout.
import { describe, expect, it } from 'vitest';
import { CommandTracker } from '../../src/app/command-tracker';
import { shareLink } from '../../src/app/share-link';
import { parseConfig, parseScript } from '../../src/app/url-config';
import type { HeapBlock } from '../../src/heap/model';
import { diffBlocks } from '../../src/panel/block-diff';
import { blockAtOffset, layoutStrip, rowSegments } from '../../src/panel/strip-layout';

describe('URL parameters', () => {
  it('reads every documented parameter', () => {
    const config = parseConfig(
      '?alloc=tlsf&script=alloc%20100%3Binfo&panels=terminal,heap&theme=dark&embed=1&typing=instant&engine=hook',
    );
    expect(config).toMatchObject({
      alloc: 'tlsf',
      script: ['alloc 100', 'info'],
      panels: ['terminal', 'heap'],
      theme: 'dark',
      embed: true,
      typing: 'instant',
      engine: 'hook',
      testHooks: false,
      warnings: [],
    });
  });

  it('defaults to everything shown and nothing typed', () => {
    expect(parseConfig('')).toMatchObject({
      alloc: null,
      script: [],
      panels: ['terminal', 'heap', 'table', 'cpu'],
      theme: 'system',
      embed: false,
      engine: 'tier',
    });
  });

  it('takes each engine by name', () => {
    for (const engine of ['tier', 'inline', 'hook'])
      expect(parseConfig(`?engine=${engine}`)).toMatchObject({ engine, warnings: [] });
  });

  it('knows the cpu panel, alone or with others', () => {
    expect(parseConfig('?panels=cpu').panels).toEqual(['cpu']);
    expect(parseConfig('?panels=terminal,cpu,heap')).toMatchObject({
      panels: ['terminal', 'cpu', 'heap'],
      warnings: [],
    });
  });

  it('drops unknown values with a warning instead of using them', () => {
    const config = parseConfig('?alloc=slab&panels=heap,bogus&theme=neon&engine=turbo');
    expect(config.alloc).toBeNull();
    expect(config.panels).toEqual(['heap']);
    expect(config.theme).toBe('system');
    expect(config.engine).toBe('tier');
    expect(config.warnings).toHaveLength(4);
  });

  it('splits scripts on semicolons and newlines and strips control characters', () => {
    expect(parseScript('alloc 1;;  info \nfree 0x40400040\r\ncheck')).toEqual([
      'alloc 1',
      'info',
      'free 0x40400040',
      'check',
    ]);
    expect(parseScript('alloc 1\u0003\u001b[A')).toEqual(['alloc 1[A']);
    expect(parseScript('x'.repeat(500))[0]).toHaveLength(120);
  });
});

describe('command tracker', () => {
  const track = (keys: string): string[] => {
    const tracker = new CommandTracker();
    tracker.feed(keys);
    return tracker.commands;
  };

  it('commits on CR, LF, and CR LF once', () => {
    expect(track('alloc 1\rinfo\ncheck\r\n')).toEqual(['alloc 1', 'info', 'check']);
  });

  it('edits like the kernel: backspace, Ctrl-U, Ctrl-C, tabs', () => {
    expect(track('infx\x7fo\ralloc 99\x15meminfo\ralloc 100\x03check\ralloc\t32\r')).toEqual([
      'info',
      'meminfo',
      'check',
      'alloc 32',
    ]);
  });

  it('recalls history with the arrow keys and ignores other escapes', () => {
    expect(track('alloc 1\rinfo\r\x1b[A\x1b[A\r\x1b[1;5Ccheck\x1b[3~\r')).toEqual([
      'alloc 1',
      'info',
      'alloc 1',
      'check',
    ]);
  });

  it('drops empty lines', () => {
    expect(track('\r   \r\r')).toEqual([]);
  });
});

describe('share link', () => {
  it('encodes the commands and keeps the other parameters', () => {
    const link = new URL(
      shareLink('https://x.test/play/?theme=dark&test=1&alloc=bump', [
        'use tlsf',
        'alloc 100',
        'halt',
      ]),
    );
    expect(link.searchParams.get('script')).toBe('use tlsf\nalloc 100');
    expect(link.searchParams.get('theme')).toBe('dark');
    expect(link.searchParams.has('test')).toBe(false);
    expect(link.searchParams.has('alloc')).toBe(false);
    expect(parseConfig(link.search).script).toEqual(['use tlsf', 'alloc 100']);
  });
});

const block = (start: number, span: number, status: 'used' | 'free', requested = 0): HeapBlock => ({
  start,
  span,
  payload: start + 16,
  usable: span - 16,
  requested,
  status,
  metaAddress: start,
  metaLength: 16,
  metaOffset: 0,
});

describe('block diff', () => {
  it('marks a split, a merge and a status change', () => {
    const before = [
      block(0, 64, 'used', 40),
      block(64, 64, 'free'),
      block(128, 64, 'free'),
      block(192, 256, 'free'),
    ];
    const after = [
      block(0, 64, 'free'),
      block(64, 128, 'free'),
      block(192, 64, 'used', 30),
      block(256, 192, 'free'),
    ];
    expect(diffBlocks(before, after)).toEqual(['changed', 'merged', 'split', 'split']);
  });

  it('marks nothing without a previous picture, and nothing when nothing moved', () => {
    const blocks = [block(0, 64, 'used', 10), block(64, 64, 'free')];
    expect(diffBlocks(null, blocks)).toEqual(['same', 'same']);
    expect(diffBlocks(blocks, blocks)).toEqual(['same', 'same']);
  });
});

describe('strip layout', () => {
  it('gives every block at least the minimum width and keeps order', () => {
    const layout = layoutStrip([32, 1_000_000, 48], 600, 6);
    const widths = [0, 1, 2].map((i) => layout.offsets[i + 1]! - layout.offsets[i]!);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(6);
    expect(widths[1]).toBeGreaterThan(widths[0]! * 10);
    expect(layout.rows).toBe(Math.ceil(layout.offsets[3]! / 600));
  });

  it('finds the block under an offset and cuts blocks at row ends', () => {
    const layout = layoutStrip([100, 100, 100, 100], 100, 10, 2);
    expect(blockAtOffset(layout, 0)).toBe(0);
    expect(blockAtOffset(layout, layout.offsets[2]! + 0.5)).toBe(2);
    expect(blockAtOffset(layout, layout.offsets[4]!)).toBe(-1);
    const segments = rowSegments(layout, 90, 130);
    expect(segments).toEqual([
      [0, 90, 10],
      [1, 0, 30],
    ]);
  });

  // How fast this is belongs to the benchmark (npm run bench:web, docs/PERF.md), not to a test.
  it('lays out 10,000 blocks and finds each one by offset', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => 32 + (i % 7) * 16);
    const layout = layoutStrip(spans, 800, 4);
    expect(layout.offsets.length).toBe(10_001);
    for (let i = 0; i < 10_000; i += 97) {
      const start = layout.offsets[i]!;
      const end = layout.offsets[i + 1]!;
      expect(end).toBeGreaterThan(start);
      expect(blockAtOffset(layout, start)).toBe(i);
      expect(blockAtOffset(layout, (start + end) / 2)).toBe(i);
    }
    expect(blockAtOffset(layout, layout.offsets[10_000]!)).toBe(-1);
  });
});
