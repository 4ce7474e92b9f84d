// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Lays blocks along one long strip that wraps into rows. Every block gets a
 * readable minimum width plus a share that grows with the square root of its
 * span, so a 32-byte block next to a 1 MiB one is still visible and
 * clickable, and a 1000-byte block still looks bigger than a 200-byte one.
 * With few blocks the minimum is generous (up to `maxMinWidth`); with
 * thousands it shrinks to `minWidth`. Positions are offsets along the strip;
 * a block may continue on the next row.
 */
export interface StripLayout {
  /** start offset of each block along the strip; offsets[n] is the total length */
  offsets: Float64Array;
  rowWidth: number;
  rows: number;
}

export function layoutStrip(
  spans: ArrayLike<number>,
  rowWidth: number,
  minWidth: number,
  targetRows = 2,
  maxMinWidth = 56,
): StripLayout {
  const n = spans.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.sqrt(spans[i]!);
  const room = rowWidth * targetRows;
  const each = Math.max(minWidth, Math.min(maxMinWidth, (room * 0.5) / Math.max(n, 1)));
  const fixed = n * each;
  // at least as much room by size as by count, and a couple of rows for small heaps
  const proportional = Math.max(fixed, room - fixed);
  const offsets = new Float64Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = at;
    at += each + (total > 0 ? (proportional * Math.sqrt(spans[i]!)) / total : 0);
  }
  offsets[n] = at;
  return { offsets, rowWidth, rows: Math.max(1, Math.ceil(at / rowWidth - 1e-9)) };
}

/** Index of the block at strip offset `at`, or -1 past the end. */
export function blockAtOffset(layout: StripLayout, at: number): number {
  const { offsets } = layout;
  const n = offsets.length - 1;
  if (at < 0 || at >= offsets[n]!) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (offsets[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The pieces of [from, to) on each row: [row, x, width]. */
export function rowSegments(
  layout: StripLayout,
  from: number,
  to: number,
): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  let at = from;
  while (at < to - 1e-9) {
    const row = Math.floor(at / layout.rowWidth);
    const rowEnd = (row + 1) * layout.rowWidth;
    const end = Math.min(to, rowEnd);
    out.push([row, at - row * layout.rowWidth, end - at]);
    at = end;
  }
  return out;
}
