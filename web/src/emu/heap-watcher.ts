// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Decides when to decode the heap: whenever the descriptor's generation has
 * moved since the last picture (and is even), at most every `minIntervalMs`
 * while the guest runs, and always when it stops. Reading the generation
 * costs two loads, so it can be polled after every slice.
 */
import { Descriptor, IMAGE_HEADER_OFFSET, IMAGE_LOAD_ADDRESS, ImageHeader } from '../heap/abi';
import { decodeHeap } from '../heap/decoder';
import type { GuestMemory } from '../heap/guest-memory';
import type { DecodeResult } from '../heap/model';

export interface HeapSample {
  result: DecodeResult;
  decodeMs: number;
}

export class HeapWatcher {
  private lastGeneration = -1;
  private lastStatus: DecodeResult['status'] | null = null;
  private lastDecodeAt = -Infinity;

  constructor(private readonly minIntervalMs = 100) {}

  /** Forget the last picture (after a reset or a new image). */
  forget(): void {
    this.lastGeneration = -1;
    this.lastStatus = null;
    this.lastDecodeAt = -Infinity;
  }

  /**
   * A new sample if the heap may look different, else null.
   * `settled`: the guest is not running, so there is no reason to wait.
   */
  sample(memory: GuestMemory, now: number, settled: boolean): HeapSample | null {
    if (!settled && now - this.lastDecodeAt < this.minIntervalMs) return null;
    const generation = readGeneration(memory);
    if (generation === this.lastGeneration && this.lastStatus === 'ok') return null;
    if (generation !== null && generation % 2 !== 0 && this.lastStatus === 'busy' && !settled)
      return null;
    const started = performance.now();
    const result = decodeHeap(memory);
    const decodeMs = performance.now() - started;
    this.lastDecodeAt = now;
    this.lastStatus = result.status;
    this.lastGeneration = result.status === 'ok' ? result.model.generation : (generation ?? -1);
    return { result, decodeMs };
  }
}

function readGeneration(memory: GuestMemory): number | null {
  const header = IMAGE_LOAD_ADDRESS + IMAGE_HEADER_OFFSET;
  if (!memory.contains(header, ImageHeader.size)) return null;
  const descriptor = memory.u64(header + ImageHeader.descriptor);
  if (!memory.contains(descriptor, Descriptor.size)) return null;
  return memory.u32(descriptor + Descriptor.generation);
}
