// SPDX-License-Identifier: GPL-2.0-or-later
/** Canvas colours, read from the theme's CSS custom properties (styles.css). */

export interface Palette {
  background: string;
  text: string;
  mutedText: string;
  grid: string;
  header: string;
  used: string;
  padding: string;
  free: string;
  dead: string;
  tail: string;
  split: string;
  selected: string;
  changed: string;
  corrupt: string;
  link: string;
}

const NAMES: Record<keyof Palette, string> = {
  background: '--panel-bg',
  text: '--text',
  mutedText: '--muted',
  grid: '--grid',
  header: '--block-header',
  used: '--block-used',
  padding: '--block-padding',
  free: '--block-free',
  dead: '--block-dead',
  tail: '--block-tail',
  split: '--block-split',
  selected: '--selected',
  changed: '--changed',
  corrupt: '--corrupt',
  link: '--link',
};

export function readPalette(element: Element): Palette {
  const style = getComputedStyle(element);
  const palette = {} as Palette;
  for (const key of Object.keys(NAMES) as Array<keyof Palette>) {
    palette[key] = style.getPropertyValue(NAMES[key]).trim() || '#888';
  }
  return palette;
}

/** Distinct fills for page runs: cycled by run index. */
export const RUN_HUES = [212, 28, 152, 268, 340, 190, 52, 100];

/** The fill of the n-th allocated page run (the grid and its legend). */
export function runColour(n: number): string {
  return `hsl(${RUN_HUES[n % RUN_HUES.length]} 62% 48%)`;
}
