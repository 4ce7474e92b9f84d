// SPDX-License-Identifier: GPL-2.0-or-later
// The playground in Chromium: boot, the session scripts byte-for-byte, the
// panel against the kernel's own `info` after every command, click-to-free,
// embed mode, crash and reset, Stop, the watchdog, and a
// corrupted heap drawn as corrupted. No console errors anywhere.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { Descriptor } from '../../src/heap/abi';
import { waitForPrompt } from '../../scripts/harness.mjs';
import {
  infoBlocks,
  referenceTranscript,
  sessionKeys,
  sessionLoads,
  sessionNames,
} from './support/reference';
import { pageSessionForThisFile } from './support/page-session';
import { previewForThisFile } from './support/preview';

let requests: string[] = [];
let page: Page;

const preview = previewForThisFile();

const session = pageSessionForThisFile();

/** The playground with a browser feature removed before any script runs. */
async function openPageWithout(feature: string): Promise<void> {
  ({ page } = await session.open('about:blank'));
  await page.addInitScript((name) => {
    delete (window as unknown as Record<string, unknown>)[name];
  }, feature);
  await page.goto(`${preview.url}?test=1`);
}

/** A fresh browser on the playground (test hooks on), at its first prompt. */
async function open(query = ''): Promise<Page> {
  ({ page, requests } = await session.open(`${preview.url}?test=1${query}`));
  await waitForPrompt(page);
  return page;
}

const decoder = new TextDecoder('latin1');
const uartText = async (): Promise<string> =>
  decoder.decode(new Uint8Array(await page.evaluate(() => window.__allocplay.uartBytes())));

/** Types keys and waits until the guest is idle again. */
const type = (keys: string): Promise<void> =>
  page.evaluate((k) => window.__allocplay.type(k), keys);

/** Waits until the panel has drawn what the worker sent so far (it draws in animation frames). */
const nextFrames = (): Promise<unknown> =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** The panel's model after the frame that draws the latest decode. */
async function panelInfo(): Promise<string | null> {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return window.__allocplay.modelInfo();
  });
}

/** Text of the first element a locator finds ('' if none yet). */
const text = async (locator: Locator): Promise<string> =>
  (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : '';

async function waitForState(state: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction((s) => window.__allocplay.state() === s, state, {
    timeout,
    polling: 20,
  });
}

describe('boot', () => {
  it('reaches the first prompt and shows the first-fit heap', async () => {
    await open();
    expect(await uartText()).toMatch(/Allocator Playground kernel[\s\S]*first-fit> $/);
    expect(await panelInfo()).toMatch(/^heap: first-fit, 0x40400000-0x40500000, 1048576 bytes\n/);
    await expect.poll(() => text(page.locator('.status-line'))).toContain('allocator: first-fit');
    await expect.poll(() => text(page.locator('.xterm-rows'))).toContain('first-fit>');
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.cpu()?.levelText))
      .toBe('EL1 (kernel)');
    expect(await page.evaluate(() => window.__allocplay.cpu())).toMatchObject({
      exceptionLevel: 1,
      program: null,
      written: 0,
      events: [],
      problems: [],
    });
    expect(await text(page.locator('.cpu-panel .el-badge'))).toBe('EL1 (kernel)');
  });
});

describe('page security', () => {
  it('runs under its Content-Security-Policy and asks nothing of other origins', async () => {
    await open();
    const policy = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("'wasm-unsafe-eval'");
    await type('alloc 100\r');
    await type('info\r');
    const origin = new URL(preview.url).origin;
    const foreign = requests.filter(
      (url) => !url.startsWith('data:') && new URL(url).origin !== origin,
    );
    expect(requests.length).toBeGreaterThan(3); // the page, its scripts, the wasm, the kernel image
    expect(foreign).toEqual([]);
  });
});

describe('session scripts', () => {
  for (const name of sessionNames()) {
    it(`${name}: the page receives exactly the reference transcript`, async () => {
      await open();
      const keys = sessionKeys(name);
      const reference = referenceTranscript(name, keys);
      // a trace for `trace`, where the conformance hosts put it (the page's Trace… path)
      for (const load of sessionLoads(name)) {
        expect(load.address).toBe(0x47000000);
        await page.evaluate((b) => window.__allocplay.loadTrace(b), Array.from(load.bytes));
      }
      // the whole script at once, as the conformance runners feed it; it ends with halt
      await page.evaluate(
        (k) => window.__allocplay.type(String.fromCharCode(...k)),
        Array.from(keys),
      );
      await waitForState('powered-off', 90_000);
      const received = new Uint8Array(await page.evaluate(() => window.__allocplay.uartBytes()));
      expect(decoder.decode(received), `compared with ${reference.source}`).toBe(
        decoder.decode(reference.bytes),
      );
    });
  }
});

describe('panel against the kernel', () => {
  it('after every command of the allocators session the panel decodes what `info` prints', async () => {
    await open();
    const commands = new TextDecoder()
      .decode(sessionKeys('allocators'))
      .split('\r')
      .filter((c) => c !== '' && c !== 'halt');
    let compared = 0;
    for (const command of commands) {
      await type(`${command}\r`);
      await page.evaluate(() => window.__allocplay.clearUart());
      await type('info\r');
      const printed = infoBlocks(await uartText());
      expect(printed).toHaveLength(1);
      expect(await panelInfo(), `after "${command}"`).toBe(printed[0]);
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('follows every allocator through stress', async () => {
    await open();
    for (const allocator of ['first-fit', 'tlsf', 'buddy', 'page', 'bump']) {
      await type(`use ${allocator}\rstress 300 5 16-4096\ralloc 300\ralloc 5000\r`);
      await page.evaluate(() => window.__allocplay.clearUart());
      await type('info\r');
      expect(await panelInfo()).toBe(infoBlocks(await uartText())[0]);
    }
  });
});

describe('corruption', () => {
  it("after the kernel's corrupt demonstration the panel reports what `check` prints, for every allocator", async () => {
    await open();
    for (const allocator of ['first-fit', 'buddy', 'page', 'bump', 'tlsf']) {
      await type(`use ${allocator}\ralloc 100\ralloc 200\r`);
      await nextFrames();
      const victim = await page.evaluate(
        () => window.__allocplay.model()!.blocks.find((b) => b.status === 'used')!.payload,
      );
      await type(`corrupt 0x${victim.toString(16)}\r`);
      await page.evaluate(() => window.__allocplay.clearUart());
      await type('check\r');
      const printed = (await uartText()).split('\r\n').find((l) => l.startsWith('check: '));
      expect(printed, allocator).toMatch(/^check: FAILED: /);
      await nextFrames();
      expect(await page.evaluate(() => window.__allocplay.modelCheck()), allocator).toBe(
        `${printed}\n`,
      );
      expect(await page.locator('.heap-panel').getAttribute('class')).toMatch(/corrupted/);
      expect(await text(page.locator('.findings li'))).toBe(
        printed!.replace('check: FAILED: ', ''),
      );
    }
  });
});

describe('interaction', () => {
  it('Free on a selected block types the free command', async () => {
    await open();
    await type('alloc 100\ralloc 200\r');
    await page.locator('.block-table tbody tr[data-index="1"]').click();
    await page.getByRole('button', { name: 'Free', exact: true }).click();
    await page.waitForFunction(() => window.__allocplay.commands().includes('free 0x404000c0'));
    await page.evaluate(() => window.__allocplay.whenIdle());
    expect(await uartText()).toContain('freed 0x404000c0 (208 usable bytes)');
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.model()?.blocks[1]?.status))
      .toBe('free');
  });

  it('clicking a block on the strip selects it and shows its bytes', async () => {
    await open();
    await type('alloc 100\r');
    await nextFrames();
    const strip = page.locator('.strip-view');
    const box = (await strip.boundingBox())!;
    await page.mouse.click(box.x + 12, box.y + 26);
    await expect
      .poll(() => text(page.locator('.block-detail h3')))
      .toContain('Block 0: 100 bytes at 0x40400040');
    await expect.poll(() => text(page.locator('.hex-dump').first())).toContain('40400030');
    await page.mouse.move(box.x + 12, box.y + 26);
    await expect.poll(() => text(page.locator('.tooltip'))).toContain('0x40400040');
  });

  it('the block table selects with the arrow keys and copies as text', async () => {
    await open();
    await type('alloc 100\ralloc 200\r');
    await nextFrames(); // the table shows the three blocks
    await page.locator('.block-table tbody tr[data-index="0"]').click();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => text(page.locator('.block-detail h3')))
      .toContain('Block 1: 200 bytes at 0x404000c0');
    // the detail is shown at once, the table redraws its rows in the next animation frame
    await expect
      .poll(() => text(page.locator('.block-table tr[aria-selected="true"] td')))
      .toBe('1');

    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: preview.url });
    await page.getByRole('button', { name: 'Copy as text' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const lines = copied.trim().split('\n');
    expect(lines[0]).toBe('#\tAddress\tStart\tSpan\tUsable\tRequested\tStatus\tMetadata bytes');
    expect(lines[2]).toMatch(/^1\t0x404000c0\t0x404000b0\t224\t208\t200\tused\t/);
    expect(lines).toHaveLength(4); // header, two used blocks, the free rest
  });

  it('Stop pauses a long command and keeps the page responsive; Continue and Ctrl-C finish it', async () => {
    await open();
    await page.evaluate(() => {
      void window.__allocplay.type('stress 100000000\r'); // not awaited: it runs for minutes
    });
    await waitForState('running');
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForState('stopped', 2000);
    const started = Date.now();
    await page.evaluate(() => 1 + 1);
    expect(Date.now() - started).toBeLessThan(500);
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForState('running');
    await type('\x03');
    await expect.poll(uartText, { timeout: 20_000 }).toMatch(/first-fit> $/);
  });

  it('replaces a worker that stops answering', async () => {
    await open();
    await page.evaluate(() => window.__allocplay.hangWorker(4000));
    await page.waitForFunction(() => window.__allocplay.restarts() === 1, null, { timeout: 5000 });
    await waitForState('idle');
    expect(await uartText()).toMatch(/first-fit> $/);
  });
});

describe('terminal', () => {
  it('sends real keystrokes, pastes as keys, and refits on resize', async () => {
    await open();
    await page.locator('.terminal-host').click();
    await page.keyboard.type('alloc 48');
    await page.keyboard.press('Enter');
    await page.evaluate(() => window.__allocplay.whenIdle());
    expect(await uartText()).toContain('allocated 48 bytes at 0x40400040');

    await page.evaluate(() => window.__allocplay.paste('alloc 10\nalloc 20\n'));
    await page.waitForFunction(() => window.__allocplay.commands().length === 3);
    await page.evaluate(() => window.__allocplay.whenIdle());
    expect(await uartText()).toMatch(/allocated 10 bytes[\s\S]*allocated 20 bytes/);

    const wide = await page.evaluate(() => window.__allocplay.terminalSize());
    await page.setViewportSize({ width: 1100, height: 600 }); // still two columns: a narrower terminal
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.terminalSize().cols))
      .toBeLessThan(wide.cols);
    expect((await page.evaluate(() => window.__allocplay.terminalSize())).rows).toBeLessThan(
      wide.rows,
    );
  });

  it('Share makes a link that replays the commands typed so far', async () => {
    await open();
    await type('use tlsf\ralloc 100\rinfx\x7fo\r');
    await page.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => page.locator('.share-output').inputValue()).toMatch(/^http/);
    const link = new URL(await page.locator('.share-output').inputValue());
    expect(link.searchParams.get('script')).toBe('use tlsf\nalloc 100\ninfo');
    expect(link.searchParams.has('test')).toBe(false);
  });
});

describe('user programs', () => {
  /** The CPU panel's event rows as the page shows them (label and text), after the frame that draws the latest picture. */
  async function eventRows(): Promise<string[]> {
    await nextFrames();
    return page
      .locator('.cpu-panel .event-log li')
      .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').trim()));
  }

  it('run alarm: the log shows both SIGALRM deliveries after their timer IRQs and the exit; EL1 at the prompt', async () => {
    await open();
    await type('run alarm\r');
    expect(await uartText()).toContain(
      'counter = 3: done\r\n[alarm exited with code 0]\r\nfirst-fit> ',
    );
    // the picture drawn once the guest is back at the prompt ends with the exit
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.cpu()?.events.at(-1)))
      .toMatch(/exit pid 1, code 0$/);
    const cpu = (await page.evaluate(() => window.__allocplay.cpu()))!;
    expect(cpu.problems).toEqual([]);
    expect(cpu.levelText).toBe('EL1 (kernel)');
    expect(cpu.program).toBeNull();
    const lines = cpu.events.map((l) => l.replace(/^#\d+ /, ''));
    expect(lines[0]).toMatch(/^start pid 1, entry 0x[0-9a-f]+$/);
    expect(lines.filter((l) => l === 'irq 27: virtual timer')).toHaveLength(2);
    const signals = lines.filter((l) => l.startsWith('signal '));
    expect(signals).toHaveLength(2);
    expect(signals[0]).toMatch(/^signal SIGALRM \(14\) → handler 0x[0-9a-f]+$/);
    expect(lines.filter((l) => l === 'svc alarm(0x1) = 0')).toHaveLength(2);
    expect(lines.filter((l) => l === 'svc sigreturn()')).toHaveLength(2);
    expect(lines.slice(-2)).toEqual(['svc exit(0x0)', 'exit pid 1, code 0']);
    // each signal right after its interrupt
    lines.forEach((l, i) => {
      if (l.startsWith('irq 27')) expect(lines[i + 1]).toMatch(/^signal SIGALRM/);
    });
    // what the page shows is the same, as text
    const rows = await eventRows();
    expect(rows).toHaveLength(cpu.events.length);
    expect(rows.at(-1)).toMatch(/^#\d+\s*exit\s*pid 1, code 0$/);
    expect(rows.filter((r) => /virtual timer/.test(r))).toHaveLength(2);
    expect(await page.locator('.cpu-panel canvas').count()).toBe(0);
    expect(await text(page.locator('.cpu-panel .el-badge'))).toBe('EL1 (kernel)');
    expect(await text(page.locator('.cpu-panel .cpu-program'))).toBe(
      'no program (pid 1 exited, code 0)',
    );
    // "hide writes" leaves the program's story
    await page.locator('.cpu-panel .event-filter input').check();
    const story = await page
      .locator('.cpu-panel .event-log li:visible .event-text')
      .allTextContents();
    expect(story).toEqual(
      lines.filter((l) => !l.startsWith('svc write(')).map((l) => l.replace(/^\S+ /, '')),
    );
    expect(story).toHaveLength(12);
  });

  it('run malloc: every svc with its arguments and result, errors by name; the heap panel follows', async () => {
    await open();
    await type('run malloc\r');
    const printed = await uartText();
    const first = /malloc\(100\)\s*= (0x[0-9a-f]+)/.exec(printed)![1]!;
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.cpu()?.events.length ?? 0))
      .toBeGreaterThan(10);
    const lines = (await page.evaluate(() => window.__allocplay.cpu()!.events)).map((l) =>
      l.replace(/^#\d+ /, ''),
    );
    expect(lines).toContain(`svc malloc(0x64) = ${first}`);
    expect(lines).toContain(`svc free(${first}) = -22 (EINVAL)`);
    expect(lines.at(-1)).toBe('exit pid 1, code 0');
    const errorRows = page.locator('.cpu-panel .event.tone-error');
    expect(await errorRows.count()).toBe(1);
    expect(await text(errorRows)).toContain('-22 (EINVAL)');
    await page.evaluate(() => window.__allocplay.clearUart());
    await type('info\r');
    expect(await panelInfo()).toBe(infoBlocks(await uartText())[0]);
  });

  it('stopped inside a user program, the panel shows EL0 and the program; after it, EL1 again', async () => {
    await open();
    // Stop right behind the keys: the worker runs a turn or two (milliseconds), the
    // program spins at EL0 for a guest second (7.8 M instructions) before its alarm
    await page.evaluate(() => {
      void window.__allocplay.type('run noalarm\r');
      document
        .querySelector<HTMLButtonElement>('.toolbar button[title="Pause the emulator"]')!
        .click();
    });
    await waitForState('stopped', 5000);
    await expect.poll(() => page.evaluate(() => window.__allocplay.cpu()?.exceptionLevel)).toBe(0);
    const cpu = (await page.evaluate(() => window.__allocplay.cpu()))!;
    expect(cpu.levelText).toBe('EL0 (user program)');
    expect(cpu.program).toEqual({ pid: 1, name: 'noalarm' });
    expect(await text(page.locator('.cpu-panel .cpu-program'))).toBe('running noalarm, pid 1');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(uartText, { timeout: 20_000 }).toContain('[noalarm exited with code -1]');
    await page.evaluate(() => window.__allocplay.whenIdle());
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.cpu()?.levelText))
      .toBe('EL1 (kernel)');
    const lines = (await page.evaluate(() => window.__allocplay.cpu()!.events)).map((l) =>
      l.replace(/^#\d+ /, ''),
    );
    expect(lines.slice(-2)).toEqual(['irq 27: virtual timer', 'exit pid 1, code -1']);
  });

  it('a program name from guest memory is shown as text, never as HTML', async () => {
    await open();
    const header = await page.evaluate(() => window.__allocplay.readMemory(0x40080018, 8));
    const descriptor = header!.reduce((value, byte, i) => value + byte * 2 ** (8 * i), 0);
    const name = 0x40480000; // inside the heap's free space
    const markup = '<img src=x onerror=alert(1)>';
    const le = (value: number, bytes: number): number[] =>
      Array.from({ length: bytes }, (_, i) => Math.floor(value / 2 ** (8 * i)) % 256);
    const write = (at: number, bytes: number[]): Promise<void> =>
      page.evaluate((w) => window.__allocplay.writeMemory(w.at, w.bytes), { at, bytes });
    await write(name, [...new TextEncoder().encode(markup), 0]);
    await write(descriptor + Descriptor.userProgram, le(name, 8));
    await write(descriptor + Descriptor.userPid, le(9, 4));
    await expect
      .poll(() => text(page.locator('.cpu-panel .cpu-program')))
      .toBe(`running ${markup}, pid 9`);
    expect(await page.locator('img').count()).toBe(0);
  });
});

describe('embed mode', () => {
  it('runs the URL script after boot with only the panels asked for', async () => {
    const script = encodeURIComponent('alloc 100;alloc 64 64\ninfo');
    await open(`&embed=1&alloc=tlsf&panels=terminal,heap&theme=dark&script=${script}`);
    await page.waitForFunction(() => window.__allocplay.commands().length === 4, null, {
      timeout: 20_000,
    });
    await page.evaluate(() => window.__allocplay.whenIdle());
    expect(await page.evaluate(() => window.__allocplay.commands())).toEqual([
      'use tlsf',
      'alloc 100',
      'alloc 64 64',
      'info',
    ]);
    expect(await page.locator('.toolbar').count()).toBe(0);
    expect(await page.locator('.block-table').count()).toBe(0);
    expect(await page.locator('.cpu-panel').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const printed = infoBlocks(await uartText());
    expect(await panelInfo()).toBe(printed.at(-1));
  });

  it('panels=cpu alone: the CPU panel follows the URL script without a terminal', async () => {
    await open(`&embed=1&panels=cpu&script=${encodeURIComponent('run hello')}`);
    await page.waitForFunction(() => window.__allocplay.commands().length === 1, null, {
      timeout: 20_000,
    });
    await page.evaluate(() => window.__allocplay.whenIdle());
    expect(await page.locator('.terminal-pane').count()).toBe(0);
    expect(await page.locator('.heap-panel').count()).toBe(0);
    await expect
      .poll(() => page.evaluate(() => window.__allocplay.cpu()?.events.at(-1)))
      .toMatch(/exit pid 1, code 0$/);
    expect(await page.evaluate(() => window.__allocplay.cpu()!.events)).toContainEqual(
      expect.stringMatching(/svc getpid\(\) = 1$/),
    );
    expect(await page.locator('.workspace').getAttribute('class')).toContain('single-column');
  });

  it('renders URL text as text, never as HTML', async () => {
    await open(`&script=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    await page.evaluate(() => window.__allocplay.whenIdle());
    expect(await page.locator('img').count()).toBe(0);
  });
});

describe('failures', () => {
  it('says so clearly when WebAssembly is not available', async () => {
    const opened = await openPageWithout('WebAssembly');
    await expect.poll(() => text(page.locator('.terminal-overlay'))).toContain('needs WebAssembly');
    expect(await page.locator('.status-line').textContent()).toContain('failed');
    await opened;
  });

  it('reports a guest crash with PC and fault address, and Reset boots the kernel again', async () => {
    await open();
    // b .-0x4000000: from 0x40080000 to unmapped 0x3c080000
    await page.evaluate(() => window.__allocplay.loadImage([0x00, 0x00, 0x00, 0x17]));
    await waitForState('crashed');
    const overlay = page.locator('.terminal-overlay.crashed');
    await expect.poll(() => text(overlay)).toContain('The guest crashed');
    await expect.poll(() => text(overlay)).toContain('PC 0x');
    await expect.poll(() => text(overlay)).toContain('fault address 0x3c080000');
    await page.evaluate(() => window.__allocplay.clearUart());
    await overlay.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(uartText, { timeout: 20_000 }).toMatch(/first-fit> $/);
    await expect.poll(() => overlay.isHidden()).toBe(true);
  });

  it('draws a corrupted heap as corrupted', async () => {
    await open();
    await type('alloc 100\ralloc 200\r');
    // scribble the size of block 1's header (0x404000b0): 8 bytes of 0xff
    await page.evaluate(() =>
      window.__allocplay.writeMemory(0x404000b0, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    );
    await expect.poll(() => page.locator('.heap-panel').getAttribute('class')).toMatch(/corrupted/);
    await expect
      .poll(() => text(page.locator('.findings')))
      .toContain('block runs past the heap end');
  });
});
