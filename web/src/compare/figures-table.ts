// SPDX-License-Identifier: GPL-2.0-or-later
/** One table of figures for one command: a row per machine, a column per figure. */
import { el } from '../panel/dom';
import { groupedNumber } from '../util/format';
import type { Figures } from './figures';

const COLUMNS: Array<{ key: keyof Figures; title: string; text: (f: Figures) => string }> = [
  { key: 'usedBytes', title: 'used', text: (f) => groupedNumber(f.usedBytes) },
  { key: 'freeBytes', title: 'free', text: (f) => groupedNumber(f.freeBytes) },
  { key: 'overheadBytes', title: 'overhead', text: (f) => groupedNumber(f.overheadBytes) },
  {
    key: 'fragmentation',
    title: 'fragmentation',
    text: (f) => `${(f.fragmentation * 100).toFixed(1)}%`,
  },
  { key: 'largestFree', title: 'largest free', text: (f) => groupedNumber(f.largestFree) },
  { key: 'failedRequests', title: 'failed requests', text: (f) => String(f.failedRequests) },
  { key: 'instructions', title: 'instructions', text: (f) => groupedNumber(f.instructions) },
];

export interface FiguresRow {
  allocator: string;
  figures: Figures | null;
  /** why there are no figures (heap corrupted, machine crashed…) */
  note: string;
}

export function figuresTable(caption: string, rows: FiguresRow[]): HTMLTableElement {
  const head = el('tr', {}, [
    el('th', { text: 'allocator', attrs: { scope: 'col' } }),
    ...COLUMNS.map((c) => el('th', { text: c.title, attrs: { scope: 'col' } })),
  ]);
  const body = rows.map((row) => {
    const cells = COLUMNS.map((c) => {
      if (row.figures === null) return el('td', { className: 'muted', text: '—' });
      return el('td', {
        text: c.text(row.figures),
        attrs: { 'data-figure': c.key, 'data-value': String(row.figures[c.key]) },
      });
    });
    if (row.figures === null && row.note !== '')
      cells.splice(
        0,
        cells.length,
        el('td', {
          className: 'muted',
          text: row.note,
          attrs: { colspan: String(COLUMNS.length) },
        }),
      );
    return el('tr', { attrs: { 'data-allocator': row.allocator } }, [
      el('th', { text: row.allocator, attrs: { scope: 'row' } }),
      ...cells,
    ]);
  });
  return el('table', { className: 'figures-table' }, [
    el('caption', { text: caption }),
    el('thead', {}, [head]),
    el('tbody', {}, body),
  ]);
}
