// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The guest's UART on an xterm.js terminal. Keys and pastes go to the guest
 * as the bytes a serial terminal would send (bracketed paste is ignored, so a
 * paste is typed as keys); output is written as raw bytes; the fit addon keeps
 * the grid matched to the pane.
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

export class TerminalView {
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly resizeObserver: ResizeObserver;

  constructor(host: HTMLElement, onKeys: (keys: string) => void, theme: ITheme) {
    this.terminal = new Terminal({
      convertEol: false, // the kernel sends CR LF itself
      cursorBlink: true,
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      ignoreBracketedPasteMode: true,
      scrollback: 5000,
      theme,
      screenReaderMode: false,
    });
    this.terminal.loadAddon(this.fit);
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

  private refit(): void {
    try {
      this.fit.fit();
    } catch {
      // the host is hidden (zero size): keep the old grid
    }
  }
}
