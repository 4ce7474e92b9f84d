// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Screenshots of the playground for docs/screenshots/ (and for looking at
 * the design while working on it): the production build in headless
 * Chromium, driven through the test hooks.
 *   usage: node web/scripts/take-screenshots.mjs [OUTPUT_DIR] [--theme light|dark] [--all] [--only NAME,...]
 * Writes playground.png, tlsf.png (the other theme), buddy.png,
 * corrupted.png, usermode.png, compare.png, timeline.png (gone back to a
 * command after a fork), checkpoint-compare-SIZE.png (two checkpoints
 * compared, at the four sizes below), lesson.png (the fragmentation
 * lesson at its fourth step) and the window sizes a classroom meets
 * (size-1400x900.png, size-1024x640.png, size-800x560-embed.png: the
 * README's embed, size-400x700.png); --all adds page.png, embed.png and the
 * lesson at the other three sizes (lesson-1024x640.png,
 * lesson-800x560-embed.png, lesson-400x700.png) and compare mode at the
 * four sizes after going back (compare-rewind-<size>.png) and after a trace
 * (compare-trace-<size>.png);
 * --only usermode (for example) writes just the ones named (`sizes` for the
 * four, `compare-sizes` for compare mode's eight).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, openPage, startPreview, waitForPrompt } from './harness.mjs';

const args = process.argv.slice(2);
const OPTIONS_WITH_VALUES = ['--theme', '--only'];
const optionValue = (option) =>
  args.includes(option) ? args[args.indexOf(option) + 1] : undefined;
const out =
  args.find((a, i) => !a.startsWith('--') && !OPTIONS_WITH_VALUES.includes(args[i - 1])) ??
  join(REPO_ROOT, 'docs/screenshots');
const theme = optionValue('--theme') ?? 'light';
const all = args.includes('--all');
const only = optionValue('--only') === undefined ? null : new Set(optionValue('--only').split(','));
/** Whether to take the shot `name` (the --all ones only with --all), or only those named by --only. */
const wanted = (name, extra = false) => (only !== null ? only.has(name) : !extra || all);
mkdirSync(out, { recursive: true });

const settle = (page) =>
  page.evaluate(async () => {
    await window.__allocplay.whenIdle();
    await window.__allocplay.whenCheckpointed(); // the timeline bar shows the last command
    await new Promise((r) => setTimeout(r, 150));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });

/** Types commands one by one (instantly), waiting for each. */
async function run(page, commands) {
  for (const c of commands) await page.evaluate((k) => window.__allocplay.type(k), `${c}\r`);
  await settle(page);
}

const preview = await startPreview();
try {
  if (wanted('playground')) {
    const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}`);
    await waitForPrompt(page);
    await run(page, [
      'alloc 200',
      'alloc 200',
      'alloc 64 256',
      'alloc 200',
      'alloc 1000',
      'alloc 200',
      'free 0x40400040',
      'free 0x40400200',
      'alloc 40',
      'info',
    ]);
    await page.locator('.block-table tbody tr[data-index="4"]').click();
    await settle(page);
    await page.screenshot({ path: join(out, 'playground.png') });
    console.log(`wrote ${join(out, 'playground.png')}`);
    await close();
  }
  if (wanted('tlsf')) {
    const { page, close } = await openPage(
      `${preview.url}?test=1&theme=${theme === 'light' ? 'dark' : 'light'}`,
    );
    await waitForPrompt(page);
    const sizes = [24, 300, 40, 900, 70, 2500, 130, 5000, 60, 12000, 200, 700];
    await run(page, ['use tlsf', ...sizes.map((n) => `alloc ${n}`)]);
    const blocks = await page.evaluate(() =>
      window.__allocplay.model().blocks.map((b) => b.payload),
    );
    await run(
      page,
      blocks
        .filter((_, i) => i % 2 === 1 && i < sizes.length)
        .map((p) => `free 0x${p.toString(16)}`),
    );
    await run(page, ['info']);
    await page.screenshot({ path: join(out, 'tlsf.png') });
    console.log(`wrote ${join(out, 'tlsf.png')}`);
    await close();
  }
  if (wanted('buddy')) {
    const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}`);
    await waitForPrompt(page);
    await run(page, [
      'use buddy',
      'alloc 100',
      'alloc 3000',
      'alloc 33',
      'alloc 70000',
      'alloc 500',
      'free 0x404ff000',
      'info',
    ]);
    await page.screenshot({ path: join(out, 'buddy.png') });
    console.log(`wrote ${join(out, 'buddy.png')}`);
    await close();
  }
  if (wanted('page', true)) {
    const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}`);
    await waitForPrompt(page);
    await run(page, [
      'use page',
      'alloc 5000',
      'alloc 1',
      'alloc 12k',
      'alloc 40000',
      'alloc 4096',
      'free 0x40403000',
      'alloc 100000',
    ]);
    await page.screenshot({ path: join(out, 'page.png') });
    console.log(`wrote ${join(out, 'page.png')}`);
    await close();
  }
  if (wanted('corrupted')) {
    const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}`);
    await waitForPrompt(page);
    await run(page, [
      'alloc 100',
      'alloc 200',
      'alloc 300',
      'free 0x40400040',
      'corrupt 0x404000c0',
      'check',
    ]);
    await page.screenshot({ path: join(out, 'corrupted.png') });
    console.log(`wrote ${join(out, 'corrupted.png')}`);
    await close();
  }
  if (wanted('usermode')) {
    // the alarm program's story in the CPU panel: its system calls, the timer IRQs and the SIGALRMs they deliver
    const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}`);
    await waitForPrompt(page);
    await run(page, ['run alarm']);
    await page.locator('.cpu-panel .event-filter input').check(); // hide writes: the rest fits the log
    await settle(page);
    await page.screenshot({ path: join(out, 'usermode.png') });
    console.log(`wrote ${join(out, 'usermode.png')}`);
    await close();
  }
  if (wanted('sizes')) {
    // the same short session at each size; 800x560 is the README's embed snippet
    const readmeEmbed = `&embed=1&alloc=buddy&script=${encodeURIComponent('alloc 100;alloc 100;info')}`;
    for (const [width, height, query, name] of [
      [1400, 900, '', 'size-1400x900.png'],
      [1024, 640, '', 'size-1024x640.png'],
      [800, 560, readmeEmbed, 'size-800x560-embed.png'],
      [400, 700, '', 'size-400x700.png'],
    ]) {
      const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}${query}`, {
        width,
        height,
      });
      await waitForPrompt(page);
      if (query === '') await run(page, ['alloc 100', 'alloc 200', 'alloc 300', 'free 0x404000c0']);
      else
        await page.waitForFunction(() => window.__allocplay.commands().length === 3, null, {
          timeout: 20_000,
        });
      await settle(page);
      await page.screenshot({ path: join(out, name) });
      console.log(`wrote ${join(out, name)}`);
      await close();
    }
  }
  if (wanted('timeline')) {
    // the timeline with many marks and a fork: gone back to command 6, typed something else
    const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}`);
    await waitForPrompt(page);
    const commands = ['alloc 100', 'alloc 200', 'alloc 300', 'free $2', 'alloc 64', 'alloc 5000'];
    await run(page, [...commands, 'free $1', 'alloc 48', 'free $5', 'alloc 2000', 'info', 'check']);
    await page.evaluate(() => window.__allocplay.whenCheckpointed());
    const sixth = await page.evaluate(() => window.__allocplay.timeline().marks[6].id);
    await page.evaluate((id) => window.__allocplay.timelineGoTo(id), sixth);
    await run(page, ['free $6', 'alloc 1000']);
    await page.evaluate(() => window.__allocplay.whenCheckpointed());
    await page.evaluate((id) => window.__allocplay.timelineGoTo(id), sixth);
    await settle(page);
    await page.screenshot({ path: join(out, 'timeline.png') });
    console.log(`wrote ${join(out, 'timeline.png')}`);
    await close();
  }
  if (wanted('checkpoint-compare')) {
    // compare two checkpoints (A = `alloc 300`, B = the current `free $2`) at the four sizes
    for (const [width, height, query, size] of [
      [1400, 900, '', '1400x900'],
      [1024, 640, '', '1024x640'],
      [800, 560, '&embed=1', '800x560-embed'],
      [400, 700, '', '400x700'],
    ]) {
      const { page, close } = await openPage(`${preview.url}?test=1&theme=${theme}${query}`, {
        width,
        height,
      });
      await waitForPrompt(page);
      // one checkpoint per command (typed instantly, two could share one)
      for (const c of ['alloc 100', 'alloc 200', 'alloc 300', 'realloc $1 2000', 'free $2']) {
        await run(page, [c]);
        await page.evaluate(() => window.__allocplay.whenCheckpointed());
      }
      const third = await page.evaluate(() => window.__allocplay.timeline().marks[3].id);
      await page.evaluate((id) => window.__allocplay.compareWith(id), third);
      await settle(page);
      const name = `checkpoint-compare-${size}.png`;
      await page.screenshot({ path: join(out, name) });
      console.log(`wrote ${join(out, name)}`);
      await close();
    }
  }
  if (wanted('embed', true)) {
    const script = encodeURIComponent('alloc 100;alloc 64 64;alloc 3000;free 0x40400040;info');
    const { page, close } = await openPage(
      `${preview.url}?test=1&embed=1&alloc=bump&panels=terminal,heap&theme=${theme}&script=${script}`,
      { width: 1100, height: 640 },
    );
    await waitForPrompt(page);
    await page.waitForFunction(() => window.__allocplay.commands().length === 6, null, {
      timeout: 20_000,
    });
    await settle(page);
    await page.screenshot({ path: join(out, 'embed.png') });
    console.log(`wrote ${join(out, 'embed.png')}`);
    await close();
  }
  if (wanted('compare')) {
    // compare mode: the five allocators after the "holes" lesson (compare-lessons.ts)
    const holes = [
      'use first-fit',
      ...Array(6).fill('alloc 200'),
      'free $2',
      'free $4',
      'free $6',
      'alloc 400',
      'alloc 150',
      'check',
    ];
    const { page, close } = await openPage(
      `${preview.url}?test=1&theme=${theme}&compare=first-fit,buddy,page,bump,tlsf&script=${encodeURIComponent(holes.join(';'))}`,
      { width: 1400, height: 900 },
    );
    await page.waitForFunction(() => window.__compare !== undefined, null, { timeout: 60_000 });
    await page.evaluate(() => window.__compare.settled());
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    await page.screenshot({ path: join(out, 'compare.png') });
    console.log(`wrote ${join(out, 'compare.png')}`);
    await close();
  }
  if (wanted('compare-sizes', true)) {
    // compare mode at the four sizes: gone back to #7 of the holes lesson, and after binary.rep
    const holes = encodeURIComponent(
      'use first-fit;alloc 200;alloc 200;alloc 200;alloc 200;alloc 200;alloc 200;free $2;free $4;free $6;alloc 400',
    );
    const trace = Array.from(readFileSync(join(REPO_ROOT, 'firmware/tests/traces/binary.rep')));
    for (const [width, height, embed, size] of [
      [1400, 900, '', '1400x900'],
      [1024, 640, '', '1024x640'],
      [800, 560, '&embed=1', '800x560-embed'],
      [400, 700, '', '400x700'],
    ]) {
      for (const kind of ['rewind', 'trace']) {
        const query =
          kind === 'rewind'
            ? `compare=first-fit,buddy,tlsf&script=${holes}`
            : 'compare=first-fit,buddy,page,bump,tlsf';
        const { page, close } = await openPage(
          `${preview.url}?test=1&theme=${theme}${embed}&${query}`,
          { width, height },
        );
        await page.waitForFunction(() => window.__compare !== undefined, null, {
          timeout: 60_000,
        });
        await page.evaluate(() => window.__compare.settled());
        if (kind === 'rewind') await page.evaluate(() => window.__compare.show(6));
        else await page.evaluate((b) => window.__compare.loadTrace(b, 'binary.rep'), trace);
        await page.evaluate(() => window.__compare.settled());
        await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
        const name = `compare-${kind}-${size}.png`;
        await page.screenshot({ path: join(out, name) });
        console.log(`wrote ${join(out, name)}`);
        await close();
      }
    }
  }
  // a lesson open at its fourth step, at the four sizes the page is designed for
  const lessonSizes = [
    { name: 'lesson', width: 1400, height: 900, query: '', extra: false },
    { name: 'lesson-1024x640', width: 1024, height: 640, query: '', extra: true },
    { name: 'lesson-800x560-embed', width: 800, height: 560, query: '&embed=1', extra: true },
    { name: 'lesson-400x700', width: 400, height: 700, query: '', extra: true },
  ];
  for (const size of lessonSizes) {
    if (!wanted(size.name, size.extra)) continue;
    const { page, close } = await openPage(
      `${preview.url}?test=1&theme=${theme}&typing=instant&lesson=fragmentation${size.query}`,
      { width: size.width, height: size.height },
    );
    await waitForPrompt(page);
    const settled = () =>
      page.waitForFunction(() => document.querySelector('.lesson-panel:not(.busy):not([hidden])'));
    await settled();
    for (let step = 0; step < 3; step++) {
      await page.getByRole('button', { name: 'Next' }).click();
      await settled();
    }
    await settle(page);
    await page.screenshot({ path: join(out, `${size.name}.png`) });
    console.log(`wrote ${join(out, `${size.name}.png`)}`);
    await close();
  }
} finally {
  await preview.stop();
}
