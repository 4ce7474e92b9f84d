// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Pairs each command the kernel ran with what it printed: the text after
 * the command's line up to the next prompt. Commands come from the keys
 * (followed as the line editor reads them); output from the UART. When the
 * guest is idle again every command entered so far is finished; several
 * entered at once (a paste) are told apart by the prompts between them.
 */
import { CommandTracker } from '../app/command-tracker';

export interface CommandDone {
  command: string;
  output: string;
}

/** A prompt at the start of a line: "first-fit> ", "tlsf> " ... */
const PROMPT = /(?:^|\n)[a-z][a-z0-9-]*> /g;

export class CommandOutput {
  private readonly tracker = new CommandTracker();
  private pending: string[] = [];
  /** sequence number of the keys that entered the last pending command */
  private lastSeq = 0;
  private seq = 0;
  private text = '';
  private readonly decoder = new TextDecoder('latin1');

  constructor() {
    this.tracker.onCommand((command) => {
      // output before the first pending command's Enter is the echo of its typing: not wanted
      if (this.pending.length === 0) this.text = '';
      this.pending.push(command);
      this.lastSeq = this.seq;
    });
  }

  /** Keys sent to the guest, with the sequence number the emulator gave them. */
  keys(keys: string, seq: number): void {
    this.seq = seq;
    this.tracker.feed(keys);
  }

  output(bytes: Uint8Array): void {
    if (this.pending.length > 0) this.text += this.decoder.decode(bytes, { stream: true });
  }

  /** The guest waits for input after the keys numbered `keysSeq`: commands entered by then are done. */
  idle(keysSeq: number): CommandDone[] {
    if (this.pending.length === 0 || keysSeq < this.lastSeq) return [];
    const text = this.text.replace(/\r/g, '');
    // segments between prompts; each begins with (the rest of) its command line's echo
    const segments = text.split(PROMPT);
    const done = this.pending.map((command, i) => {
      const segment = segments[i] ?? '';
      const newline = segment.indexOf('\n');
      return { command, output: newline < 0 ? '' : segment.slice(newline + 1).replace(/\n$/, '') };
    });
    this.pending = [];
    this.text = '';
    return done;
  }

  /** The machine restarted: nothing pending will finish. */
  clear(): void {
    this.pending = [];
    this.text = '';
    this.tracker.clear();
  }
}
