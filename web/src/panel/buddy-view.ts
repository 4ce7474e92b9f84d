// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The buddy split tree as nested power-of-two blocks: one row per order,
 * largest at the top. A split block is a bar over its two halves; a block
 * that is allocated or free fills its column down to the bottom row. Leaves
 * share the width equally (address order kept), so a 32-byte block is as
 * easy to point at as a 512 KiB one; the size is in the label and the row.
 */
import type { BuddyExtras, HeapModel } from '../heap/model';
import { humanBytes } from '../util/format';
import type { BlockChange } from './block-diff';
import { CanvasSurface, type Viewport } from './canvas-surface';
import {
  BlockPointer,
  type HeapView,
  type HeapViewCallbacks,
  type HeapViewInput,
} from './heap-view';
import type { Palette } from './palette';

const ROW_HEIGHT = 19;
const MAX_HEIGHT = 360;
const GUTTER = 64; // row labels ("512 KiB")
const NARROW_GUTTER = 36; // short row labels ("512K") below NARROW_PANEL
const NARROW_PANEL = 520;
const MIN_LEAF = 14;
const PAD_TOP = 6;

/** "512K" for 512 KiB: the size in as few characters as a narrow column has room for. */
function shortBytes(bytes: number): string {
  return humanBytes(bytes)
    .replace(' B', '')
    .replace(/ ([KMG])iB$/, '$1');
}

interface PlacedNode {
  x: number;
  width: number;
  order: number;
  state: 'split' | 'used' | 'free' | 'unknown';
  blockIndex: number;
}

export class BuddyView implements HeapView {
  readonly surface: CanvasSurface;
  private nodes: PlacedNode[] = [];
  private topOrder = 0;
  private bottomOrder = 0;
  private model: HeapModel | null = null;
  private changes: BlockChange[] = [];
  private palette: Palette | null = null;
  private selected: number | null = null;
  private readonly pointer: BlockPointer;
  private lastWidth = 0;
  /** a narrow panel gives the gutter's width to the columns */
  private gutter = GUTTER;

  constructor(callbacks: HeapViewCallbacks) {
    this.surface = new CanvasSurface('buddy-view', (ctx, view) => this.paint(ctx, view));
    this.pointer = new BlockPointer(this.surface, (event) => this.indexAt(event), callbacks);
    this.surface.onResize(() => {
      if (this.surface.viewWidth !== this.lastWidth && this.model !== null) this.relayout();
    });
  }

  show({ model, changes, palette }: HeapViewInput): void {
    this.model = model;
    this.changes = changes;
    this.palette = palette;
    this.relayout();
  }

  setSelected(index: number | null): void {
    this.selected = index;
    const node = this.nodes.find((n) => n.blockIndex === index && n.state !== 'split');
    if (node !== undefined) this.surface.scrollToContent(node.x, 0);
    this.surface.requestDraw();
  }

  renderNow(): void {
    this.relayout(true);
  }

  private relayout(now = false): void {
    const extras = this.model?.extras;
    if (extras?.kind !== 'buddy') return;
    this.lastWidth = this.surface.viewWidth;
    this.gutter = this.lastWidth < NARROW_PANEL ? NARROW_GUTTER : GUTTER;
    this.place(extras);
    const width = this.nodes.reduce((w, n) => Math.max(w, n.x + n.width), this.gutter);
    const rows = this.topOrder - this.bottomOrder + 1;
    this.surface.setContentSize(width + 4, PAD_TOP + rows * ROW_HEIGHT + 4, MAX_HEIGHT);
    if (now) this.surface.drawNow();
    else this.surface.requestDraw();
  }

  /** Leaves get equal widths in tree order; a split node spans its descendants. */
  private place(extras: BuddyExtras): void {
    const tree = extras.tree;
    const leaves = tree.filter((n) => n.state !== 'split').length;
    const leafWidth = Math.max(MIN_LEAF, (this.lastWidth - this.gutter - 8) / Math.max(leaves, 1));
    this.nodes = new Array<PlacedNode>(tree.length);
    this.topOrder = 0;
    this.bottomOrder = Infinity;
    let cursor = this.gutter;
    const open: number[] = []; // indexes of split nodes whose extent is not known yet
    const close = (depth: number): void => {
      while (open.length > 0 && tree[open.at(-1)!]!.depth >= depth) {
        const i = open.pop()!;
        this.nodes[i]!.width = cursor - this.nodes[i]!.x;
      }
    };
    tree.forEach((node, i) => {
      close(node.depth);
      this.topOrder = Math.max(this.topOrder, node.order);
      this.bottomOrder = Math.min(this.bottomOrder, node.order);
      const placed: PlacedNode = {
        x: cursor,
        width: 0,
        order: node.order,
        state: node.state,
        blockIndex: node.blockIndex,
      };
      this.nodes[i] = placed;
      if (node.state === 'split') {
        open.push(i);
      } else {
        placed.width = leafWidth;
        cursor += leafWidth;
      }
    });
    close(-1);
    if (!Number.isFinite(this.bottomOrder)) this.bottomOrder = 0;
  }

  private rowOf(order: number): number {
    return PAD_TOP + (this.topOrder - order) * ROW_HEIGHT;
  }

  private indexAt(event: MouseEvent): number | null {
    const { x, y } = this.surface.contentPoint(event);
    // the leaf whose column contains x and whose row is at or above y
    for (const node of this.nodes) {
      if (node.state === 'split' || x < node.x || x >= node.x + node.width) continue;
      return y >= this.rowOf(node.order) ? node.blockIndex : null;
    }
    return null;
  }

  private paint(ctx: CanvasRenderingContext2D, view: Viewport): void {
    const palette = this.palette;
    if (palette === null) return;
    ctx.fillStyle = palette.background;
    ctx.fillRect(view.left, view.top, view.width, view.height);
    const bottom = this.rowOf(this.bottomOrder) + ROW_HEIGHT;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const drawnLabels: Array<{ block: number; label: string }> = [];
    // row guides and labels (the gutter stays on screen)
    for (let order = this.topOrder; order >= this.bottomOrder; order--) {
      const y = this.rowOf(order);
      ctx.fillStyle = palette.grid;
      ctx.fillRect(view.left, y + ROW_HEIGHT - 1, view.width, 1);
    }
    for (const node of this.nodes) {
      if (node.x > view.left + view.width || node.x + node.width < view.left) continue;
      const y = this.rowOf(node.order);
      const fill =
        node.state === 'split'
          ? palette.split
          : node.state === 'used'
            ? palette.used
            : node.state === 'free'
              ? palette.free
              : palette.corrupt;
      const height = node.state === 'split' ? ROW_HEIGHT - 3 : bottom - y - 1;
      ctx.fillStyle = fill;
      ctx.fillRect(node.x + 0.5, y + 1, Math.max(node.width - 1, 1), height);
      if (node.state !== 'split') {
        const block = this.model?.blocks[node.blockIndex];
        // the longest label that fits: "requested / size", then the size alone
        const labels: string[] = block
          ? block.status === 'used'
            ? [
                `${humanBytes(block.requested)} of ${humanBytes(block.span)}`,
                humanBytes(block.span),
              ]
            : [humanBytes(block.span)]
          : [];
        // then a short form ("512K"); a column too narrow for that says it
        // upright, so the tall columns of a narrow panel keep their size
        const short = block ? shortBytes(block.span) : undefined;
        if (short !== undefined) labels.push(short);
        let label = labels.find((l) => ctx.measureText(l).width <= node.width - 8);
        label ??= labels.find((l) => ctx.measureText(l).width <= node.width - 2);
        // the last resort for a short column (the bottom row): the short form one pixel smaller
        if (label === undefined && short !== undefined) {
          ctx.font = '10px system-ui, sans-serif';
          if (ctx.measureText(short).width <= node.width - 2) label = short;
          else ctx.font = '11px system-ui, sans-serif';
        }
        ctx.fillStyle = node.state === 'used' ? '#ffffff' : palette.text;
        if (label !== undefined) {
          const inset = ctx.measureText(label).width <= node.width - 8 ? 4 : 1;
          ctx.fillText(label, node.x + inset, y + ROW_HEIGHT / 2);
          ctx.font = '11px system-ui, sans-serif';
        } else if (block && node.width >= 12) {
          label = [humanBytes(block.span), short!].find(
            (l) => ctx.measureText(l).width <= height - 4,
          );
          if (label !== undefined) {
            ctx.save();
            ctx.translate(node.x + node.width / 2, y + 3);
            ctx.rotate(Math.PI / 2);
            ctx.fillText(label, 0, 0);
            ctx.restore();
          }
        }
        drawnLabels.push({ block: node.blockIndex, label: label ?? '' });
      }
      const change = node.blockIndex >= 0 ? this.changes[node.blockIndex] : undefined;
      if (node.state !== 'split') {
        const shrankOnly = change === 'split' && node.state === 'free';
        const focus =
          node.blockIndex === this.selected
            ? [palette.selected, 3]
            : node.blockIndex === this.pointer.hovered
              ? [palette.text, 1]
              : change && change !== 'same' && !shrankOnly
                ? [palette.changed, 2]
                : null;
        if (focus !== null) {
          ctx.strokeStyle = focus[0] as string;
          ctx.lineWidth = focus[1] as number;
          const inset = (focus[1] as number) / 2;
          ctx.strokeRect(node.x + inset, y + 1 + inset, node.width - 2 * inset, height - 2 * inset);
        }
      }
    }
    // gutter over everything, pinned to the left edge
    ctx.fillStyle = palette.background;
    ctx.fillRect(view.left, view.top, this.gutter - 4, view.height);
    ctx.fillStyle = palette.mutedText;
    for (let order = this.topOrder; order >= this.bottomOrder; order--) {
      const size = 32 * 2 ** order;
      const rowLabel = this.gutter === GUTTER ? humanBytes(size) : shortBytes(size);
      ctx.fillText(rowLabel, view.left + 4, this.rowOf(order) + ROW_HEIGHT / 2);
    }
    // what each column on screen says, for the browser tests (a canvas has no text to read)
    this.surface.element.dataset.columnLabels = JSON.stringify(drawnLabels);
  }
}
