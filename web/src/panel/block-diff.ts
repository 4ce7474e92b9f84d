// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What happened to each block since the previous picture, for highlighting:
 * a block that is new where one bigger block was ('split'), that covers
 * several earlier blocks ('merged'), or whose status or request changed.
 * Both lists are in address order, so one sweep finds every overlap: O(n).
 */
import type { HeapBlock } from '../heap/model';

export type BlockChange = 'same' | 'changed' | 'split' | 'merged';

export function diffBlocks(
  previous: readonly HeapBlock[] | null,
  current: readonly HeapBlock[],
): BlockChange[] {
  const changes = new Array<BlockChange>(current.length).fill('same');
  if (previous === null || previous.length === 0) return changes;
  let p = 0;
  for (let i = 0; i < current.length; i++) {
    const c = current[i]!;
    const end = c.start + c.span;
    while (p < previous.length && previous[p]!.start + previous[p]!.span <= c.start) p++;
    // previous blocks overlapping [c.start, end)
    let q = p;
    let overlaps = 0;
    while (q < previous.length && previous[q]!.start < end) {
      overlaps++;
      q++;
    }
    const first = previous[p];
    if (overlaps === 0 || first === undefined) {
      changes[i] = 'changed';
    } else if (overlaps > 1) {
      changes[i] = 'merged';
    } else if (first.start === c.start && first.span === c.span) {
      const same =
        first.status === c.status && first.requested === c.requested && first.payload === c.payload;
      changes[i] = same ? 'same' : 'changed';
    } else if (first.start <= c.start && first.start + first.span >= end) {
      changes[i] = 'split';
    } else {
      changes[i] = 'changed';
    }
  }
  return changes;
}
