// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * One table of figures for one command: a row per machine, a column per
 * figure. The heap's figures after most commands; a trace's results (the
 * kernel's `trace` row) after a trace.
 */
import { el } from '../panel/dom';
import { groupedNumber } from '../util/format';
import type { Figures } from './figures';
import type { TraceRow } from './trace-results';

interface Column<T> {
  /** data-figure on the cell; data-value is value() */
  key: string;
  title: string;
  value(f: T): number | string;
  text(f: T): string;
}

const FIGURE_COLUMNS: Array<Column<Figures>> = (
  [
    ['usedBytes', 'used', (f) => groupedNumber(f.usedBytes)],
    ['freeBytes', 'free', (f) => groupedNumber(f.freeBytes)],
    ['overheadBytes', 'overhead', (f) => groupedNumber(f.overheadBytes)],
    ['fragmentation', 'fragmentation', (f) => `${(f.fragmentation * 100).toFixed(1)}%`],
    ['largestFree', 'largest free', (f) => groupedNumber(f.largestFree)],
    ['failedRequests', 'failed requests', (f) => String(f.failedRequests)],
    ['instructions', 'instructions', (f) => groupedNumber(f.instructions)],
  ] as Array<[keyof Figures, string, (f: Figures) => string]>
).map(([key, title, text]) => ({ key, title, text, value: (f: Figures) => f[key] }));

/** A machine's trace row and what the whole command cost. */
export interface TraceFigures extends TraceRow {
  instructions: number;
}

const TRACE_COLUMNS: Array<Column<TraceFigures>> = [
  {
    key: 'requests',
    title: 'requests',
    value: (t) => t.requests,
    text: (t) => groupedNumber(t.requests),
  },
  {
    key: 'failed',
    title: 'failed requests',
    value: (t) => t.failed,
    text: (t) => String(t.failed),
  },
  { key: 'errors', title: 'errors', value: (t) => t.errors, text: (t) => String(t.errors) },
  {
    key: 'util',
    title: 'util',
    value: (t) => t.utilPercent ?? '',
    text: (t) => (t.utilPercent === null ? '—' : `${t.utilPercent.toFixed(1)}%`),
  },
  {
    key: 'instructionsPerRequest',
    title: 'instr/request',
    value: (t) => t.instructionsPerRequest,
    text: (t) => t.instructionsPerRequest.toFixed(1),
  },
  {
    key: 'check',
    title: 'check',
    value: (t) => (t.checkOk ? 'OK' : 'FAILED'),
    text: (t) => (t.checkOk ? 'OK' : 'FAILED') + (t.interrupted ? ' (interrupted)' : ''),
  },
  {
    key: 'instructions',
    title: 'instructions',
    value: (t) => t.instructions,
    text: (t) => groupedNumber(t.instructions),
  },
];

export interface MachineRow<T> {
  allocator: string;
  figures: T | null;
  /** why there are no figures (heap corrupted, machine crashed, no trace loaded…) */
  note: string;
}

export type FiguresRow = MachineRow<Figures>;

export function figuresTable(caption: string, rows: FiguresRow[]): HTMLTableElement {
  return machineTable('figures-table', caption, FIGURE_COLUMNS, rows);
}

export function traceTable(
  caption: string,
  rows: Array<MachineRow<TraceFigures>>,
): HTMLTableElement {
  return machineTable('figures-table trace-table', caption, TRACE_COLUMNS, rows);
}

function machineTable<T>(
  className: string,
  caption: string,
  columns: Array<Column<T>>,
  rows: Array<MachineRow<T>>,
): HTMLTableElement {
  const head = el('tr', {}, [
    el('th', { text: 'allocator', attrs: { scope: 'col' } }),
    ...columns.map((c) => el('th', { text: c.title, attrs: { scope: 'col' } })),
  ]);
  const body = rows.map((row) => {
    const figures = row.figures;
    const cells =
      figures !== null
        ? columns.map((c) =>
            el('td', {
              text: c.text(figures),
              attrs: { 'data-figure': c.key, 'data-value': String(c.value(figures)) },
            }),
          )
        : row.note !== ''
          ? [
              el('td', {
                className: 'muted note',
                text: row.note,
                attrs: { colspan: String(columns.length) },
              }),
            ]
          : columns.map(() => el('td', { className: 'muted', text: '—' }));
    return el('tr', { attrs: { 'data-allocator': row.allocator } }, [
      el('th', { text: row.allocator, attrs: { scope: 'row' } }),
      ...cells,
    ]);
  });
  return el('table', { className }, [
    el('caption', { text: caption }),
    el('thead', {}, [head]),
    el('tbody', {}, body),
  ]);
}
