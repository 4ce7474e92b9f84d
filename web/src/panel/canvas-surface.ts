// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A scrollable drawing area whose canvas only covers the visible viewport:
 * the content can be far larger (10,000 blocks) while each redraw paints a
 * screenful. The canvas follows the scroll position; `draw` gets the visible
 * rectangle in content coordinates.
 */

export interface Viewport {
  left: number;
  top: number;
  width: number;
  height: number;
}

export class CanvasSurface {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly inner: HTMLDivElement;
  private readonly context: CanvasRenderingContext2D;
  private contentWidth = 0;
  private contentHeight = 0;
  private frame = 0;
  // Sizes and scroll offsets are cached from ResizeObserver and scroll
  // events: reading them from the DOM right after the panel rebuilt its
  // other parts would force a synchronous layout on every redraw.
  private width = 0;
  private height = 0;
  private scrollLeft = 0;
  private scrollTop = 0;
  private readonly resized: Array<() => void> = [];
  private fittedHeight: number | null = null;

  constructor(
    className: string,
    private readonly paint: (ctx: CanvasRenderingContext2D, view: Viewport) => void,
  ) {
    this.element = document.createElement('div');
    this.element.className = `canvas-surface ${className}`;
    this.element.setAttribute('role', 'img');
    this.element.setAttribute(
      'aria-label',
      'Heap picture (the Blocks table has the same blocks as text)',
    );
    this.inner = document.createElement('div');
    this.inner.className = 'canvas-surface-inner';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'canvas-surface-canvas';
    this.inner.append(this.canvas);
    this.element.append(this.inner);
    const context = this.canvas.getContext('2d', { alpha: false });
    if (context === null) throw new Error('no 2D canvas');
    this.context = context;
    this.element.addEventListener(
      'scroll',
      () => {
        this.scrollLeft = this.element.scrollLeft;
        this.scrollTop = this.element.scrollTop;
        this.requestDraw();
      },
      { passive: true },
    );
    new ResizeObserver(() => {
      // clientWidth leaves out the scrollbar; this runs after layout, so reading it is free
      this.width = this.element.clientWidth;
      this.height = this.element.clientHeight;
      for (const listener of this.resized) listener();
      this.requestDraw();
    }).observe(this.element);
  }

  /** Width available for content (the visible width, without a scrollbar). */
  get viewWidth(): number {
    return this.width;
  }

  get viewHeight(): number {
    return this.height;
  }

  /** Called after the visible size changed (ResizeObserver). */
  onResize(listener: () => void): void {
    this.resized.push(listener);
  }

  /** Sets the scrollable size; with `fitHeight`, the element shrinks to the content up to that height. */
  setContentSize(width: number, height: number, fitHeight?: number): void {
    this.contentWidth = width;
    this.contentHeight = height;
    if (fitHeight !== undefined) {
      this.fittedHeight = Math.min(height + 2, fitHeight);
      this.element.style.height = `${this.fittedHeight}px`;
    }
    this.inner.style.width = `${Math.max(width, 1)}px`;
    this.inner.style.height = `${Math.max(height, 1)}px`;
  }

  /** Mouse position in content coordinates. */
  contentPoint(event: MouseEvent): { x: number; y: number } {
    const rect = this.element.getBoundingClientRect();
    return {
      x: event.clientX - rect.left + this.scrollLeft,
      y: event.clientY - rect.top + this.scrollTop,
    };
  }

  scrollToContent(x: number, y: number): void {
    const { scrollLeft, scrollTop, width, height } = this;
    if (y < scrollTop || y > scrollTop + height - 30)
      this.element.scrollTop = Math.max(0, y - height / 3);
    if (x < scrollLeft || x > scrollLeft + width - 30)
      this.element.scrollLeft = Math.max(0, x - width / 3);
  }

  requestDraw(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawNow();
    });
  }

  drawNow(): void {
    const width = Math.min(this.width, Math.max(this.contentWidth, 1));
    // the element may just have been resized to fit its content: use the smaller
    const height = Math.min(
      this.height || this.contentHeight,
      this.fittedHeight ?? Infinity,
      Math.max(this.contentHeight, 1),
    );
    if (width <= 0 || height <= 0) return;
    const ratio = window.devicePixelRatio || 1;
    const left = this.scrollLeft;
    const top = this.scrollTop;
    this.canvas.style.transform = `translate(${left}px, ${top}px)`;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    if (
      this.canvas.width !== Math.round(width * ratio) ||
      this.canvas.height !== Math.round(height * ratio)
    ) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const ctx = this.context;
    ctx.setTransform(ratio, 0, 0, ratio, -left * ratio, -top * ratio);
    this.paint(ctx, { left, top, width, height });
  }
}
