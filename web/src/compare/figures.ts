// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The figures compare mode shows for every machine after every command: the
 * heap totals (decoded from guest memory, as `info` prints them), external
 * fragmentation, failed requests so far, and the guest instructions the
 * command took.
 */
import type { DecodeResult } from '../heap/model';

export interface Figures {
  usedBytes: number;
  freeBytes: number;
  overheadBytes: number;
  largestFree: number;
  /** 1 - largest free / free bytes, in [0, 1]; 0 when nothing is free */
  fragmentation: number;
  /** alloc, calloc and realloc commands so far that ran out of memory */
  failedRequests: number;
  /** guest instructions from the command's first key to the next prompt */
  instructions: number;
}

/** The same definition the decoder uses for HeapTotals.fragmentation. */
export function fragmentation(freeBytes: number, largestFree: number): number {
  return freeBytes > 0 ? 1 - largestFree / freeBytes : 0;
}

/** A command's reply says an allocation request failed for lack of memory. */
export function failedRequest(reply: string): boolean {
  return /^error: (alloc|calloc|realloc): out of memory/m.test(reply);
}

/** Figures from a decoded heap; null when the heap could not be decoded (corrupted, busy). */
export function figuresOf(
  heap: DecodeResult | null,
  failedRequests: number,
  instructions: number,
): Figures | null {
  if (heap === null || heap.status !== 'ok') return null;
  const t = heap.model.totals;
  return {
    usedBytes: t.usedBytes,
    freeBytes: t.freeBytes,
    overheadBytes: t.overheadBytes,
    largestFree: t.largestFree,
    fragmentation: t.fragmentation,
    failedRequests,
    instructions,
  };
}

/** The totals line of the kernel's `info` ("used: … free: … largest …; overhead …"), or null. */
export function infoTotals(
  text: string,
): Pick<Figures, 'usedBytes' | 'freeBytes' | 'largestFree' | 'overheadBytes'> | null {
  const m =
    /used: \d+ blocks?, (\d+) bytes \(\d+ requested\); free: \d+ blocks?, (\d+) bytes, largest (\d+); overhead (-?\d+) bytes/.exec(
      text,
    );
  if (m === null) return null;
  return {
    usedBytes: Number(m[1]),
    freeBytes: Number(m[2]),
    largestFree: Number(m[3]),
    overheadBytes: Number(m[4]),
  };
}
