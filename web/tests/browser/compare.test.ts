// SPDX-License-Identifier: GPL-2.0-or-later
// Compare mode in Chromium: all five allocators, each in its own worker, run
// a lesson with `$N` block references; after every command the figures (the
// page's records and the table it draws) must equal what each machine's own
// `info` prints, failed requests must match the replies, and scrubbing the
// timeline must put every panel back to that command. A trace picked with
// Trace… runs on every machine with the figures every host gives; a
// malformed one gets one message and changes nothing. A bad compare= gives
// one message and the ordinary playground.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { COMPARE_LESSONS } from '../../src/compare/compare-lessons';
import { failedRequest, fragmentation, infoTotals } from '../../src/compare/figures';
import type { CompareTestHooks } from '../../src/compare/start-compare';
import { REPO_ROOT, waitForPrompt } from '../../scripts/harness.mjs';
import { pageSessionForThisFile } from './support/page-session';
import { previewForThisFile } from './support/preview';

declare global {
  interface Window {
    __compare: CompareTestHooks;
  }
}

const ALL = ['first-fit', 'buddy', 'page', 'bump', 'tlsf'];

let page: Page;

const preview = previewForThisFile();

const session = pageSessionForThisFile();

async function openCompare(query: string): Promise<void> {
  ({ page } = await session.open(`${preview.url}?test=1&${query}`));
  await page.waitForFunction(() => window.__compare !== undefined, null, { timeout: 60_000 });
  await page.evaluate(() => window.__compare.settled());
}

/** A lesson with `info` after every command; `$K` renumbered to where command K went. */
function withInfoAfterEach(commands: string[]): string[] {
  return commands.flatMap((c) => [
    c.replace(/\$(\d+)/g, (_, k: string) => `$${2 * Number(k) - 1}`),
    'info',
  ]);
}

describe('compare mode', () => {
  it('runs a lesson on all five allocators; every figure equals the machine’s own info', async () => {
    const lesson = COMPARE_LESSONS.find((l) => l.id === 'exhaustion')!;
    const [first, ...rest] = withInfoAfterEach(lesson.commands);
    await openCompare(`compare=${ALL.join(',')}&script=${encodeURIComponent(first!)}`);
    await page.evaluate((c) => window.__compare.run(c), rest);
    const records = await page.evaluate(() => window.__compare.records());
    expect(records.map((r) => r.number)).toEqual(records.map((_, i) => i + 1));
    expect(records.length).toBe(2 * lesson.commands.length);
    // `use` went to every machine as its own allocator
    expect(records[0]!.sent).toEqual(ALL.map((a) => `use ${a}`));

    const failed = ALL.map(() => 0);
    for (let i = 0; i < records.length; i += 2) {
      const command = records[i]!;
      const info = records[i + 1]!;
      expect(info.command).toBe('info');
      ALL.forEach((allocator, m) => {
        const reply = command.results[m]!.reply;
        // $N names a live block on every allocator, unless command N ran out of memory there
        const noBlock = /^error: (?:free|realloc): \$(\d+): command \d+ returned no block$/m.exec(
          reply,
        );
        if (noBlock !== null)
          expect(failedRequest(records[Number(noBlock[1]) - 1]!.results[m]!.reply)).toBe(true);
        else
          expect(reply, `${allocator} #${command.number}`).not.toMatch(/^error: (free|realloc):/m);
        if (failedRequest(reply)) failed[m]!++;
        const kernel = infoTotals(info.results[m]!.reply);
        expect(kernel, `${allocator} info #${info.number}`).not.toBeNull();
        for (const figures of [command.results[m]!.figures, info.results[m]!.figures]) {
          expect(figures, `${allocator} #${command.number}`).not.toBeNull();
          expect(
            {
              usedBytes: figures!.usedBytes,
              freeBytes: figures!.freeBytes,
              largestFree: figures!.largestFree,
              overheadBytes: figures!.overheadBytes,
            },
            `${allocator} after #${command.number} ${command.command}`,
          ).toEqual(kernel);
          expect(figures!.fragmentation).toBeCloseTo(
            fragmentation(kernel!.freeBytes, kernel!.largestFree),
            12,
          );
          expect(figures!.failedRequests).toBe(failed[m]);
        }
        expect(command.results[m]!.figures!.instructions).toBeGreaterThan(0);
        expect(info.results[m]!.figures!.instructions).toBeGreaterThan(0);
      });
    }
    // the lesson runs out of memory on every allocator at least once
    for (const n of failed) expect(n).toBeGreaterThan(0);

    // the table on the page shows the latest record's figures
    const last = records.at(-1)!;
    for (const [m, allocator] of ALL.entries()) {
      const row = page.locator(`.figures-table tr[data-allocator="${allocator}"]`);
      for (const key of ['usedBytes', 'freeBytes', 'largestFree', 'failedRequests'] as const) {
        const value = await row.locator(`td[data-figure="${key}"]`).getAttribute('data-value');
        expect(Number(value), `${allocator} ${key}`).toBe(last.results[m]!.figures![key]);
      }
    }
    expect(await page.locator('.figures-table caption').textContent()).toContain(
      `#${last.number} info`,
    );
  });

  it('scrubs every machine back to an earlier command and forward again', async () => {
    const lesson = COMPARE_LESSONS.find((l) => l.id === 'holes')!;
    await openCompare(
      `compare=first-fit,buddy,tlsf&script=${encodeURIComponent(lesson.commands.join(';'))}`,
    );
    const records = await page.evaluate(() => window.__compare.records());
    expect(records.length).toBe(lesson.commands.length);
    const totalsAt = async (index: number) => {
      await page.evaluate((i) => window.__compare.show(i), index);
      return page.evaluate(() => window.__compare.panelTotals());
    };
    // #7 allocated the sixth block; #10 freed the third of the holes
    for (const index of [6, 9, 2, records.length - 1]) {
      const totals = await totalsAt(index);
      const record = records[index]!;
      totals.forEach((t, m) => {
        expect(t?.usedBytes, `machine ${m} at #${record.number}`).toBe(
          record.results[m]!.figures!.usedBytes,
        );
        expect(t?.freeBytes).toBe(record.results[m]!.figures!.freeBytes);
      });
      expect(await page.evaluate(() => window.__compare.shownIndex())).toBe(index);
      expect(await page.locator('.figures-table caption').textContent()).toContain(
        `#${record.number} `,
      );
      expect(await page.locator('.compare-scrubber').inputValue()).toBe(String(index));
    }
    // the pictures differ along the way, or this test would prove nothing
    expect(records[6]!.results[0]!.figures!.usedBytes).not.toBe(
      records[9]!.results[0]!.figures!.usedBytes,
    );

    // Reset: every machine reboots, numbering starts again at the machines' own `use`
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.waitForFunction(() => window.__compare.records().length === 1, null, {
      timeout: 30_000,
    });
    await page.evaluate(() => window.__compare.run(['alloc 10', 'free $2']));
    const after = await page.evaluate(() => window.__compare.records());
    expect(after.map((r) => `${r.number} ${r.command}`)).toEqual([
      '1 use first-fit',
      '2 alloc 10',
      '3 free $2',
    ]);
    for (const result of after[2]!.results) expect(result.reply).toMatch(/^freed 0x/m);
    expect(await page.locator('.compare-commands li').count()).toBe(3);
  });

  it('a panel’s Free frees the same block on every machine, as free $N', async () => {
    await openCompare(
      `compare=first-fit,buddy,page&script=${encodeURIComponent('use first-fit;alloc 100;alloc 3000;alloc 40')}`,
    );
    // the second block buddy handed out is the one `alloc 3000` (command 3) returned
    const blocks = await page.evaluate(async () => {
      await window.__compare.panelTotals(); // the panels have drawn
      return window.__compare.blockPayloads(1);
    });
    const records = await page.evaluate(() => window.__compare.records());
    const returned = /allocated 3000 bytes at (0x[0-9a-f]+)/.exec(records[2]!.results[1]!.reply)!;
    const index = blocks.indexOf(Number(returned[1]));
    expect(index).toBeGreaterThanOrEqual(0);
    await page.evaluate((i) => window.__compare.selectBlock(1, i), index);
    await page.locator('.compare-machine[data-allocator="buddy"] .detail-actions button').click();
    await page.waitForFunction(() => window.__compare.records().length === 5, null, {
      timeout: 60_000,
    });
    const last = (await page.evaluate(() => window.__compare.records())).at(-1)!;
    expect(last.command).toBe('free $3');
    for (const result of last.results)
      expect(result.reply).toMatch(/^freed 0x[0-9a-f]+ \(\d+ usable bytes\)$/m);

    // the command field: `;` separates commands; up recalls the line
    const field = page.locator('.compare-input');
    await field.fill('alloc 64; free $6');
    await field.press('Enter');
    await page.waitForFunction(() => window.__compare.records().length === 7, null, {
      timeout: 60_000,
    });
    const typed = (await page.evaluate(() => window.__compare.records())).slice(5);
    expect(typed.map((r) => `${r.number} ${r.command}`)).toEqual(['6 alloc 64', '7 free $6']);
    for (const result of typed[1]!.results) expect(result.reply).toMatch(/^freed 0x/m);
    expect(await field.inputValue()).toBe('');
    await field.press('ArrowUp');
    expect(await field.inputValue()).toBe('alloc 64; free $6');

    // a page lesson written with first-fit addresses: they become $N on the first-fit machine
    await page.evaluate(() => window.__compare.runLesson('lesson:fragmentation'));
    const lesson = (await page.evaluate(() => window.__compare.records())).slice(7);
    const frees = lesson.filter((r) => r.command.startsWith('free '));
    expect(frees.length).toBeGreaterThan(0);
    for (const record of frees) {
      expect(record.sent[0], record.command).toMatch(/^free \$\d+$/);
      for (const result of record.results) expect(result.reply).toMatch(/^freed 0x/m);
    }
    for (const record of lesson)
      for (const result of record.results) expect(result.reply).not.toMatch(/^error:/m);
  });

  it('replays a picked trace on every machine; a malformed one changes nothing', async () => {
    const machines = ['first-fit', 'buddy', 'tlsf'];
    await openCompare(`compare=${machines.join(',')}&script=alloc%20100`);
    const picker = page.locator('.compare-bar input.file-input');
    await picker.setInputFiles(join(REPO_ROOT, 'firmware/tests/traces/binary.rep'));
    await page.waitForFunction(() => window.__compare.records().length === 3, null, {
      timeout: 90_000,
    });
    // each machine's row is the conformance golden's row for its allocator (QEMU = native = wasm)
    const golden = readFileSync(
      join(REPO_ROOT, 'firmware/tests/golden/trace-binary.out'),
      'latin1',
    );
    const table = page.locator('.trace-table');
    expect(await table.locator('caption').textContent()).toBe(
      'Trace results of #3 trace (binary.rep)',
    );
    for (const allocator of machines) {
      const row = new RegExp(
        `^${allocator} +3000 +(\\d+) +0 +([\\d.]+)% +([\\d.]+)  OK\\r$`,
        'm',
      ).exec(golden)!;
      const cell = (key: string) =>
        table
          .locator(`tr[data-allocator="${allocator}"] td[data-figure="${key}"]`)
          .getAttribute('data-value');
      expect(await cell('requests'), allocator).toBe('3000');
      expect(await cell('failed'), allocator).toBe(row[1]);
      expect(Number(await cell('util')), allocator).toBe(Number(row[2]));
      expect(Number(await cell('instructionsPerRequest')), allocator).toBe(Number(row[3]));
      expect(Number(await cell('instructions')), allocator).toBeGreaterThan(3000 * Number(row[3]));
    }
    const before = await page.evaluate(() => window.__compare.records());

    // a malformed trace: one message, and every machine keeps binary.rep and its heap
    await picker.setInputFiles(
      join(REPO_ROOT, 'firmware/tests/traces/malformed/free-never-allocated.rep'),
    );
    await expect
      .poll(() => page.locator('.file-notice').textContent(), { timeout: 60_000 })
      .toBe(
        'free-never-allocated.rep was not loaded: line 8: free of id 2, which was never allocated. Every machine is as it was.',
      );
    await page.evaluate(() => window.__compare.settled());
    expect(await page.locator('.compare-message').textContent()).toBe('');
    // not even numbered: every machine went back to its checkpoint after #3
    expect((await page.evaluate(() => window.__compare.records())).length).toBe(3);
    await page.evaluate(() => window.__compare.run(['trace all', 'info']));
    const after = await page.evaluate(() => window.__compare.records());
    const again = after.at(-2)!;
    expect(again.sent).toEqual(['trace', 'trace', 'trace']);
    again.results.forEach((result, m) => {
      // the same trace (binary.rep) and the same row as before the malformed one
      expect(result.reply.split('\n').slice(1), machines[m]).toEqual(
        before[2]!.results[m]!.reply.split('\n').slice(1),
      );
    });
    for (const result of after.at(-1)!.results) expect(result.reply).toMatch(/^used: 0 blocks/m);

    // the trace area goes back with the checkpoints: before binary.rep was picked there was none
    await page.evaluate(() => window.__compare.show(1));
    await page.evaluate(() => window.__compare.run(['trace']));
    const before2 = (await page.evaluate(() => window.__compare.records())).at(-1)!;
    expect(before2.number).toBe(3);
    for (const result of before2.results)
      expect(result.reply).toMatch(/^error: trace: no trace loaded/m);
  });

  it('going back restores every machine: the same command again, or another one, as a fresh run', async () => {
    const machines = ['first-fit', 'buddy', 'tlsf'];
    const lesson = COMPARE_LESSONS.find((l) => l.id === 'realloc')!;
    await openCompare(
      `compare=${machines.join(',')}&script=${encodeURIComponent(lesson.commands.join(';'))}`,
    );
    const original = await page.evaluate(() => window.__compare.records());
    expect(original.length).toBe(lesson.commands.length);
    // the same result on every machine again: reply, figures, instructions (guest time is restored)
    const sameRun = (a: (typeof original)[number], b: (typeof original)[number]) => {
      expect(`${b.number} ${b.command}`).toBe(`${a.number} ${a.command}`);
      b.results.forEach((result, m) => {
        expect(result.reply, `${machines[m]} #${b.number}`).toBe(a.results[m]!.reply);
        expect(result.figures, `${machines[m]} #${b.number}`).toEqual(a.results[m]!.figures);
      });
    };

    // back to #4 (realloc $2 500) with the keys, then its next command once more
    const k = 3;
    await page.locator('.compare-input').focus();
    for (let i = original.length - 1; i > k; i--) await page.keyboard.press('Alt+ArrowLeft');
    expect(await page.evaluate(() => window.__compare.shownIndex())).toBe(k);
    expect(
      await page.locator('.compare-machine[data-allocator="buddy"] .compare-reply').textContent(),
    ).toBe(original[k]!.results[1]!.reply);
    await page.evaluate(() => window.__compare.settled());
    expect(await page.locator('.compare-message').textContent()).toBe(
      `Every machine is back after #${k + 1} ${lesson.commands[k]}.`,
    );
    await page.evaluate((c) => window.__compare.run([c]), lesson.commands[k + 1]!);
    const again = await page.evaluate(() => window.__compare.records());
    // fork: the later commands were dropped
    expect(again.length).toBe(k + 2);
    sameRun(original[k + 1]!, again[k + 1]!);
    expect(await page.locator('.compare-message').textContent()).toContain(
      `It replaced #${k + 2}–#${original.length}, dropped on every machine.`,
    );

    // back to #4 again with the timeline, then something else: as a fresh run of that prefix
    await page.evaluate((i) => window.__compare.show(i), k);
    await page.evaluate(() => window.__compare.run(['alloc 4000', 'free $3', 'info']));
    const forked = (await page.evaluate(() => window.__compare.records())).slice(k + 1);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.waitForFunction(() => window.__compare.records().length === 1, null, {
      timeout: 30_000,
    });
    await page.evaluate(
      (c) => window.__compare.run(c),
      [...lesson.commands.slice(1, k + 1), 'alloc 4000', 'free $3', 'info'],
    );
    const fresh = (await page.evaluate(() => window.__compare.records())).slice(k + 1);
    expect(fresh.length).toBe(3);
    for (const [i, record] of fresh.entries()) sameRun(record, forked[i]!);
    // the prefix's heap is not the original run's at that point, or this would prove little
    expect(forked[2]!.results[0]!.figures!.usedBytes).not.toBe(
      original[k + 3]!.results[0]!.figures!.usedBytes,
    );

    // memory bounded: beyond the budget the oldest checkpoints go; going back there keeps the machines
    await page.evaluate(() => window.__compare.setCheckpointBudget(1));
    await page.evaluate(() => window.__compare.run(['alloc 10', 'alloc 20']));
    const bounded = await page.evaluate(() => window.__compare.records());
    expect(bounded.map((r) => r.checkpoints === null)).toEqual(
      bounded.map((_, i) => i < 2), // one dropped per command, never the latest
    );
    expect(await page.locator('.compare-message').textContent()).toContain(
      'the checkpoints up to #2 were dropped',
    );
    await page.evaluate(() => window.__compare.show(0));
    await page.evaluate(() => window.__compare.settled());
    expect(await page.locator('.compare-message').textContent()).toContain(
      'its checkpoints were dropped to bound memory: the machines stay after #9',
    );
    await page.evaluate(() => window.__compare.run(['free $9']));
    const last = (await page.evaluate(() => window.__compare.records())).at(-1)!;
    expect(last.number).toBe(10);
    for (const result of last.results) expect(result.reply).toMatch(/^freed 0x/m);
  });

  it('a machine whose worker was replaced says so, and the others carry on', async () => {
    await openCompare('compare=first-fit,buddy&script=alloc%20100');
    // the watchdog replaces a worker that does not answer its ping within 4 s (compare mode's)
    await page.evaluate(() => window.__compare.hangMachine(1, 7000));
    await page.waitForFunction(
      () =>
        document
          .querySelector('.compare-machine[data-allocator="buddy"] .heap-state')
          ?.textContent?.includes('restarted'),
      null,
      { timeout: 30_000 },
    );
    // a command now neither waits forever for the fresh kernel nor shows its figures as the session's
    await page.evaluate(() => window.__compare.run(['alloc 200']));
    const last = (await page.evaluate(() => window.__compare.records())).at(-1)!;
    expect(last.results[0]!.reply).toMatch(/^allocated 200 bytes/m);
    expect(last.results[0]!.figures).not.toBeNull();
    expect(last.results[1]!.figures).toBeNull();
    expect(await page.locator('.figures-table tr[data-allocator="buddy"] td').textContent()).toBe(
      'its emulator was restarted: press Reset to compare again',
    );
    expect(await page.locator('.compare-message').textContent()).toContain(
      'buddy: restarted: the emulator stopped responding; press Reset',
    );
  });

  it('refuses a bad compare= with one message and gives the ordinary playground', async () => {
    ({ page } = await session.open(`${preview.url}?test=1&compare=first-fit,nope`));
    await waitForPrompt(page, 60_000);
    const note = page.locator('.compare-refused');
    expect(await note.count()).toBe(1);
    expect(await note.textContent()).toContain('Unknown allocator "nope"');
    expect(await page.locator('.compare-machine').count()).toBe(0);
  });
});
