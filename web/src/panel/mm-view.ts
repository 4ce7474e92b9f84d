// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The student allocator `mm`: the strip drawn from the kernel's table of live
 * blocks (the gaps between them are whatever the student keeps there), the
 * break, and an optional boundary-tag decoder for the textbook layouts that
 * marks where its walk of the student's heap disagrees with the kernel.
 */
import type { BoundaryTagWalk, HeapModel, MmExtras } from '../heap/model';
import { hexAddress, humanBytes } from '../util/format';
import { button, el } from './dom';
import type { HeapViewFactory, KindView } from './heap-view';
import { StripView } from './strip-view';

const strip: HeapViewFactory = (callbacks) => new StripView(callbacks);

/** The layout chosen in the panel survives redraws: '' (none) or "word/footers". */
let chosenLayout = '';

const LAYOUTS: Array<{ value: string; label: string }> = [
  { value: '', label: 'no boundary-tag decoder' },
  { value: '4/1', label: '4-byte header and footer' },
  { value: '4/0', label: '4-byte header, no footer' },
  { value: '8/1', label: '8-byte header and footer' },
  { value: '8/0', label: '8-byte header, no footer' },
];

function chosenWalk(extras: MmExtras): BoundaryTagWalk | undefined {
  const [word, footers] = chosenLayout.split('/');
  return extras.walks.find((w) => String(w.word) === word && String(Number(w.footers)) === footers);
}

function walkReport(walk: BoundaryTagWalk, model: HeapModel, select: (i: number) => void) {
  const list = el('ul', { className: 'mm-disagreements' });
  const blockAt = (address: number) =>
    model.blocks.findIndex((b) => address >= b.start && address < b.start + Math.max(b.span, 1));
  for (const d of walk.disagreements.slice(0, 32)) {
    const index = d.address !== undefined ? blockAt(d.address) : -1;
    const item = el('li');
    if (d.address !== undefined && index >= 0)
      item.append(
        button(hexAddress(d.address), () => select(index), 'chip'),
        ` ${d.message}`,
      );
    else
      item.textContent =
        d.address !== undefined ? `${hexAddress(d.address)}: ${d.message}` : d.message;
    list.append(item);
  }
  const used = walk.blocks.filter((b) => b.allocated).length;
  const summary =
    walk.start < 0
      ? 'this layout does not fit the heap'
      : `walk from ${hexAddress(walk.start)}: ${walk.blocks.length} blocks (${used} allocated, prologue included); ${walk.disagreements.length === 0 ? 'agrees with the kernel' : `${walk.disagreements.length} disagreement${walk.disagreements.length === 1 ? '' : 's'}`}`;
  return [el('p', { text: summary }), list];
}

function mmExtras(model: HeapModel, select: (blockIndex: number) => void): HTMLElement | null {
  if (model.extras?.kind !== 'mm') return null;
  const extras = model.extras;
  const section = el('section', { className: 'extras-section' }, [
    el('h3', { text: "Student allocator (the kernel's table)" }),
    el('p', {
      text: `mem_heap_lo ${hexAddress(extras.heapLo)} · break ${hexAddress(extras.brk)} (${humanBytes(extras.brk - extras.heapLo)} from mem_sbrk, ${humanBytes(extras.limit - extras.brk)} left) · ${extras.liveBlocks} live block${extras.liveBlocks === 1 ? '' : 's'}${extras.ready ? '' : ' · mm_init failed'}`,
    }),
  ]);
  const picker = el('select', { attrs: { 'aria-label': 'boundary-tag decoder' } });
  for (const layout of LAYOUTS) {
    const option = el('option', { text: layout.label });
    option.value = layout.value;
    option.selected = layout.value === chosenLayout;
    picker.append(option);
  }
  const report = el('div', { className: 'mm-walk' });
  const show = () => {
    const walk = chosenWalk(extras);
    report.replaceChildren(...(walk !== undefined ? walkReport(walk, model, select) : []));
  };
  picker.addEventListener('change', () => {
    chosenLayout = picker.value;
    show();
  });
  show();
  section.append(el('label', { text: 'Decode the student heap as ' }, [picker]), report);
  return section;
}

export const MM_KIND_VIEW: KindView = {
  view: strip,
  legend: () => [
    { swatch: 'used', label: "live (kernel's table)" },
    { swatch: 'free', label: 'gap' },
    { swatch: 'tail', label: 'above the break' },
  ],
  extras: mmExtras,
};
