// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * "Changed by the last command" on a panel that jumps to any command: the
 * panel works out what changed against the picture it received before, so
 * compare mode hands it the picture of the last earlier command that changed
 * this heap first. A command that changed nothing (`info`) keeps showing the
 * change before it, as the single page does.
 */
import type { DecodeResult } from '../heap/model';

/** Whether two pictures are the same state of the same heap (one generation). */
function sameState(a: DecodeResult | null, b: DecodeResult | null): boolean {
  if (a === null || b === null || a.status !== 'ok' || b.status !== 'ok') return false;
  return (
    a.model.kind === b.model.kind &&
    a.model.stateAddress === b.model.stateAddress &&
    a.model.generation === b.model.generation
  );
}

/**
 * The picture to diff the one at `index` against: the nearest earlier one
 * that is not the same state; null when there is none (the first command).
 */
export function pictureBefore(
  pictures: ReadonlyArray<DecodeResult | null>,
  index: number,
): DecodeResult | null {
  const current = pictures[index] ?? null;
  for (let j = index - 1; j >= 0; j--) {
    const earlier = pictures[j] ?? null;
    if (earlier !== null && !sameState(earlier, current)) return earlier;
  }
  return null;
}
