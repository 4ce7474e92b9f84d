// SPDX-License-Identifier: GPL-2.0-or-later
// Checkpoint costs in the wasm machine (Node): a session of N shell commands
// (default 1000), checkpointed after every command, then restores.
//   node emu-glue/bench/checkpoint_bench.mjs [--commands N] [--restores N]
// Prints a Markdown table:
//   - overhead: time of saveCheckpoint() against the command's own run time
//     (send + run until idle), per command, mean and total;
//   - memory: checkpointMemory() after all checkpoints, total and per checkpoint;
//   - restore: restoreCheckpoint() of random checkpoints, median and worst,
//     and the first command after a restore (it retranslates the code it runs).
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createMachine } from '../js/machine.mjs';

const argument = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const commandCount = argument('--commands', 1000);
const restoreCount = argument('--restores', 200);

// A cycle of ordinary commands; `reset` keeps the heap from filling up.
const cycle = (i) =>
  [
    'alloc 100',
    'alloc 2k',
    'info',
    'calloc 4 100',
    'check',
    `stress 200 ${i}`,
    'alloc 64 16',
    'meminfo',
    'run hello',
    'reset',
  ][i % 10];

const machine = await createMachine({
  moduleUrl: pathToFileURL('build/emu/allocplay-emu.mjs'),
});
machine.load(await readFile('build/kernel8.img'));
machine.runUntilIdle();
machine.takeOutput();

const checkpoints = [machine.saveCheckpoint()];
let runTime = 0;
let saveTime = 0;
for (let i = 0; i < commandCount; i++) {
  let t = performance.now();
  machine.send(`${cycle(i)}\r`);
  machine.runUntilIdle();
  machine.takeOutput();
  runTime += performance.now() - t;
  t = performance.now();
  checkpoints.push(machine.saveCheckpoint());
  saveTime += performance.now() - t;
}
const memory = machine.checkpointMemory();

// a fixed pseudo-random order, the same on every run
let seed = 12345;
const next = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed;
};
const restoreTimes = [];
const firstCommandTimes = [];
for (let i = 0; i < restoreCount; i++) {
  const k = next() % checkpoints.length;
  let t = performance.now();
  machine.restoreCheckpoint(checkpoints[k]);
  restoreTimes.push(performance.now() - t);
  t = performance.now();
  machine.send('info\r');
  machine.runUntilIdle();
  machine.takeOutput();
  firstCommandTimes.push(performance.now() - t);
}
const sorted = (values) => [...values].sort((a, b) => a - b);
const median = (values) => sorted(values)[values.length >> 1];
const worst = (values) => sorted(values)[values.length - 1];
const ms = (value) => `${value.toFixed(2)} ms`;
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

console.log(`| measure (${commandCount} commands, wasm in Node) | value |`);
console.log('|---|---|');
console.log(`| command run time, mean | ${ms(runTime / commandCount)} |`);
console.log(`| saveCheckpoint(), mean | ${ms(saveTime / commandCount)} |`);
console.log(`| checkpointing overhead (save / run) | ${((100 * saveTime) / runTime).toFixed(1)} % |`);
console.log(`| memory of ${checkpoints.length} checkpoints | ${mib(memory)} |`);
console.log(`| memory per checkpoint | ${(memory / checkpoints.length / 1024).toFixed(1)} KiB |`);
console.log(`| restoreCheckpoint(), median / worst of ${restoreCount} | ${ms(median(restoreTimes))} / ${ms(worst(restoreTimes))} |`);
console.log(`| first command after a restore (\`info\`), median | ${ms(median(firstCommandTimes))} |`);
for (const c of checkpoints) c.free();
machine.destroy();
