// SPDX-License-Identifier: GPL-2.0-or-later
// The checkpoint messages without a browser: the worker's handle table and
// replies against a fake machine whose RAM is a kernel snapshot, and the
// client's promises against a fake worker that answers them.
import { describe, expect, it } from 'vitest';
import { EmulatorClient } from '../../src/emu/emulator-client';
import type { CheckpointToWorker, PageToWorker, WorkerToPage } from '../../src/emu/protocol';
import {
  type CheckpointLike,
  type CheckpointMachine,
  WorkerCheckpoints,
} from '../../src/emu/worker-checkpoints';
import { Descriptor } from '../../src/heap/abi';
import { decodeHeap } from '../../src/heap/decoder';
import { GuestMemory } from '../../src/heap/guest-memory';
import { descriptorAddress, writeU64 } from '../support/scribble';
import { loadFixtureMemory } from '../support/snapshot';

const RAM_BASE = 0x40000000;
const RAM_SIZE = 128 * 1024 * 1024;

/** A machine whose whole state is its RAM's first pages (a fixture's memory put in place). */
class FakeMachine implements CheckpointMachine {
  // only the low 6 MiB: enough for the fixtures' 0x40080000-0x40500000
  ram = new Uint8Array(6 * 1024 * 1024);
  live = 0;
  restores = 0;

  load(memory: GuestMemory): void {
    this.ram.fill(0);
    this.ram.set(memory.bytes, memory.base - RAM_BASE);
  }

  saveCheckpoint(): CheckpointLike {
    const saved = this.ram.slice();
    this.live++;
    let freed = false;
    return {
      read: (address, length) => {
        const at = address - RAM_BASE;
        if (at < 0 || at + length > RAM_SIZE) return null;
        const out = new Uint8Array(length); // beyond the fake's pages: zeros, as untouched RAM
        out.set(saved.subarray(at, Math.min(at + length, saved.length)));
        return out;
      },
      toBytes: () => saved.slice(),
      free: () => {
        if (freed) throw new Error('freed twice');
        freed = true;
        this.live--;
      },
      restoreInto: (ram: Uint8Array) => ram.set(saved),
    } as CheckpointLike & { restoreInto(ram: Uint8Array): void };
  }

  restoreCheckpoint(checkpoint: CheckpointLike): void {
    this.restores++;
    (checkpoint as CheckpointLike & { restoreInto(ram: Uint8Array): void }).restoreInto(this.ram);
  }

  checkpointFromBytes(bytes: Uint8Array): CheckpointLike {
    if (bytes.length !== this.ram.length) throw new Error('not a checkpoint of this build');
    const saved = this.ram.slice();
    this.ram.set(bytes);
    const checkpoint = this.saveCheckpoint();
    this.ram.set(saved);
    return checkpoint;
  }

  checkpointMemory(): number {
    return this.live * this.ram.length;
  }
}

const noHooks = { beforeRestore: () => {}, afterRestore: () => {} };

function setUp() {
  const machine = new FakeMachine();
  const store = new WorkerCheckpoints(RAM_BASE, RAM_SIZE);
  const send = (message: CheckpointToWorker, hooks = noHooks) =>
    store.handle(message, machine, hooks);
  return { machine, store, send };
}

describe('worker checkpoints', () => {
  it('saves, decodes without restoring, restores, and drops', () => {
    const { machine, store, send } = setUp();
    const basic = loadFixtureMemory('first-fit-basic');
    const fragmented = loadFixtureMemory('first-fit-fragmented');
    machine.load(basic);
    const first = send({ type: 'checkpoint-save', id: 1 });
    expect(first).toEqual({ type: 'checkpoint-saved', id: 1, handle: 1, memoryBytes: 6 << 20 });
    machine.load(fragmented);
    const second = send({ type: 'checkpoint-save', id: 2 });
    expect(second).toMatchObject({ id: 2, handle: 2, memoryBytes: 12 << 20 });

    // decode sees the checkpoint's heap, not the machine's, and leaves the machine alone
    const decoded = send({ type: 'checkpoint-decode', id: 3, handle: 1 });
    expect(decoded).toEqual({ type: 'checkpoint-decoded', id: 3, heap: decodeHeap(basic) });
    expect(machine.restores).toBe(0);
    expect(decodeHeap(new GuestMemory(machine.ram, RAM_BASE))).toEqual(decodeHeap(fragmented));

    const order: string[] = [];
    const hooks = {
      beforeRestore: () => order.push('before'),
      afterRestore: () => order.push('after'),
    };
    expect(send({ type: 'checkpoint-restore', id: 4, handle: 1 }, hooks)).toEqual({
      type: 'checkpoint-restored',
      id: 4,
      ok: true,
    });
    expect(order).toEqual(['before', 'after']);
    expect(decodeHeap(new GuestMemory(machine.ram, RAM_BASE))).toEqual(decodeHeap(basic));

    expect(send({ type: 'checkpoint-drop', handles: [1, 99] })).toBeNull();
    expect(store.size).toBe(1);
    expect(machine.live).toBe(1);
    expect(send({ type: 'checkpoint-restore', id: 5, handle: 1 }, hooks)).toEqual({
      type: 'checkpoint-restored',
      id: 5,
      ok: false,
      error: 'no checkpoint 1',
    });
    expect(order).toEqual(['before', 'after']); // an unknown handle does not touch the machine
    store.clear();
    expect(machine.live).toBe(0);
  });

  it('exports and imports; bad bytes get one clear error and change nothing', () => {
    const { machine, store, send } = setUp();
    const stress = loadFixtureMemory('tlsf-stress');
    machine.load(stress);
    send({ type: 'checkpoint-save', id: 1 });
    const exported = send({ type: 'checkpoint-export', id: 2, handle: 1 });
    if (exported?.type !== 'checkpoint-exported' || exported.bytes === null)
      throw new Error('no bytes');
    machine.load(loadFixtureMemory('first-fit-fresh'));
    const imported = send({ type: 'checkpoint-import', id: 3, bytes: exported.bytes });
    expect(imported).toEqual({ type: 'checkpoint-imported', id: 3, handle: 2 });
    expect(send({ type: 'checkpoint-decode', id: 4, handle: 2 })).toMatchObject({
      heap: decodeHeap(stress),
    });
    const bad = send({ type: 'checkpoint-import', id: 5, bytes: new Uint8Array(3) });
    expect(bad).toEqual({
      type: 'checkpoint-imported',
      id: 5,
      handle: null,
      error: 'not a checkpoint of this build',
    });
    expect(store.size).toBe(2);
    expect(send({ type: 'checkpoint-export', id: 6, handle: 7 })).toMatchObject({
      bytes: null,
      error: 'no checkpoint 7',
    });
  });

  it('answers every request before the machine exists with an error', () => {
    const store = new WorkerCheckpoints(RAM_BASE, RAM_SIZE);
    expect(store.handle({ type: 'checkpoint-save', id: 1 }, null, noHooks)).toEqual({
      type: 'checkpoint-saved',
      id: 1,
      handle: -1,
      memoryBytes: 0,
      error: 'the emulator has not started',
    });
    expect(store.handle({ type: 'checkpoint-decode', id: 2, handle: 1 }, null, noHooks)).toEqual({
      type: 'checkpoint-decoded',
      id: 2,
      heap: null,
      error: 'the emulator has not started',
    });
  });

  it('decodes a heap whose region ends past the usual window from a wider one', () => {
    const { machine, send } = setUp();
    const memory = loadFixtureMemory('bump-dead');
    // the descriptor now claims 1 MiB more heap (zeros), past CHECKPOINT_WINDOW_END
    writeU64(memory, descriptorAddress(memory) + Descriptor.regionEnd, 0x40600000);
    machine.load(memory);
    send({ type: 'checkpoint-save', id: 1 });
    const wide = new Uint8Array(0x40600000 - RAM_BASE);
    wide.set(memory.bytes, memory.base - RAM_BASE);
    const expected = decodeHeap(new GuestMemory(wide, RAM_BASE));
    expect(expected.status).not.toBe('invalid'); // the region is inside this window
    expect(send({ type: 'checkpoint-decode', id: 2, handle: 1 })).toEqual({
      type: 'checkpoint-decoded',
      id: 2,
      heap: expected,
    });
  });
});

/** A worker that answers checkpoint requests as the real one would (after `ready`). */
class FakeWorker {
  onmessage: ((event: MessageEvent<WorkerToPage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  posted: PageToWorker[] = [];
  terminated = false;
  constructor(private readonly answer: (message: PageToWorker) => WorkerToPage | null) {}
  postMessage(message: PageToWorker): void {
    this.posted.push(message);
    const reply =
      message.type === 'boot'
        ? ({ type: 'ready', bootMs: 0, fetchMs: 0, createMs: 0, loadMs: 0 } as const)
        : message.type === 'ping'
          ? ({ type: 'pong', id: message.id } as const)
          : this.answer(message);
    if (reply !== null) queueMicrotask(() => this.onmessage?.({ data: reply } as MessageEvent));
  }
  terminate(): void {
    this.terminated = true;
  }
}

function clientWith(answer: (message: PageToWorker) => WorkerToPage | null) {
  const workers: FakeWorker[] = [];
  const ignore = () => {};
  const client = new EmulatorClient(
    { moduleUrl: 'm', wasmUrl: 'w', imageUrl: 'i' },
    {
      progress: ignore,
      ready: ignore,
      output: ignore,
      status: ignore,
      heap: ignore,
      cpu: ignore,
      crashed: ignore,
      fatal: ignore,
      restarted: ignore,
    },
    () => {
      const worker = new FakeWorker(answer);
      workers.push(worker);
      return worker as unknown as Worker;
    },
    { testHooks: false, responseTimeoutMs: 60_000, heartbeatMs: 60_000 },
  );
  client.start();
  return { client, workers };
}

describe('emulator client checkpoints', () => {
  it('turns replies into resolved values and error texts into rejections', async () => {
    const machine = new FakeMachine();
    machine.load(loadFixtureMemory('buddy-splits'));
    const store = new WorkerCheckpoints(RAM_BASE, RAM_SIZE);
    const { client, workers } = clientWith((message) =>
      message.type.startsWith('checkpoint-')
        ? store.handle(message as CheckpointToWorker, machine, noHooks)
        : null,
    );
    const saved = await client.saveCheckpoint();
    expect(saved).toEqual({ handle: 1, memoryBytes: 6 << 20 });
    const heap = await client.decodeCheckpoint(saved.handle);
    expect(heap.status).toBe('ok');
    await expect(client.restoreCheckpoint(saved.handle)).resolves.toBeUndefined();
    const bytes = await client.exportCheckpoint(saved.handle);
    expect(await client.importCheckpoint(bytes)).toBe(2);
    client.dropCheckpoints([1, 2]);
    client.dropCheckpoints([]); // nothing to say: no message
    expect(workers[0]!.posted.filter((m) => m.type === 'checkpoint-drop')).toEqual([
      { type: 'checkpoint-drop', handles: [1, 2] },
    ]);
    await expect(client.restoreCheckpoint(1)).rejects.toThrow('no checkpoint 1');
    await expect(client.decodeCheckpoint(2)).rejects.toThrow('no checkpoint 2');
    await expect(client.importCheckpoint(new Uint8Array(1))).rejects.toThrow(
      'not a checkpoint of this build',
    );
    client.dispose();
  });

  it('rejects what is still waiting when the worker is replaced', async () => {
    const { client, workers } = clientWith(() => null); // a worker that never answers
    const pending = client.saveCheckpoint();
    client.restart('test');
    await expect(pending).rejects.toThrow('the emulator was restarted');
    expect(workers[0]!.terminated).toBe(true);
    client.dispose();
    await expect(client.saveCheckpoint()).rejects.toThrow('the emulator is not running');
  });
});
