// SPDX-License-Identifier: GPL-2.0-or-later
// The worker's scheduling pieces against a fake machine: the run loop's
// slicing and sleeping, the heap watcher's decode policy, and the page's
// idle waiter.
import { describe, expect, it } from 'vitest';
import { IdleWaiter } from '../../src/app/idle-waiter';
import { CpuWatcher } from '../../src/emu/cpu-watcher';
import { HeapWatcher } from '../../src/emu/heap-watcher';
import type { StatusReport } from '../../src/emu/protocol';
import { type LoopEvent, RunLoop, type RunTarget } from '../../src/emu/run-loop';
import { Descriptor, Event, EventKind, EventLog } from '../../src/heap/abi';
import { loadFixtureMemory } from '../support/snapshot';
import { descriptorAddress, writeU32 } from '../support/scribble';
import { EVENT_LOG, SyntheticKernel } from '../support/synthetic-kernel';

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

const turns = (
  loop: RunLoop,
  events: LoopEvent[],
  until: (e: LoopEvent[]) => boolean,
): Promise<void> =>
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
    const loop = new RunLoop(
      guest,
      (e) => {
        events.push(e);
        if (guest.work === 0 && fed < 2) {
          fed++;
          guest.work = 1000;
          guest.inputPending = fed < 2 ? 1 : 0;
        }
      },
      5,
    );
    guest.inputPending = 1;
    await turns(loop, events, (e) => e.at(-1) === 'idle');
    expect(guest.executed).toBe(3000);
  });

  it('stop() ends the run at the next turn', async () => {
    const guest = new FakeGuest(Number.MAX_SAFE_INTEGER);
    const events: LoopEvent[] = [];
    const loop = new RunLoop(
      guest,
      (e) => {
        events.push(e);
        if (events.length === 3) loop.stop();
      },
      2,
    );
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

describe('cpu watcher', () => {
  it('posts when the log, the program or the level changes; rate-limits while running; reads PSTATE only to decode', () => {
    const kernel = new SyntheticKernel();
    const watcher = new CpuWatcher(100);
    let pstate = 0x3c5;
    let pstateReads = 0;
    const read = (): number => {
      pstateReads++;
      return pstate;
    };
    expect(watcher.sample(kernel.memory, read, 0, true)?.model.exceptionLevel).toBe(1);
    expect(watcher.sample(kernel.memory, read, 10, true)).toBeNull(); // nothing changed
    kernel.log({ kind: EventKind.Syscall, number: 2, args: [100n, 0n, 0n] });
    pstate = 0x0;
    const reads = pstateReads;
    expect(watcher.sample(kernel.memory, read, 50, false)).toBeNull(); // too soon while running
    expect(pstateReads).toBe(reads);
    const running = watcher.sample(kernel.memory, read, 120, false)!.model;
    expect(running.exceptionLevel).toBe(0);
    expect(running.log!.events).toHaveLength(1);
    // the system call's result arrives after its event
    kernel.log({ kind: EventKind.Syscall, number: 2, args: [100n, 0n, 0n], result: 0n });
    expect(watcher.sample(kernel.memory, read, 300, true)!.model.log!.written).toBe(2);
    const slotResult = EVENT_LOG + EventLog.slots + 1 * Event.size + Event.result; // event 1's result
    new DataView(kernel.memory.bytes.buffer).setBigInt64(
      slotResult - kernel.memory.base,
      0x40400040n,
      true,
    );
    expect(watcher.sample(kernel.memory, read, 301, true)!.model.log!.events[1]!.result).toBe(
      0x40400040n,
    );
    kernel.setProgram(1, 'alarm');
    expect(watcher.sample(kernel.memory, read, 302, true)?.model.program).toEqual({
      pid: 1,
      name: 'alarm',
    });
    watcher.forget();
    expect(watcher.sample(kernel.memory, read, 303, true)).not.toBeNull(); // after a reset: always a first picture
  });
});

describe('idle waiter', () => {
  const status = (state: StatusReport['state'], keysSeq: number): StatusReport => ({
    state,
    keysSeq,
    instructions: 0,
    mips: 0,
    inputPending: 0,
  });

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
