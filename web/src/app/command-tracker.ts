// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Follows the keys sent to the guest and keeps the command lines they make,
 * the way the kernel's line editor reads them (printable characters, tab as
 * a space, backspace, Ctrl-U, Ctrl-C, up/down history, CR or LF or CR LF as
 * Enter). Used for the Share link and the timeline's labels; it reads what
 * the user typed, never the guest's output.
 */

const ESC = 0x1b;

export class CommandTracker {
  readonly commands: string[] = [];
  private line = '';
  private historyCursor: number | null = null;
  private lastWasCr = false;
  private escape: 'none' | 'started' | 'csi' = 'none';
  private csiParams = '';
  private readonly listeners: Array<(command: string) => void> = [];

  onCommand(listener: (command: string) => void): void {
    this.listeners.push(listener);
  }

  feed(keys: string): void {
    for (const ch of keys) this.feedOne(ch.codePointAt(0)!);
  }

  clear(): void {
    this.commands.length = 0;
    this.line = '';
    this.historyCursor = null;
  }

  /** The timeline went to a checkpoint: its commands, and the empty line the kernel's editor has there. */
  replace(commands: readonly string[]): void {
    this.clear();
    this.commands.push(...commands);
  }

  private feedOne(code: number): void {
    if (this.escape !== 'none') {
      this.feedEscape(code);
      return;
    }
    const wasCr = this.lastWasCr;
    this.lastWasCr = code === 0x0d;
    if (code === 0x0d || code === 0x0a) {
      if (code === 0x0a && wasCr) return; // CR LF is one Enter
      this.commit();
    } else if (code === 0x7f || code === 0x08) {
      this.line = this.line.slice(0, -1);
    } else if (code === 0x15 || code === 0x03) {
      this.line = '';
      this.historyCursor = null;
    } else if (code === ESC) {
      this.escape = 'started';
    } else if (code === 0x09) {
      this.line += ' ';
    } else if (code >= 0x20 && code < 0x7f) {
      this.line += String.fromCharCode(code);
    }
  }

  private feedEscape(code: number): void {
    if (this.escape === 'started') {
      if (code === 0x5b) {
        this.escape = 'csi';
        this.csiParams = '';
      } else {
        this.escape = 'none'; // ESC + one character: dropped
      }
      return;
    }
    if (code >= 0x40 && code <= 0x7e) {
      this.escape = 'none';
      if (this.csiParams === '' && code === 0x41) this.recall(-1);
      if (this.csiParams === '' && code === 0x42) this.recall(+1);
    } else {
      this.csiParams += String.fromCharCode(code);
    }
  }

  private recall(step: number): void {
    if (this.commands.length === 0) return;
    const cursor = (this.historyCursor ?? this.commands.length) + step;
    if (cursor < 0) return;
    if (cursor >= this.commands.length) {
      this.historyCursor = null;
      this.line = '';
      return;
    }
    this.historyCursor = cursor;
    this.line = this.commands[cursor]!;
  }

  private commit(): void {
    const command = this.line.trim().replace(/\s+/g, ' ');
    this.line = '';
    this.historyCursor = null;
    if (command.length === 0) return;
    this.commands.push(command);
    for (const listener of this.listeners) listener(command);
  }
}
