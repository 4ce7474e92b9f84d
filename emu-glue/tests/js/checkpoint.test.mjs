// SPDX-License-Identifier: GPL-2.0-or-later
// Checkpoints through the JavaScript API (wasm in Node): restoring any
// checkpoint of a session and typing the rest again prints the same bytes,
// timer alarms included; through bytes too; bad bytes are refused; a restore
// that changes a page of code runs the restored code.
// Environment: ALLOCPLAY_EMU_MODULE, ALLOCPLAY_KERNEL, ALLOCPLAY_GUESTS (see machine.test.mjs).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMachine } from '../../js/machine.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

const session = [
  'alloc 100',
  'run alarm',
  'alloc 2k',
  'stress 2000 5',
  'use tlsf',
  'run malloc',
  'reboot',
  'alloc 64',
  'run alarm',
  'info',
];

let kernel;
const text = (bytes) => new TextDecoder().decode(bytes);
const newMachine = () => createMachine({ moduleUrl: pathToFileURL(env('ALLOCPLAY_EMU_MODULE')) });

before(async () => {
  kernel = await readFile(env('ALLOCPLAY_KERNEL'));
});

function type(machine, line) {
  machine.send(`${line}\r`);
  assert.equal(machine.runUntilIdle({ budget: 900_000 }), 'idle');
  return text(machine.takeOutput());
}

/** The session once, with a checkpoint after the banner and after each command. */
function recordSession(machine) {
  machine.load(kernel);
  machine.runUntilIdle();
  const outputs = [text(machine.takeOutput())];
  const checkpoints = [machine.saveCheckpoint()];
  for (const line of session) {
    outputs.push(type(machine, line));
    checkpoints.push(machine.saveCheckpoint());
  }
  return { outputs, checkpoints };
}

function assertReplays(machine, k, outputs) {
  for (let i = k; i < session.length; i++)
    assert.equal(
      type(machine, session[i]),
      outputs[i + 1],
      `'${session[i]}' after checkpoint ${k}`,
    );
}

test('restoring any checkpoint and typing the rest again prints the same bytes', async () => {
  const machine = await newMachine();
  const { outputs, checkpoints } = recordSession(machine);
  assert.match(outputs[2], /counter = 3: done/);
  for (const k of [3, 0, 7, 10, 1, 6, 2]) {
    machine.restoreCheckpoint(checkpoints[k]);
    assertReplays(machine, k, outputs);
  }
  assert.ok(machine.checkpointMemory() > 0);
  for (const c of checkpoints) c.free();
  machine.destroy();
});

test('a checkpoint survives bytes and a second machine; bad bytes are refused', async () => {
  const machine = await newMachine();
  const { outputs, checkpoints } = recordSession(machine);
  const bytes = checkpoints[4].toBytes();
  const heapBefore = checkpoints[4].read(0x40400000, 256);

  const other = await newMachine();
  assert.throws(() => other.checkpointFromBytes(bytes), /load an image/);
  other.load(kernel);
  const loaded = other.checkpointFromBytes(bytes);
  assert.deepEqual(loaded.toBytes(), bytes);
  assert.deepEqual(loaded.read(0x40400000, 256), heapBefore);
  assert.equal(loaded.read(0x3ffffff0, 32), null);
  other.restoreCheckpoint(loaded);
  assertReplays(other, 4, outputs);

  assert.throws(() => other.checkpointFromBytes(bytes.slice(0, 100)), /truncated/);
  const damaged = bytes.slice();
  damaged[damaged.length >> 1] ^= 1;
  assert.throws(() => other.checkpointFromBytes(damaged), /damaged/);
  assert.throws(() => other.checkpointFromBytes(new Uint8Array(3)), /not a checkpoint/);

  loaded.free();
  for (const c of checkpoints) c.free();
  assert.throws(() => machine.restoreCheckpoint(checkpoints[0]), /freed/);
  machine.destroy();
  other.destroy();
});

test('a restore that changes a page of code runs the restored code', async () => {
  // code_swap prints what the routine in its code page returns for every key; a capital letter first
  // rewrites the routine to return that letter
  const machine = await newMachine();
  machine.load(await readFile(join(env('ALLOCPLAY_GUESTS'), 'code_swap.img')));
  machine.runUntilIdle();
  const keys = (line) => {
    machine.send(line);
    assert.equal(machine.runUntilIdle(), 'idle');
    return text(machine.takeOutput());
  };
  assert.equal(keys('A'), 'A');
  const a = machine.saveCheckpoint();
  assert.equal(keys('Bx'), 'BB'); // translated while it returns B
  const b = machine.saveCheckpoint();
  machine.restoreCheckpoint(a);
  assert.equal(keys('xx'), 'AA');
  machine.restoreCheckpoint(b);
  assert.equal(keys('x'), 'B');
  machine.restoreCheckpoint(a);
  assert.equal(keys('x'), 'A');
  a.free();
  b.free();
  machine.destroy();
});
