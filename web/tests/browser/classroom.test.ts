// SPDX-License-Identifier: GPL-2.0-or-later
// The page in a classroom: the heap picture at every window size (and in
// the README's own embed), the block detail after a Free, the way out of
// the terminal with the keyboard, toolbar actions on a half-typed line, and
// axe-core's accessibility checks on the main and the embed page.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForPrompt } from '../../scripts/harness.mjs';
import { accessibilityViolations } from './support/accessibility';
import { pageSessionForThisFile } from './support/page-session';
import { previewForThisFile } from './support/preview';

let page: Page;

const preview = previewForThisFile();

const session = pageSessionForThisFile();

async function open(query = '', viewport = { width: 1400, height: 900 }): Promise<Page> {
  ({ page } = await session.open(`${preview.url}?test=1${query}`, viewport));
  await waitForPrompt(page);
  return page;
}

const decoder = new TextDecoder('latin1');
const uartText = async (): Promise<string> =>
  decoder.decode(new Uint8Array(await page.evaluate(() => window.__allocplay.uartBytes())));
const type = (keys: string): Promise<void> =>
  page.evaluate((k) => window.__allocplay.type(k), keys);
const whenIdle = (): Promise<void> => page.evaluate(() => window.__allocplay.whenIdle());
const nextFrames = (): Promise<unknown> =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const detailTitle = async (): Promise<string> =>
  (await page.locator('.block-detail').textContent()) ?? '';

/** The README's embed snippet. */
const README_EMBED = `&embed=1&alloc=buddy&script=${encodeURIComponent('alloc 100;alloc 100;info')}`;
const SIZES = [
  { width: 1400, height: 900 },
  { width: 1024, height: 640 },
  { width: 880, height: 800 },
  { width: 800, height: 560 },
  { width: 400, height: 700 },
];

/**
 * Scrolls the heap picture into view and reports how much of it is on the
 * screen and whether a click in it reaches it (nothing on top).
 */
async function heapPictureOnScreen(): Promise<{ height: number; visible: number; hit: boolean }> {
  const surface = page.locator('.heap-panel .canvas-surface');
  await surface.scrollIntoViewIfNeeded();
  return surface.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const visible = Math.min(box.bottom, innerHeight) - Math.max(box.top, 0);
    const x = box.left + Math.min(40, box.width / 2);
    const y = Math.max(box.top, 0) + Math.max(1, visible / 2);
    const hit = element.contains(document.elementFromPoint(x, y));
    return { height: box.height, visible, hit };
  });
}

describe('layout', () => {
  for (const [mode, query] of [
    ['the page', ''],
    ['the README embed', README_EMBED],
  ] as const) {
    it(`${mode}: the heap picture is on screen and answers clicks at every size`, async () => {
      await open(query);
      await page.waitForFunction(() => window.__allocplay.model() !== null);
      await whenIdle();
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await nextFrames();
        const where = `${size.width}x${size.height}`;
        const shown = await heapPictureOnScreen();
        expect(shown.height, where).toBeGreaterThanOrEqual(100);
        expect(shown.visible, where).toBeGreaterThanOrEqual(100);
        expect(shown.hit, where).toBe(true);
        // usable: a click on the first block selects it
        const box = (await page.locator('.heap-panel .canvas-surface').boundingBox())!;
        const y = query === '' ? box.y + 26 : box.y + Math.min(box.height, 120) - 8;
        await page.mouse.click(box.x + (query === '' ? 12 : 72), y);
        await expect.poll(detailTitle, { timeout: 2000 }).toMatch(/Block \d+/);
      }
    });
  }

  it('the terminal has at least 80 columns at 1280 px and 50 at 400 px', async () => {
    await open('', { width: 1280, height: 800 });
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.terminalSize().cols))
      .toBeGreaterThanOrEqual(80);
    await page.setViewportSize({ width: 400, height: 700 });
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.terminalSize().cols))
      .toBeGreaterThanOrEqual(48);
  });
});

describe('block detail after a heap change', () => {
  it('after Free the detail shows the block as free and offers no second Free', async () => {
    await open();
    await type('alloc 100\ralloc 200\r');
    await nextFrames();
    await page.locator('.block-table tbody tr[data-index="1"]').click();
    await page.getByRole('button', { name: 'Free', exact: true }).click();
    await page.waitForFunction(() => window.__allocplay.commands().includes('free 0x404000c0'));
    await whenIdle();
    await nextFrames();
    // block 1 merged with the free rest after it: same start, now free
    await expect.poll(detailTitle).toMatch(/^Block 1: free/);
    expect(await page.getByRole('button', { name: 'Free', exact: true }).count()).toBe(0);
    expect(await uartText()).not.toContain('double free');
  });

  it('a merge before the selected block renumbers it in the detail', async () => {
    await open();
    await type('alloc 100\ralloc 200\ralloc 300\r');
    await nextFrames();
    await page.locator('.block-table tbody tr[data-index="2"]').click();
    await expect.poll(detailTitle).toMatch(/^Block 2: 300 bytes at 0x404001a0/);
    await type('free 0x40400040\rfree 0x404000c0\r'); // blocks 0 and 1 coalesce
    await nextFrames();
    await expect.poll(detailTitle).toMatch(/^Block 1: 300 bytes at 0x404001a0/);
  });

  it('buddy: after Free the detail follows the merged block and offers no Free', async () => {
    await open();
    await type('use buddy\ralloc 100\r');
    await nextFrames();
    const used = await page.evaluate(() =>
      window.__allocplay.model()!.blocks.findIndex((b) => b.status === 'used'),
    );
    await page.locator(`.block-table tbody tr[data-index="${used}"]`).click();
    await page.getByRole('button', { name: 'Free', exact: true }).click();
    await page.waitForFunction(() => window.__allocplay.commands().includes('free 0x404ff000'));
    await whenIdle();
    await nextFrames();
    await expect.poll(detailTitle).not.toMatch(/100 bytes at/);
    expect(await page.getByRole('button', { name: 'Free', exact: true }).count()).toBe(0);
    expect(await uartText()).not.toContain('double free');
  });
});

describe('keyboard', () => {
  const focused = (): Promise<string> =>
    page.evaluate(() => {
      const e = document.activeElement;
      if (e === null) return '';
      if (e.closest('.terminal-pane')) return 'terminal';
      return e.getAttribute('aria-label') ?? e.textContent ?? e.tagName;
    });

  it('Esc then Tab leaves the terminal (Shift+Tab too); plain Tab stays in it', async () => {
    await open();
    await expect.poll(focused).toBe('terminal');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('terminal'); // Tab is a key the shell reads
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    const next = await focused();
    expect(next).not.toBe('terminal');
    expect(next).not.toBe('BODY');
    await page.locator('.terminal-host').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).not.toBe('terminal');
    // the Esc was not typed into the shell: the next command works
    await page.locator('.terminal-host').click();
    await page.keyboard.press('Escape');
    await page.keyboard.type('alloc 32');
    await page.keyboard.press('Enter');
    await whenIdle();
    expect(await uartText()).toContain('allocated 32 bytes at 0x40400040');
  });

  it('every control shows a focus ring, and terminal output reaches a screen reader', async () => {
    await open();
    await type('alloc 100\r');
    await page.locator('.terminal-host').click();
    const seen = new Set<string>();
    const unringed: string[] = [];
    await page.keyboard.press('Escape');
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const state = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        if (e === null || e === document.body) return null;
        const ringed = (x: Element): boolean => {
          const s = getComputedStyle(x);
          return (
            (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'
          );
        };
        const pane = e.closest('.terminal-pane');
        const name = `${e.tagName}.${e.className}:${e.getAttribute('aria-label') ?? e.textContent?.slice(0, 20)}`;
        return {
          name,
          ringed: ringed(e) || (pane !== null && ringed(pane)),
          terminal: pane !== null,
        };
      });
      if (state === null) continue;
      if (state.terminal) {
        await page.keyboard.press('Escape'); // leave it again
      }
      if (seen.has(state.name)) continue;
      seen.add(state.name);
      if (!state.ringed) unringed.push(state.name);
    }
    expect(seen.size).toBeGreaterThan(8);
    expect(unringed).toEqual([]);
    // screen-reader mode: the terminal's text is in the accessibility tree, in a live region
    await type('info\r');
    await expect
      .poll(() =>
        page.evaluate(
          () => document.querySelector('.terminal-pane [aria-live]')?.textContent ?? '',
        ),
      )
      .toContain('first-fit>');
  });
});

describe('toolbar on a half-typed line', () => {
  it('choosing an allocator clears the pending line first; the selector follows the kernel', async () => {
    await open();
    await page.locator('.terminal-host').click();
    await page.keyboard.type('alloc 12');
    await page.locator('.toolbar select[aria-label="Allocator"]').selectOption('buddy');
    await page.waitForFunction(() => window.__allocplay.model()?.kindName === 'buddy', null, {
      timeout: 10_000,
    });
    await whenIdle();
    expect(await uartText()).not.toContain('error');
    expect(await page.evaluate(() => window.__allocplay.commands())).toEqual(['use buddy']);
    expect(await page.locator('.toolbar select[aria-label="Allocator"]').inputValue()).toBe(
      'buddy',
    );
    // stopped, the kernel cannot switch: the selector keeps showing what runs
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.waitForFunction(() => window.__allocplay.state() === 'stopped');
    await page.locator('.toolbar select[aria-label="Allocator"]').selectOption('tlsf');
    await nextFrames();
    expect(await page.locator('.toolbar select[aria-label="Allocator"]').inputValue()).toBe(
      'buddy',
    );
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForFunction(() => window.__allocplay.model()?.kindName === 'tlsf', null, {
      timeout: 10_000,
    });
    expect(await page.locator('.toolbar select[aria-label="Allocator"]').inputValue()).toBe('tlsf');
  });
});

describe('accessibility (axe-core)', () => {
  it('the page has no serious or critical violations', async () => {
    await open();
    await type('alloc 100\ralloc 200\r');
    await nextFrames();
    await page.locator('.block-table tbody tr[data-index="1"]').click();
    await nextFrames();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('the embed page has no serious or critical violations', async () => {
    await open(README_EMBED, { width: 800, height: 560 });
    await page.waitForFunction(() => window.__allocplay.commands().length === 3);
    await whenIdle();
    await nextFrames();
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});

describe('rough edges', () => {
  it('an empty CPU panel is one line; free-list chips use payload addresses; hex stays lowercase', async () => {
    await open();
    expect((await page.locator('.cpu-panel').boundingBox())!.height).toBeLessThan(80);
    await type('alloc 100\ralloc 200\ralloc 300\rfree 0x404000c0\r');
    await nextFrames();
    // the list links the headers at 0x404000b0 and 0x404002d0
    expect(await page.locator('.extras .free-list .chip').allTextContents()).toEqual([
      '0x404000c0',
      '0x404002e0',
    ]);
    const title = page.locator('.extras h3').first();
    expect(await title.evaluate((h) => getComputedStyle(h).textTransform)).toBe('none');
  });

  it('the timeline starts again when the heap is re-initialised (use of the same allocator)', async () => {
    await open();
    for (const command of ['alloc 3000', 'use first-fit', 'alloc 10']) {
      await type(`${command}\r`);
      await whenIdle();
      await nextFrames(); // the panel draws each heap in turn
    }
    const legend = page.locator('.timeline-legend .swatch.used');
    // the chart's peak is that of the new heap (one small block), not the 3000-byte one before it
    await expect.poll(() => legend.textContent()).toMatch(/peak \d+ B\)/);
    const peak = Number(/peak (\d+) B/.exec((await legend.textContent()) ?? '')?.[1]);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(3000);
  });

  it("the kernel's own exceptions (fault undef, fault brk) appear in the CPU event log", async () => {
    await open();
    await type('fault undef\rfault brk\r');
    await whenIdle();
    await nextFrames();
    const log = page.locator('.cpu-panel .event-log');
    await expect.poll(() => log.textContent()).toMatch(/Undefined instruction/i);
    expect(await log.textContent()).toMatch(/breakpoint|BRK/i);
    // the log's items are list items and its error rows are legible (axe: listitem, contrast)
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('a long command says how long it runs and how to stop it; Stop is off after halt', async () => {
    await open();
    await page.evaluate(() => {
      void window.__allocplay.type('stress 100000000\r');
    });
    await expect
      .poll(() => page.locator('.run-notice').textContent(), { timeout: 10_000 })
      .toMatch(/running for \d+ s · Ctrl-C in the terminal stops the command/);
    await type('\x03');
    await expect.poll(() => page.locator('.run-notice').isHidden()).toBe(true);
    await type('halt\r');
    await page.waitForFunction(() => window.__allocplay.state() === 'powered-off');
    await expect.poll(() => page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
  });

  it('Share says the link was copied and leaves the focus where it was', async () => {
    await open();
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: preview.url });
    await type('alloc 100\r');
    await page.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => page.locator('.share-note').textContent()).toBe('Link copied');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Share');
  });
});

describe('rough edges at small sizes', () => {
  it('buddy: every column that holds a block says its size at 400x700 and 800x560', async () => {
    for (const size of [
      { width: 400, height: 700 },
      { width: 800, height: 560 },
    ]) {
      await open('', size);
      await type('use buddy\ralloc 100\ralloc 100\ralloc 3000\ralloc 20000\ralloc 200000\r');
      await whenIdle();
      await nextFrames();
      const surface = page.locator('.heap-panel .buddy-view');
      await surface.scrollIntoViewIfNeeded();
      await nextFrames();
      const labels: Array<{ block: number; label: string }> = JSON.parse(
        (await surface.getAttribute('data-column-labels')) ?? '[]',
      );
      const blocks = labels.filter((l) => l.block >= 0);
      const where = `${size.width}x${size.height}`;
      expect(blocks.length, where).toBeGreaterThanOrEqual(6);
      expect(
        blocks.filter((l) => l.label === ''),
        where,
      ).toEqual([]);
      await session.close();
    }
  });

  it('the toolbar is one row at 1024x640', async () => {
    await open('', { width: 1024, height: 640 });
    const rows = await page.locator('.toolbar').evaluate((bar) => {
      const controls = [...bar.querySelectorAll('button, select, input')].filter(
        (c) => (c as HTMLElement).offsetParent !== null,
      );
      const boxes = controls.map((c) => c.getBoundingClientRect());
      return {
        count: boxes.length,
        lowestTop: Math.max(...boxes.map((b) => b.top)),
        highestBottom: Math.min(...boxes.map((b) => b.bottom)),
      };
    });
    expect(rows.count).toBeGreaterThanOrEqual(7);
    // one row: every control overlaps every other vertically
    expect(rows.lowestTop).toBeLessThan(rows.highestBottom);
  });
});
