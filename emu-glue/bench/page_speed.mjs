// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The page's side of the speed benchmark (emu-glue/bench/speed_bench.py):
 * serves the production build (vite preview), and in headless Chromium, for
 * each run in a fresh browser context (empty cache):
 *   - cold load: page start until the kernel's first prompt (the page's own
 *     timings().firstPrompt, as web/bench/run-bench.mjs measures it);
 *   - the command typed in the terminal with the keyboard: time from the
 *     Enter keydown until its summary line is in the terminal's buffer;
 *   - the guest instructions of its Enter: from the idle prompt with the
 *     command typed to the idle prompt after its output (the status line's
 *     count; emu-glue/bench/keywise_count.mjs counts the same in Node).
 * Prints one JSON object on stdout.
 *   usage: node emu-glue/bench/page_speed.mjs --command 'stress 1000000 1'
 *          --summary 'stress: 1000000 ops' [--runs N] [--query 'name=value&...']
 * --query is appended to the page URL (after test=1), to choose an emulator
 * path the page offers by URL parameter.
 */
import { execFileSync } from 'node:child_process';
import { CHROMIUM, openPage, startPreview, waitForPrompt } from '../../web/scripts/harness.mjs';

function option(name, fallback) {
  const args = process.argv.slice(2);
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  if (index + 1 >= args.length) throw new Error(`page_speed: ${name} needs a value`);
  return args[index + 1];
}

const command = option('--command');
const summary = option('--summary');
const runs = Number(option('--runs', '3'));
const query = option('--query', '');
if (!command || !summary || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: page_speed.mjs --command CMD --summary TEXT [--runs N] [--query PARAMS]');
  process.exit(2);
}

/** The status line's "N instructions", after the page has drawn the latest status. */
async function statusInstructions(page) {
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  );
  const text = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.status-line .status-item'), (e) => e.textContent).join(
      ' | ',
    ),
  );
  const match = /([\d,]+) instructions/.exec(text);
  if (!match) throw new Error(`page_speed: no instruction count in the status line ('${text}')`);
  return Number(match[1].replaceAll(',', ''));
}

async function oneRun(url) {
  const { page, errors, close } = await openPage(`${url}?test=1${query ? `&${query}` : ''}`);
  try {
    await waitForPrompt(page, 60_000);
    const coldLoadMs = await page.evaluate(() => window.__allocplay.timings().firstPrompt);
    await page.locator('.terminal-host').click();
    await page.keyboard.type(command);
    await page.evaluate(() => window.__allocplay.whenIdle());
    const before = await statusInstructions(page);
    // the clock starts at the Enter keydown, in the page
    await page.evaluate(() => {
      window.__speedBenchEnter = null;
      window.addEventListener(
        'keydown',
        (event) => {
          if (event.key === 'Enter' && window.__speedBenchEnter === null)
            window.__speedBenchEnter = performance.now();
        },
        { capture: true },
      );
    });
    await page.keyboard.press('Enter');
    const commandMs = await page.evaluate(
      (text) =>
        new Promise((resolve) => {
          const poll = () => {
            if (window.__allocplay.terminalText().includes(text))
              resolve(performance.now() - window.__speedBenchEnter);
            else setTimeout(poll, 5);
          };
          poll();
        }),
      summary,
    );
    await page.evaluate(() => window.__allocplay.whenIdle());
    const after = await statusInstructions(page);
    if (errors.length > 0) throw new Error(`page_speed: the page reported errors: ${errors}`);
    return { coldLoadMs, commandMs, instructions: after - before };
  } finally {
    await close();
  }
}

const preview = await startPreview();
try {
  const results = [];
  for (let i = 0; i < runs; i++) {
    results.push(await oneRun(preview.url));
    console.error(`page_speed: run ${i + 1} of ${runs}: ${JSON.stringify(results.at(-1))}`);
  }
  const chromium = execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
  console.log(JSON.stringify({ chromium, runs: results }));
} finally {
  await preview.stop();
}
