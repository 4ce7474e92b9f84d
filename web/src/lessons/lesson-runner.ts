// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Steps through a lesson. Arriving at a step types its commands, each after
 * the kernel's prompt came back from the previous one, and each preceded by
 * Ctrl-U so it never lands on a half-typed line (on an empty line the
 * kernel echoes nothing for it). Next while a step is still being typed
 * types the rest of it at once and then moves on; Previous replays the
 * lesson up to the step before, instantly (lessons start with `use`, which
 * empties the heap, so the replay ends in the same state); Run all goes on
 * until a step marked `wait` or the end. Opening another lesson, Close and
 * the machine being reset cancel whatever is being typed.
 */
import type { Lesson } from './lesson-format';

const CTRL_U = '\x15';

export interface LessonTarget {
  send(keys: string): void;
  /** resolves when the guest waits for input again, after every key sent so far */
  whenIdle(): Promise<void>;
  speed(): 'human' | 'instant';
  /** the terminal is cleared before a replay, so what it shows is the replay */
  clearScreen(): void;
}

export interface LessonState {
  lesson: Lesson | null;
  /** the step shown, -1 before the first */
  index: number;
  /** commands of the shown step are still being typed */
  busy: boolean;
}

export class LessonRunner {
  private lesson: Lesson | null = null;
  private index = -1;
  private busy = false;
  /** bumped by anything that abandons the typing in progress */
  private generation = 0;
  private hurry = false;
  /** part of a command is on the kernel's line (typing was at human speed) */
  private partial = false;
  /** steps to move on once the current one is typed */
  private queued: 'none' | 'next' | 'run-all' = 'none';
  private readonly listeners: Array<(state: LessonState) => void> = [];

  constructor(
    private readonly target: LessonTarget,
    private readonly msPerKey = 28,
  ) {}

  onChange(listener: (state: LessonState) => void): void {
    this.listeners.push(listener);
  }

  get state(): LessonState {
    return { lesson: this.lesson, index: this.index, busy: this.busy };
  }

  /** Opens a lesson (cancelling any other) and runs its first step; resolves when that is typed. */
  open(lesson: Lesson): Promise<void> {
    this.cancelTyping();
    this.lesson = lesson;
    this.index = -1;
    return this.goTo(0, false);
  }

  close(): void {
    if (this.partial) this.target.send(CTRL_U);
    this.cancelTyping();
    this.lesson = null;
    this.index = -1;
    this.changed();
  }

  /**
   * Something else takes the keyboard (a reset, another script): stop typing
   * and stay on the step; `clearLine` erases a half-typed command first.
   */
  stopTyping(clearLine: boolean): void {
    if (clearLine && this.partial) this.target.send(CTRL_U);
    const wasBusy = this.busy;
    this.cancelTyping();
    if (wasBusy) this.changed();
  }

  next(): Promise<void> {
    if (this.lesson === null) return Promise.resolve();
    if (this.busy) {
      this.hurry = true;
      if (this.queued === 'none') this.queued = 'next';
      return Promise.resolve();
    }
    if (this.index + 1 >= this.lesson.steps.length) return Promise.resolve();
    return this.goTo(this.index + 1, false);
  }

  /** Runs the following steps until one that says `wait` (or the end), instantly. */
  async runAll(): Promise<void> {
    if (this.lesson === null) return;
    if (this.busy) {
      this.hurry = true;
      this.queued = 'run-all';
      return;
    }
    const lesson = this.lesson;
    const mine = this.generation;
    while (this.lesson === lesson && mine === this.generation) {
      if (this.index + 1 >= lesson.steps.length) return;
      await this.goTo(this.index + 1, true);
      if (lesson.steps[this.index]?.wait === true) return;
    }
  }

  /** Replays the lesson from its first step up to the one before this, instantly. */
  async previous(): Promise<void> {
    const lesson = this.lesson;
    if (lesson === null || this.index <= 0) return;
    const target = this.index - 1;
    this.cancelTyping();
    this.target.clearScreen();
    const mine = this.generation;
    this.busy = true;
    for (let i = 0; i <= target; i++) {
      this.index = i;
      this.changed();
      if (!(await this.typeCommands(lesson.steps[i]!.commands, mine, true))) return;
    }
    this.busy = false;
    this.changed();
  }

  private async goTo(index: number, instant: boolean): Promise<void> {
    const lesson = this.lesson;
    if (lesson === null) return;
    const mine = this.generation;
    this.index = index;
    this.busy = true;
    this.hurry = instant;
    this.changed();
    const typed = await this.typeCommands(lesson.steps[index]!.commands, mine, instant);
    if (!typed) return;
    this.busy = false;
    this.hurry = false;
    const queued = this.queued;
    this.queued = 'none';
    this.changed();
    if (queued === 'next') await this.next();
    else if (queued === 'run-all') await this.runAll();
  }

  /** Types commands one by one; false if cancelled on the way. */
  private async typeCommands(commands: string[], mine: number, instant: boolean): Promise<boolean> {
    // whatever ran before (the student's own command) finishes first
    await this.target.whenIdle();
    for (const command of commands) {
      if (mine !== this.generation) return false;
      this.target.send(CTRL_U);
      if (instant || this.hurry || this.target.speed() === 'instant') {
        this.target.send(`${command}\r`);
      } else {
        for (let i = 0; i < command.length; i++) {
          if (mine !== this.generation) return false;
          if (this.hurry) {
            this.target.send(command.slice(i));
            break;
          }
          this.target.send(command[i]!);
          this.partial = true;
          await sleep(this.msPerKey);
        }
        if (!this.hurry) await sleep(this.msPerKey * 3);
        if (mine !== this.generation) return false;
        this.target.send('\r');
        this.partial = false;
      }
      await this.target.whenIdle();
    }
    return mine === this.generation;
  }

  private cancelTyping(): void {
    this.generation++;
    this.partial = false;
    this.busy = false;
    this.hurry = false;
    this.queued = 'none';
  }

  private changed(): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
