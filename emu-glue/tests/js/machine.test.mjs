// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the JavaScript API of the wasm machine (node --test).
// Environment: ALLOCPLAY_EMU_MODULE (allocplay-emu.mjs), ALLOCPLAY_KERNEL
// (kernel8.img), ALLOCPLAY_GUESTS (directory of the tiny test guests).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMachine, RAM_BASE, RAM_SIZE, TRACE_AREA } from '../../js/machine.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

let machine;
let kernel;
const guest = (name) => readFile(join(env('ALLOCPLAY_GUESTS'), `${name}.img`));
const text = (bytes) => new TextDecoder().decode(bytes);

before(async () => {
  machine = await createMachine({ moduleUrl: pathToFileURL(env('ALLOCPLAY_EMU_MODULE')) });
  kernel = await readFile(env('ALLOCPLAY_KERNEL'));
});

function bootKernel() {
  machine.onOutput = null;
  machine.load(kernel);
  assert.equal(machine.runUntilIdle(), 'idle');
  return text(machine.takeOutput());
}

function command(line) {
  machine.send(`${line}\r`);
  const result = machine.runUntilIdle();
  return { result, output: text(machine.takeOutput()) };
}

test('run() before load() says there is no image', async () => {
  const fresh = await createMachine({ moduleUrl: pathToFileURL(env('ALLOCPLAY_EMU_MODULE')) });
  assert.equal(fresh.run(), 'no-image');
  assert.throws(() => fresh.reset(), /no image/);
  fresh.destroy();
});

test('the kernel boots to its prompt and answers commands', () => {
  const banner = bootKernel();
  assert.match(banner, /Allocator Playground kernel/);
  assert.ok(banner.endsWith('first-fit> '));
  const { output } = command('alloc 100');
  assert.equal(
    output,
    'alloc 100\r\nallocated 100 bytes at 0x40400040 (usable 112)\r\nfirst-fit> ',
  );
});

test('onOutput receives the bytes and takeOutput() then has nothing left', () => {
  bootKernel();
  const chunks = [];
  machine.onOutput = (bytes) => chunks.push(text(bytes));
  machine.send('check\r');
  machine.runUntilIdle();
  machine.onOutput = null;
  assert.match(chunks.join(''), /check: OK/);
  assert.equal(machine.takeOutput().length, 0);
});

test('guest memory is readable without copying and reads are bounded', () => {
  bootKernel();
  const header = machine.read(0x40080010, 4);
  assert.equal(text(header), 'APGH');
  const ram = machine.ram();
  assert.equal(ram.length, RAM_SIZE);
  assert.equal(ram[0x80010], 'A'.charCodeAt(0));
  assert.equal(machine.read(RAM_BASE - 1, 1), null);
  assert.equal(machine.read(RAM_BASE + RAM_SIZE - 2, 4), null);
  assert.equal(machine.read(0x7000000000n, 4), null);
});

test('registers are 64-bit BigInts; unknown names throw', () => {
  bootKernel();
  const pc = machine.register('pc');
  assert.equal(typeof pc, 'bigint');
  assert.ok(pc >= 0x40080000n && pc < 0x40100000n, `pc ${pc.toString(16)} is in the kernel`);
  assert.equal(machine.register('vbar_el1') & 0x7ffn, 0n, 'vectors are 2 KiB aligned');
  assert.equal(machine.register('pstate') & 0xcn, 0x4n, 'running at EL1');
  assert.throws(() => machine.register('x31'), /unknown register/);
  assert.throws(() => machine.register('bogus'), /unknown register/);
});

test('counters count instructions and UART bytes', () => {
  bootKernel();
  const before = machine.counters();
  command('info');
  const after = machine.counters();
  assert.ok(after.instructions > before.instructions);
  assert.equal(after.uartRxBytes - before.uartRxBytes, 5);
  assert.ok(after.uartTxBytes > before.uartTxBytes);
});

test('a crash is reported with kind, PC and fault address; reset recovers', async () => {
  const events = [];
  machine.onEvent = (e) => events.push(e);
  machine.load(await guest('read_unmapped'));
  assert.equal(machine.runUntilIdle(), 'crashed');
  const crash = machine.crash();
  assert.equal(crash.kind, 'unmapped read');
  assert.equal(crash.address, 0x09010000n);
  assert.equal(crash.pc, 0x40080004n);
  assert.match(crash.message, /unmapped read at 0x9010000/);
  assert.equal(events.at(-1).type, 'crashed');
  assert.equal(machine.run(), 'crashed', 'stays crashed');
  machine.reset();
  assert.equal(machine.crash(), null);
  assert.equal(events.at(-1).type, 'reset');
  machine.onEvent = null;
});

test('a runaway guest returns control after every slice', async () => {
  machine.load(await guest('spin_forever'));
  for (let i = 0; i < 5; i++) assert.equal(machine.run(200_000), 'slice');
  assert.ok(machine.counters().instructions >= 1_000_000);
  bootKernel();
  assert.match(command('check').output, /check: OK/);
});

test('halt powers the guest off', () => {
  bootKernel();
  const { result, output } = command('halt');
  assert.equal(result, 'powered-off');
  assert.match(output, /powering off/);
  assert.equal(machine.run(), 'powered-off');
});

test('load() rejects an image that does not fit', () => {
  assert.throws(() => machine.load(new Uint8Array(RAM_SIZE)), /does not fit/);
});

test('loadData() puts a trace in guest RAM that `trace` replays, also after a reset', () => {
  bootKernel();
  assert.match(command('trace').output, /error: trace: no trace loaded/);
  const rep = '20000\n2\n4\n1\na 0 100\na 1 200\nf 0\nf 1\n';
  machine.loadData(TRACE_AREA, rep);
  assert.equal(text(machine.read(TRACE_AREA, rep.length)), rep);
  assert.match(command('trace').output, /first-fit +4 +0 +0 /);
  machine.reset();
  assert.equal(machine.runUntilIdle(), 'idle');
  machine.takeOutput();
  assert.match(command('trace').output, /first-fit +4 +0 +0 /);
  // a shorter trace replaces the longer one entirely: no stale tail
  machine.loadData(TRACE_AREA, '0\n1\n1\n1\na 0 8');
  assert.equal(
    machine.read(TRACE_AREA + 13, rep.length - 13).every((b) => b === 0),
    true,
  );
  assert.match(command('trace').output, /first-fit +1 +0 +0 /);
  // empty data removes it
  machine.loadData(TRACE_AREA, new Uint8Array(0));
  assert.match(command('trace').output, /no trace loaded/);
});

test('loadData() rejects data outside RAM and changes nothing', () => {
  bootKernel();
  assert.throws(() => machine.loadData(RAM_BASE - 1, 'x'), /do not fit in RAM/);
  assert.throws(() => machine.loadData(RAM_BASE + RAM_SIZE - 1, 'xy'), /do not fit in RAM/);
  assert.throws(() => machine.loadData(-1, 'x'), /do not fit in RAM/);
  assert.equal(machine.read(RAM_BASE + RAM_SIZE - 1, 1)[0], 0);
});

test('an image that is not the firmware boots: the UART echo kernel answers keys', async () => {
  machine.onOutput = null;
  machine.load(await guest('uart_echo'));
  assert.equal(machine.runUntilIdle(), 'idle');
  assert.equal(text(machine.takeOutput()), 'echo kernel: no heap here, every key comes back\r\n');
  machine.send('hello\r');
  assert.equal(machine.runUntilIdle(), 'idle');
  assert.equal(text(machine.takeOutput()), 'hello\r\n');
  // no image header where the firmware has one (0x40080010): nothing for a heap panel
  assert.notEqual(text(machine.read(0x40080010, 4)), 'APGH');
});

test('the inline and hook engines give the same output and instruction count as the default (tier)', async () => {
  const moduleUrl = pathToFileURL(env('ALLOCPLAY_EMU_MODULE'));
  const run = async (engine) => {
    const m = await createMachine({ moduleUrl, engine });
    assert.equal(m.engine, engine ?? 'tier');
    m.load(kernel);
    m.send('stress 2000 1\r');
    assert.equal(m.runUntilIdle(), 'idle');
    const { instructions, compiledBlocks } = m.counters();
    const result = { output: text(m.takeOutput()), instructions };
    m.destroy();
    return { result, compiledBlocks };
  };
  const tier = await run(undefined);
  const inline = await run('inline');
  const hook = await run('hook');
  assert.match(tier.result.output, /stress: 2000 ops/);
  assert.deepEqual(inline.result, tier.result);
  assert.deepEqual(hook.result, tier.result);
  // the tier really ran compiled blocks; the others interpret every block
  assert.ok(tier.compiledBlocks > 50, `${tier.compiledBlocks} blocks compiled`);
  assert.equal(inline.compiledBlocks, 0);
  assert.equal(hook.compiledBlocks, 0);
});

test('the tier compiling every block, and dropping them every 8, prints what the interpreter prints', async () => {
  const moduleUrl = pathToFileURL(env('ALLOCPLAY_EMU_MODULE'));
  const run = async (engine, limits) => {
    const m = await createMachine({ moduleUrl, engine });
    if (limits) m.setTierLimits(...limits);
    m.load(kernel);
    for (const command of ['stress 300 2', 'use buddy', 'alloc 100', 'run alarm', 'fault undef']) {
      m.send(`${command}\r`);
      assert.equal(m.runUntilIdle(), 'idle', command);
    }
    const { instructions, compiledBlocks } = m.counters();
    const result = { output: text(m.takeOutput()), instructions };
    m.destroy();
    return { result, compiledBlocks };
  };
  const inline = await run('inline');
  const everyBlock = await run('tier', [1, 0]);
  const dropping = await run('tier', [1, 8]);
  assert.match(inline.result.output, /stress: 300 ops/);
  assert.deepEqual(everyBlock.result, inline.result);
  assert.deepEqual(dropping.result, inline.result);
  // dropped and compiled again: more compiles than with room for all
  assert.ok(everyBlock.compiledBlocks > 100, `${everyBlock.compiledBlocks} compiled`);
  assert.ok(
    dropping.compiledBlocks > everyBlock.compiledBlocks,
    `${dropping.compiledBlocks} compiled with 8 kept, ${everyBlock.compiledBlocks} with all`,
  );
});

test('an unknown engine is refused with one message', async () => {
  const moduleUrl = pathToFileURL(env('ALLOCPLAY_EMU_MODULE'));
  await assert.rejects(
    createMachine({ moduleUrl, engine: 'turbo' }),
    /engine must be one of inline, hook, tier/,
  );
});
