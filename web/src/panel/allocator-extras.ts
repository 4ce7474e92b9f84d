// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The part of the panel that is specific to each allocator: first-fit's free
 * list; TLSF's first- and second-level bitmaps and its bins; the buddy free
 * lists per order and control table; the page map summary; the bump pointer.
 */
import type {
  BuddyExtras,
  BumpExtras,
  FirstFitExtras,
  HeapModel,
  PageExtras,
  TlsfExtras,
} from '../heap/model';
import { hexAddress, hexBytes, humanBytes, percent } from '../util/format';
import { el } from './dom';
import { freeListChips } from './free-list-chips';

export type SelectBlock = (blockIndex: number) => void;

function section(title: string, ...children: Array<Node | string>): HTMLElement {
  return el('section', { className: 'extras-section' }, [el('h3', { text: title }), ...children]);
}

export function firstFitExtras(model: HeapModel, onSelect: SelectBlock): HTMLElement | null {
  if (model.extras?.kind !== 'first-fit') return null;
  return firstFit(model.extras, model, onSelect);
}

function firstFit(extras: FirstFitExtras, model: HeapModel, onSelect: SelectBlock): HTMLElement {
  return section(
    `Free list (${extras.freeList.nodes.length}, address order; payload addresses, as info prints them)`,
    freeListChips(extras.freeList, model, onSelect),
  );
}

export function tlsfExtras(model: HeapModel, onSelect: SelectBlock): HTMLElement | null {
  if (model.extras?.kind !== 'tlsf') return null;
  return tlsf(model.extras, model, onSelect);
}

function tlsf(extras: TlsfExtras, model: HeapModel, onSelect: SelectBlock): HTMLElement {
  // levels up to the one holding the heap's size: the rest are always empty
  const heapBytes = model.regionEnd - model.regionStart;
  const levels = Math.min(
    extras.slBitmaps.length,
    Math.max(1, Math.floor(Math.log2(heapBytes)) - 6),
  );
  const grid = el('div', {
    className: 'tlsf-grid',
    attrs: { role: 'grid', 'aria-label': 'TLSF bitmaps' },
  });
  grid.style.setProperty('--sl-count', '16');
  grid.append(el('span', { className: 'tlsf-corner', text: 'fl \\ sl' }));
  for (let sl = 0; sl < 16; sl++)
    grid.append(el('span', { className: 'tlsf-head', text: String(sl) }));
  const binAt = new Map(extras.bins.map((b) => [`${b.fl}:${b.sl}`, b]));
  for (let fl = 0; fl < levels; fl++) {
    const flSet = ((extras.flBitmap >>> fl) & 1) === 1;
    grid.append(
      el('span', {
        className: `tlsf-fl ${flSet ? 'set' : ''}`,
        text: String(fl),
        title: `fl_bitmap bit ${fl}: ${flSet ? 'set' : 'clear'}`,
      }),
    );
    for (let sl = 0; sl < 16; sl++) {
      const set = ((extras.slBitmaps[fl]! >>> sl) & 1) === 1;
      const bin = binAt.get(`${fl}:${sl}`);
      const cell = el('button', {
        className: `tlsf-cell ${set ? 'set' : ''}`,
        attrs: { 'aria-label': `fl ${fl} sl ${sl}` },
      });
      cell.type = 'button';
      if (bin !== undefined) {
        cell.textContent = String(bin.list.nodes.length);
        cell.title = `(${fl}, ${sl}) ${bin.minSize}–${bin.maxSize} bytes: ${bin.list.nodes.length} free block${bin.list.nodes.length === 1 ? '' : 's'}`;
        const first = bin.list.nodes[0];
        if (first !== undefined && first.blockIndex >= 0)
          cell.addEventListener('click', () => onSelect(first.blockIndex));
      } else {
        cell.disabled = true;
      }
      grid.append(cell);
    }
  }
  const bins = el('div', { className: 'tlsf-bins' });
  for (const bin of extras.bins) {
    bins.append(
      el('div', { className: 'tlsf-bin' }, [
        el('span', {
          className: 'tlsf-bin-name',
          text: `(${bin.fl}, ${bin.sl}) ${humanBytes(bin.minSize)}–${humanBytes(bin.maxSize + 1)}`,
        }),
        freeListChips(bin.list, model, onSelect),
      ]),
    );
  }
  if (extras.bins.length === 0)
    bins.append(el('span', { className: 'muted', text: 'no free blocks' }));
  return el('div', {}, [
    section(`Bitmaps (fl_bitmap 0x${extras.flBitmap.toString(16)})`, grid),
    section(`Bins (${extras.bins.length} non-empty)`, bins),
  ]);
}

const MAX_TABLE_ROWS = 400;

export function buddyExtras(model: HeapModel, onSelect: SelectBlock): HTMLElement | null {
  if (model.extras?.kind !== 'buddy') return null;
  return buddy(model.extras, model, onSelect);
}

function buddy(extras: BuddyExtras, model: HeapModel, onSelect: SelectBlock): HTMLElement {
  const lists = el('div', { className: 'buddy-lists' });
  for (const list of extras.freeLists) {
    lists.append(
      el('div', { className: 'tlsf-bin' }, [
        el('span', { className: 'tlsf-bin-name', text: list.label.replace('buddy ', '') }),
        freeListChips(list, model, onSelect),
      ]),
    );
  }
  if (extras.freeLists.length === 0)
    lists.append(el('span', { className: 'muted', text: 'no free blocks' }));
  const head = el(
    'tr',
    {},
    ['Unit', 'Address', 'Entry', 'Order', 'State', 'Requested'].map((t) =>
      el('th', { text: t, attrs: { scope: 'col' } }),
    ),
  );
  const body = el('tbody');
  const stateName = ['none', 'FREE', 'USED', 'invalid'];
  for (const entry of extras.tableEntries.slice(0, MAX_TABLE_ROWS)) {
    const bytes = new Uint8Array(new Uint32Array([entry.raw]).buffer);
    body.append(
      el('tr', {}, [
        el('td', { text: String(entry.unit) }),
        el('td', { text: hexAddress(entry.address) }),
        el('td', { text: hexBytes(bytes), title: `0x${entry.raw.toString(16).padStart(8, '0')}` }),
        el('td', { text: String(entry.order) }),
        el('td', { text: stateName[entry.state] ?? '?' }),
        el('td', { text: String(entry.requested) }),
      ]),
    );
  }
  const more =
    extras.tableEntries.length > MAX_TABLE_ROWS
      ? el('p', {
          className: 'muted',
          text: `first ${MAX_TABLE_ROWS} of ${extras.tableEntries.length} entries`,
        })
      : '';
  const table = el('table', { className: 'control-table' }, [
    el('caption', { className: 'visually-hidden', text: 'Buddy control table' }),
    el('thead', {}, [head]),
    body,
  ]);
  return el('div', {}, [
    section('Free lists per order', lists),
    section(
      `Control table (${extras.unitCount} units of 32 B at ${hexAddress(extras.table)}; non-zero entries)`,
      el(
        'div',
        {
          className: 'control-table-scroll',
          attrs: { tabindex: '0', 'aria-label': 'Buddy control table (scrolls)' },
        },
        [table],
      ),
      more,
    ),
  ]);
}

export function pageExtras(model: HeapModel): HTMLElement | null {
  if (model.extras?.kind !== 'page') return null;
  return page(model.extras);
}

function page(extras: PageExtras): HTMLElement {
  const used = extras.usedPages;
  return section(
    'Page map',
    el('p', {
      text: `${extras.pageCount} pages of 4 KiB from ${hexAddress(extras.pagesStart)}; ${used} used (${percent(used / extras.pageCount)}), ${extras.runs.filter((r) => r.status === 'used').length} runs. Map at ${hexAddress(extras.pageMap)}.`,
    }),
  );
}

export function bumpExtras(model: HeapModel): HTMLElement | null {
  if (model.extras?.kind !== 'bump') return null;
  return bump(model.extras, model);
}

function bump(extras: BumpExtras, model: HeapModel): HTMLElement {
  const total = extras.end - extras.start;
  const usedFraction = total > 0 ? (extras.next - extras.start) / total : 0;
  const bar = el('div', {
    className: 'bump-bar',
    attrs: { role: 'img', 'aria-label': `bump pointer at ${percent(usedFraction)} of the arena` },
  });
  const fill = el('div', { className: 'bump-fill' });
  fill.style.width = `${usedFraction * 100}%`;
  const pointer = el('div', { className: 'bump-pointer', text: 'next' });
  pointer.style.left = `${usedFraction * 100}%`;
  bar.append(fill, pointer);
  const dead = model.blocks.filter((b) => b.role === 'dead').reduce((n, b) => n + b.span, 0);
  return section(
    'Bump pointer',
    bar,
    el('p', {
      text: `start ${hexAddress(extras.start)} · next ${hexAddress(extras.next)} · end ${hexAddress(extras.end)} · ${extras.liveBlocks} live, ${extras.deadBlocks} dead (${humanBytes(dead)} not reusable until every block is freed) · ${extras.totalAllocations} allocations since init`,
    }),
  );
}
