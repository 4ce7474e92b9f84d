// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The guest's UART on an xterm.js terminal. Keys and pastes go to the guest
 * as the bytes a serial terminal would send (bracketed paste is ignored, so a
 * paste is typed as keys); output is written as raw bytes; the fit addon keeps
 * the grid matched to the pane. Esc is the way out: Esc then Tab (or
 * Shift+Tab) moves the focus on instead of typing a tab; Esc alone reaches
 * the guest never (its line editor would take it for an escape sequence and
 * swallow the next key). The page's shortcuts (Alt+arrows for the timeline)
 * never reach the guest either. Screen-reader mode puts the output in a live region.
 */
import { FitAddon } from '@xterm/addon-fit';
import { type ITheme, Terminal } from '@xterm/xterm';

export const DARK_TERMINAL: ITheme = {
  background: '#0f1419',
  foreground: '#d8dee9',
  cursor: '#f2c14e',
  cursorAccent: '#0f1419',
  selectionBackground: '#3b4b63',
};

export const LIGHT_TERMINAL: ITheme = {
  background: '#fbfbf8',
  foreground: '#1f2430',
  cursor: '#b7410e',
  cursorAccent: '#fbfbf8',
  selectionBackground: '#c9d7ee',
};

/** 13 px gives 80 columns from 1280 px wide; narrow windows get 12 px so more of a line fits. */
const NARROW = '(max-width: 900px)';
const fontSizeFor = (narrow: boolean): number => (narrow ? 12 : 13);

export class TerminalView {
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly resizeObserver: ResizeObserver;
  /** Esc was pressed: the next Tab leaves the terminal */
  private leaving = false;

  constructor(
    host: HTMLElement,
    onKeys: (keys: string) => void,
    theme: ITheme,
    /** the page's own shortcuts (the timeline's Alt+arrows): true keeps the key from the guest */
    private readonly pageKey: (event: KeyboardEvent) => boolean = () => false,
  ) {
    this.terminal = new Terminal({
      convertEol: false, // the kernel sends CR LF itself
      cursorBlink: true,
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: fontSizeFor(matchMedia(NARROW).matches),
      ignoreBracketedPasteMode: true,
      scrollback: 5000,
      theme,
      screenReaderMode: true,
    });
    this.terminal.loadAddon(this.fit);
    this.terminal.attachCustomKeyEventHandler((event) => this.routeKey(event));
    matchMedia(NARROW).addEventListener('change', (query) => {
      this.terminal.options.fontSize = fontSizeFor(query.matches);
      this.refit();
    });
    this.terminal.open(host);
    this.terminal.onData(onKeys);
    this.resizeObserver = new ResizeObserver(() => this.refit());
    this.resizeObserver.observe(host);
    this.refit();
  }

  write(bytes: Uint8Array | string): void {
    this.terminal.write(bytes);
  }

  clear(): void {
    this.terminal.reset();
  }

  focus(): void {
    this.terminal.focus();
  }

  setTheme(theme: ITheme): void {
    this.terminal.options.theme = theme;
  }

  /** The visible text of the buffer, lines joined by "\n" (for tests). */
  bufferText(): string {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++)
      lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** false: xterm leaves the key alone (Esc is kept from the guest; Tab after it moves the focus). */
  private routeKey(event: KeyboardEvent): boolean {
    if (this.pageKey(event)) return false;
    if (event.key === 'Escape') {
      if (event.type === 'keydown') this.leaving = true;
      return false;
    }
    if (event.key === 'Tab' && this.leaving) {
      if (event.type === 'keydown') this.leaving = false;
      return false;
    }
    if (event.type === 'keydown' && !MODIFIERS.has(event.key)) this.leaving = false;
    return true;
  }

  private refit(): void {
    try {
      this.fit.fit();
    } catch {
      // the host is hidden (zero size): keep the old grid
    }
  }
}

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta']);
