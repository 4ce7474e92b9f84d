// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The worker's checkpoints: emu-glue Checkpoint objects kept under numeric
 * handles (the page never holds the objects themselves), and the replies to
 * the page's checkpoint messages. Every failure becomes an error text in the
 * reply; nothing here throws to the worker.
 */
import { Descriptor } from '../heap/abi';
import { decodeHeap } from '../heap/decoder';
import { locateDescriptor } from '../heap/descriptor-locator';
import { GuestMemory } from '../heap/guest-memory';
import type { DecodeResult } from '../heap/model';
import type { CheckpointReply, CheckpointToWorker } from './protocol';

/** The parts of emu-glue's Checkpoint used here. */
export interface CheckpointLike {
  read(address: number, length: number): Uint8Array | null;
  toBytes(): Uint8Array;
  free(): void;
}

/** The parts of emu-glue's Machine used here. */
export interface CheckpointMachine {
  saveCheckpoint(): CheckpointLike;
  restoreCheckpoint(checkpoint: CheckpointLike): void;
  checkpointFromBytes(bytes: Uint8Array): CheckpointLike;
  checkpointMemory(): number;
}

/** What the worker does around a restore (stop the loop before, report and run after). */
export interface RestoreHooks {
  beforeRestore(): void;
  afterRestore(): void;
}

/**
 * The guest memory the heap decoder reads from a checkpoint: RAM from its
 * base past the kernel's heap (image, kernel data, arena, heap), further if
 * the descriptor says the heap region ends later. Reading all 128 MiB for
 * every decode would cost far more than the pages a heap lives in.
 */
export const CHECKPOINT_WINDOW_END = 0x40500000;

const text = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class WorkerCheckpoints {
  private readonly checkpoints = new Map<number, CheckpointLike>();
  private nextHandle = 1;

  constructor(
    private readonly ramBase: number,
    private readonly ramSize: number,
  ) {}

  get size(): number {
    return this.checkpoints.size;
  }

  /** The reply to a checkpoint message, or null (drop has none). */
  handle(
    message: CheckpointToWorker,
    machine: CheckpointMachine | null,
    hooks: RestoreHooks,
  ): CheckpointReply | null {
    if (message.type === 'checkpoint-drop') {
      this.drop(message.handles);
      return null;
    }
    if (machine === null) return this.failure(message, 'the emulator has not started');
    switch (message.type) {
      case 'checkpoint-save':
        try {
          const handle = this.keep(machine.saveCheckpoint());
          return {
            type: 'checkpoint-saved',
            id: message.id,
            handle,
            memoryBytes: machine.checkpointMemory(),
          };
        } catch (error) {
          return this.failure(message, text(error));
        }
      case 'checkpoint-restore': {
        const checkpoint = this.checkpoints.get(message.handle);
        if (checkpoint === undefined)
          return this.failure(message, `no checkpoint ${message.handle}`);
        hooks.beforeRestore();
        try {
          machine.restoreCheckpoint(checkpoint);
        } catch (error) {
          return this.failure(message, text(error));
        } finally {
          hooks.afterRestore();
        }
        return { type: 'checkpoint-restored', id: message.id, ok: true };
      }
      case 'checkpoint-export': {
        const checkpoint = this.checkpoints.get(message.handle);
        if (checkpoint === undefined)
          return this.failure(message, `no checkpoint ${message.handle}`);
        try {
          return { type: 'checkpoint-exported', id: message.id, bytes: checkpoint.toBytes() };
        } catch (error) {
          return this.failure(message, text(error));
        }
      }
      case 'checkpoint-import':
        try {
          const handle = this.keep(machine.checkpointFromBytes(message.bytes));
          return { type: 'checkpoint-imported', id: message.id, handle };
        } catch (error) {
          return this.failure(message, text(error));
        }
      case 'checkpoint-decode': {
        const checkpoint = this.checkpoints.get(message.handle);
        if (checkpoint === undefined)
          return this.failure(message, `no checkpoint ${message.handle}`);
        try {
          return { type: 'checkpoint-decoded', id: message.id, heap: this.decode(checkpoint) };
        } catch (error) {
          return this.failure(message, text(error));
        }
      }
    }
  }

  /** Frees them all (the worker is about to go, or a test wants a clean slate). */
  clear(): void {
    this.drop([...this.checkpoints.keys()]);
  }

  private keep(checkpoint: CheckpointLike): number {
    const handle = this.nextHandle++;
    this.checkpoints.set(handle, checkpoint);
    return handle;
  }

  private drop(handles: number[]): void {
    for (const handle of handles) {
      this.checkpoints.get(handle)?.free();
      this.checkpoints.delete(handle);
    }
  }

  /** The heap as the decoder sees it in the checkpoint's RAM (see CHECKPOINT_WINDOW_END). */
  private decode(checkpoint: CheckpointLike): DecodeResult {
    const ramEnd = this.ramBase + this.ramSize;
    const usualEnd = Math.min(CHECKPOINT_WINDOW_END, ramEnd);
    const bytes = checkpoint.read(this.ramBase, usualEnd - this.ramBase);
    if (bytes === null) throw new Error('the checkpoint has no guest RAM');
    const memory = new GuestMemory(bytes, this.ramBase);
    const regionEnd = heapRegionEnd(memory);
    if (regionEnd === null || regionEnd <= usualEnd || regionEnd > ramEnd)
      return decodeHeap(memory); // the decoder says what is wrong with a region outside RAM
    // a heap beyond the usual window: read up to its end
    const wider = checkpoint.read(this.ramBase, regionEnd - this.ramBase);
    return decodeHeap(wider === null ? memory : new GuestMemory(wider, this.ramBase));
  }

  private failure(
    message: Exclude<CheckpointToWorker, { type: 'checkpoint-drop' }>,
    error: string,
  ) {
    const id = message.id;
    switch (message.type) {
      case 'checkpoint-save':
        return { type: 'checkpoint-saved', id, handle: -1, memoryBytes: 0, error } as const;
      case 'checkpoint-restore':
        return { type: 'checkpoint-restored', id, ok: false, error } as const;
      case 'checkpoint-export':
        return { type: 'checkpoint-exported', id, bytes: null, error } as const;
      case 'checkpoint-import':
        return { type: 'checkpoint-imported', id, handle: null, error } as const;
      case 'checkpoint-decode':
        return { type: 'checkpoint-decoded', id, heap: null, error } as const;
    }
  }
}

/** Where the descriptor says the heap region ends, or null if there is no readable descriptor. */
function heapRegionEnd(memory: GuestMemory): number | null {
  const location = locateDescriptor(memory);
  if (!location.ok) return null;
  const end = memory.u64(location.address + Descriptor.regionEnd);
  return Number.isSafeInteger(end) ? end : null;
}
