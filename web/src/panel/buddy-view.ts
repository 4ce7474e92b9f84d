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
const GUTTER = 64; // row labels
const MIN_LEAF = 14;
const PAD_TOP = 6;

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
    this.place(extras);
    const width = this.nodes.reduce((w, n) => Math.max(w, n.x + n.width), GUTTER);
    const rows = this.topOrder - this.bottomOrder + 1;
    this.surface.setContentSize(width + 4, PAD_TOP + rows * ROW_HEIGHT + 4, MAX_HEIGHT);
    if (now) this.surface.drawNow();
    else this.surface.requestDraw();
  }

  /** Leaves get equal widths in tree order; a split node spans its descendants. */
  private place(extras: BuddyExtras): void {
    const tree = extras.tree;
    const leaves = tree.filter((n) => n.state !== 'split').length;
    const leafWidth = Math.max(MIN_LEAF, (this.lastWidth - GUTTER - 8) / Math.max(leaves, 1));
    this.nodes = new Array<PlacedNode>(tree.length);
    this.topOrder = 0;
    this.bottomOrder = Infinity;
    let cursor = GUTTER;
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
        const labels = block
          ? block.status === 'used'
            ? [
                `${humanBytes(block.requested)} of ${humanBytes(block.span)}`,
                humanBytes(block.span),
              ]
            : [humanBytes(block.span)]
          : [];
        const label = labels.find((l) => ctx.measureText(l).width <= node.width - 8);
        if (label !== undefined) {
          ctx.fillStyle = node.state === 'used' ? '#ffffff' : palette.text;
          ctx.fillText(label, node.x + 4, y + ROW_HEIGHT / 2);
        }
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
    ctx.fillRect(view.left, view.top, GUTTER - 4, view.height);
    ctx.fillStyle = palette.mutedText;
    for (let order = this.topOrder; order >= this.bottomOrder; order--) {
      ctx.fillText(humanBytes(32 * 2 ** order), view.left + 4, this.rowOf(order) + ROW_HEIGHT / 2);
    }
  }
}
