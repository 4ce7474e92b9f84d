// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The playground's benchmarks, in headless Chromium against the production
 * build served on localhost (vite preview):
 *   - cold load to the first prompt (fresh browser context: empty cache)
 *   - keystroke-to-echo latency (key sent -> echo parsed by xterm), p50/p95
 *   - panel update after a command with ~100 / 1,000 / 10,000 blocks
 *     (bump allocator; worker decode, page redraw, and command -> drawn)
 *   - transfer size of everything the page loads, raw and gzipped
 * Writes docs/perf/web.md (unless --no-write) and prints the same numbers.
 *   usage: node web/bench/run-bench.mjs [--runs N] [--no-write]
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { CHROMIUM, REPO_ROOT, openPage, startPreview, waitForPrompt } from '../scripts/harness.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const write = !args.includes('--no-write');

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const median = (values) => quantile(values, 0.5);
const ms = (v) => `${v.toFixed(1)} ms`;

async function coldLoad(url) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const { page, close } = await openPage(`${url}?test=1`);
    await waitForPrompt(page, 60_000);
    const t = await page.evaluate(() => ({
      prompt: window.__allocplay.timings().firstPrompt,
      ready: window.__allocplay.timings().workerReady,
    }));
    samples.push(t);
    await close();
  }
  return samples;
}

async function echoLatency(url) {
  const { page, close } = await openPage(`${url}?test=1`);
  await waitForPrompt(page, 60_000);
  const samples = await page.evaluate(async () => {
    const hooks = window.__allocplay;
    const out = [];
    for (let i = 0; i < 200; i++) {
      out.push(await hooks.echoLatency(i % 2 === 0 ? 'a' : '\x7f'));
      await new Promise((r) => setTimeout(r, 5));
    }
    return out;
  });
  await close();
  return samples;
}

async function panelUpdates(url) {
  const results = [];
  const { page, close } = await openPage(`${url}?test=1`);
  await waitForPrompt(page, 60_000);
  await page.evaluate(() => window.__allocplay.type('use bump\r'));
  let allocated = 0;
  for (const target of [100, 1000, 10000]) {
    // N - 1 live blocks plus the untouched tail = N blocks
    const more = target - 1 - allocated - 1; // the measured command adds the last one
    const started = Date.now();
    await page.evaluate((n) => window.__allocplay.type('alloc 16\r'.repeat(n)), more);
    const fillSeconds = (Date.now() - started) / 1000;
    allocated += more;
    const endToEnd = await page.evaluate(() => window.__allocplay.commandToPanel('alloc 16\r'));
    await page.evaluate(() => window.__allocplay.whenIdle());
    allocated += 1;
    const blocks = await page.evaluate(() => window.__allocplay.model()?.blocks.length ?? 0);
    const decode = await page.evaluate(() => window.__allocplay.lastDecodeMs());
    const redraws = await page.evaluate(() =>
      Array.from({ length: 20 }, () => window.__allocplay.rerender()),
    );
    results.push({
      target,
      blocks,
      decode,
      redraw: median(redraws),
      redrawMax: Math.max(...redraws),
      endToEnd,
      fillSeconds,
    });
  }
  await close();
  return results;
}

/**
 * The CPU panel with a full event log (the ring wrapped): the worker's decode
 * of the picture it posts after each of 10 more `run hello` commands, and a
 * from-scratch redraw of every row on the page.
 */
async function cpuPanel(url) {
  const { page, close } = await openPage(`${url}?test=1`);
  await waitForPrompt(page, 60_000);
  for (const program of ['malloc', 'alarm', 'malloc'])
    await page.evaluate((c) => window.__allocplay.type(c), `run ${program}\r`);
  const decodes = [];
  for (let i = 0; i < 10; i++) {
    await page.evaluate(() => window.__allocplay.type('run hello\r'));
    decodes.push(await page.evaluate(() => window.__allocplay.lastCpuDecodeMs()));
  }
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  );
  const result = await page.evaluate(() => ({
    events: window.__allocplay.cpu()?.events.length ?? 0,
    written: window.__allocplay.cpu()?.written ?? 0,
    redraws: Array.from({ length: 20 }, () => window.__allocplay.redrawCpu()),
  }));
  await close();
  return { ...result, decodes };
}

function transferSizes() {
  const root = join(REPO_ROOT, 'build/web');
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.endsWith('.map')) files.push(path);
    }
  };
  walk(root);
  return files.map((path) => {
    const bytes = readFileSync(path);
    return {
      file: relative(root, path),
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
    };
  });
}

async function measuredTransfer(url) {
  const { page, close } = await openPage(`${url}?test=1`);
  await waitForPrompt(page, 60_000);
  const entries = await page.evaluate(() => {
    // the worker's fetches are in the worker's timeline; the page sees its own
    return performance
      .getEntriesByType('resource')
      .map((e) => ({ name: e.name, transfer: e.transferSize, body: e.encodedBodySize }));
  });
  await close();
  return entries;
}

const preview = await startPreview();
try {
  const chromium = execFileSync(CHROMIUM, ['--version']).toString().trim();
  console.log(`${chromium}, ${cpus().length} cores, ${runs} cold loads`);
  const loads = await coldLoad(preview.url);
  const echo = await echoLatency(preview.url);
  const panel = await panelUpdates(preview.url);
  const cpu = await cpuPanel(preview.url);
  const sizes = transferSizes();
  const pageEntries = await measuredTransfer(preview.url);
  const loaded = sizes.filter((s) => !s.file.endsWith('.svg'));
  const total = loaded.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), {
    raw: 0,
    gzip: 0,
  });

  const prompt = loads.map((l) => l.prompt);
  const lines = [];
  const date = new Date().toISOString().slice(0, 10);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  lines.push('# Web playground performance', '');
  lines.push(
    `Measured ${date} on commit ${commit} (plus the working tree), ${chromium} headless (Debian, \`--disable-gpu\`), ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end (other work on the machine shares the cores).`,
  );
  lines.push(
    'Command: `npm run build && node web/bench/run-bench.mjs` (production build served by `vite preview` on 127.0.0.1).',
    '',
  );
  lines.push('| what | result | target |', '|---|---|---|');
  lines.push(
    `| cold load to first prompt (median of ${runs}, fresh context) | ${ms(median(prompt))} (min ${ms(Math.min(...prompt))}, max ${ms(Math.max(...prompt))}) | ≤ 800 ms |`,
  );
  lines.push(
    `| … of which worker ready (wasm + image fetched, machine created) | ${ms(median(loads.map((l) => l.ready)))} | |`,
  );
  lines.push(
    `| keystroke to echo parsed by xterm, p50 / p95 (200 keys) | ${ms(quantile(echo, 0.5))} / ${ms(quantile(echo, 0.95))} | p95 ≤ 16 ms |`,
  );
  for (const p of panel) {
    lines.push(
      `| panel update, ${p.blocks} blocks: worker decode / page redraw (median, max of 20) / command → drawn | ${ms(p.decode)} / ${ms(p.redraw)} (max ${ms(p.redrawMax)}) / ${ms(p.endToEnd)} | ≤ 16 ms at 10,000 |`,
    );
  }
  lines.push(
    `| CPU panel, ${cpu.events} events shown (${cpu.written} logged): worker decode (median, max of 10) / redraw of every row (median, max of 20) | ${ms(median(cpu.decodes))} (max ${ms(Math.max(...cpu.decodes))}) / ${ms(median(cpu.redraws))} (max ${ms(Math.max(...cpu.redraws))}) | ≤ 16 ms |`,
  );
  lines.push(
    `| transfer size, everything the page loads (gzip -9 of build/web) | ${(total.gzip / 1024).toFixed(0)} KiB gzipped (${(total.raw / 1024).toFixed(0)} KiB raw) | ≤ 1 MB gzipped |`,
    '',
  );
  lines.push('Files (gzip -9 / raw bytes):', '');
  for (const s of loaded) lines.push(`- \`${s.file}\`: ${s.gzip} / ${s.raw}`);
  lines.push('', 'Notes:', '');
  lines.push(
    '- Cold load is measured from navigation start to the first `idle` status (the kernel waiting at its first prompt), in a new browser context each time (empty HTTP cache). `vite preview` does not compress, so the bytes on the wire were the raw sizes; the gzip column is what a compressing server sends.',
  );
  lines.push(
    '- Echo latency is from `send` in the page to xterm.js having parsed the echoed byte (`onWriteParsed`); the screen shows it at the next animation frame.',
  );
  lines.push(
    `- Panel: the heap is built with the bump allocator by \`alloc 16\` commands (filling took ${panel.map((p) => `${p.fillSeconds.toFixed(1)} s`).join(', ')}). "Command → drawn" is from typing \`alloc 16\\r\` to the animation frame after the panel applied the new picture, which includes the guest running the command and the worker decoding. "Page redraw" is the synchronous re-layout and repaint of the strip, the table and the extras for the same model.`,
  );
  lines.push(
    '- CPU panel: after `run malloc`, `run alarm`, `run malloc` (more events than the ring holds), then ten `run hello`, each giving a new picture. The worker decodes the descriptor, the program and the event log after every turn that may have changed them and posts only a changed picture; the page adds only new rows, so the redraw of every row measured here is the worst case.',
  );
  lines.push(
    `- Resource entries seen by the page: ${pageEntries.length} (the worker's fetches of the wasm and the image are not in the page's timeline).`,
  );
  const text = `${lines.join('\n')}\n`;
  console.log(text);
  if (write) {
    mkdirSync(join(REPO_ROOT, 'docs/perf'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'docs/perf/web.md'), text);
    console.log('wrote docs/perf/web.md');
  }
} finally {
  await preview.stop();
}
