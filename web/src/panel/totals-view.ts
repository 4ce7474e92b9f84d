// SPDX-License-Identifier: GPL-2.0-or-later
/** The heap's totals as a row of figures, and its findings when it is corrupted. */
import type { HeapModel } from '../heap/model';
import { hexAddress, humanBytes, percent } from '../util/format';
import { el } from './dom';

export function renderTotals(model: HeapModel): HTMLElement {
  const t = model.totals;
  const figure = (label: string, value: string, title: string): HTMLElement =>
    el('div', { className: 'figure', title }, [
      el('span', { className: 'figure-value', text: value }),
      el('span', { className: 'figure-label', text: label }),
    ]);
  const tiles = el(
    'div',
    { className: 'totals', attrs: { role: 'group', 'aria-label': 'Heap totals' } },
    [
      figure(
        'used',
        humanBytes(t.usedBytes),
        `${t.usedBytes} bytes in ${t.usedBlocks} used blocks (${t.requestedBytes} requested)`,
      ),
      figure(
        'free',
        humanBytes(t.freeBytes),
        `${t.freeBytes} bytes in ${t.freeBlocks} free blocks`,
      ),
      figure(
        'largest alloc',
        humanBytes(t.largestFree),
        `${t.largestFree} bytes: the largest allocation that would succeed now`,
      ),
      figure(
        'overhead',
        humanBytes(Math.max(0, t.overheadBytes)),
        `${t.overheadBytes} bytes of metadata and slack`,
      ),
      figure('fragmentation', percent(t.fragmentation), '1 − largest request / free bytes'),
      figure('blocks used / free', `${t.usedBlocks} / ${t.freeBlocks}`, 'used / free blocks'),
    ],
  );
  // what the short labels mean, on the page rather than only in hover titles
  const note = el('p', {
    className: 'totals-note muted',
    text: 'used and free count whole blocks; largest alloc: the biggest request that would succeed now; overhead: headers, tables and padding, beyond the bytes requested.',
  });
  return el('div', {}, [tiles, note]);
}

export function renderFindings(model: HeapModel): HTMLElement | null {
  if (model.findings.length === 0) return null;
  const list = el(
    'ul',
    {},
    model.findings.map((f) =>
      el('li', {
        text: f.address !== undefined ? `${f.message} at ${hexAddress(f.address)}` : f.message,
      }),
    ),
  );
  return el('div', { className: 'findings', attrs: { role: 'alert' } }, [
    el('strong', { text: 'The heap is corrupted' }),
    list,
  ]);
}
