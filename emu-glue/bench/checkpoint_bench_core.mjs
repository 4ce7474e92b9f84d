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

/** Node only: CPU time of the whole process and involuntary context switches so far (else null). */
function processUsage() {
  const p = globalThis.process;
  return p?.cpuUsage ? { cpu: p.cpuUsage(), switches: p.resourceUsage().involuntaryContextSwitches } : null;
}

function usageSince(before) {
  const cpu = globalThis.process.cpuUsage(before.cpu);
  return {
    cpu: (cpu.user + cpu.system) / 1000,
    switches: globalThis.process.resourceUsage().involuntaryContextSwitches - before.switches,
  };
}

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
const restoreCosts = []; // Node: what the process did meanwhile (processUsage)
const firstCommandTimes = [];
for (let i = 0; i < restoreCount; i++) {
  const k = next() % checkpoints.length;
  const before = processUsage();
  let t = performance.now();
  machine.restoreCheckpoint(checkpoints[k]);
  restoreTimes.push(performance.now() - t);
  if (before) restoreCosts.push({ wall: restoreTimes[i], ...usageSince(before) });
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
if (restoreCosts.length > 0) {
  // a slow restore with little CPU time and an involuntary context switch waited for a core
  const slowest = [...restoreCosts].sort((a, b) => b.wall - a.wall).slice(0, 5);
  const show = (r) => `${ms(r.wall)} (CPU ${ms(r.cpu)}, ${r.switches} switched out)`;
  print(`| restoreCheckpoint() process CPU time, median / worst | ${ms(median(restoreCosts.map((r) => r.cpu)))} / ${ms(worst(restoreCosts.map((r) => r.cpu)))} |`);
  print(`| restores during which the OS switched the process out | ${restoreCosts.filter((r) => r.switches > 0).length} of ${restoreCount} |`);
  print(`| slowest 5 restores: wall time (process CPU time, involuntary context switches) | ${slowest.map(show).join('; ')} |`);
}
for (const c of checkpoints) c.free();
machine.destroy();
}
