// SPDX-License-Identifier: GPL-2.0-or-later
/** Words for a heap delta: the one-line summary and one line per event (also the screen reader's text). */
import { hexAddress, humanBytes } from '../util/format';
import type { DeltaCounts, DeltaEvent, HeapDelta, TotalsDelta } from './heap-delta';

const COUNT_ORDER: (keyof DeltaCounts)[] = [
  'allocated',
  'freed',
  'resized',
  'moved',
  'split',
  'merged',
];

/** "+96 B", "−1.5 KiB", "±0 B" */
export function signedBytes(delta: number): string {
  if (delta === 0) return '±0 B';
  return `${delta > 0 ? '+' : '−'}${humanBytes(Math.abs(delta))}`;
}

/** fragmentation in percentage points: "+12.5 pt" */
function signedPoints(delta: number): string {
  const points = Math.round(delta * 1000) / 10;
  if (points === 0) return '±0 pt';
  return `${points > 0 ? '+' : '−'}${Math.abs(points)} pt`;
}

/** "2 allocated, 1 freed, 1 merged" (or "no block changed") */
export function countsText(counts: DeltaCounts): string {
  const parts = COUNT_ORDER.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return parts.length === 0 ? 'no block changed' : parts.join(', ');
}

/** The totals that moved, most telling first: "used −96 B, free +96 B, largest free +96 B". */
export function totalsText(totals: TotalsDelta): string {
  const parts: string[] = [];
  if (totals.usedBytes !== 0) parts.push(`used ${signedBytes(totals.usedBytes)}`);
  if (totals.freeBytes !== 0) parts.push(`free ${signedBytes(totals.freeBytes)}`);
  if (totals.overheadBytes !== 0) parts.push(`overhead ${signedBytes(totals.overheadBytes)}`);
  if (totals.largestFree !== 0) parts.push(`largest free ${signedBytes(totals.largestFree)}`);
  if (Math.round(totals.fragmentation * 1000) !== 0)
    parts.push(`fragmentation ${signedPoints(totals.fragmentation)}`);
  return parts.length === 0 ? 'totals unchanged' : parts.join(', ');
}

export interface CheckpointLabel {
  /** the command that made the checkpoint ("boot" for the first) */
  command: string;
  /** its position on the timeline */
  index: number;
}

function label(l: CheckpointLabel): string {
  return `\`${l.command}\` (${l.index})`;
}

/** "between `alloc 100` (3) and `free $3` (5): 2 allocated, 1 freed, 1 merged, used −96 B" */
export function deltaSummary(delta: HeapDelta, a: CheckpointLabel, b: CheckpointLabel): string {
  const between = `between ${label(a)} and ${label(b)}`;
  if (delta.status !== 'ok') return `${between}: ${delta.message}`;
  return `${between}: ${countsText(delta.counts)}, ${totalsText(delta.totals)}`;
}

/** usable bytes exactly, as the shell prints them (block spans, often large, read better rounded) */
function blockSize(usable: number): string {
  return `${usable} B`;
}

/** One line for one event, addresses as the shell prints them. */
export function eventText(event: DeltaEvent): string {
  switch (event.kind) {
    case 'allocated':
      return `allocated ${hexAddress(event.block.payload)} (${blockSize(event.block.usable)})`;
    case 'freed':
      return `freed ${hexAddress(event.block.payload)} (${blockSize(event.block.usable)})`;
    case 'resized':
      return `resized ${hexAddress(event.after.payload)} in place: ${blockSize(event.before.usable)} → ${blockSize(event.after.usable)}`;
    case 'moved':
      return `moved ${hexAddress(event.before.payload)} → ${hexAddress(event.after.payload)} (${blockSize(event.before.usable)} → ${blockSize(event.after.usable)})`;
    case 'split':
      return `split ${event.before.status} block at ${hexAddress(event.before.start)} (${humanBytes(event.before.span)}) into ${event.into}`;
    case 'merged':
      return `merged ${event.from} blocks into a ${event.after.status} block at ${hexAddress(event.after.start)} (${humanBytes(event.after.span)})`;
  }
}
