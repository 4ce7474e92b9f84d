// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Types commands into the guest: at human speed (a character at a time) or
 * instantly, and always waits for the guest to finish one command (go idle)
 * before typing the next, so output and input interleave as if a person
 * were at the keyboard. Cancelling stops after the current key. Each
 * command starts with Ctrl-U, which erases whatever is on the line (a
 * half-typed command, or one a cancelled script left), so commands never run
 * together; on an empty line the kernel echoes nothing for it.
 */

export interface TypingTarget {
  send(keys: string): void;
  /** resolves when the guest next waits for input (after the keys sent so far) */
  whenIdle(): Promise<void>;
}

export class ScriptTyper {
  private generation = 0;

  constructor(
    private readonly target: TypingTarget,
    private readonly msPerKey = 28,
  ) {}

  cancel(): void {
    this.generation++;
  }

  async type(commands: readonly string[], speed: 'human' | 'instant'): Promise<boolean> {
    const mine = ++this.generation;
    for (const command of commands) {
      if (mine !== this.generation) return false;
      this.target.send(CLEAR_LINE);
      if (speed === 'instant') {
        this.target.send(`${command}\r`);
      } else {
        for (const ch of command) {
          if (mine !== this.generation) return false;
          this.target.send(ch);
          await sleep(this.msPerKey);
        }
        await sleep(this.msPerKey * 3);
        if (mine !== this.generation) return false;
        this.target.send('\r');
      }
      await this.target.whenIdle();
    }
    return mine === this.generation;
  }
}

const CLEAR_LINE = '\x15'; // Ctrl-U

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
