// SPDX-License-Identifier: GPL-2.0-or-later
import type { AllocatorExtras } from '../model';

/** What a per-allocator decoder adds to the blocks it put into the context. */
export interface KindDecoding {
  extras: AllocatorExtras | null;
  /** stats().largest_free as that allocator defines it */
  largestFree: number;
  /** the state's region_size field (bytes handed to init) */
  regionSize: number;
  /** the bytes the blocks should tile, when the state says so */
  area?: { start: number; end: number };
}
