// SPDX-License-Identifier: GPL-2.0-or-later
// The checkpoint benchmark itself, shared by Node (checkpoint_bench.mjs) and
// Chromium (checkpoint_bench.html): see checkpoint_bench.mjs.

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

/**
 * Runs the benchmark on a machine with nothing loaded; calls print() with
 * each line of a Markdown table. host names where it ran.
 */
export function runCheckpointBench(machine, kernel, { commandCount, restoreCount, host, print }) {
machine.load(kernel);
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

print(`| measure (${commandCount} commands, ${host}) | value |`);
print('|---|---|');
print(`| command run time, mean | ${ms(runTime / commandCount)} |`);
print(`| saveCheckpoint(), mean | ${ms(saveTime / commandCount)} |`);
print(`| checkpointing overhead (save / run) | ${((100 * saveTime) / runTime).toFixed(1)} % |`);
print(`| memory of ${checkpoints.length} checkpoints | ${mib(memory)} |`);
print(`| memory per checkpoint | ${(memory / checkpoints.length / 1024).toFixed(1)} KiB |`);
print(`| restoreCheckpoint(), median / worst of ${restoreCount} | ${ms(median(restoreTimes))} / ${ms(worst(restoreTimes))} |`);
print(`| first command after a restore (\`info\`), median | ${ms(median(firstCommandTimes))} |`);
for (const c of checkpoints) c.free();
machine.destroy();
}
