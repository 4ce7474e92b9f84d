// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Promises that resolve when the guest has taken given keys and then waits
 * for input again (or can no longer run). Status reports carry the sequence
 * number of the last keys the worker handed to the guest, so a report sent
 * before our keys arrived cannot resolve a wait for them.
 */
import type { StatusReport } from '../emu/protocol';

const SETTLED = new Set(['idle', 'stopped', 'crashed', 'powered-off', 'failed']);

export class IdleWaiter {
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private last: StatusReport | null = null;

  /** Resolves once the keys with sequence number `seq` were handled and the guest is idle. */
  whenIdleAfter(seq: number): Promise<void> {
    if (this.last !== null && this.last.keysSeq >= seq && SETTLED.has(this.last.state))
      return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  report(status: StatusReport): void {
    this.last = status;
    if (!SETTLED.has(status.state)) return;
    const ready = this.waiters.filter((w) => status.keysSeq >= w.seq);
    this.waiters = this.waiters.filter((w) => status.keysSeq < w.seq);
    for (const w of ready) w.resolve();
  }

  /** The worker was replaced: nothing it was asked will be answered. */
  releaseAll(): void {
    const all = this.waiters;
    this.waiters = [];
    this.last = null;
    for (const w of all) w.resolve();
  }
}
