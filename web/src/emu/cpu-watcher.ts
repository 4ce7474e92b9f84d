// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Decides when to send the CPU panel a new picture: the event log, the
 * running program and the exception level change without the heap's
 * generation moving, so they are watched on their own. Decoding them is
 * cheap (a descriptor and at most 64 events), so it runs after every turn,
 * at most every `minIntervalMs` while the guest runs and always when it has
 * stopped; a picture is posted only when it differs from the last one.
 */
import { decodeCpu } from '../cpu/cpu-decoder';
import type { CpuModel } from '../cpu/model';
import type { GuestMemory } from '../heap/guest-memory';

export interface CpuSample {
  model: CpuModel;
  decodeMs: number;
}

export class CpuWatcher {
  private lastFingerprint: string | null = null;
  private lastDecodeAt = -Infinity;

  constructor(private readonly minIntervalMs = 100) {}

  /** Forget the last picture (after a reset or a new image). */
  forget(): void {
    this.lastFingerprint = null;
    this.lastDecodeAt = -Infinity;
  }

  /**
   * A new picture if anything the panel shows changed, else null.
   * `readPstate` is only called when a decode is due (it crosses into the emulator).
   */
  sample(
    memory: GuestMemory,
    readPstate: () => number | null,
    now: number,
    settled: boolean,
  ): CpuSample | null {
    if (!settled && now - this.lastDecodeAt < this.minIntervalMs) return null;
    const started = performance.now();
    const model = decodeCpu(memory, readPstate());
    const decodeMs = performance.now() - started;
    this.lastDecodeAt = now;
    const fingerprint = fingerprintOf(model);
    if (fingerprint === this.lastFingerprint) return null;
    this.lastFingerprint = fingerprint;
    return { model, decodeMs };
  }
}

/** Everything the panel draws; a system call's result is filled in after its event is logged. */
function fingerprintOf(model: CpuModel): string {
  const log = model.log;
  return [
    model.exceptionLevel,
    model.program?.pid,
    model.program?.name,
    log?.address,
    log?.written,
    log?.skipped,
    log?.events.map((e) => e.result).join(','),
    model.problems.join('|'),
  ].join(';');
}
