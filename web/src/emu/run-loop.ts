// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Runs the guest in bounded slices and gives the worker's event loop a turn
 * between them, so keys, Stop and Reset are handled within one slice. Slices
 * are sized from the measured speed to last about `sliceMs`; the loop sleeps
 * while the guest waits for input and wakes when keys arrive.
 */
import type { RunResult } from '@emu-glue/machine';

export interface RunTarget {
  run(budget: number): RunResult;
  readonly inputPending: number;
  instructions(): number;
}

export type LoopEvent = 'slice' | 'idle' | 'powered-off' | 'crashed' | 'no-image';

const MIN_BUDGET = 100_000;
const MAX_BUDGET = 5_000_000;

export class RunLoop {
  private scheduled = false;
  private running = false;
  private budget = 1_000_000;
  /** instructions per millisecond, smoothed */
  private speed = 0;
  private readonly channel = new MessageChannel();

  constructor(
    private readonly target: RunTarget,
    /** called after every turn with why the guest stopped (or 'slice' if it is still going) */
    private readonly afterTurn: (event: LoopEvent) => void,
    private readonly sliceMs = 12,
  ) {
    // a MessageChannel message is a macrotask without setTimeout's clamping
    this.channel.port1.onmessage = () => {
      this.scheduled = false;
      this.turn();
    };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Guest instructions per second, as measured by the last turns. */
  get mips(): number {
    return this.speed / 1000;
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  /** Run a turn right now (a key arrived: echo it without waiting a macrotask). */
  kick(): void {
    this.running = true;
    if (!this.scheduled) this.turn();
  }

  stop(): void {
    this.running = false;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.channel.port2.postMessage(0);
  }

  private turn(): void {
    if (!this.running) return;
    const started = performance.now();
    const before = this.target.instructions();
    let result: RunResult;
    do {
      result = this.target.run(this.budget);
    } while (result === 'slice' && performance.now() - started < this.sliceMs);
    this.measure(this.target.instructions() - before, performance.now() - started, result);

    if (result === 'idle' && this.target.inputPending > 0) result = 'slice'; // more keys queued
    if (result === 'slice') this.schedule();
    else this.running = false;
    this.afterTurn(result);
  }

  private measure(executed: number, elapsedMs: number, result: RunResult): void {
    if (result !== 'slice' || elapsedMs < 1) return; // idle turns say nothing about speed
    const sample = executed / elapsedMs;
    this.speed = this.speed === 0 ? sample : this.speed * 0.7 + sample * 0.3;
    // aim for a few slices per turn, so a turn overshoots sliceMs by little
    this.budget = Math.round(
      Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, (this.speed * this.sliceMs) / 3)),
    );
  }
}
