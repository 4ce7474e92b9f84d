// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * One machine of compare mode: its own emulator worker (the same
 * EmulatorClient and worker as the single-machine page), the last heap
 * picture and status it reported, and a way to run one command and collect
 * what it printed and cost.
 */
import { IdleWaiter } from '../app/idle-waiter';
import type { AllocatorName } from '../app/url-config';
import type { CpuModel } from '../cpu/model';
import type { BufferedEvents } from '../emu/buffered-events';
import type { EmulatorClient } from '../emu/emulator-client';
import type { CrashReport, RunState, StatusReport } from '../emu/protocol';
import type { DecodeResult } from '../heap/model';

/** The last line of the kernel's boot banner; the prompt follows it. */
const BANNER_END = "type 'help' for details";

export interface CommandResult {
  /** what the kernel printed: the echoed command, its reply, the next prompt */
  reply: string;
  heap: DecodeResult | null;
  instructions: number;
  /** the worker was replaced: this is not the session's machine any more */
  restarted: boolean;
}

export interface MachineListener {
  state(state: RunState, detail: string): void;
  heap(result: DecodeResult): void;
}

export class CompareMachine {
  state: RunState = 'loading';
  heap: DecodeResult | null = null;
  private instructions = 0;
  private text = '';
  private readonly decoder = new TextDecoder('latin1');
  private readonly idle = new IdleWaiter();
  private booted = false;
  private bootWaiters: Array<() => void> = [];
  private lastSeq = 0;
  /**
   * Why the watchdog replaced this machine's worker, until Reset: the fresh
   * kernel no longer runs the comparison's session (its numbering and
   * checkpoints are gone).
   */
  restarted: string | null = null;

  constructor(
    readonly allocator: AllocatorName,
    readonly client: EmulatorClient,
    events: BufferedEvents,
    private readonly listener: MachineListener,
  ) {
    events.attach({
      progress: () => undefined,
      ready: () => undefined,
      output: (bytes) => this.output(bytes),
      status: (status) => this.onStatus(status),
      heap: (result) => {
        this.heap = result;
        this.listener.heap(result);
      },
      cpu: (_model: CpuModel) => undefined,
      crashed: (crash: CrashReport | null) =>
        this.listener.state('crashed', crash?.message ?? 'the guest crashed'),
      fatal: (message) => this.listener.state('failed', message),
      restarted: (reason) => this.onRestarted(reason),
    });
  }

  /** Resolves once the kernel has booted and waits at its first prompt. */
  whenBooted(): Promise<void> {
    if (this.booted && this.state === 'idle') return Promise.resolve();
    return new Promise((resolve) => this.bootWaiters.push(resolve));
  }

  /** Types one command and resolves when the kernel waits for the next. */
  async run(command: string): Promise<CommandResult> {
    // a replaced worker drops keys until its kernel is up: they must not wait for an echo forever
    if (!this.booted) await this.whenBooted();
    const before = this.instructions;
    this.text = '';
    this.lastSeq = this.client.send(`${command}\r`);
    await this.idle.whenIdleAfter(this.lastSeq);
    return {
      reply: this.text.replace(/\r/g, ''),
      heap: this.heap,
      instructions: this.instructions - before,
      restarted: this.restarted !== null,
    };
  }

  /**
   * Puts the machine back into one of its checkpoints (taken idle at the
   * prompt); the worker reports the restored machine's status before it
   * answers, so the next run() counts instructions from the restored clock.
   */
  async restore(handle: number): Promise<void> {
    await this.client.restoreCheckpoint(handle);
    this.text = '';
  }

  /** Reboots the kernel in the same worker. */
  reset(): void {
    this.restarted = null;
    this.booted = false;
    this.text = '';
    this.heap = null;
    this.idle.releaseAll();
    this.client.reset();
  }

  private output(bytes: Uint8Array): void {
    this.text += this.decoder.decode(bytes);
    if (!this.booted && this.text.includes(BANNER_END)) this.booted = true;
  }

  private onStatus(status: StatusReport): void {
    this.state = status.state;
    this.instructions = status.instructions;
    this.listener.state(status.state, this.restarted === null ? '' : this.restartedNote());
    if (this.booted) this.idle.report(status);
    if (this.booted && status.state === 'idle') {
      for (const resolve of this.bootWaiters.splice(0)) resolve();
    }
  }

  /** The watchdog replaced a stuck worker: a fresh kernel with its own numbering. */
  private onRestarted(reason: string): void {
    this.booted = false;
    this.text = '';
    this.heap = null;
    this.idle.releaseAll();
    this.restarted = reason;
    this.listener.state('loading', this.restartedNote());
  }

  restartedNote(): string {
    return `restarted: ${this.restarted}; press Reset to start the comparison again`;
  }
}
