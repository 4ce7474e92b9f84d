// SPDX-License-Identifier: GPL-2.0-or-later
// Checkpoint costs in the wasm machine (Node; Chromium: checkpoint_bench.sh): a session of N shell commands
// (default 1000), checkpointed after every command, then restores.
//   node emu-glue/bench/checkpoint_bench.mjs [--commands N] [--restores N] [--module build/emu/allocplay-emu.mjs]
// (--module: another build of the emulator, e.g. an older one for a before/after comparison)
// Prints a Markdown table:
//   - overhead: time of saveCheckpoint() against the command's own run time
//     (send + run until idle), per command, mean and total;
//   - memory: checkpointMemory() after all checkpoints, total and per checkpoint;
//   - restore: restoreCheckpoint() of random checkpoints, median and worst,
//     and the first command after a restore; in Node also the process CPU time of each restore and
//     whether the OS switched the process out meanwhile (a slow restore on a busy machine).
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createMachine } from '../js/machine.mjs';
import { runCheckpointBench } from './checkpoint_bench_core.mjs';

const argument = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const commandCount = Number(argument('--commands', 1000));
const restoreCount = Number(argument('--restores', 200));

const machine = await createMachine({ moduleUrl: pathToFileURL(argument('--module', 'build/emu/allocplay-emu.mjs')) });
runCheckpointBench(machine, await readFile('build/kernel8.img'), {
  commandCount,
  restoreCount,
  host: 'wasm in Node',
  print: console.log,
});
