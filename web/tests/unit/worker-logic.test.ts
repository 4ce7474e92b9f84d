// SPDX-License-Identifier: GPL-2.0-or-later
// The worker's scheduling pieces against a fake machine: the run loop's
// slicing and sleeping, the heap watcher's decode policy, and the page's
// idle waiter.
import { describe, expect, it } from 'vitest';
import { IdleWaiter } from '../../src/app/idle-waiter';
import { HeapWatcher } from '../../src/emu/heap-watcher';
import type { StatusReport } from '../../src/emu/protocol';
import { type LoopEvent, RunLoop, type RunTarget } from '../../src/emu/run-loop';
import { Descriptor } from '../../src/heap/abi';
import { loadFixtureMemory } from '../support/snapshot';
import { descriptorAddress, writeU32 } from '../support/scribble';

/** A guest that needs `work` instructions before it waits for input. */
class FakeGuest implements RunTarget {
  executed = 0;
  runs = 0;
  inputPending = 0;
  constructor(public work: number) {}
  run(budget: number) {
    this.runs++;
    const step = Math.min(budget, this.work);
    this.work -= step;
    this.executed += step;
    // pretend each instruction costs a little time, so slices have a duration
    const until = performance.now() + step / 2e6;
    while (performance.now() < until) {
      // busy
    }
    return this.work > 0 ? ('slice' as const) : ('idle' as const);
  }
  instructions() {
    return this.executed;
  }
}

const turns = (loop: RunLoop, events: LoopEvent[], until: (e: LoopEvent[]) => boolean): Promise<void> =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const check = () => {
      if (until(events)) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out, events: ${events.join(',')}`));
      else setTimeout(check, 1);
    };
    loop.start();
    check();
  });

describe('run loop', () => {
  it('runs a long command in many turns, yielding between them, then sleeps', async () => {
    const guest = new FakeGuest(200_000_000); // about 100 ms of pretend work
    const events: LoopEvent[] = [];
    const loop = new RunLoop(guest, (e) => events.push(e), 5);
    await turns(loop, events, (e) => e.at(-1) === 'idle');
    expect(events.filter((e) => e === 'slice').length).toBeGreaterThan(3);
    expect(loop.isRunning).toBe(false);
    expect(loop.mips).toBeGreaterThan(0);
  });

  it('keeps going when keys are still queued at idle', async () => {
    const guest = new FakeGuest(1000);
    const events: LoopEvent[] = [];
    let fed = 0;
    const loop = new RunLoop(guest, (e) => {
      events.push(e);
      if (guest.work === 0 && fed < 2) {
        fed++;
        guest.work = 1000;
        guest.inputPending = fed < 2 ? 1 : 0;
      }
    }, 5);
    guest.inputPending = 1;
    await turns(loop, events, (e) => e.at(-1) === 'idle');
    expect(guest.executed).toBe(3000);
  });

  it('stop() ends the run at the next turn', async () => {
    const guest = new FakeGuest(Number.MAX_SAFE_INTEGER);
    const events: LoopEvent[] = [];
    const loop = new RunLoop(guest, (e) => {
      events.push(e);
      if (events.length === 3) loop.stop();
    }, 2);
    loop.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(events.length).toBe(3);
  });
});

describe('heap watcher', () => {
  it('decodes once per generation, rate-limits while running, and always when settled', () => {
    const memory = loadFixtureMemory('first-fit-basic');
    const watcher = new HeapWatcher(100);
    expect(watcher.sample(memory, 0, false)?.result.status).toBe('ok');
    const generationAt = descriptorAddress(memory) + Descriptor.generation;
    writeU32(memory, generationAt, memory.u32(generationAt) + 2);
    expect(watcher.sample(memory, 50, false)).toBeNull(); // too soon while running
    expect(watcher.sample(memory, 150, false)?.result.status).toBe('ok');
    expect(watcher.sample(memory, 500, true)).toBeNull(); // nothing changed
    writeU32(memory, generationAt, memory.u32(generationAt) + 1); // mutating
    expect(watcher.sample(memory, 800, false)?.result.status).toBe('busy');
    writeU32(memory, generationAt, memory.u32(generationAt) + 1);
    expect(watcher.sample(memory, 801, true)?.result.status).toBe('ok');
  });
});

describe('idle waiter', () => {
  const status = (state: StatusReport['state'], keysSeq: number): StatusReport => ({ state, keysSeq, instructions: 0, mips: 0, inputPending: 0 });

  it('waits for a report that has seen the keys', async () => {
    const waiter = new IdleWaiter();
    waiter.report(status('idle', 3));
    let done = false;
    const wait = waiter.whenIdleAfter(4).then(() => (done = true));
    waiter.report(status('idle', 3)); // an old report: not yet
    await Promise.resolve();
    expect(done).toBe(false);
    waiter.report(status('running', 4));
    await Promise.resolve();
    expect(done).toBe(false);
    waiter.report(status('idle', 4));
    await wait;
    expect(done).toBe(true);
  });

  it('releases everyone when the worker is replaced', async () => {
    const waiter = new IdleWaiter();
    const wait = waiter.whenIdleAfter(10);
    waiter.releaseAll();
    await expect(wait).resolves.toBeUndefined();
  });
});
