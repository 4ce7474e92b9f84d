// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Compare two checkpoints: the current one and the one the user picks on
 * the timeline (Shift+click, or Shift+Enter on a mark). The earlier of the
 * two is A, the later B; the heap panel draws B's picture with what changed
 * since A highlighted, and the delta view says what happened in words.
 * Nothing is restored: the machine stays where it was, and leaving compare
 * (the button, Esc, or anything that moves or changes the machine) draws
 * the normal view again.
 */
import { heapDelta } from '../heap/heap-delta';
import type { DecodeResult } from '../heap/model';
import { DeltaView } from './delta-view';

/** What the comparison needs of a checkpoint (the timeline store's entries have it). */
export interface ComparableCheckpoint {
  id: number;
  /** 0 for boot, then one per command checkpoint */
  index: number;
  label: string;
  heap: DecodeResult | null;
}

export interface CompareHost {
  checkpoint(id: number): ComparableCheckpoint | undefined;
  current(): ComparableCheckpoint | null;
  /** the panel draws `after` (checkpoint `afterId`'s) with the blocks changed since `before` highlighted */
  showPicture(after: DecodeResult, before: DecodeResult, afterId: number): void;
  /** the panel draws the normal view again */
  showNormal(): void;
  /** which marks are A and B (null: none), for the timeline bar */
  markPair(pair: { a: number; b: number } | null): void;
  /** whether a command between A and B rebooted the machine (the pictures alone may not tell) */
  rebootedBetween(aId: number, bId: number): boolean;
}

export class CheckpointCompare {
  readonly view: DeltaView;
  private pair: { a: ComparableCheckpoint; b: ComparableCheckpoint } | null = null;

  constructor(private readonly host: CompareHost) {
    this.view = new DeltaView(() => this.leave());
  }

  get active(): boolean {
    return this.pair !== null;
  }

  /** the summary line shown (tests) */
  get summary(): string {
    return this.active ? this.view.summaryText : '';
  }

  /** Compares the current checkpoint with checkpoint `id` (the earlier is A). */
  compareWith(id: number): void {
    const current = this.host.current();
    const other = this.host.checkpoint(id);
    if (current === null || other === undefined) return;
    const [a, b] = other.index < current.index ? [other, current] : [current, other];
    this.show(a, b);
  }

  private show(a: ComparableCheckpoint, b: ComparableCheckpoint): void {
    this.pair = { a, b };
    const missing = { status: 'invalid', findings: [] } as const;
    const noPicture = (c: ComparableCheckpoint): DecodeResult => ({
      ...missing,
      findings: [{ severity: 'error', message: `no heap picture was taken at ${c.label}` }],
    });
    const before = a.heap ?? noPicture(a);
    const after = b.heap ?? noPicture(b);
    const delta = heapDelta(before, after, {
      rebootedBetween: this.host.rebootedBetween(a.id, b.id),
    });
    this.view.show(
      delta,
      { command: a.label, index: a.index },
      { command: b.label, index: b.index },
    );
    // an incomparable pair draws nothing wrong: the panel keeps the normal view
    if (delta.status === 'ok') this.host.showPicture(after, before, b.id);
    else this.host.showNormal();
    this.host.markPair({ a: a.id, b: b.id });
  }

  /** Back to the normal view (nothing happens when not comparing). */
  leave(): void {
    if (this.pair === null) return;
    this.pair = null;
    this.view.hide();
    this.host.markPair(null);
    this.host.showNormal();
  }

  /** The machine moved or changed: a comparison drawn over it would be stale. */
  machineChanged(): void {
    if (this.pair === null) return;
    this.pair = null;
    this.view.hide();
    this.host.markPair(null);
  }
}
