// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A line on the terminal, where the user is looking, while the machine is
 * not simply waiting for a key: a long command's elapsed time and how to
 * stop it, or that the machine is stopped and how many keys wait for it.
 */
import type { StatusReport } from '../emu/protocol';
import { el } from '../panel/dom';

/** a command shorter than this never shows the notice */
const SHOW_AFTER_MS = 1000;

export class RunNotice {
  readonly element = el('p', { className: 'run-notice', attrs: { role: 'status' } });
  private runningSince: number | null = null;

  constructor() {
    this.element.hidden = true;
  }

  update(status: StatusReport, now = performance.now()): void {
    if (status.state === 'running') {
      this.runningSince ??= now;
      const elapsed = now - this.runningSince;
      this.show(
        elapsed >= SHOW_AFTER_MS
          ? `running for ${Math.floor(elapsed / 1000)} s · Ctrl-C in the terminal stops the command`
          : null,
      );
      return;
    }
    this.runningSince = null;
    if (status.state === 'stopped') {
      const keys = status.inputPending;
      this.show(
        `machine stopped (Continue runs it)${keys > 0 ? ` · ${keys} ${keys === 1 ? 'key' : 'keys'} waiting` : ''}`,
      );
    } else {
      this.show(null);
    }
  }

  clear(): void {
    this.runningSince = null;
    this.show(null);
  }

  private show(text: string | null): void {
    this.element.hidden = text === null;
    if (text !== null && this.element.textContent !== text) this.element.textContent = text;
  }
}
