// SPDX-License-Identifier: GPL-2.0-or-later
// The timeline under the terminal in Chromium: a checkpoint per command;
// going to each one shows the heap and terminal of a fresh run of the same
// prefix; typing the same commands again prints the same bytes; forking
// keeps the other branch exactly; the memory bound drops the oldest
// checkpoints with a note; Alt+arrows move from the terminal and never reach
// the guest; axe stays green.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TimelineSnapshot } from '../../src/app/test-hooks';
import type { HeapModel } from '../../src/heap/model';
import { waitForPrompt } from '../../scripts/harness.mjs';
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

/** A session with a user program that uses alarms, one that mallocs, stress, and another allocator. */
const SESSION = [
  'alloc 100',
  'alloc 2000',
  'free $1',
  'run malloc',
  'run alarm',
  'stress 200 5 16-1024',
  'use tlsf',
  'alloc 300',
];

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

/** The panel's model once the frames that draw what arrived have run. */
const panelModel = (p: Page = page): Promise<HeapModel | null> => drawnModel(p);

const uart = (p: Page = page): Promise<string> => uartText(p);

const goTo = (id: number): Promise<void> =>
  page.evaluate((i) => window.__allocplay.timelineGoTo(i), id);

describe('timeline', () => {
  it('every checkpoint of a session shows the heap and terminal of a fresh run of its prefix', async () => {
    await open();
    // the fresh run: another page typing the commands one by one, recording after each
    const fresh = await page.context().newPage();
    await open(fresh);
    const freshModels = [await panelModel(fresh)];
    const freshTranscripts = [await uart(fresh)];
    for (const line of SESSION) {
      await command(fresh, line);
      freshModels.push(await panelModel(fresh));
      freshTranscripts.push(await uart(fresh));
    }
    await fresh.close();
    expect(freshTranscripts.at(-1)).toContain('counter = 3'); // the alarms fired
    expect(freshTranscripts.at(-1)).toContain('stress:');

    for (const line of SESSION) await command(page, line);
    const { marks } = await timeline();
    expect(marks.map((m) => m.label)).toEqual(['boot', ...SESSION]);
    expect(marks.map((m) => m.index)).toEqual([...Array(SESSION.length + 1).keys()]);
    expect(marks.at(-1)?.current).toBe(true);

    // backwards through every checkpoint, then a jump forward to the middle
    const order = [...marks.keys()].reverse().concat([4]);
    for (const k of order) {
      const mark = marks[k]!;
      await goTo(mark.id);
      const snapshot = await timeline();
      expect(snapshot.marks.find((m) => m.current)?.id).toBe(mark.id);
      expect(snapshot.position).toBe(
        k === 0 ? `at boot, ${SESSION.length} commands` : `at command ${k} of ${SESSION.length}`,
      );
      expect(await panelModel(), `panel at checkpoint ${k}`).toEqual(freshModels[k]);
      expect(
        okModel(await page.evaluate((i) => window.__allocplay.timelineHeap(i), mark.id)),
      ).toEqual(freshModels[k]);
      expect(await uart(), `terminal at checkpoint ${k}`).toBe(freshTranscripts[k]);
      expect(await page.evaluate(() => window.__allocplay.commands())).toEqual(SESSION.slice(0, k));
    }
    // "changed by the last command" is against the checkpoint before, not the one shown before:
    // from the last (a tlsf heap) to `alloc 2000`, only the new block is marked
    await goTo(marks.at(-1)!.id);
    await goTo(marks[2]!.id);
    await panelModel();
    const rowClasses = await page
      .locator('.block-table tbody tr[data-index]')
      .evaluateAll((rows) => rows.map((r) => r.className));
    expect(rowClasses.map((c) => /change-/.test(c))).toEqual([false, true, true]);
    // the whole page, the CPU panel's event log after `run` included
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('going back and typing the same commands prints byte-identical output; the fork keeps both branches', async () => {
    await open();
    for (const line of SESSION) await command(page, line);
    const first = await timeline();
    const k = 3; // after `free $1`: the alarm program and stress follow
    const original = await Promise.all(
      first.marks.map((m) => page.evaluate((i) => window.__allocplay.timelineTranscript(i), m.id)),
    );
    await goTo(first.marks[k]!.id);
    for (const line of SESSION.slice(k)) await command(page, line);
    const again = await timeline();
    expect(again.branches).toEqual([1, 2]);
    expect(again.branch).toBe(2);
    expect(again.marks.map((m) => m.label)).toEqual(['boot', ...SESSION]);
    // the same checkpoints up to k, new ones after it
    expect(again.marks.slice(0, k + 1).map((m) => m.id)).toEqual(
      first.marks.slice(0, k + 1).map((m) => m.id),
    );
    const replayed = await Promise.all(
      again.marks.map((m) => page.evaluate((i) => window.__allocplay.timelineTranscript(i), m.id)),
    );
    expect(replayed).toEqual(original);
    expect(await uart()).toBe(original.at(-1));

    // fork for real: something else at k, then back to the first branch
    await goTo(first.marks[k]!.id);
    await command(page, 'alloc 4000');
    const forked = await timeline();
    expect(forked.branches).toEqual([1, 2, 3]);
    expect(forked.marks.map((m) => m.label)).toEqual([
      'boot',
      ...SESSION.slice(0, k),
      'alloc 4000',
    ]);
    await page.locator('.branch-switch button[aria-label="Previous branch"]').click();
    await page.locator('.branch-switch button[aria-label="Previous branch"]').click();
    await page.evaluate(() => window.__allocplay.whenIdle());
    await page.evaluate(() => window.__allocplay.whenCheckpointed());
    const back = await timeline();
    expect(back.branch).toBe(1);
    expect(back.marks.map((m) => m.id)).toEqual(first.marks.map((m) => m.id));
    expect(back.marks.at(-1)?.current).toBe(true);
    expect(await uart()).toBe(original.at(-1));
    const lastHeap = okModel(
      await page.evaluate((i) => window.__allocplay.timelineHeap(i), first.marks.at(-1)!.id),
    );
    expect(await panelModel()).toEqual(lastHeap);
    expect(await page.locator('.branch-switch').textContent()).toContain('branch 1 of 3');
    // the fork point is marked
    expect(
      await page.locator(`.timeline-mark[data-id="${first.marks[k]!.id}"]`).getAttribute('class'),
    ).toContain('forks');
  });

  it('a URL script gets a mark per command after the boot checkpoint', async () => {
    const script = encodeURIComponent('alloc 100;alloc 200');
    ({ page } = await session.open(`${preview.url}?test=1&embed=1&alloc=buddy&script=${script}`));
    await waitForPrompt(page);
    await page.waitForFunction(() => window.__allocplay.commands().length === 3);
    await page.evaluate(async () => {
      await window.__allocplay.whenIdle();
      await window.__allocplay.whenCheckpointed();
    });
    const { marks } = await timeline();
    expect(marks.map((m) => m.label)).toEqual(['boot', 'use buddy', 'alloc 100', 'alloc 200']);
    // boot is the kernel before the script: first-fit, nothing allocated
    await goTo(marks[0]!.id);
    const boot = await panelModel();
    expect(boot?.kindName).toBe('first-fit');
    expect(boot?.totals.usedBlocks).toBe(0);
    expect(await uart()).toMatch(/first-fit> $/);
  });

  it('past the memory budget the oldest checkpoints are dropped, with a note; never the current one', async () => {
    await open();
    await page.evaluate(() => window.__allocplay.setCheckpointBudget(1));
    for (const line of ['alloc 100', 'alloc 200', 'alloc 300']) await command(page, line);
    const snapshot = await timeline();
    expect(snapshot.memoryBytes).toBeGreaterThan(1);
    // each save is over a 1-byte budget, so only the newest survives
    expect(snapshot.marks.map((m) => m.label)).toEqual(['alloc 300']);
    expect(snapshot.marks[0]?.current).toBe(true);
    expect(snapshot.dropped).toBe(3);
    expect(await page.locator('.timeline-note').textContent()).toBe(
      'oldest 3 checkpoints dropped to save memory',
    );
    // the share link still has every command (they moved into the kept checkpoint)
    expect(await page.evaluate(() => window.__allocplay.commands())).toEqual([
      'alloc 100',
      'alloc 200',
      'alloc 300',
    ]);
  });

  it('Alt+Left and Alt+Right move from the terminal and never reach the guest; Reset starts a new timeline', async () => {
    await open();
    for (const line of ['alloc 100', 'alloc 200']) await command(page, line);
    const { marks } = await timeline();
    await page.locator('.xterm-helper-textarea').focus();
    const before = await uart();
    const keysBefore = await page.evaluate(() => window.__allocplay.keysSent());
    await page.keyboard.press('Alt+ArrowLeft');
    await expect
      .poll(async () => (await timeline()).marks.find((m) => m.current)?.label)
      .toBe('alloc 100');
    await page.evaluate(() => window.__allocplay.whenIdle());
    await page.keyboard.press('Alt+ArrowLeft');
    await expect
      .poll(async () => (await timeline()).marks.find((m) => m.current)?.label)
      .toBe('boot');
    await page.keyboard.press('Alt+ArrowRight');
    await page.keyboard.press('Alt+ArrowRight');
    await expect
      .poll(async () => (await timeline()).marks.find((m) => m.current)?.id)
      .toBe(marks.at(-1)!.id);
    // at the last checkpoint already: nothing to restore, and still nothing typed
    await page.keyboard.press('Alt+ArrowRight');
    await page.keyboard.press('Alt+End');
    await page.evaluate(() => window.__allocplay.whenIdle());
    // no key went to the guest: the terminal and the line editor are as they were
    expect(await page.evaluate(() => window.__allocplay.keysSent())).toBe(keysBefore);
    expect(await uart()).toBe(before);
    expect(page.url()).toContain('?test=1'); // Alt+Left did not go Back
    await page.evaluate(() => window.__allocplay.clearUart());
    await command(page, 'info');
    expect(await uart()).toMatch(/^info\r\nheap: first-fit/);

    // the bar is a toolbar with one Tab stop on the current mark
    const current = page.locator('.timeline-mark[aria-current="step"]');
    await expect.poll(() => current.getAttribute('tabindex')).toBe('0');
    expect(await page.locator('.timeline-mark[tabindex="0"]').count()).toBe(1);
    await current.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await timeline()).position).toBe('at boot, 3 commands');

    await page.getByRole('button', { name: 'Reset' }).click();
    await expect
      .poll(async () => (await timeline()).marks.map((m) => m.label), { timeout: 20_000 })
      .toEqual(['boot']);
  });
});
