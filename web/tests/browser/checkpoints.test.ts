// SPDX-License-Identifier: GPL-2.0-or-later
// Checkpoints in Chromium through the worker protocol: save at the prompt,
// run a command, restore, and the panel shows the heap of before; the same
// command typed again prints the same bytes.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForPrompt } from '../../scripts/harness.mjs';
import { pageSessionForThisFile } from './support/page-session';
import { previewForThisFile } from './support/preview';

let page: Page;

const preview = previewForThisFile();

const session = pageSessionForThisFile();

async function open(query = ''): Promise<Page> {
  ({ page } = await session.open(`${preview.url}?test=1${query}`));
  await waitForPrompt(page);
  return page;
}

const type = (keys: string): Promise<void> =>
  page.evaluate((k) => window.__allocplay.type(k), keys);

/** The panel's `info` text after the frames that draw what has arrived. */
const panelInfo = (): Promise<string | null> =>
  page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return window.__allocplay.modelInfo();
  });

const uart = async (): Promise<string> =>
  new TextDecoder('latin1').decode(
    new Uint8Array(await page.evaluate(() => window.__allocplay.uartBytes())),
  );

describe('checkpoint protocol', () => {
  it('save, run a command, restore: the heap of before, and the same command prints the same bytes', async () => {
    await open();
    await type('alloc 100\r');
    const before = await panelInfo();
    expect(before).toContain('used');
    const modelBefore = await page.evaluate(() => window.__allocplay.model());
    const saved = await page.evaluate(() => window.__allocplay.checkpointSave());
    expect(saved.handle).toBeGreaterThan(0);
    expect(saved.memoryBytes).toBeGreaterThan(0);

    await page.evaluate(() => window.__allocplay.clearUart());
    await type('alloc 5000\rfree 0x40400040\r');
    const firstRun = await uart();
    expect(firstRun).toContain('freed 0x40400040');
    const after = await panelInfo();
    expect(after).not.toBe(before);

    // the checkpoint's heap, decoded without restoring, is the heap of before
    const decoded = await page.evaluate(
      (h) => window.__allocplay.checkpointDecode(h),
      saved.handle,
    );
    if (typeof decoded === 'string' || decoded.status !== 'ok') throw new Error(String(decoded));
    expect(decoded.model).toEqual(modelBefore);

    expect(await page.evaluate((h) => window.__allocplay.checkpointRestore(h), saved.handle)).toBe(
      null,
    );
    await page.evaluate(() => window.__allocplay.whenIdle());
    expect(await panelInfo()).toBe(before);
    expect(await page.evaluate(() => window.__allocplay.model())).toEqual(modelBefore);

    // restoring is exact: the same keys give the same bytes
    await page.evaluate(() => window.__allocplay.clearUart());
    await type('alloc 5000\rfree 0x40400040\r');
    expect(await uart()).toBe(firstRun);

    // a handle that does not exist: one clear message, the machine untouched
    expect(await page.evaluate(() => window.__allocplay.checkpointRestore(999))).toBe(
      'no checkpoint 999',
    );
    expect(await panelInfo()).toBe(after);
  });
});
