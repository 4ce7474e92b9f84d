// SPDX-License-Identifier: GPL-2.0-or-later
/** The status line: allocator, run state, guest speed, instruction count, where the timeline is. */
import type { RunState, StatusReport } from '../emu/protocol';
import { el } from '../panel/dom';
import { groupedNumber } from '../util/format';

const STATE_TEXT: Record<RunState, string> = {
  loading: 'loading',
  running: 'running',
  idle: 'idle (waiting for input)',
  stopped: 'stopped',
  crashed: 'crashed',
  'powered-off': 'powered off',
  failed: 'failed',
};

export class StatusLine {
  readonly element: HTMLElement;
  private readonly allocator = el('span', { className: 'status-item', text: 'allocator: –' });
  private readonly state = el('span', { className: 'status-item state', text: 'loading' });
  private readonly speed = el('span', { className: 'status-item', text: '– MIPS' });
  private readonly count = el('span', { className: 'status-item', text: '0 instructions' });
  private readonly timeline = el('span', { className: 'status-item timeline-status' });

  constructor() {
    this.element = el(
      'footer',
      { className: 'status-line', attrs: { role: 'status', 'aria-live': 'off' } },
      [this.allocator, this.state, this.speed, this.count, this.timeline],
    );
  }

  setAllocator(name: string): void {
    this.allocator.textContent = `allocator: ${name}`;
  }

  /** "timeline: at command 3 of 7" ('' hides it) */
  setTimeline(text: string): void {
    this.timeline.textContent = text;
    this.timeline.hidden = text === '';
  }

  setState(state: RunState): void {
    this.state.textContent = STATE_TEXT[state];
    this.state.dataset.state = state;
  }

  update(status: StatusReport): void {
    this.setState(status.state);
    if (status.mips > 0) this.speed.textContent = `${status.mips.toFixed(1)} MIPS`;
    this.count.textContent = `${groupedNumber(status.instructions)} instructions`;
  }
}
