// SPDX-License-Identifier: GPL-2.0-or-later
/** Messages over the terminal: loading progress, a crash report with Reset, fatal errors. */
import type { CrashReport } from '../emu/protocol';
import { button, el } from '../panel/dom';

export class TerminalOverlay {
  readonly element = el('div', {
    className: 'terminal-overlay',
    attrs: { role: 'alert', 'aria-live': 'assertive' },
  });

  loading(text: string): void {
    this.element.className = 'terminal-overlay loading';
    this.element.replaceChildren(
      el('div', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }),
      el('p', { text }),
    );
    this.element.hidden = false;
  }

  crashed(crash: CrashReport | null, reset: () => void): void {
    this.element.className = 'terminal-overlay crashed';
    const what = crash
      ? [
          el('p', { className: 'overlay-title', text: `The guest crashed: ${crash.kind}` }),
          el('p', { text: `PC ${crash.pc}, fault address ${crash.address}` }),
          el('p', { className: 'muted', text: crash.message }),
        ]
      : [el('p', { className: 'overlay-title', text: 'The guest crashed.' })];
    this.element.replaceChildren(...what, button('Reset', reset, 'button primary'));
    this.element.hidden = false;
  }

  poweredOff(reset: () => void): void {
    this.element.className = 'terminal-overlay notice';
    this.element.replaceChildren(
      el('p', { text: 'The guest powered off.' }),
      button('Boot again', reset, 'button primary'),
    );
    this.element.hidden = false;
  }

  fatal(message: string, retry: (() => void) | null): void {
    this.element.className = 'terminal-overlay crashed';
    this.element.replaceChildren(
      el('p', { className: 'overlay-title', text: message }),
      ...(retry ? [button('Try again', retry, 'button primary')] : []),
    );
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
