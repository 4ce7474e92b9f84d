// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The CPU / user program panel: the exception level the guest stopped at,
 * the running user program, and the kernel's latest events (newest at the
 * bottom). Plain text in an ordered list, so it can be read, selected and
 * copied; rows are kept by event number and only new or changed ones are
 * touched, so a screen reader's log announces only what is new.
 */
import { NO_HEAP_DESCRIPTOR } from '../heap/descriptor-locator';
import { describeEvent, eventLine } from '../cpu/event-text';
import { describeExceptionLevel } from '../cpu/exception-level';
import type { CpuModel, GuestEvent } from '../cpu/model';
import { SYSCALLS } from '../cpu/syscall-abi';
import { EventKind } from '../heap/abi';
import { el } from './dom';

const WRITE_CALL = SYSCALLS.findIndex((c) => c.name === 'write');

export class CpuPanel {
  readonly element: HTMLElement;
  private readonly level = el('span', { className: 'el-badge' });
  private readonly program = el('span', { className: 'cpu-program' });
  private readonly count = el('span', { className: 'event-count muted' });
  private readonly hideWrites = el('input', { attrs: { type: 'checkbox' } });
  private readonly problems = el('ul', { className: 'cpu-problems' });
  /** a plain list: the scroller around it is the live log (role=log on the <ol> would hide its items' list semantics) */
  private readonly list = el('ol', { className: 'event-log' });
  private readonly empty = el('p', {
    className: 'event-empty muted',
    text: 'No events yet: run a user program (try "run alarm").',
  });
  private readonly scroller = el(
    'div',
    {
      className: 'event-log-scroll',
      attrs: { tabindex: '0', role: 'log', 'aria-label': 'Kernel events, newest last' },
    },
    [this.list, this.empty],
  );
  /** the row of each event on the list, by event number */
  private readonly rows = new Map<number, HTMLLIElement>();
  private pending: CpuModel | null = null;
  private frame = 0;
  private model: CpuModel | null = null;
  updates = 0;

  constructor() {
    // a program's output is mostly write() calls; hiding them leaves its story (heap calls, IRQs, signals)
    this.hideWrites.addEventListener('change', () =>
      this.list.classList.toggle('hide-writes', this.hideWrites.checked),
    );
    this.element = el(
      'section',
      { className: 'cpu-panel', attrs: { 'aria-label': 'CPU and user program' } },
      [
        el('div', { className: 'section-head' }, [
          el('h2', { text: 'CPU' }),
          this.level,
          this.program,
          this.count,
          el('label', { className: 'event-filter', title: 'Hide the write() system calls' }, [
            this.hideWrites,
            'hide writes',
          ]),
        ]),
        this.problems,
        this.scroller,
      ],
    );
    this.reset();
  }

  get currentModel(): CpuModel | null {
    return this.model;
  }

  /** The events drawn, one plain line each (tests, copying). */
  eventLines(): string[] {
    return this.model?.log?.events.map(eventLine) ?? [];
  }

  /** Latest picture; drawn on the next animation frame (older pending ones are dropped). */
  update(model: CpuModel): void {
    this.pending = model;
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const next = this.pending;
      this.pending = null;
      if (next !== null) this.apply(next);
    });
  }

  /** Draws now (benchmarks, tests). */
  applyNow(model: CpuModel): void {
    this.apply(model);
  }

  reset(): void {
    this.model = null;
    this.pending = null;
    this.rows.clear();
    this.list.replaceChildren();
    this.problems.replaceChildren();
    this.showEmpty(true);
    this.setLevel(null, null);
    this.program.textContent = '';
    this.count.textContent = '';
  }

  private apply(model: CpuModel): void {
    this.model = model;
    this.updates++;
    this.setLevel(model.exceptionLevel, model.pstate);
    const events = model.log?.events ?? [];
    this.program.textContent = programText(model, events);
    this.count.textContent = model.log === null ? '' : countText(model.log.written, events.length);
    this.problems.replaceChildren(
      // another kernel, not a broken one: said calmly
      ...model.problems.map((p) =>
        el('li', { text: p, ...(p === NO_HEAP_DESCRIPTOR ? { className: 'muted' } : {}) }),
      ),
    );

    const atBottom =
      this.scroller.scrollTop + this.scroller.clientHeight >= this.scroller.scrollHeight - 4;
    this.showEvents(events);
    this.showEmpty(events.length === 0);
    // follow the newest event unless the reader scrolled up to look at older ones
    if (atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Without events the panel is one line high: the terminal above gets the room. */
  private showEmpty(empty: boolean): void {
    this.empty.hidden = !empty;
    this.element.classList.toggle('empty', empty);
  }

  private showEvents(events: readonly GuestEvent[]): void {
    const shown = new Set(events.map((e) => e.sequence));
    for (const [sequence, row] of this.rows) {
      if (!shown.has(sequence)) {
        row.remove();
        this.rows.delete(sequence);
      }
    }
    // events only ever arrive newer than the ones kept, so appending keeps the order
    for (const event of events) {
      const description = describeEvent(event);
      const row = this.rows.get(event.sequence);
      if (row === undefined) {
        const created = el('li', { className: rowClass(event, description.tone) }, [
          el('span', { className: 'event-seq', text: `#${event.sequence}` }),
          el('span', {
            className: `event-label label-${description.label.replace(/\W+/g, '-')}`,
            text: description.label,
          }),
          el('span', { className: 'event-text', text: description.text }),
        ]);
        this.rows.set(event.sequence, created);
        this.list.append(created);
      } else {
        // a system call's result is written after its event (and a reboot reuses numbers)
        const [, label, text] = row.children;
        if (text !== undefined && text.textContent !== description.text)
          text.textContent = description.text;
        if (label !== undefined && label.textContent !== description.label)
          label.textContent = description.label;
        row.className = rowClass(event, description.tone);
      }
    }
  }

  private setLevel(level: number | null, pstate: number | null): void {
    this.level.textContent = level === null ? 'EL ?' : describeExceptionLevel(level);
    this.level.className = `el-badge el-${level ?? 'unknown'}`;
    this.level.title =
      pstate === null
        ? 'exception level unknown'
        : `PSTATE 0x${pstate.toString(16)} when the emulator last stopped the guest`;
  }
}

function rowClass(event: GuestEvent, tone: string): string {
  const write = event.kind === EventKind.Syscall && event.number === WRITE_CALL;
  return `event tone-${tone}${write ? ' event-write' : ''}`;
}

function programText(model: CpuModel, events: readonly GuestEvent[]): string {
  const program = model.program;
  if (program !== null)
    return `running ${program.name === '' ? '(name unknown)' : program.name}, pid ${program.pid}`;
  const exit = [...events].reverse().find((e) => e.kind === EventKind.Exit);
  return exit === undefined
    ? 'no user program'
    : `no program (pid ${exit.number} exited, code ${exit.result})`;
}

function countText(written: number, shown: number): string {
  const total = `${written} ${written === 1 ? 'event' : 'events'}`;
  return shown < written ? `${total}, latest ${shown}` : total;
}
