// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Checkpoints of all compare machines at once: after every command each
 * machine saves one (in its own worker, web/src/emu/worker-checkpoints.ts),
 * and going back restores every machine to the checkpoints of one command.
 * A command's checkpoints are a list of handles, one per machine, in the
 * machines' order.
 */
import type { CompareMachine } from './compare-machine';

/**
 * What one machine's checkpoints may hold before the oldest are dropped
 * (each worker has its own: a long session must not exhaust the tab with
 * five machines; a session of a few hundred commands fits easily).
 */
export const CHECKPOINT_BUDGET_BYTES = 32 * 1024 * 1024;

export class CompareCheckpoints {
  /** the most any machine's checkpoints hold together, as of the last save */
  memoryBytes = 0;
  /** what one machine's checkpoints may hold (tests lower it) */
  budgetBytes = CHECKPOINT_BUDGET_BYTES;

  constructor(private readonly machines: readonly CompareMachine[]) {}

  /** One checkpoint per machine as they are now (idle after a command); null if any failed. */
  async saveAll(): Promise<number[] | null> {
    const saved = await Promise.allSettled(this.machines.map((m) => m.client.saveCheckpoint()));
    const handles = saved.map((s) => (s.status === 'fulfilled' ? s.value.handle : null));
    if (handles.some((h) => h === null)) {
      this.dropAll(handles);
      return null;
    }
    this.memoryBytes = Math.max(
      ...saved.map((s) => (s.status === 'fulfilled' ? s.value.memoryBytes : 0)),
    );
    return handles as number[];
  }

  /** Every machine back to its checkpoint; null, or what went wrong on which machine. */
  async restoreAll(handles: readonly number[]): Promise<string | null> {
    const restored = await Promise.allSettled(this.machines.map((m, i) => m.restore(handles[i]!)));
    const problems = restored.flatMap((r, i) =>
      r.status === 'rejected'
        ? [
            `${this.machines[i]!.allocator}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`,
          ]
        : [],
    );
    return problems.length === 0 ? null : problems.join('; ');
  }

  /** Frees a command's checkpoints in every worker. */
  dropAll(handles: ReadonlyArray<number | null>): void {
    this.machines.forEach((m, i) => {
      const handle = handles[i];
      if (handle !== null && handle !== undefined) m.client.dropCheckpoints([handle]);
    });
  }

  overBudget(): boolean {
    return this.memoryBytes > this.budgetBytes;
  }
}
