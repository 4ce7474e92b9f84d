// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Shared by the browser tests, the benchmark and the screenshot script:
 * serves the production build (vite preview) on a free localhost port and
 * drives Debian's Chromium through playwright-core (no browser download).
 * Chromium's background networking is off: this machine refuses outside
 * connections, and a test must not depend on them anyway.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Serves build/web with `vite preview`; resolves once it answers.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startPreview() {
  if (!existsSync(join(REPO_ROOT, 'build/web/index.html'))) {
    throw new Error('no production build: run `npm run build` (or make web-build) first');
  }
  const port = await freePort();
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const child = spawn(
    process.execPath,
    [
      vite,
      'preview',
      '--config',
      'web/vite.config.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited:\n${log}`);
    try {
      const response = await fetch(url);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite preview did not answer on ${url}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Opens a page in a new Chromium with a fresh profile directory (so an empty
 * cache, no state from another test), recording console errors and uncaught
 * exceptions. close() ends the browser and removes the profile.
 * @returns {Promise<{ page: import('playwright-core').Page, context: import('playwright-core').BrowserContext, errors: string[], close: () => Promise<void> }>}
 */
export async function openPage(url, viewport = { width: 1440, height: 900 }) {
  const profile = mkdtempSync(join(tmpdir(), 'allocplay-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport,
    deviceScaleFactor: 1,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  // every URL the page or its worker asks for (the tests check they stay on the page's origin)
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.goto(url);
  return {
    page,
    context,
    errors,
    requests,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits for the kernel's first prompt (test hooks must be on: ?test=1). */
export async function waitForPrompt(page, timeout = 20_000) {
  await page.waitForFunction(() => window.__allocplay?.timings().firstPrompt != null, null, {
    timeout,
    polling: 20,
  });
}
