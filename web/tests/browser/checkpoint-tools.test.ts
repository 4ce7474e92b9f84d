// SPDX-License-Identifier: GPL-2.0-or-later
// Compare two checkpoints and session files, in Chromium: Shift+click (or
// Shift+Enter) on a mark shows B with what changed since A and says it in
// words (a realloc that moved is one move, from the kernel's $N table);
// another allocator gets one message; leaving returns to the normal view;
// axe stays green. Save session -> Load session in a new page gives the same
// timeline (labels, branches, transcripts, heap pictures); a damaged file
// gets one message and changes nothing.
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TimelineSnapshot } from '../../src/app/test-hooks';
import type { HeapModel } from '../../src/heap/model';
import { signedBytes } from '../../src/heap/heap-delta-text';
import { crc32 } from '../../src/util/checksums';
import { accessibilityViolations } from './support/accessibility';
import { pageSessionForThisFile } from './support/page-session';
import { previewForThisFile } from './support/preview';
import {
  atBootCheckpoint,
  command,
  drawnModel,
  okModel,
  timelineSnapshot,
  uartText,
} from './support/timeline-page';

let page: Page;
const preview = previewForThisFile();

const session = pageSessionForThisFile();

async function open(target: Page | null = null): Promise<Page> {
  if (target === null) {
    ({ page } = await session.open(`${preview.url}?test=1`));
    target = page;
  } else {
    await target.goto(`${preview.url}?test=1`);
  }
  return atBootCheckpoint(target);
}

const timeline = (p: Page = page): Promise<TimelineSnapshot> => timelineSnapshot(p);

const comparison = (p: Page = page) => p.evaluate(() => window.__allocplay.comparison());

/** The panel's model once the frames that draw what arrived have run. */
const panelModel = (p: Page = page): Promise<HeapModel | null> => drawnModel(p);

const uart = (p: Page = page): Promise<string> => uartText(p);

describe('compare two checkpoints', () => {
  it('shows B with what changed since A, in words too; leaving returns to the normal view', async () => {
    await open();
    // first-fit: $1 cannot grow in place ($2 follows it), so realloc moves it
    for (const line of ['alloc 100', 'alloc 200', 'alloc 300', 'realloc $1 2000', 'free $2'])
      await command(page, line);
    const { marks } = await timeline();
    const before = await panelModel();
    const a = marks[3]!; // alloc 300
    const b = marks.at(-1)!; // free $2, the current one
    await page.locator(`.timeline-mark[data-id="${a.id}"]`).click({ modifiers: ['Shift'] });
    const shown = await comparison();
    const heapA = okModel(await page.evaluate((i) => window.__allocplay.timelineHeap(i), a.id));
    const heapB = okModel(await page.evaluate((i) => window.__allocplay.timelineHeap(i), b.id));
    // $1 moved (not freed and allocated), $2 freed into a hole with $1's old block, the tail split
    expect(shown.summary).toBe(
      `between \`alloc 300\` (3) and \`free $2\` (5): 1 freed, 1 moved, 1 split, 1 merged, used ${signedBytes(heapB.totals.usedBytes - heapA.totals.usedBytes)}, free ${signedBytes(heapB.totals.freeBytes - heapA.totals.freeBytes)}, largest free ${signedBytes(heapB.totals.largestFree - heapA.totals.largestFree)}`,
    );
    expect(shown.events.filter((e) => e.startsWith('moved'))).toEqual([
      'moved 0x40400040 → 0x404002e0 (112 B → 2000 B)',
    ]);
    expect(shown.marks).toEqual([
      'command 3: alloc 300 (compared as A)',
      'command 5: free $2 (compared as B)',
    ]);
    // the panel draws B, with the blocks that differ from A highlighted
    expect(await panelModel()).toEqual(heapB);
    const changed = await page
      .locator('.block-table tbody tr[data-index]')
      .evaluateAll((rows) => rows.map((r) => /change-/.test(r.className)));
    expect(changed).toEqual([true, false, true, true]); // the hole, $3 (kept), $1 moved there, the tail
    expect(await accessibilityViolations(page)).toEqual([]);

    // Esc (outside the terminal) leaves: the normal view again, marks unmarked
    await page.locator('.delta-leave').focus();
    await page.keyboard.press('Escape');
    expect((await comparison()).summary).toBe('');
    expect((await comparison()).marks).toEqual([]);
    expect(await panelModel()).toEqual(before);
    expect(await page.locator('.delta-view').isHidden()).toBe(true);

    // the keyboard: Shift+Enter on a mark; typing leaves the comparison (the machine changes)
    await page.locator(`.timeline-mark[data-id="${marks[0]!.id}"]`).focus();
    await page.keyboard.press('Shift+Enter');
    expect((await comparison()).summary).toMatch(/^between `boot` \(0\) and `free \$2` \(5\): /);
    await command(page, 'alloc 10');
    expect((await comparison()).summary).toBe('');
    expect((await panelModel())?.commands).toBe(heapB.commands + 1);
  });

  it('another allocator, or a reboot between, gets one message and the panel keeps the normal view', async () => {
    await open();
    await command(page, 'alloc 100');
    await command(page, 'use tlsf');
    const before = await panelModel();
    const { marks } = await timeline();
    await page.evaluate((id) => window.__allocplay.compareWith(id), marks[1]!.id);
    expect((await comparison()).summary).toBe(
      'between `alloc 100` (1) and `use tlsf` (2): Cannot compare: A uses first-fit and B uses tlsf: a delta needs the same allocator on both.',
    );
    expect((await comparison()).events).toEqual([]);
    expect(await panelModel()).toEqual(before);

    // a reboot in between: the same allocator, but not the same heap
    await command(page, 'use first-fit');
    await command(page, 'alloc 100');
    const beforeReboot = (await timeline()).marks.at(-1)!;
    await command(page, 'reboot');
    await command(page, 'alloc 100');
    await page.evaluate((id) => window.__allocplay.compareWith(id), beforeReboot.id);
    expect((await comparison()).summary).toBe(
      'between `alloc 100` (4) and `alloc 100` (6): Cannot compare: the first-fit heap was re-initialised between A and B (use, reset or reboot): its blocks are not the same blocks.',
    );
  });
});

/** The checkpoints of every branch: label, transcript and heap, branch by branch. */
async function everyCheckpoint(p: Page): Promise<unknown[]> {
  const { branches, branch } = await timeline(p);
  const seen: unknown[] = [];
  for (const b of branches) {
    await p.evaluate((x) => window.__allocplay.timelineSwitchBranch(x), b);
    for (const mark of (await timeline(p)).marks)
      seen.push({
        branch: b,
        label: mark.label,
        index: mark.index,
        transcript: await p.evaluate((i) => window.__allocplay.timelineTranscript(i), mark.id),
        heap: await p.evaluate((i) => window.__allocplay.timelineHeap(i), mark.id),
      });
  }
  await p.evaluate((x) => window.__allocplay.timelineSwitchBranch(x), branch);
  return seen;
}

describe('session files', () => {
  it('save, then load in a new page: the same timeline, transcripts and heaps, at the same checkpoint', async () => {
    await open();
    for (const line of ['alloc 100', 'alloc 200', 'free $1', 'run malloc'])
      await command(page, line);
    // a fork: back to `alloc 200` and something else, so the file holds two branches
    const { marks } = await timeline();
    await page.evaluate((i) => window.__allocplay.timelineGoTo(i), marks[2]!.id);
    await command(page, 'realloc $2 3000');
    const original = await everyCheckpoint(page);
    const originalTimeline = await timeline();
    const originalTerminal = await uart();
    const file = await page.evaluate(async () => {
      const bytes = await window.__allocplay.sessionFile();
      return typeof bytes === 'string' ? bytes : Array.from(bytes);
    });
    if (typeof file === 'string') throw new Error(file);
    // the machine states share pages and are mostly zeros: packed, a few KiB each
    expect(file.length).toBeLessThan(200 * 1024);

    const other = await page.context().newPage();
    await open(other);
    const message = await other.evaluate(
      (bytes) => window.__allocplay.loadSession(new Uint8Array(bytes), 'walk.apgsession'),
      file,
    );
    expect(message).toBe(
      'Loaded walk.apgsession: 6 checkpoints on first-fit, at `realloc $2 3000`.',
    );
    const loaded = await timeline(other);
    expect(loaded.marks.map((m) => [m.label, m.current])).toEqual(
      originalTimeline.marks.map((m) => [m.label, m.current]),
    );
    expect(loaded.branches).toHaveLength(2);
    expect(await uart(other)).toBe(originalTerminal);
    expect(await panelModel(other)).toEqual(await panelModel(page));
    expect(await everyCheckpoint(other)).toEqual(original);
    // the share link replays the loaded commands, as it does the typed ones
    expect(await other.evaluate(() => window.__allocplay.commands())).toEqual(
      await page.evaluate(() => window.__allocplay.commands()),
    );
    // the loaded machine runs on from where it was saved: the same bytes as the original
    await command(page, 'alloc 64');
    await command(other, 'alloc 64');
    expect(await uart(other)).toBe(await uart(page));
    await other.close();
  });

  it('a damaged or foreign file gets one message through Load session… and changes nothing', async () => {
    await open();
    await command(page, 'alloc 100');
    const file = await page.evaluate(async () => {
      const bytes = await window.__allocplay.sessionFile();
      return typeof bytes === 'string' ? bytes : Array.from(bytes);
    });
    if (typeof file === 'string') throw new Error(file);
    await command(page, 'alloc 200');
    const before = {
      timeline: await timeline(),
      terminal: await uart(),
      model: await panelModel(),
    };
    const picker = page.locator('input.file-input[accept^=".apgsession"]');
    const notice = () => page.locator('.file-notice').textContent();

    const flipped = Uint8Array.from(file);
    flipped[flipped.length >> 1]! ^= 0x40;
    await picker.setInputFiles({
      name: 'flipped.apgsession',
      mimeType: '',
      buffer: Buffer.from(flipped),
    });
    await expect
      .poll(notice)
      .toMatch(
        /^flipped\.apgsession: This is not a usable session file: it is damaged or truncated/,
      );

    // a machine-state byte changed, the file's CRC made right again and packed again: the emulator refuses it
    const forged = Uint8Array.from(gunzipSync(Uint8Array.from(file)));
    const state = Buffer.from(forged).lastIndexOf('APGCKPT1');
    forged[state + 200]! ^= 0x01;
    new DataView(forged.buffer).setUint32(
      forged.length - 4,
      crc32(forged.subarray(0, forged.length - 4)),
      true,
    );
    await picker.setInputFiles({
      name: 'forged.apgsession',
      mimeType: '',
      buffer: Buffer.from(forged),
    });
    await expect
      .poll(notice)
      .toMatch(
        /^forged\.apgsession: nothing was loaded: checkpoint 1 \(alloc 100\) could not be loaded: /,
      );

    await picker.setInputFiles({
      name: 'truncated.apgsession',
      mimeType: '',
      buffer: Buffer.from(file.slice(0, 1000)),
    });
    await expect.poll(notice).toContain('truncated.apgsession: This is not a usable session file');

    expect(await timeline()).toEqual(before.timeline);
    expect(await uart()).toBe(before.terminal);
    expect(await panelModel()).toEqual(before.model);
    expect(await page.locator('.file-notice').getAttribute('class')).toContain('bad');

    // the good file dropped on the page loads (recognised by its magic, whatever its name)
    await page.evaluate(
      (bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'saved.bin'));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true }));
      },
      Array.from(gunzipSync(Uint8Array.from(file))),
    );
    await expect.poll(notice).toBe('Loaded saved.bin: 2 checkpoints on first-fit, at `alloc 100`.');
    expect((await timeline()).marks.map((m) => m.label)).toEqual(['boot', 'alloc 100']);
  });
});
