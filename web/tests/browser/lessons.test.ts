// SPDX-License-Identifier: GPL-2.0-or-later
// Lessons and the embedding API in Chromium: every bundled lesson run on the
// real kernel (no error lines but the ones it demonstrates), the corruption
// lesson holding the damaged heap, ?lesson= refusing bad addresses and bad
// files with one message, one lesson cancelling another, and the embedding
// API from the page itself, from an allowed origin and from a refused one.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AllocplayApi } from '../../src/embed/embed-api';
import { LESSONS } from '../../src/lessons/lesson-catalog';
import { accessibilityViolations } from './support/accessibility';
import { freePort, REPO_ROOT, waitForPrompt } from '../../scripts/harness.mjs';
import { pageSessionForThisFile } from './support/page-session';
import { previewForThisFile } from './support/preview';

declare global {
  interface Window {
    allocplay: AllocplayApi;
  }
}

/** The error lines a lesson shows on purpose; every other lesson prints none. */
const EXPECTED_ERRORS: Record<string, string[]> = {
  errors: [
    'error: alloc: size must be at least 1 byte',
    'error: alloc: 2097152 bytes is larger than the heap (1048576 bytes)',
    'error: alloc: alignment 3 is not a power of two',
    'error: free: 0x40400048 is misaligned: blocks start on 16-byte boundaries',
    'error: free: 0x10 is not in the heap (0x40400000-0x40500000)',
    'error: free: double free detected: 0x40400040 is not allocated',
  ],
  corruption: [
    "error: info: the heap is corrupted (first-fit: unknown flag bits in a block header at 0x404000b0); 'reset' rebuilds it",
  ],
};

let page: Page;

const preview = previewForThisFile();

const session = pageSessionForThisFile();

async function open(query: string): Promise<Page> {
  ({ page } = await session.open(`${preview.url}?test=1${query}`));
  await waitForPrompt(page);
  return page;
}

const decoder = new TextDecoder('latin1');
const uartText = async (where: Page | Frame = page): Promise<string> =>
  decoder.decode(new Uint8Array(await where.evaluate(() => window.__allocplay.uartBytes())));

const lessonPosition = async (): Promise<string> =>
  (await page.locator('.lesson-position').textContent({ timeout: 5000 })) ?? '';

/** Waits until the lesson panel has typed its step and the guest is back at the prompt. */
async function lessonSettled(): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('.lesson-panel:not(.busy):not([hidden])') !== null,
    null,
    { timeout: 60_000, polling: 50 },
  );
  await page.evaluate(() => window.__allocplay.whenIdle());
}

describe('the bundled lessons on the kernel', () => {
  it('every lesson runs to its end with no error lines but the ones it demonstrates', async () => {
    await open('&typing=instant');
    for (const { name, lesson } of LESSONS) {
      await page.evaluate(() => window.__allocplay.clearUart());
      const before = await page.evaluate(() => window.__allocplay.commands().length);
      await page.locator('.toolbar select[aria-label="Open a lesson"]').selectOption(name);
      await lessonSettled();
      // Run all until the last step (it stops at the steps worth looking at)
      for (let presses = 0; presses < lesson.steps.length; presses++) {
        if ((await lessonPosition()) === `step ${lesson.steps.length} of ${lesson.steps.length}`)
          break;
        await page.getByRole('button', { name: 'Run all' }).click();
        await lessonSettled();
      }
      expect(await lessonPosition(), name).toBe(
        `step ${lesson.steps.length} of ${lesson.steps.length}`,
      );
      const typed = (await page.evaluate(() => window.__allocplay.commands())).slice(before);
      expect(typed, name).toEqual(lesson.steps.flatMap((s) => s.commands));
      const text = (await uartText()).replace(/\r/g, '');
      const errorLines = text.split('\n').filter((l) => l.startsWith('error:'));
      expect(errorLines, `${name}:\n${text}`).toEqual(EXPECTED_ERRORS[name] ?? []);
      expect(text, name).not.toMatch(/unknown command|check: FAILED[^\n]*\n(?![\s\S]*check: OK)/);
      for (const program of typed.filter((c) => c.startsWith('run ')).map((c) => c.slice(4)))
        expect(text, name).toMatch(new RegExp(`\\[${program} exited with code (0|-1)\\]`));
      expect(await page.evaluate(() => window.__allocplay.modelCheck()), name).toMatch(
        /^check: OK/,
      );
    }
  });
});

describe('lesson behaviour', () => {
  it('the corruption lesson keeps the damaged heap on screen until the student goes on', async () => {
    await open('&typing=instant&lesson=corruption');
    await lessonSettled();
    await page.getByRole('button', { name: 'Next' }).click(); // corrupt
    await lessonSettled();
    await expect.poll(() => page.locator('.heap-panel').getAttribute('class')).toMatch(/corrupted/);
    await page.getByRole('button', { name: 'Run all' }).click(); // check: a step worth looking at
    await lessonSettled();
    await page.waitForTimeout(1500);
    expect(await page.locator('.heap-panel').getAttribute('class')).toMatch(/corrupted/);
    expect(await page.evaluate(() => window.__allocplay.commands())).not.toContain('reset');
    expect(await lessonPosition()).toBe('step 3 of 5');
    await page.getByRole('button', { name: 'Next' }).click(); // info
    await lessonSettled();
    expect(await page.locator('.heap-panel').getAttribute('class')).toMatch(/corrupted/);
    await page.getByRole('button', { name: 'Next' }).click(); // reset, check
    await lessonSettled();
    await expect
      .poll(() => page.locator('.heap-panel').getAttribute('class'))
      .not.toMatch(/corrupted/);
    expect(await uartText()).toContain('heap reset: first-fit re-initialised');
  });

  it('opening a lesson cancels the one being typed, clearing its half-typed line', async () => {
    await open('&typing=human');
    await page.locator('.toolbar select[aria-label="Open a lesson"]').selectOption('buddy');
    await page.waitForFunction(() => window.__allocplay.terminalText().includes('first-fit> us'));
    await page.locator('.toolbar select[aria-label="Open a lesson"]').selectOption('first-steps');
    await expect.poll(lessonPosition).toBe('step 1 of 7');
    await lessonSettled();
    await page.waitForTimeout(500); // nothing of the buddy lesson follows
    expect(await page.evaluate(() => window.__allocplay.commands())).toEqual(['use first-fit']);
    expect(await uartText()).not.toContain('error:');
    expect(await page.locator('.lesson-title').textContent()).toBe('Your first allocations');
  });

  it('Previous replays the lesson up to the step before', async () => {
    await open('&typing=instant&lesson=first-steps');
    await lessonSettled();
    for (let i = 0; i < 3; i++) {
      await page.getByRole('button', { name: 'Next' }).click();
      await lessonSettled();
    }
    await page.getByRole('button', { name: 'Previous' }).click();
    await lessonSettled();
    expect(await lessonPosition()).toBe('step 3 of 7');
    // use, alloc 100, alloc 200, alloc 1k again: the heap is as step 3 left it
    expect(await page.evaluate(() => window.__allocplay.model()?.totals.usedBlocks)).toBe(3);
    expect(
      await page.evaluate(() => window.__allocplay.commands()).then((c) => c.slice(-4)),
    ).toEqual(['use first-fit', 'alloc 100', 'alloc 200', 'alloc 1k']);
  });

  it('?lesson= with a bad address or a bad file: one message, nothing typed', async () => {
    const cases: Array<[string, RegExp]> = [
      ['https://evil.example/x.json', /is not a relative address/],
      ['//evil.example/x.json', /is not a relative address/],
      // vite preview answers a missing file with its home page (a single-page-app fallback)
      ['lessons/missing.json', /answered with a web page, not a lesson file/],
      ['bad/missing.json', /the server answered HTTP 404/],
      ['bad/not-json.json', /not valid JSON/],
      ['bad/no-steps.json', /"steps" must be a list/],
      ['bad/wrong-type.json', /step 1, command 1 must be a string/],
    ];
    ({ page } = await session.open('about:blank'));
    await page.route(`${preview.url}bad/*`, (route) => {
      const name = new URL(route.request().url()).pathname.replace(/^.*\//, '');
      const body: Record<string, string> = {
        'not-json.json': '{"format": 1, "title": "x", ',
        'no-steps.json': '{"format": 1, "title": "x"}',
        'wrong-type.json': '{"format": 1, "title": "x", "steps": [{"text": "a", "commands": [1]}]}',
      };
      return body[name] === undefined
        ? route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' })
        : route.fulfill({ contentType: 'application/json', body: body[name] });
    });
    for (const [lesson, message] of cases) {
      await page.goto(`${preview.url}?test=1&lesson=${encodeURIComponent(lesson)}`);
      await waitForPrompt(page);
      const error = page.locator('.lesson-error');
      await expect.poll(() => error.isVisible(), { message: lesson }).toBe(true);
      expect(await error.textContent(), lesson).toMatch(message);
      expect(await error.textContent(), lesson).toMatch(/^Could not open the lesson /);
      expect(await page.locator('.lesson-controls').isVisible()).toBe(false);
      await page.evaluate(() => window.__allocplay.whenIdle());
      expect(await page.evaluate(() => window.__allocplay.commands()), lesson).toEqual([]);
      expect(await page.evaluate(() => window.__allocplay.modelCheck())).toMatch(/^check: OK/);
    }
    // the browser reports the 404 itself; nothing else may go wrong
    session.errors.splice(
      0,
      session.errors.length,
      ...session.errors.filter((e) => !e.includes('404')),
    );
  });

  it('a lesson page has no serious or critical accessibility violations (axe-core)', async () => {
    await open('&typing=instant&lesson=corruption');
    await lessonSettled();
    await page.getByRole('button', { name: 'Next' }).click(); // the damaged heap, findings shown
    await lessonSettled();
    await expect.poll(() => page.locator('.heap-panel').getAttribute('class')).toMatch(/corrupted/);
    expect(await accessibilityViolations(page)).toEqual([]);
    // and in an embedded copy, where the lesson sits above a narrower terminal
    await page.goto(`${preview.url}?test=1&embed=1&theme=dark&typing=instant&lesson=fragmentation`);
    await waitForPrompt(page);
    await lessonSettled();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('?lesson= opens a lesson file from the page’s own server', async () => {
    await open('&typing=instant&lesson=lessons/buddy.json');
    await lessonSettled();
    expect(await page.locator('.lesson-title').textContent()).toBe(
      'Buddy allocator: split and merge',
    );
    expect(await page.evaluate(() => window.__allocplay.commands())).toEqual(['use buddy', 'info']);
  });
});

describe('embedding API', () => {
  it('window.allocplay: type, use, reset and events on the same page; bad calls reject and change nothing', async () => {
    await open('&typing=instant');
    const result = await page.evaluate(async () => {
      const events: string[] = [];
      window.allocplay.on('command-done', (e) =>
        events.push(`done ${'command' in e ? e.command : ''}`),
      );
      window.allocplay.on('heap-changed', (e) =>
        events.push(`heap ${'usedBlocks' in e ? e.usedBlocks : ''}`),
      );
      const typed = await window.allocplay.type(['alloc 100', 'alloc 200']);
      const used = await window.allocplay.use('tlsf');
      const refusals: string[] = [];
      for (const bad of [
        () => window.allocplay.use('malloc'),
        () => window.allocplay.type([42 as unknown as string]),
        () => window.allocplay.type('free 1\u0003'),
      ])
        await bad().catch((e: Error) => refusals.push(e.message));
      await new Promise((r) => setTimeout(r, 300));
      return { typed, used, refusals, events };
    });
    expect(result.typed).toEqual([
      { command: 'alloc 100', output: 'allocated 100 bytes at 0x40400040 (usable 112)' },
      { command: 'alloc 200', output: 'allocated 200 bytes at 0x404000c0 (usable 208)' },
    ]);
    expect(result.used).toEqual([
      { command: 'use tlsf', output: 'now using tlsf: heap re-initialised, every block released' },
    ]);
    expect(result.refusals).toEqual([
      'allocplay: "allocator" must be one of first-fit, buddy, page, bump, tlsf',
      'allocplay: command 1 is not a string',
      'allocplay: command 1 has a character that is not printable ASCII',
    ]);
    expect(result.events.filter((e) => e.startsWith('done'))).toEqual([
      'done alloc 100',
      'done alloc 200',
      'done use tlsf',
    ]);
    // the heap after the two allocations, then the fresh TLSF heap
    const heaps = result.events.filter((e) => e.startsWith('heap'));
    expect(heaps.indexOf('heap 2')).toBeGreaterThanOrEqual(0);
    expect(heaps.at(-1)).toBe('heap 0');
    expect(await page.evaluate(() => window.__allocplay.commands())).toEqual([
      'alloc 100',
      'alloc 200',
      'use tlsf',
    ]);
    await page.evaluate(() => window.allocplay.reset());
    expect(await uartText()).toMatch(/first-fit> $/);
  });

  /** The example course page, its iframe pointed at the playground with test hooks. */
  function coursePage(playground: string): string {
    return readFileSync(join(REPO_ROOT, 'public/examples/embed.html'), 'utf8').replace(
      'src="../?embed=1&amp;panels=terminal,heap"',
      `src="${playground.replaceAll('&', '&amp;')}"`,
    );
  }

  /** A course site on another origin (another port: Chromium lets a local page frame a local one). */
  async function courseSite(): Promise<{
    origin: string;
    page: string;
    stop: () => Promise<void>;
  }> {
    const port = await freePort();
    const site = { origin: `http://127.0.0.1:${port}`, page: '' };
    const server = createServer((_request, response) => {
      response.setHeader('Content-Type', 'text/html');
      response.end(site.page);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return Object.assign(site, {
      stop: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections(); // the browser's keep-alive connections too
        }),
    });
  }

  async function openCoursePage(url: string, playground: string): Promise<Frame> {
    ({ page } = await session.open('about:blank'));
    if (url.startsWith(preview.url))
      await page.route(url, (route) =>
        route.fulfill({ contentType: 'text/html', body: coursePage(playground) }),
      );
    await page.goto(url);
    const frame = await (await page.locator('iframe').elementHandle())!.contentFrame();
    await frame!.waitForFunction(() => window.__allocplay?.timings().firstPrompt != null, null, {
      timeout: 20_000,
    });
    return frame!;
  }

  const logText = async (): Promise<string> => (await page.locator('#log').textContent()) ?? '';

  it('the example course page drives its same-origin playground', async () => {
    const frame = await openCoursePage(
      `${preview.url}examples/embed.html`,
      '../?embed=1&panels=terminal,heap&test=1',
    );
    await expect.poll(logText).toContain('ready');
    await page.getByRole('button', { name: 'try it' }).first().click();
    await expect
      .poll(logText)
      .toContain('alloc 100\n  allocated 100 bytes at 0x40400040 (usable 112)');
    await expect.poll(logText).toContain('heap: first-fit, 1 used / 1 free blocks, check OK');
    await page.getByRole('button', { name: 'fragmentation' }).click();
    await expect.poll(() => frame.locator('.lesson-title').textContent()).toBe('Fragmentation');
    await page.getByRole('button', { name: 'reset the machine' }).click();
    await expect.poll(logText).toMatch(/ready[\s\S]*ready/);
  });

  it('obeys the origin named by origin= and refuses another; bad requests get one error each', async () => {
    const allowed = await courseSite();
    const refused = await courseSite();
    try {
      // both sites frame the same playground, which names the first as its parent
      const playground = `${preview.url}?embed=1&test=1&typing=instant&origin=${allowed.origin}`;
      allowed.page = coursePage(playground);
      refused.page = coursePage(playground);
      let frame = await openCoursePage(`${allowed.origin}/heap.html`, playground);
      await expect.poll(logText).toContain('ready');
      await page.getByRole('button', { name: 'try it' }).first().click();
      await expect.poll(logText).toContain('allocated 100 bytes at 0x40400040');
      // bad requests from the allowed origin: an error each, nothing typed
      await page.evaluate(() => {
        const target = document.querySelector('iframe')!.contentWindow!;
        const origin = new URL(document.querySelector('iframe')!.src).origin;
        target.postMessage({ channel: 'allocplay', id: 7, type: 'format-disk' }, origin);
        target.postMessage({ channel: 'allocplay', id: 8, type: 'use', allocator: 7 }, origin);
        target.postMessage(
          { channel: 'allocplay', id: 9, type: 'lesson', url: 'https://x.test/l.json' },
          origin,
        );
      });
      await expect.poll(logText).toContain('error: unknown request type "format-disk"');
      await expect.poll(logText).toContain('error: "allocator" must be one of');
      await expect
        .poll(logText)
        .toContain(
          'error: Could not open the lesson https://x.test/l.json: it is not a relative address',
        );
      expect(await frame.evaluate(() => window.__allocplay.commands())).toEqual(['alloc 100']);
      await session.close();
      expect(session.errors).toEqual([]);

      // the same playground framed by another origin: refused, told so, heap untouched
      frame = await openCoursePage(`${refused.origin}/heap.html`, playground);
      await page.getByRole('button', { name: 'try it' }).first().click();
      await expect
        .poll(logText)
        .toContain(`error: messages from ${refused.origin} are not accepted`);
      await frame.evaluate(() => window.__allocplay.whenIdle());
      expect(await frame.evaluate(() => window.__allocplay.commands())).toEqual([]);
      expect(await frame.evaluate(() => window.__allocplay.modelCheck())).toMatch(
        /^check: OK \(0 used/,
      );
      expect(await logText()).not.toContain('ready'); // no events for a framer it does not trust
    } finally {
      await allowed.stop();
      await refused.stop();
    }
  });
});
