// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The "compare two checkpoints" box above the heap picture: which two, the
 * one-line summary (also announced to screen readers), the totals' change
 * and the list of what happened, and a way out. It draws a HeapDelta; the
 * controller picks A and B and shows B's picture in the panel.
 */
import {
  type CheckpointLabel,
  countsText,
  deltaSummary,
  eventText,
  signedBytes,
} from '../heap/heap-delta-text';
import type { HeapDelta } from '../heap/heap-delta';
import { button, el } from '../panel/dom';
import { percent } from '../util/format';

/** more events than this are summed up in one "and N more" line */
const LIST_LIMIT = 40;

export class DeltaView {
  readonly element: HTMLElement;
  private readonly title = el('h3', { className: 'delta-title' });
  private readonly summary = el('p', {
    className: 'delta-summary',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });
  private readonly figures = el('dl', { className: 'delta-figures' });
  private readonly list = el('ul', {
    className: 'delta-events',
    attrs: { 'aria-label': 'What changed' },
  });

  constructor(leave: () => void) {
    const close = button(
      'Leave compare',
      leave,
      'button delta-leave',
      'Back to the normal view (Esc)',
    );
    this.element = el(
      'section',
      { className: 'delta-view', attrs: { 'aria-label': 'Compare two checkpoints' } },
      [
        el('div', { className: 'delta-head' }, [this.title, close]),
        this.summary,
        this.figures,
        this.list,
      ],
    );
    this.element.hidden = true;
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        leave();
      }
    });
  }

  show(delta: HeapDelta, a: CheckpointLabel, b: CheckpointLabel): void {
    const appearing = this.element.hidden;
    this.element.hidden = false;
    // on a narrow page it sits below the terminal: bring it into view when it appears
    if (appearing) this.element.scrollIntoView?.({ block: 'nearest' });
    this.title.textContent = `Compare ${a.index} → ${b.index}`;
    this.summary.textContent = deltaSummary(delta, a, b);
    this.element.classList.toggle('incomparable', delta.status !== 'ok');
    if (delta.status !== 'ok') {
      this.figures.replaceChildren();
      this.list.replaceChildren();
      return;
    }
    const t = delta.totals;
    const after = delta.after.totals;
    // a div per pair keeps a figure and its value on one line (HTML allows div groups in dl)
    const row = (label: string, change: string, now: string) =>
      el('div', {}, [el('dt', { text: label }), el('dd', { text: `${change} (now ${now})` })]);
    this.figures.replaceChildren(
      row('used', signedBytes(t.usedBytes), `${after.usedBytes} B`),
      row('free', signedBytes(t.freeBytes), `${after.freeBytes} B`),
      row('overhead', signedBytes(t.overheadBytes), `${after.overheadBytes} B`),
      row('largest free', signedBytes(t.largestFree), `${after.largestFree} B`),
      row(
        'fragmentation',
        `${t.fragmentation >= 0 ? '+' : '−'}${percent(Math.abs(t.fragmentation))}`,
        percent(after.fragmentation),
      ),
    );
    const items = delta.events
      .slice(0, LIST_LIMIT)
      .map((e) => el('li', { className: `delta-${e.kind}`, text: eventText(e) }));
    if (delta.events.length > LIST_LIMIT)
      items.push(
        el('li', { className: 'muted', text: `and ${delta.events.length - LIST_LIMIT} more` }),
      );
    if (items.length === 0)
      items.push(el('li', { className: 'muted', text: countsText(delta.counts) }));
    this.list.replaceChildren(...items);
  }

  hide(): void {
    this.element.hidden = true;
  }

  get shown(): boolean {
    return !this.element.hidden;
  }

  /** the summary line, for tests */
  get summaryText(): string {
    return this.summary.textContent ?? '';
  }
}
