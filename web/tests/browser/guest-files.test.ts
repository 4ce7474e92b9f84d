// SPDX-License-Identifier: GPL-2.0-or-later
// Files for the guest in Chromium: a .rep trace dropped on the page is
// replayed by `trace` with the same figures as on every other host; a kernel
// that is not the firmware (the UART echo guest) boots from ?kernel= and from
// the Kernel… picker with a working terminal and a calm "no heap descriptor"
// panel; a ?kernel= on another origin is refused with one message.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { NO_HEAP_DESCRIPTOR } from '../../src/heap/descriptor-locator';
import { REPO_ROOT, waitForPrompt } from '../../scripts/harness.mjs';
import { pageSessionForThisFile } from './support/page-session';
import { previewForThisFile } from './support/preview';

const ECHO_IMAGE = join(REPO_ROOT, 'build/tests/guests/uart_echo.img');
const BINARY_TRACE = join(REPO_ROOT, 'firmware/tests/traces/binary.rep');
const TRACE_GOLDEN = join(REPO_ROOT, 'firmware/tests/golden/trace-binary.out');

/** the machine is shared: a boot may take seconds */
const PATIENT = { timeout: 20_000 };

let page: Page;

const preview = previewForThisFile(() => {
  // served from the same origin as the page, as a course would host its own image
  mkdirSync(join(REPO_ROOT, 'build/web/test-guests'), { recursive: true });
  copyFileSync(ECHO_IMAGE, join(REPO_ROOT, 'build/web/test-guests/uart_echo.img'));
});

const session = pageSessionForThisFile();

async function open(query = ''): Promise<Page> {
  ({ page } = await session.open(`${preview.url}?test=1${query}`));
  await waitForPrompt(page);
  return page;
}

const uartText = async (): Promise<string> =>
  new TextDecoder('latin1').decode(
    new Uint8Array(await page.evaluate(() => window.__allocplay.uartBytes())),
  );

const heapState = (): Promise<string> =>
  page.evaluate(() => document.querySelector('.heap-state')?.textContent ?? '');

describe('traces', () => {
  it('a dropped .rep trace is replayed with the figures every host gives', async () => {
    await open();
    const trace = Array.from(readFileSync(BINARY_TRACE));
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'binary.rep', { type: '' }));
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true }));
    }, trace);
    // the first-fit row of the conformance golden (QEMU, native, wasm in Node)
    const golden = readFileSync(TRACE_GOLDEN, 'latin1');
    const row = golden.split('\r\n').find((line) => line.startsWith('first-fit   3000'));
    expect(row).toBeDefined();
    await expect.poll(uartText, { timeout: 60_000 }).toContain(`${row}\r\nfirst-fit> `);
    expect(await uartText()).toContain('trace: 3000 requests, 1000 ids, on a fresh heap');
    expect(await page.locator('.file-notice').textContent()).toContain('binary.rep');
  });

  it('a trace too large for the trace area gets one message and changes nothing', async () => {
    await open();
    const before = await uartText();
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(16 * 1024 * 1024 + 1)], 'huge.rep'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true }));
    });
    await expect
      .poll(() => page.locator('.file-notice.bad').textContent(), PATIENT)
      .toContain('huge.rep is 16777217 bytes: the trace area holds at most');
    expect(await uartText()).toBe(before);
  });
});

describe('any kernel image', () => {
  it('boots a non-firmware image from ?kernel= with a working terminal', async () => {
    await open('&kernel=test-guests/uart_echo.img');
    await expect
      .poll(uartText, PATIENT)
      .toBe('echo kernel: no heap here, every key comes back\r\n');
    await page.evaluate(() => window.__allocplay.type('hello\r'));
    await expect.poll(uartText, PATIENT).toContain('every key comes back\r\nhello\r\n');
    await expect.poll(() => page.locator('.xterm-rows').textContent(), PATIENT).toContain('hello');
    await expect.poll(heapState, PATIENT).toBe(NO_HEAP_DESCRIPTOR);
    expect(await page.locator('.terminal-overlay').isHidden()).toBe(true);
  });

  it('boots an image chosen with the Kernel… picker, and Reset boots it again', async () => {
    await open();
    await page.evaluate(() => window.__allocplay.clearUart());
    await page.locator('input.file-input[accept=".img,.bin"]').setInputFiles(ECHO_IMAGE);
    await expect
      .poll(uartText, PATIENT)
      .toBe('echo kernel: no heap here, every key comes back\r\n');
    await expect.poll(heapState, PATIENT).toBe(NO_HEAP_DESCRIPTOR);
    await page.evaluate(() => window.__allocplay.clearUart());
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect
      .poll(uartText, PATIENT)
      .toBe('echo kernel: no heap here, every key comes back\r\n');
  });

  it('refuses a ?kernel= on another origin with one message and boots the playground kernel', async () => {
    await open('&kernel=https://example.com/evil.img');
    await expect.poll(uartText, PATIENT).toMatch(/Allocator Playground kernel[\s\S]*first-fit> $/);
    expect(await page.locator('.file-notice.bad').textContent()).toContain(
      'only relative or same-origin URLs',
    );
  });
});
