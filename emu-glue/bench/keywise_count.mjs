// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The guest instructions of one command's Enter when the command is typed as
 * a person types it: one key at a time, the kernel idle (waiting for input)
 * before each, as in the page. Counts from the idle prompt with the command
 * typed to the idle prompt after its output; prints the number.
 *
 * A session script hands the kernel all its keys at once, so the kernel never
 * waits between them; a typed key costs a few more instructions (waking up
 * and going back to wait), so the page's count is compared with this one.
 *   usage: node emu-glue/bench/keywise_count.mjs KERNEL.img 'stress 1000000 1' [--module M.mjs]
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createMachine } from '../js/machine.mjs';

const [kernelPath, command, ...rest] = process.argv.slice(2);
if (!kernelPath || !command) {
  console.error('usage: keywise_count.mjs KERNEL.img COMMAND [--module allocplay-emu.mjs]');
  process.exit(2);
}
const moduleIndex = rest.indexOf('--module');
const moduleUrl = moduleIndex >= 0 ? pathToFileURL(rest[moduleIndex + 1]) : undefined;

const machine = await createMachine({ moduleUrl });
machine.onOutput = () => {};
machine.load(await readFile(kernelPath));

function runUntilWaiting() {
  for (;;) {
    const result = machine.run();
    if (result === 'idle' && machine.inputPending === 0) return;
    if (result !== 'slice' && result !== 'idle') {
      console.error(`keywise_count: the guest stopped: ${result}`);
      process.exit(1);
    }
  }
}

runUntilWaiting();
for (const key of command) {
  machine.send(new TextEncoder().encode(key));
  runUntilWaiting();
}
const before = machine.counters().instructions;
machine.send(new TextEncoder().encode('\r'));
runUntilWaiting();
console.log(machine.counters().instructions - before);
