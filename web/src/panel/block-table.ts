// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Every block in a real <table> (accessible, selectable, copyable), with
 * only the rows in view in the DOM so 10,000 blocks stay cheap. A Copy
 * button puts the whole list on the clipboard as tab-separated text.
 */
import type { HeapModel } from '../heap/model';
import { hexAddress, hexBytes } from '../util/format';
import type { BlockChange } from './block-diff';
import { button, el } from './dom';

const ROW_HEIGHT = 24;
const OVERSCAN = 8;
const COLUMNS = [
  '#',
  'Address',
  'Start',
  'Span',
  'Usable',
  'Requested',
  'Status',
  'Metadata bytes',
];

export class BlockTable {
  readonly element: HTMLElement;
  private readonly scroller: HTMLDivElement;
  private readonly body: HTMLTableSectionElement;
  private readonly table: HTMLTableElement;
  private readonly caption: HTMLTableCaptionElement;
  private model: HeapModel | null = null;
  private changes: BlockChange[] = [];
  private selected: number | null = null;
  private frame = 0;
  private scrollTop = 0;
  private viewHeight = 0;

  constructor(private readonly onSelect: (index: number) => void) {
    this.caption = el('caption', {
      className: 'visually-hidden',
      text: 'Heap blocks in address order',
    });
    const head = el('thead', {}, [
      el(
        'tr',
        {},
        COLUMNS.map((c) => el('th', { text: c, attrs: { scope: 'col' } })),
      ),
    ]);
    this.body = el('tbody');
    this.table = el('table', { className: 'block-table' }, [this.caption, head, this.body]);
    this.scroller = el('div', { className: 'block-table-scroll', attrs: { tabindex: '0' } }, [
      this.table,
    ]);
    // cached, like CanvasSurface: no layout reads while the panel rebuilds
    this.scroller.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.scroller.scrollTop;
        this.requestRender();
      },
      { passive: true },
    );
    new ResizeObserver(() => {
      this.viewHeight = this.scroller.clientHeight;
      this.requestRender();
    }).observe(this.scroller);
    const copy = button(
      'Copy as text',
      () => void this.copy(),
      'button small',
      'Copy every block as tab-separated text',
    );
    this.element = el(
      'section',
      { className: 'table-panel', attrs: { 'aria-label': 'Block table' } },
      [
        el('div', { className: 'section-head' }, [el('h2', { text: 'Blocks' }), copy]),
        this.scroller,
      ],
    );
    // arrow keys move the selection while the table has focus
    this.scroller.addEventListener('keydown', (event) => {
      if (this.model === null || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const next = Math.min(
        this.model.blocks.length - 1,
        Math.max(0, (this.selected ?? -1) + step),
      );
      this.onSelect(next);
    });
    this.body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest('tr');
      const index = row?.dataset.index;
      if (index !== undefined) this.onSelect(Number(index));
    });
  }

  show(model: HeapModel, changes: BlockChange[]): void {
    this.model = model;
    this.changes = changes;
    this.table.setAttribute('aria-rowcount', String(model.blocks.length + 1));
    this.renderNow();
  }

  setSelected(index: number | null): void {
    this.selected = index;
    if (index !== null) {
      const top = index * ROW_HEIGHT;
      const { scrollTop, viewHeight } = this;
      if (top < scrollTop || top > scrollTop + viewHeight - 2 * ROW_HEIGHT) {
        this.scrollTop = Math.max(0, top - viewHeight / 3);
        this.scroller.scrollTop = this.scrollTop;
      }
    }
    this.requestRender();
  }

  private requestRender(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  renderNow(): void {
    const model = this.model;
    if (model === null) return;
    const count = model.blocks.length;
    const headHeight = 26;
    const first = Math.max(0, Math.floor((this.scrollTop - headHeight) / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil((this.viewHeight || 400) / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(count, first + visible);
    const rows: HTMLTableRowElement[] = [];
    rows.push(this.spacer(first * ROW_HEIGHT));
    for (let i = first; i < last; i++) rows.push(this.row(model, i));
    rows.push(this.spacer((count - last) * ROW_HEIGHT));
    this.body.replaceChildren(...rows);
  }

  private spacer(height: number): HTMLTableRowElement {
    const row = el('tr', { className: 'spacer', attrs: { 'aria-hidden': 'true' } }, [
      el('td', { attrs: { colspan: String(COLUMNS.length) } }),
    ]);
    row.style.height = `${height}px`;
    return row;
  }

  private row(model: HeapModel, index: number): HTMLTableRowElement {
    const b = model.blocks[index]!;
    const meta = hexBytes(model.metaBytes.subarray(b.metaOffset, b.metaOffset + b.metaLength));
    const status =
      b.role === 'dead' ? 'free (dead)' : b.role === 'tail' ? 'free (untouched)' : b.status;
    const cells = [
      String(index),
      hexAddress(b.payload),
      hexAddress(b.start),
      String(b.span),
      String(b.usable),
      String(b.requested),
      status,
      meta,
    ];
    const change = this.changes[index];
    const classes = [
      b.status,
      index === this.selected ? 'selected' : '',
      change !== undefined && change !== 'same' ? `change-${change}` : '',
    ]
      .filter((c) => c !== '')
      .join(' ');
    const row = el(
      'tr',
      { className: classes, attrs: { 'aria-rowindex': String(index + 2) } },
      cells.map((c) => el('td', { text: c })),
    );
    row.dataset.index = String(index);
    if (index === this.selected) row.setAttribute('aria-selected', 'true');
    return row;
  }

  /** Tab-separated text of every block (not only the rows in the DOM). */
  tsv(): string {
    const model = this.model;
    if (model === null) return '';
    const lines = [COLUMNS.join('\t')];
    model.blocks.forEach((b, i) => {
      const meta = hexBytes(model.metaBytes.subarray(b.metaOffset, b.metaOffset + b.metaLength));
      lines.push(
        [
          i,
          hexAddress(b.payload),
          hexAddress(b.start),
          b.span,
          b.usable,
          b.requested,
          b.role ?? b.status,
          meta,
        ].join('\t'),
      );
    });
    return `${lines.join('\n')}\n`;
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.tsv());
    } catch {
      // no clipboard permission: select the visible table instead, so Ctrl-C works
      const range = document.createRange();
      range.selectNodeContents(this.table);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
    }
  }
}
