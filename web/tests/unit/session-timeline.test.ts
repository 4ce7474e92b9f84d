// SPDX-License-Identifier: GPL-2.0-or-later
// When the timeline takes checkpoints and what each one gets, against a fake
// client whose replies the test releases: commands typed while a save is on
// its way belong to the next checkpoint, output during a restore is the old
// machine's, a failed save passes its commands on, the budget drops the
// oldest, a reset frees everything.
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/emu/protocol';
import type { DecodeResult } from '../../src/heap/model';
import {
  type CheckpointClient,
  type CheckpointView,
  SessionTimeline,
} from '../../src/timeline/session-timeline';
import type { TimelinePicture } from '../../src/timeline/timeline-bar';

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

class FakeClient implements CheckpointClient {
  saves: Array<Deferred<{ handle: number; memoryBytes: number }>> = [];
  restores: Array<{ handle: number } & Deferred<void>> = [];
  dropped: number[] = [];
  saveCheckpoint() {
    return new Promise<{ handle: number; memoryBytes: number }>((resolve, reject) =>
      this.saves.push({ resolve, reject }),
    );
  }
  restoreCheckpoint(handle: number) {
    return new Promise<void>((resolve, reject) => this.restores.push({ handle, resolve, reject }));
  }
  dropCheckpoints(handles: number[]) {
    this.dropped.push(...handles);
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const bytes = (text: string) => new TextEncoder().encode(text);
const idle = (keysSeq: number): StatusReport => ({
  state: 'idle',
  instructions: 0,
  mips: 0,
  inputPending: 0,
  keysSeq,
});

function setUp() {
  const client = new FakeClient();
  let keysSeq = 0;
  let heap: DecodeResult | null = null;
  const shown: CheckpointView[] = [];
  const pictures: TimelinePicture[] = [];
  const timeline = new SessionTimeline(
    client,
    {
      lastKeysSeq: () => keysSeq,
      latestHeap: () => heap,
      stopTyping: () => {},
      show: (view) => shown.push(view),
      position: () => {},
    },
    () => ({ element: {} as HTMLElement, show: (p) => pictures.push(p) }),
  );
  /** a command typed and sent (the tracker reports it, then the keys go) */
  const type = (line: string) => {
    timeline.command(line);
    keysSeq++;
  };
  const setHeap = (name: string) => {
    heap = { status: 'busy', generation: 0, message: name };
  };
  let handle = 1;
  const releaseSave = async (memoryBytes = 1000) => {
    await flush(); // the request goes out in a microtask
    client.saves.shift()!.resolve({ handle: handle++, memoryBytes });
    await flush();
  };
  const labels = () => timeline.store.list().map((e) => e.label);
  return {
    client,
    timeline,
    type,
    setHeap,
    releaseSave,
    labels,
    shown,
    pictures,
    keys: () => keysSeq,
  };
}

describe('session timeline', () => {
  it('a command typed before the previous save is answered gets its own checkpoint', async () => {
    const t = setUp();
    t.timeline.output(bytes('banner> '));
    t.timeline.status(idle(0));
    // asked for at once: keys a script sends after this report must reach the worker after it
    expect(t.client.saves).toHaveLength(1);
    await t.releaseSave();
    expect(t.labels()).toEqual(['boot']);

    t.type('alloc 100');
    t.timeline.output(bytes('alloc 100 ok> '));
    t.setHeap('after alloc 100');
    t.timeline.status(idle(1));
    // the next command goes out before the reply to this save
    t.type('alloc 200');
    await t.releaseSave();
    t.timeline.output(bytes('alloc 200 ok> '));
    t.timeline.status(idle(2));
    await t.releaseSave();
    expect(t.labels()).toEqual(['boot', 'alloc 100', 'alloc 200']);
    const [, first, second] = t.timeline.store.list();
    expect(first!.commands).toEqual(['alloc 100']);
    expect(first!.heap).toEqual({ status: 'busy', generation: 0, message: 'after alloc 100' });
    expect(new TextDecoder().decode(t.timeline.store.transcript(second!))).toBe(
      'banner> alloc 100 ok> alloc 200 ok> ',
    );
    expect(t.pictures.at(-1)?.position).toBe('at command 2 of 2');
  });

  it('no checkpoint while keys are still to be taken, or with nothing new typed', async () => {
    const t = setUp();
    t.timeline.status(idle(0));
    await t.releaseSave();
    t.timeline.status(idle(0)); // nothing typed since
    t.type('alloc 1');
    t.timeline.status(idle(0)); // the keys have not reached the guest yet
    t.timeline.status({ ...idle(1), inputPending: 3 });
    t.timeline.status({ ...idle(1), state: 'running' });
    await flush();
    expect(t.client.saves).toHaveLength(0);
    t.timeline.status(idle(1));
    await flush();
    expect(t.client.saves).toHaveLength(1);
  });

  it('going back: output of the replaced machine is dropped, the view shows the stored one', async () => {
    const t = setUp();
    t.timeline.output(bytes('boot> '));
    t.timeline.status(idle(0));
    await t.releaseSave();
    t.type('alloc 1');
    t.timeline.output(bytes('one> '));
    t.timeline.status(idle(1));
    await t.releaseSave();
    const [boot] = t.timeline.store.list();
    const going = t.timeline.goTo(boot!.id);
    await flush();
    expect(t.timeline.discarding).toBe(true);
    t.timeline.output(bytes('late output of the old machine'));
    t.client.restores.shift()!.resolve();
    await going;
    expect(t.timeline.discarding).toBe(false);
    expect(new TextDecoder().decode(t.shown.at(-1)!.transcript)).toBe('boot> ');
    expect(t.timeline.store.current).toBe(boot);
    // typing there forks, and the output after the restore is the new checkpoint's
    t.type('alloc 2');
    t.timeline.output(bytes('two> '));
    t.timeline.status(idle(2));
    await t.releaseSave();
    expect(t.labels()).toEqual(['boot', 'alloc 2']);
    expect(t.timeline.store.branches()).toEqual([1, 2]);
    expect(new TextDecoder().decode(t.timeline.store.transcript(t.timeline.store.current!))).toBe(
      'boot> two> ',
    );
  });

  it('no checkpoint of the state being left while a move waits for a save', async () => {
    const t = setUp();
    t.timeline.status(idle(0));
    await t.releaseSave();
    const [boot] = t.timeline.store.list();
    t.type('alloc 1');
    t.timeline.status(idle(1)); // save of alloc 1 on its way
    t.type('alloc 2');
    t.timeline.status(idle(2)); // ignored: a save is on its way
    const going = t.timeline.goTo(boot!.id); // waits for that save
    await t.releaseSave();
    // alloc 2 finished meanwhile, but the page is leaving it: no save, the restore goes out
    expect(t.client.saves).toHaveLength(0);
    expect(t.client.restores.map((r) => r.handle)).toEqual([boot!.handle]);
    t.client.restores.shift()!.resolve();
    await going;
    expect(t.labels()).toEqual(['boot', 'alloc 1']);
    expect(t.timeline.store.current).toBe(boot);
  });

  it('a refused restore changes nothing and says why', async () => {
    const t = setUp();
    t.timeline.status(idle(0));
    await t.releaseSave();
    t.type('alloc 1');
    t.timeline.status(idle(1));
    await t.releaseSave();
    const [boot, one] = t.timeline.store.list();
    const going = t.timeline.goTo(boot!.id);
    await flush();
    t.client.restores.shift()!.reject(new Error('no checkpoint 1'));
    await going;
    expect(t.timeline.store.current).toBe(one);
    expect(t.shown).toEqual([]);
    expect(t.pictures.at(-1)?.position).toBe('could not go back: no checkpoint 1');
  });

  it('a failed save passes its commands to the next checkpoint', async () => {
    const t = setUp();
    t.timeline.status(idle(0));
    await t.releaseSave();
    t.type('alloc 1');
    t.timeline.status(idle(1));
    await flush();
    t.client.saves.shift()!.reject(new Error('out of memory'));
    await flush();
    expect(t.pictures.at(-1)?.position).toBe('no checkpoint: out of memory');
    t.type('alloc 2');
    t.timeline.status(idle(2));
    await t.releaseSave();
    expect(t.labels()).toEqual(['boot', 'alloc 1; alloc 2']);
  });

  it('over the budget the oldest are dropped (with the note); reset frees the rest', async () => {
    const t = setUp();
    t.timeline.budgetBytes = 3000;
    t.timeline.status(idle(0));
    await t.releaseSave(1000);
    for (let i = 1; i <= 3; i++) {
      t.type(`alloc ${i}`);
      t.timeline.status(idle(i));
      await t.releaseSave(1000 * (i + 1));
    }
    // 4000 bytes for 4 checkpoints, budget 3000: a quarter over, one dropped
    expect(t.client.dropped).toEqual([1]);
    expect(t.labels()).toEqual(['alloc 1', 'alloc 2', 'alloc 3']);
    expect(t.pictures.at(-1)?.dropped).toBe(1);
    t.timeline.reset();
    expect(t.client.dropped).toEqual([1, 2, 3, 4]);
    expect(t.labels()).toEqual([]);
    // a new timeline starts with a boot checkpoint
    t.timeline.status(idle(t.keys()));
    await t.releaseSave();
    expect(t.labels()).toEqual(['boot']);
  });
});
