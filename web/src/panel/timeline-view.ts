// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A small chart of used bytes and fragmentation, one point per heap picture
 * that followed a new command. Used bytes are scaled to their peak (named in
 * the legend), so a heap that uses 2 KiB of 1 MiB still shows its shape;
 * fragmentation is on its own 0–100% scale.
 */
import { humanBytes } from '../util/format';
import { el } from './dom';
import type { Palette } from './palette';

export interface TimelinePoint {
  command: number;
  /** bytes */
  used: number;
  /** 0..1 */
  fragmentation: number;
}

const MAX_POINTS = 240;
const HEIGHT = 52;

export class TimelineView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly points: TimelinePoint[] = [];
  private palette: Palette | null = null;
  private width = 0;
  private readonly usedLegend = el('span', { className: 'swatch used', text: 'used' });

  constructor() {
    this.canvas = el('canvas', {
      className: 'timeline-canvas',
      attrs: { role: 'img', 'aria-label': 'Used bytes and fragmentation over the last commands' },
    });
    const legend = el('div', { className: 'timeline-legend' }, [
      this.usedLegend,
      el('span', { className: 'swatch frag', text: 'fragmentation (0–100%)' }),
    ]);
    this.element = el('section', { className: 'timeline' }, [
      el('div', { className: 'section-head' }, [el('h3', { text: 'Timeline' }), legend]),
      this.canvas,
    ]);
    new ResizeObserver(() => {
      this.width = this.canvas.clientWidth; // after layout: free to read here, and cached for draw()
      this.draw();
    }).observe(this.canvas);
  }

  clear(): void {
    this.points.length = 0;
    this.usedLegend.textContent = 'used';
    this.draw();
  }

  /** Adds a point, replacing the last one if it is for the same command. */
  add(point: TimelinePoint, palette: Palette): void {
    this.palette = palette;
    if (this.points.at(-1)?.command === point.command) this.points[this.points.length - 1] = point;
    else this.points.push(point);
    if (this.points.length > MAX_POINTS) this.points.shift();
    this.draw();
  }

  get length(): number {
    return this.points.length;
  }

  private draw(): void {
    const palette = this.palette;
    const width = this.width;
    if (palette === null || width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(HEIGHT * ratio);
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = palette.background;
    ctx.fillRect(0, 0, width, HEIGHT);
    ctx.fillStyle = palette.grid;
    ctx.fillRect(0, HEIGHT - 1, width, 1);
    ctx.fillRect(0, 0, width, 1);
    const n = this.points.length;
    if (n === 0) return;
    const highest = Math.max(...this.points.map((p) => p.used));
    this.usedLegend.textContent = `used (peak ${humanBytes(highest)})`;
    const peak = Math.max(highest, 1); // the scale of an empty heap's flat line
    const step = n > 1 ? (width - 8) / (n - 1) : 0;
    const line = (value: (p: TimelinePoint) => number, colour: string): void => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      this.points.forEach((p, i) => {
        const x = 4 + i * step;
        const y = HEIGHT - 4 - value(p) * (HEIGHT - 8);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      if (n === 1) ctx.lineTo(width - 4, HEIGHT - 4 - value(this.points[0]!) * (HEIGHT - 8));
      ctx.stroke();
    };
    line((p) => p.used / peak, palette.used);
    line((p) => p.fragmentation, palette.changed);
  }
}
