// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What the heap panel needs from the picture of one allocator kind: a view
 * (strip, buddy tree, page grid, ...), its legend, its extras and, for kinds
 * with free lists, a block's list neighbours. kind-views.ts maps each
 * allocator kind to one of these, as KIND_DECODERS does for the decoder.
 */
import type { HeapModel } from '../heap/model';
import type { BlockChange } from './block-diff';
import type { CanvasSurface } from './canvas-surface';
import type { Palette } from './palette';

/** What a view calls back into the panel. */
export interface HeapViewCallbacks {
  hover(index: number | null, event: MouseEvent): void;
  select(index: number): void;
  /** neighbours of a free block in its free list: [prev, next] block indexes (-1 for none) */
  links(index: number): [number, number] | null;
}

/** One heap picture, as the panel hands it to a view. */
export interface HeapViewInput {
  model: HeapModel;
  /** per block: what the last command did to it */
  changes: BlockChange[];
  palette: Palette;
  /** blocks named by a finding (drawn as corrupt where the view can) */
  flagged: ReadonlySet<number>;
}

export interface HeapView {
  readonly surface: CanvasSurface;
  show(input: HeapViewInput): void;
  /** marks a block as selected (null: none) and scrolls it into view */
  setSelected(index: number | null): void;
  /** lays out and paints synchronously (benchmarks time this) */
  renderNow(): void;
}

export type HeapViewFactory = (callbacks: HeapViewCallbacks) => HeapView;

/** One legend entry: `swatch` is the CSS class that colours it (styles.css, .legend-item). */
export interface LegendItem {
  swatch: string;
  label: string;
  /** fills that are not theme colours (page runs), one square each */
  colours?: string[];
}

export interface KindView {
  /** views are made once per factory and shared by the kinds that name the same one */
  view: HeapViewFactory;
  legend(model: HeapModel): LegendItem[];
  /** the allocator's own sections under the picture (free lists, bitmaps, tables) */
  extras(model: HeapModel, select: (blockIndex: number) => void): HTMLElement | null;
  links?(model: HeapModel, blockIndex: number): [number, number] | null;
}

/**
 * The mouse wiring every canvas view shares: hover (redraws when the block
 * under the pointer changes), leave, and click to select. `hovered` is what
 * the view's paint reads.
 */
export class BlockPointer {
  hovered: number | null = null;

  constructor(
    surface: CanvasSurface,
    indexAt: (event: MouseEvent) => number | null,
    callbacks: Pick<HeapViewCallbacks, 'hover' | 'select'>,
  ) {
    const element = surface.element;
    element.addEventListener('mousemove', (event) => {
      const index = indexAt(event);
      if (index !== this.hovered) {
        this.hovered = index;
        surface.requestDraw();
      }
      callbacks.hover(index, event);
    });
    element.addEventListener('mouseleave', (event) => {
      this.hovered = null;
      surface.requestDraw();
      callbacks.hover(null, event);
    });
    element.addEventListener('click', (event) => {
      const index = indexAt(event);
      if (index !== null) callbacks.select(index);
    });
  }
}
