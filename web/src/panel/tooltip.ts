// SPDX-License-Identifier: GPL-2.0-or-later
/** The hover card of a block: address, size, status and the raw bytes of its header or table entry. */
import type { HeapModel } from '../heap/model';
import { hexAddress, hexBytes } from '../util/format';
import { el } from './dom';

export class Tooltip {
  readonly element = el('div', { className: 'tooltip', attrs: { role: 'tooltip' } });

  constructor() {
    this.element.hidden = true;
  }

  show(model: HeapModel, index: number, event: MouseEvent): void {
    const b = model.blocks[index];
    if (b === undefined) {
      this.hide();
      return;
    }
    const meta = hexBytes(model.metaBytes.subarray(b.metaOffset, b.metaOffset + b.metaLength));
    const status =
      b.role === 'dead'
        ? 'FREE (dead: freed, not reusable yet)'
        : b.role === 'tail'
          ? 'FREE (untouched tail)'
          : b.status.toUpperCase();
    const rows: Array<[string, string]> = [
      ['block', `#${index}`],
      ['address', hexAddress(b.payload)],
      ['start', hexAddress(b.start)],
      [
        'size',
        b.status === 'used'
          ? `${b.requested} requested, ${b.usable} usable, ${b.span} span`
          : `${b.usable} usable, ${b.span} span`,
      ],
      ['status', status],
    ];
    if (b.order !== undefined) rows.push(['order', `${b.order} (${32 * 2 ** b.order} bytes)`]);
    if (b.metaLength > 0)
      rows.push([
        b.metaAddress === b.start ? 'header' : `entry @${hexAddress(b.metaAddress)}`,
        meta,
      ]);
    this.element.replaceChildren(
      ...rows.map(([k, v]) =>
        el('div', { className: 'tooltip-row' }, [
          el('span', { className: 'tooltip-key', text: k }),
          el('span', { text: v }),
        ]),
      ),
    );
    this.element.hidden = false;
    const pad = 14;
    const { innerWidth, innerHeight } = window;
    const rect = this.element.getBoundingClientRect();
    const left = Math.min(event.clientX + pad, innerWidth - rect.width - 4);
    const top =
      event.clientY + pad + rect.height > innerHeight
        ? event.clientY - rect.height - pad
        : event.clientY + pad;
    this.element.style.transform = `translate(${Math.max(4, left)}px, ${Math.max(4, top)}px)`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
