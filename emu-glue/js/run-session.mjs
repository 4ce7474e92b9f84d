// SPDX-License-Identifier: GPL-2.0-or-later
// Replays a session in the wasm machine under Node and writes the guest's
// UART output to stdout, like `allocplay --script`.
//   node emu-glue/js/run-session.mjs KERNEL.img KEYS.bin [--module allocplay-emu.mjs] [--stats]
//        [--engine=tier|inline|hook] [--tier-limits=HOT,MAX] [--load ADDRESS=FILE]...
//   --load: data in guest RAM at every power-on, like allocplay --load
//   --engine: tier (the default: hot blocks run as WebAssembly functions), inline (all
//   blocks interpreted, the way before Unicorn patch 0013), hook (also counting with
//   Unicorn's block hook, the way before patch 0011), like allocplay --engine
import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createMachine } from './machine.mjs';

const [kernelPath, keysPath, ...rest] = process.argv.slice(2);
if (!kernelPath || !keysPath) {
  console.error('usage: run-session.mjs KERNEL.img KEYS.bin [--module allocplay-emu.mjs]');
  process.exit(2);
}
const moduleIndex = rest.indexOf('--module');
const stats = rest.includes('--stats');
const moduleUrl = moduleIndex >= 0 ? pathToFileURL(rest[moduleIndex + 1]) : undefined;
const engineArg = rest.find((arg) => arg.startsWith('--engine='));
const engine = engineArg?.slice('--engine='.length) ?? 'tier';
if (engine !== 'tier' && engine !== 'inline' && engine !== 'hook') {
  console.error(`run-session: --engine wants tier, inline or hook, not '${engine}'`);
  process.exit(2);
}

const started = performance.now();
let firstIdle = 0;
const machine = await createMachine({ moduleUrl, engine });
// --tier-limits=1,16: every block through the compiler, dropped every 16 (tests)
const limitsArg = rest.find((arg) => arg.startsWith('--tier-limits='));
if (limitsArg) {
  const [hot, max] = limitsArg.slice('--tier-limits='.length).split(',').map(Number);
  machine.setTierLimits(hot, max);
}
// Synchronous writes: output appears while the guest runs, not when the
// event loop next gets a turn (the benchmark timestamps it).
machine.onOutput = (bytes) => {
  for (let done = 0; done < bytes.length; ) done += writeSync(1, bytes, done);
};
machine.load(await readFile(kernelPath));
for (let i = 0; i < rest.length; i++) {
  if (rest[i] !== '--load') continue;
  const spec = rest[++i] ?? '';
  const split = spec.indexOf('=');
  const address = Number(spec.slice(0, split));
  if (split <= 0 || !Number.isSafeInteger(address)) {
    console.error(`run-session: --load wants ADDRESS=FILE, not '${spec}'`);
    process.exit(2);
  }
  machine.loadData(address, await readFile(spec.slice(split + 1)));
}
machine.send(await readFile(keysPath));

for (;;) {
  const result = machine.run();
  if (result === 'powered-off') {
    console.error('run-session: guest powered off');
    break;
  }
  if (result === 'crashed' || result === 'no-image') {
    console.error(`run-session: ${machine.crash()?.message ?? result}`);
    process.exitCode = 1;
    break;
  }
  if (result === 'idle' && firstIdle === 0) firstIdle = performance.now();
  if (result === 'idle' && machine.inputPending === 0) {
    console.error('run-session: the script ended but the guest still waits for input');
    process.exitCode = 3;
    break;
  }
}

if (stats) {
  const seconds = (performance.now() - started) / 1000;
  const { instructions, compiledBlocks } = machine.counters();
  console.error(
    `run-session: ${seconds.toFixed(3)} s, ${instructions} guest instructions, ` +
      `${(instructions / seconds / 1e6).toFixed(1)} MIPS, first prompt after ` +
      `${firstIdle ? (firstIdle - started).toFixed(1) : 0} ms, ${compiledBlocks} blocks compiled ` +
      `to WebAssembly (${machine.engine} engine)`,
  );
}
