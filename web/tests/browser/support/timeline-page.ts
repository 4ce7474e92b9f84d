// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Reading and driving the page's checkpoint timeline through its test hooks,
 * for the timeline's and the checkpoint tools' browser tests.
 */
import type { Page } from 'playwright-core';
import type { TimelineSnapshot } from '../../../src/app/test-hooks';
import type { DecodeResult, HeapModel } from '../../../src/heap/model';
import { waitForPrompt } from '../../../scripts/harness.mjs';

/** Waits for the prompt and the checkpoint taken after boot. */
export async function atBootCheckpoint(page: Page): Promise<Page> {
  await waitForPrompt(page);
  await page.evaluate(() => window.__allocplay.whenCheckpointed());
  return page;
}

/** Types one command, waits for the prompt and its checkpoint. */
export const command = (page: Page, line: string): Promise<void> =>
  page.evaluate(async (l) => {
    await window.__allocplay.type(`${l}\r`);
    await window.__allocplay.whenCheckpointed();
  }, line);

export async function timelineSnapshot(page: Page): Promise<TimelineSnapshot> {
  const snapshot = await page.evaluate(() => window.__allocplay.timeline());
  if (snapshot === null) throw new Error('no timeline');
  return snapshot;
}

/** The panel's model once the frames that draw what arrived have run. */
export const drawnModel = (page: Page): Promise<HeapModel | null> =>
  page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return window.__allocplay.model();
  });

/** Everything the guest wrote to its UART, as the terminal got it. */
export const uartText = async (page: Page): Promise<string> =>
  new TextDecoder('latin1').decode(
    new Uint8Array(await page.evaluate(() => window.__allocplay.uartBytes())),
  );

export function okModel(result: DecodeResult | null): HeapModel {
  if (result?.status !== 'ok') throw new Error(`no heap picture: ${JSON.stringify(result)}`);
  return result.model;
}
