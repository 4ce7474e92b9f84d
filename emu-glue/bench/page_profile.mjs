// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Where the page's time goes while it runs one command: V8's sampling
 * profiler (Chrome DevTools Protocol, Profiler.start/stop) on the emulator's
 * Web Worker and on the page's main thread, in headless Chromium against the
 * production build (vite preview). The command is typed in the terminal;
 * profiling runs from its Enter until the summary line is in the terminal.
 * Writes worker.cpuprofile and main.cpuprofile into DIR (DevTools opens them;
 * emu-glue/bench/cpuprofile_top.mjs lists the top functions by self time).
 *   usage: node emu-glue/bench/page_profile.mjs DIR --command 'stress 1000000 1'
 *          --summary 'stress: 1000000 ops' [--query 'name=value&...'] [--interval-us 500]
 * The worker is reached through the page's CDP session: Target.setAutoAttach
 * (not flattened, so Target.sendMessageToTarget carries the worker's
 * messages, since playwright-core opens CDP sessions only on pages and frames).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, startPreview, waitForPrompt } from '../../web/scripts/harness.mjs';

const [dir, ...rest] = process.argv.slice(2);
function option(name, fallback) {
  const index = rest.indexOf(name);
  return index >= 0 && index + 1 < rest.length ? rest[index + 1] : fallback;
}
const command = option('--command');
const summary = option('--summary');
const query = option('--query', '');
const intervalUs = Number(option('--interval-us', '500'));
if (!dir || !command || !summary || !Number.isInteger(intervalUs) || intervalUs < 50) {
  console.error(
    'usage: page_profile.mjs DIR --command CMD --summary TEXT [--query PARAMS] [--interval-us N]',
  );
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

/** A CDP target reached through Target.sendMessageToTarget on the page's session. */
class ChildTarget {
  constructor(cdp, sessionId) {
    this.cdp = cdp;
    this.sessionId = sessionId;
    this.nextId = 1;
    this.waiting = new Map();
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message);
      const pending = this.waiting.get(message.id);
      if (!pending) return;
      this.waiting.delete(message.id);
      if (message.error) pending.reject(new Error(JSON.stringify(message.error)));
      else pending.resolve(message.result);
    });
  }

  send(method, params = {}) {
    const id = this.nextId++;
    const reply = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    const message = JSON.stringify({ id, method, params });
    return this.cdp
      .send('Target.sendMessageToTarget', { sessionId: this.sessionId, message })
      .then(() => reply);
  }
}

const preview = await startPreview();
const profileDir = mkdtempSync(join(tmpdir(), 'allocplay-chromium-'));
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: CHROMIUM,
  args: CHROMIUM_ARGS,
  headless: true,
  viewport: { width: 1440, height: 900 },
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  let worker = null;
  cdp.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type === 'worker') worker = new ChildTarget(cdp, event.sessionId);
  });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  await page.goto(`${preview.url}?test=1${query ? `&${query}` : ''}`);
  await waitForPrompt(page, 60_000);
  if (worker === null) throw new Error('page_profile: the page started no worker');

  await page.locator('.terminal-host').click();
  await page.keyboard.type(command);
  await page.evaluate(() => window.__allocplay.whenIdle());
  for (const target of [worker, cdp]) {
    await target.send('Profiler.enable');
    await target.send('Profiler.setSamplingInterval', { interval: intervalUs });
  }
  await worker.send('Profiler.start');
  await cdp.send('Profiler.start');
  const started = Date.now();
  await page.keyboard.press('Enter');
  await page.waitForFunction((text) => window.__allocplay.terminalText().includes(text), summary, {
    timeout: 0,
    polling: 20,
  });
  const seconds = (Date.now() - started) / 1000;
  const { profile: workerProfile } = await worker.send('Profiler.stop');
  const { profile: mainProfile } = await cdp.send('Profiler.stop');
  writeFileSync(join(dir, 'worker.cpuprofile'), JSON.stringify(workerProfile));
  writeFileSync(join(dir, 'main.cpuprofile'), JSON.stringify(mainProfile));
  console.log(`page_profile: '${command}' took ${seconds.toFixed(2)} s; profiles in ${dir}`);
} finally {
  await context.close();
  rmSync(profileDir, { recursive: true, force: true });
  await preview.stop();
}
