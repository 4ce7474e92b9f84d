// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The address-ordered strip of blocks (first-fit, TLSF, bump): each block is
 * drawn as its header, its requested payload and its padding, free blocks in
 * their own colour, with a readable minimum width (strip-layout.ts). Free
 * list links of the hovered or selected block are drawn as arcs. Only the
 * visible rows are painted, so 10,000 blocks cost a screenful.
 */
import type { HeapBlock, HeapModel } from '../heap/model';
import { humanBytes } from '../util/format';
import type { BlockChange } from './block-diff';
import { CanvasSurface, type Viewport } from './canvas-surface';
import type { HeapView, HeapViewCallbacks, HeapViewInput } from './heap-view';
import { BlockPointer } from './heap-view';
import type { Palette } from './palette';
import { type StripLayout, blockAtOffset, layoutStrip, rowSegments } from './strip-layout';

const ROW_HEIGHT = 30;
const ROW_GAP = 14;
const ROW_PITCH = ROW_HEIGHT + ROW_GAP;
const PAD_X = 8;
const PAD_TOP = 12;
const MIN_BLOCK_WIDTH = 5;
const MAX_HEIGHT = 330;

export class StripView implements HeapView {
  readonly surface: CanvasSurface;
  private model: HeapModel | null = null;
  private changes: BlockChange[] = [];
  private layout: StripLayout | null = null;
  private palette: Palette | null = null;
  private selected: number | null = null;
  private readonly pointer: BlockPointer;
  /** blocks named by a finding, drawn as corrupt */
  private flagged: ReadonlySet<number> = new Set<number>();
  private lastWidth = 0;
  /** bytes after the last block the walk reached (a corrupted heap), drawn after the blocks */
  private unwalked = 0;

  constructor(private readonly callbacks: HeapViewCallbacks) {
    this.surface = new CanvasSurface('strip-view', (ctx, view) => this.paint(ctx, view));
    this.pointer = new BlockPointer(this.surface, (event) => this.indexAt(event), callbacks);
    this.surface.onResize(() => {
      if (this.surface.viewWidth !== this.lastWidth) this.relayout();
    });
  }

  show({ model, changes, palette, flagged }: HeapViewInput): void {
    this.model = model;
    this.changes = changes;
    this.palette = palette;
    this.flagged = flagged;
    this.relayout();
  }

  setSelected(index: number | null): void {
    this.selected = index;
    if (index !== null && this.layout !== null) {
      const at = this.layout.offsets[index] ?? 0;
      const row = Math.floor(at / this.layout.rowWidth);
      this.surface.scrollToContent(0, PAD_TOP + row * ROW_PITCH);
    }
    this.surface.requestDraw();
  }

  renderNow(): void {
    this.relayout(true);
  }

  private relayout(now = false): void {
    const model = this.model;
    if (model === null) return;
    this.lastWidth = this.surface.viewWidth;
    const rowWidth = Math.max(100, this.lastWidth - 2 * PAD_X);
    // where a corrupted heap's walk stopped short, the rest is drawn as one unreadable stretch
    const last = model.blocks.at(-1);
    const walked = last ? last.start + last.span : (model.area?.start ?? 0);
    this.unwalked = model.area !== null && walked < model.area.end ? model.area.end - walked : 0;
    const spans = new Float64Array(model.blocks.length + (this.unwalked > 0 ? 1 : 0));
    for (let i = 0; i < model.blocks.length; i++) spans[i] = model.blocks[i]!.span;
    if (this.unwalked > 0) spans[model.blocks.length] = this.unwalked;
    this.layout = layoutStrip(spans, rowWidth, MIN_BLOCK_WIDTH);
    this.surface.setContentSize(
      rowWidth + 2 * PAD_X,
      PAD_TOP + this.layout.rows * ROW_PITCH + 4,
      MAX_HEIGHT,
    );
    if (now) this.surface.drawNow();
    else this.surface.requestDraw();
  }

  private indexAt(event: MouseEvent): number | null {
    if (this.layout === null) return null;
    const { x, y } = this.surface.contentPoint(event);
    const row = Math.floor((y - PAD_TOP) / ROW_PITCH);
    const inRow = y - PAD_TOP - row * ROW_PITCH;
    if (row < 0 || inRow > ROW_HEIGHT || x < PAD_X || x >= PAD_X + this.layout.rowWidth)
      return null;
    const index = blockAtOffset(this.layout, row * this.layout.rowWidth + (x - PAD_X));
    return index < 0 || index >= (this.model?.blocks.length ?? 0) ? null : index;
  }

  /** Centre of the top edge of a block's first segment, in content coordinates. */
  private anchor(index: number): { x: number; y: number } | null {
    const layout = this.layout;
    if (layout === null) return null;
    const from = layout.offsets[index]!;
    const to = layout.offsets[index + 1]!;
    const [row, x, width] = rowSegments(layout, from, to)[0] ?? [0, 0, 0];
    return { x: PAD_X + x + width / 2, y: PAD_TOP + row * ROW_PITCH };
  }

  private paint(ctx: CanvasRenderingContext2D, view: Viewport): void {
    const { model, layout, palette } = this;
    if (palette === null) return;
    ctx.fillStyle = palette.background;
    ctx.fillRect(view.left, view.top, view.width, view.height);
    if (model === null || layout === null) return;
    const firstRow = Math.max(0, Math.floor((view.top - PAD_TOP) / ROW_PITCH));
    const lastRow = Math.min(
      layout.rows - 1,
      Math.floor((view.top + view.height - PAD_TOP) / ROW_PITCH),
    );
    if (lastRow < firstRow) return;
    const fromOffset = firstRow * layout.rowWidth;
    const toOffset = (lastRow + 1) * layout.rowWidth;
    let index = Math.max(0, blockAtOffset(layout, fromOffset));
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const highlights: Array<[number, string]> = [];
    const notches: number[] = [];
    for (; index < model.blocks.length && layout.offsets[index]! < toOffset; index++) {
      const block = model.blocks[index]!;
      for (const [row, x, width] of rowSegments(
        layout,
        layout.offsets[index]!,
        layout.offsets[index + 1]!,
      )) {
        if (row < firstRow || row > lastRow) continue;
        this.paintSegment(
          ctx,
          index,
          block,
          PAD_X + x,
          PAD_TOP + row * ROW_PITCH,
          width,
          palette,
          layout.offsets[index]!,
          row * layout.rowWidth + x,
        );
      }
      const change = this.changes[index];
      if (this.flagged.has(index)) highlights.push([index, palette.corrupt]);
      else if (change !== undefined && change !== 'same') {
        // a free block that only shrank (the rest of a split) gets a notch, not a frame
        if (change === 'split' && block.status === 'free') notches.push(index);
        else highlights.push([index, palette.changed]);
      }
    }
    if (this.unwalked > 0) this.paintUnwalked(ctx, model.blocks.length, firstRow, lastRow, palette);
    for (const [i, colour] of highlights) this.outline(ctx, i, colour, 2);
    for (const i of notches) this.notch(ctx, i, palette.changed);
    if (this.pointer.hovered !== null) this.outline(ctx, this.pointer.hovered, palette.text, 1);
    if (this.selected !== null) this.outline(ctx, this.selected, palette.selected, 3);
    this.paintBumpPointer(ctx, model, palette);
    for (const focus of [this.pointer.hovered, this.selected])
      if (focus !== null) this.paintLinks(ctx, focus, palette);
  }

  /**
   * One row's piece of a block. `blockStart` and `segmentStart` are strip
   * offsets, so a block split across rows keeps its header on the first row.
   */
  private paintSegment(
    ctx: CanvasRenderingContext2D,
    index: number,
    block: HeapBlock,
    x: number,
    y: number,
    width: number,
    palette: Palette,
    blockStart: number,
    segmentStart: number,
  ): void {
    const blockWidth = this.layout!.offsets[index + 1]! - blockStart;
    // where, along the block, the header ends and the payload and padding end
    const headerBytes = block.payload - block.start;
    const scale = blockWidth / Math.max(block.span, 1);
    const headerEnd =
      headerBytes > 0 ? Math.max(Math.min(2, blockWidth / 3), headerBytes * scale) : 0;
    const payloadEnd =
      block.status === 'used' ? headerEnd + Math.max(1, block.requested * scale) : blockWidth;
    const pieces: Array<[number, number, string]> =
      block.status === 'free'
        ? [
            [0, headerEnd, palette.header],
            [
              headerEnd,
              blockWidth,
              block.role === 'dead'
                ? palette.dead
                : block.role === 'tail'
                  ? palette.tail
                  : palette.free,
            ],
          ]
        : [
            [0, headerEnd, palette.header],
            [headerEnd, Math.min(payloadEnd, blockWidth), palette.used],
            [Math.min(payloadEnd, blockWidth), blockWidth, palette.padding],
          ];
    const local = segmentStart - blockStart;
    for (const [from, to, colour] of pieces) {
      const a = Math.max(from, local);
      const b = Math.min(to, local + width);
      if (b <= a) continue;
      ctx.fillStyle = colour;
      ctx.fillRect(x + (a - local), y, b - a, ROW_HEIGHT);
    }
    if (block.role === 'dead') {
      ctx.strokeStyle = palette.background;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let hx = x - ROW_HEIGHT; hx < x + width; hx += 6) {
        ctx.moveTo(Math.max(hx, x), y + ROW_HEIGHT - Math.max(0, x - hx));
        ctx.lineTo(
          Math.min(hx + ROW_HEIGHT, x + width),
          y + Math.max(0, hx + ROW_HEIGHT - (x + width)),
        );
      }
      ctx.stroke();
    }
    // a hairline between blocks keeps neighbours of one colour apart
    if (local === 0) {
      ctx.fillStyle = palette.background;
      ctx.fillRect(x, y, 1, ROW_HEIGHT);
    }
    if (width > 56) {
      // a block continued from the row above says so, so no row is left unlabelled
      ctx.fillStyle = block.status === 'used' ? '#ffffff' : palette.text;
      const size = block.status === 'used' ? humanBytes(block.requested) : humanBytes(block.usable);
      const label = local === 0 ? size : `… ${size} (continued)`;
      const inset = local === 0 ? Math.max(headerEnd, 4) + 3 : 6;
      ctx.fillText(label, x + inset, y + ROW_HEIGHT / 2, width - 8);
    }
  }

  private outline(
    ctx: CanvasRenderingContext2D,
    index: number,
    colour: string,
    lineWidth: number,
  ): void {
    const layout = this.layout!;
    ctx.strokeStyle = colour;
    ctx.lineWidth = lineWidth;
    for (const [row, x, width] of rowSegments(
      layout,
      layout.offsets[index]!,
      layout.offsets[index + 1]!,
    )) {
      const inset = lineWidth / 2;
      ctx.strokeRect(
        PAD_X + x + inset,
        PAD_TOP + row * ROW_PITCH + inset,
        Math.max(width - lineWidth, 1),
        ROW_HEIGHT - lineWidth,
      );
    }
  }

  /** The part of the heap a corrupted walk could not reach: hatched in the corruption colour. */
  private paintUnwalked(
    ctx: CanvasRenderingContext2D,
    index: number,
    firstRow: number,
    lastRow: number,
    palette: Palette,
  ): void {
    const layout = this.layout!;
    let labelled = false;
    for (const [row, x, width] of rowSegments(
      layout,
      layout.offsets[index]!,
      layout.offsets[index + 1]!,
    )) {
      if (row < firstRow || row > lastRow) continue;
      const px = PAD_X + x;
      const py = PAD_TOP + row * ROW_PITCH;
      ctx.save();
      ctx.beginPath();
      ctx.rect(px, py, width, ROW_HEIGHT);
      ctx.clip();
      ctx.fillStyle = palette.background;
      ctx.fillRect(px, py, width, ROW_HEIGHT);
      ctx.strokeStyle = palette.corrupt;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (let hx = px - ROW_HEIGHT; hx < px + width; hx += 8) {
        ctx.moveTo(hx, py + ROW_HEIGHT);
        ctx.lineTo(hx + ROW_HEIGHT, py);
      }
      ctx.stroke();
      ctx.restore();
      ctx.strokeStyle = palette.corrupt;
      ctx.strokeRect(px + 0.5, py + 0.5, width - 1, ROW_HEIGHT - 1);
      if (!labelled && width > 160) {
        labelled = true;
        const text = `unreadable: the walk stops here (${humanBytes(this.unwalked)})`;
        ctx.fillStyle = palette.background;
        ctx.fillRect(px + 6, py + 7, ctx.measureText(text).width + 8, ROW_HEIGHT - 14);
        ctx.fillStyle = palette.corrupt;
        ctx.fillText(text, px + 10, py + ROW_HEIGHT / 2);
      }
    }
  }

  /** A small corner mark at a block's start. */
  private notch(ctx: CanvasRenderingContext2D, index: number, colour: string): void {
    const layout = this.layout!;
    const [row, x] = rowSegments(layout, layout.offsets[index]!, layout.offsets[index + 1]!)[0] ?? [
      0, 0,
    ];
    const px = PAD_X + x;
    const py = PAD_TOP + row * ROW_PITCH;
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.moveTo(px, py);
    ctx.lineTo(px + 9, py);
    ctx.lineTo(px, py + 9);
    ctx.fill();
  }

  private paintBumpPointer(
    ctx: CanvasRenderingContext2D,
    model: HeapModel,
    palette: Palette,
  ): void {
    if (model.extras?.kind !== 'bump') return;
    const tail = model.blocks.length - 1;
    if (tail < 0 || model.blocks[tail]!.role !== 'tail') return;
    const point = this.anchor(tail);
    if (point === null) return;
    const layout = this.layout!;
    const [row, x] = rowSegments(layout, layout.offsets[tail]!, layout.offsets[tail + 1]!)[0] ?? [
      0, 0,
    ];
    const px = PAD_X + x;
    const py = PAD_TOP + row * ROW_PITCH;
    ctx.fillStyle = palette.selected;
    ctx.fillRect(px - 1, py - 6, 3, ROW_HEIGHT + 10);
    ctx.beginPath();
    ctx.moveTo(px - 6, py - 10);
    ctx.lineTo(px + 7, py - 10);
    ctx.lineTo(px + 0.5, py - 3);
    ctx.fill();
    ctx.fillStyle = palette.text;
    ctx.fillText('next', px + 9, py - 7);
  }

  private paintLinks(ctx: CanvasRenderingContext2D, index: number, palette: Palette): void {
    const links = this.callbacks.links(index);
    if (links === null) return;
    const here = this.anchor(index);
    if (here === null) return;
    ctx.strokeStyle = palette.link;
    ctx.fillStyle = palette.link;
    ctx.lineWidth = 1.5;
    const [prev, next] = links;
    if (next >= 0) this.arc(ctx, here, this.anchor(next));
    if (prev >= 0) this.arc(ctx, this.anchor(prev), here);
  }

  /** An arrow from `from` to `to`, bowing above the rows. */
  private arc(
    ctx: CanvasRenderingContext2D,
    from: { x: number; y: number } | null,
    to: { x: number; y: number } | null,
  ): void {
    if (from === null || to === null) return;
    const lift = Math.min(ROW_GAP - 2, 6 + Math.abs(to.x - from.x) / 40);
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.bezierCurveTo(from.x, from.y - lift, to.x, to.y - lift, to.x, to.y - 1);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(to.x, to.y);
    ctx.lineTo(to.x - 3.5, to.y - 6);
    ctx.lineTo(to.x + 3.5, to.y - 6);
    ctx.fill();
  }
}
