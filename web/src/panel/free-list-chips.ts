// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A free list as a row of clickable address chips: head → a → b → end. Each
 * chip shows the block's payload address, the one `info`, `free` and the
 * terminal use (the list itself links headers).
 */
import type { FreeList, HeapModel } from '../heap/model';
import { hexAddress } from '../util/format';
import { el } from './dom';

const MAX_CHIPS = 120;

export function freeListChips(
  list: FreeList,
  model: HeapModel,
  onSelect: (blockIndex: number) => void,
): HTMLElement {
  const row = el('div', {
    className: 'free-list',
    attrs: { role: 'list', 'aria-label': list.label },
  });
  // A list may own only list items (axe: aria-required-children): every chip
  // and every marker ("empty", "more", "end") is one.
  const item = (...children: HTMLElement[]): HTMLElement => {
    const li = el('span', { className: 'free-list-item', attrs: { role: 'listitem' } });
    li.append(...children);
    return li;
  };
  if (list.nodes.length === 0 && list.complete)
    row.append(item(el('span', { className: 'muted', text: 'empty' })));
  for (const node of list.nodes.slice(0, MAX_CHIPS)) {
    const chip = el('button', {
      className: 'chip',
      text: hexAddress(model.blocks[node.blockIndex]?.payload ?? node.address),
    });
    chip.type = 'button';
    if (node.blockIndex >= 0) chip.addEventListener('click', () => onSelect(node.blockIndex));
    row.append(
      item(chip, el('span', { className: 'arrow', text: '→', attrs: { 'aria-hidden': 'true' } })),
    );
  }
  if (list.nodes.length > MAX_CHIPS)
    row.append(
      item(el('span', { className: 'muted', text: `… ${list.nodes.length - MAX_CHIPS} more →` })),
    );
  row.append(
    item(
      el('span', {
        className: list.complete ? 'muted' : 'bad',
        text: list.complete ? 'end' : 'broken',
      }),
    ),
  );
  return row;
}
