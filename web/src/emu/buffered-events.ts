// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Emulator events held until their receiver exists. The worker is started
 * first thing (its downloads then overlap the page's own script), before
 * the terminal and panel are built; what it says meanwhile is replayed in
 * order when the playground attaches.
 */
import type { EmulatorEvents } from './emulator-client';

type Call = {
  [K in keyof EmulatorEvents]: [K, Parameters<EmulatorEvents[K]>];
}[keyof EmulatorEvents];

export class BufferedEvents implements EmulatorEvents {
  private target: EmulatorEvents | null = null;
  private readonly queue: Call[] = [];

  attach(target: EmulatorEvents): void {
    this.target = target;
    for (const [name, args] of this.queue.splice(0))
      (target[name] as (...a: unknown[]) => void)(...args);
  }

  private call(entry: Call): void {
    if (this.target === null) this.queue.push(entry);
    else (this.target[entry[0]] as (...a: unknown[]) => void)(...entry[1]);
  }

  progress(...args: Parameters<EmulatorEvents['progress']>): void {
    this.call(['progress', args]);
  }
  ready(...args: Parameters<EmulatorEvents['ready']>): void {
    this.call(['ready', args]);
  }
  output(...args: Parameters<EmulatorEvents['output']>): void {
    this.call(['output', args]);
  }
  status(...args: Parameters<EmulatorEvents['status']>): void {
    this.call(['status', args]);
  }
  heap(...args: Parameters<EmulatorEvents['heap']>): void {
    this.call(['heap', args]);
  }
  cpu(...args: Parameters<EmulatorEvents['cpu']>): void {
    this.call(['cpu', args]);
  }
  crashed(...args: Parameters<EmulatorEvents['crashed']>): void {
    this.call(['crashed', args]);
  }
  fatal(...args: Parameters<EmulatorEvents['fatal']>): void {
    this.call(['fatal', args]);
  }
  restarted(...args: Parameters<EmulatorEvents['restarted']>): void {
    this.call(['restarted', args]);
  }
}
