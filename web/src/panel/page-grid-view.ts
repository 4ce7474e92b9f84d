// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The page allocator as a grid of 4 KiB pages, one cell each, coloured by the
 * allocation run they belong to (free pages pale); the first page of a run
 * carries a mark. Hover and click act on the run (the block).
 */
import type { HeapModel, PageExtras } from '../heap/model';
import type { BlockChange } from './block-diff';
import { CanvasSurface, type Viewport } from './canvas-surface';
import {
  BlockPointer,
  type HeapView,
  type HeapViewCallbacks,
  type HeapViewInput,
} from './heap-view';
import { type Palette, runColour } from './palette';

const CELL = 16;
const GAP = 3;
const PITCH = CELL + GAP;
const PAD = 8;

function isFirst(model: HeapModel, extras: PageExtras, block: number, page: number): boolean {
  return model.blocks[block]!.start === extras.pagesStart + page * 4096;
}

export class PageGridView implements HeapView {
  readonly surface: CanvasSurface;
  private model: HeapModel | null = null;
  private extras: PageExtras | null = null;
  /** block index of every page */
  private pageBlock = new Int32Array(0);
  private columns = 1;
  private changes: BlockChange[] = [];
  private palette: Palette | null = null;
  private selected: number | null = null;
  private readonly pointer: BlockPointer;

  constructor(callbacks: HeapViewCallbacks) {
    this.surface = new CanvasSurface('page-grid-view', (ctx, view) => this.paint(ctx, view));
    this.pointer = new BlockPointer(this.surface, (event) => this.indexAt(event), callbacks);
    this.surface.onResize(() => this.relayout());
  }

  show({ model, changes, palette }: HeapViewInput): void {
    if (model.extras?.kind !== 'page') return;
    this.model = model;
    this.extras = model.extras;
    this.changes = changes;
    this.palette = palette;
    this.pageBlock = new Int32Array(model.extras.pageCount).fill(-1);
    for (const run of model.extras.runs)
      this.pageBlock.fill(run.blockIndex, run.firstPage, run.firstPage + run.pages);
    this.relayout();
  }

  setSelected(index: number | null): void {
    this.selected = index;
    this.surface.requestDraw();
  }

  renderNow(): void {
    this.relayout(true);
  }

  private relayout(now = false): void {
    if (this.extras === null) return;
    this.columns = Math.max(1, Math.floor((this.surface.viewWidth - 2 * PAD + GAP) / PITCH));
    const rows = Math.ceil(this.extras.pageCount / this.columns);
    this.surface.setContentSize(this.surface.viewWidth, 2 * PAD + rows * PITCH, 320);
    if (now) this.surface.drawNow();
    else this.surface.requestDraw();
  }

  private indexAt(event: MouseEvent): number | null {
    if (this.extras === null) return null;
    const { x, y } = this.surface.contentPoint(event);
    const column = Math.floor((x - PAD) / PITCH);
    const row = Math.floor((y - PAD) / PITCH);
    if (column < 0 || column >= this.columns || row < 0) return null;
    const page = row * this.columns + column;
    const block = page < this.pageBlock.length ? this.pageBlock[page]! : -1;
    return block >= 0 ? block : null;
  }

  private paint(ctx: CanvasRenderingContext2D, view: Viewport): void {
    const { palette, extras, model } = this;
    if (palette === null) return;
    ctx.fillStyle = palette.background;
    ctx.fillRect(view.left, view.top, view.width, view.height);
    if (extras === null || model === null) return;
    let usedRun = 0;
    const runColours = new Map<number, string>();
    for (const run of extras.runs) {
      if (run.status === 'used') runColours.set(run.blockIndex, runColour(usedRun++));
    }
    for (let page = 0; page < extras.pageCount; page++) {
      const x = PAD + (page % this.columns) * PITCH;
      const y = PAD + Math.floor(page / this.columns) * PITCH;
      if (y + CELL < view.top || y > view.top + view.height) continue;
      const block = this.pageBlock[page]!;
      ctx.fillStyle = block < 0 ? palette.corrupt : (runColours.get(block) ?? palette.free);
      ctx.fillRect(x, y, CELL, CELL);
      const isHead = block >= 0 && model.blocks[block]!.start === extras.pagesStart + page * 4096;
      if (isHead && model.blocks[block]!.status === 'used') {
        ctx.fillStyle = '#ffffff';
        ctx.beginPath();
        ctx.moveTo(x + 2, y + 2);
        ctx.lineTo(x + 8, y + 2);
        ctx.lineTo(x + 2, y + 8);
        ctx.fill();
      }
      const change = block >= 0 ? this.changes[block] : undefined;
      const blockStatus = block >= 0 ? model.blocks[block]!.status : 'free';
      // a free run that only shrank is marked on its first page; anything else on every page
      const changed =
        change !== undefined &&
        change !== 'same' &&
        (blockStatus === 'used' || change !== 'split' || isFirst(model, extras, block, page));
      const focus =
        block >= 0 && block === this.selected
          ? palette.selected
          : block >= 0 && block === this.pointer.hovered
            ? palette.text
            : changed
              ? palette.changed
              : null;
      if (focus !== null) {
        ctx.strokeStyle = focus;
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 1, y + 1, CELL - 2, CELL - 2);
      }
    }
  }
}
