// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The playground's timeline: takes a checkpoint after boot and after every
 * command (when the guest is idle at the prompt with no keys still to take),
 * and moves the page to any checkpoint: the machine is restored in the
 * worker, the terminal gets the bytes it had shown, the heap panel the
 * picture it had drawn with what the commands before it changed. Typing at
 * an earlier checkpoint forks (checkpoint-store.ts keeps the other branch).
 * Memory is bounded: past the budget the oldest checkpoints are dropped.
 */
import type { StatusReport } from '../emu/protocol';
import type { DecodeResult, HeapModel } from '../heap/model';
import { type CheckpointEntry, CheckpointStore } from './checkpoint-store';
import { TimelineBar, type TimelineBarActions, type TimelinePicture } from './timeline-bar';

/** What the timeline draws on (TimelineBar). */
export interface TimelineView {
  readonly element: HTMLElement;
  show(picture: TimelinePicture): void;
  /** where the page puts its own controls for the timeline (Save / Load session) */
  readonly tools?: HTMLElement;
}

/** The emulator client's checkpoint calls (EmulatorClient has them). */
export interface CheckpointClient {
  saveCheckpoint(): Promise<{ handle: number; memoryBytes: number }>;
  restoreCheckpoint(handle: number): Promise<void>;
  dropCheckpoints(handles: number[]): void;
}

/** What the timeline asks of the page around it. */
export interface TimelineHost {
  /** the keys sent last (their sequence number; see StatusReport.keysSeq) */
  lastKeysSeq(): number;
  /** the latest heap picture the panel was given */
  latestHeap(): DecodeResult | null;
  /** before a restore: stop anything typing into the guest */
  stopTyping(): void;
  /** after a restore: show the checkpoint (terminal, panels, command list) */
  show(view: CheckpointView): void;
  /** "at command 3 of 7" for the status line ('' when there is no timeline) */
  position(text: string): void;
}

/** A checkpoint from a session file, already imported into the worker. */
export interface AdoptedCheckpoint {
  handle: number;
  label: string;
  /** index of its parent in the same list (-1 for the first) */
  parent: number;
  /** the whole terminal up to it */
  transcript: Uint8Array;
  commands: string[];
  heap: DecodeResult | null;
}

export interface CheckpointView {
  transcript: Uint8Array;
  heap: DecodeResult | null;
  /** the picture before its commands: what "changed by the last command" compares with */
  previousHeap: DecodeResult | null;
  /** pictures of the branch up to it (the panel's used/fragmentation chart) */
  history: HeapModel[];
  commands: string[];
}

/** 48 MiB: about 950 checkpoints of the PERF.md benchmark session (52 KiB each), far from exhausting a tab. */
export const DEFAULT_CHECKPOINT_BUDGET = 48 * 1024 * 1024;

export class SessionTimeline {
  readonly store = new CheckpointStore();
  readonly bar: TimelineView;
  /** bytes all checkpoints hold, as the worker said with the last save */
  memoryBytes = 0;
  budgetBytes = DEFAULT_CHECKPOINT_BUDGET;
  private pendingCommands: string[] = [];
  private pendingOutput: Uint8Array[] = [];
  /** a boot checkpoint is due at the next idle prompt */
  private needBoot = true;
  /** a save or restore is in flight: the next waits for it */
  private busy: Promise<void> = Promise.resolve();
  private saving = false;
  /** between a restore request and its reply, output and pictures are the old machine's */
  private restoring = 0;
  /** bumped by reset(): replies for an older timeline are ignored */
  private epoch = 0;
  private lastError = '';
  private lastStatus: StatusReport | null = null;
  /** the page compares a checkpoint with the current one (checkpoint-compare/) */
  onCompare: ((id: number) => void) | null = null;
  /** the marks compared as A and B */
  private comparePair: { a: number; b: number } | null = null;
  /** moves (goTo, step, switchBranch) asked for and not yet done */
  private movesWaiting = 0;

  constructor(
    private readonly client: CheckpointClient,
    private readonly host: TimelineHost,
    /** the bar's maker (unit tests give one without a DOM) */
    createBar: (actions: TimelineBarActions) => TimelineView = (actions) =>
      new TimelineBar(actions),
  ) {
    this.bar = createBar({
      goTo: (id) => void this.goTo(id),
      switchBranch: (branch) => void this.switchBranch(branch),
      compare: (id) => this.onCompare?.(id),
    });
    this.render();
  }

  /** Resolves when no save or restore is in flight (the ones asked for so far, and any they lead to). */
  async settled(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.busy) {
      seen = this.busy;
      await seen;
    }
  }

  /** Output is the old machine's (to be dropped) while a restore is on its way. */
  get discarding(): boolean {
    return this.restoring > 0;
  }

  /** Bytes written to the terminal (call for every output the terminal gets). */
  output(bytes: Uint8Array): void {
    if (!this.discarding) this.pendingOutput.push(bytes);
  }

  /** A command line the user (or a script) entered. */
  command(line: string): void {
    this.pendingCommands.push(line);
  }

  /** The terminal was cleared (a lesson does it): the transcript says so too. */
  cleared(): void {
    this.pendingOutput.push(CLEAR_TERMINAL);
  }

  /** Every status report: an idle prompt with nothing left to type is when a checkpoint is taken. */
  status(status: StatusReport): void {
    this.lastStatus = status;
    // nor when a move is waiting: the state being left is not worth a checkpoint
    if (status.state !== 'idle' || this.movesWaiting > 0 || this.saving) return;
    if (status.keysSeq !== this.host.lastKeysSeq() || status.inputPending > 0) return;
    if (!this.needBoot && this.pendingCommands.length === 0) return;
    this.save();
  }

  /** Marks two checkpoints as compared (null: none). */
  markCompare(pair: { a: number; b: number } | null): void {
    this.comparePair = pair;
    this.render();
  }

  /**
   * Replaces the timeline with checkpoints loaded from a session file (the
   * worker already holds them) and goes to checkpoint `current`. Each comes
   * after its parent; its transcript is the whole terminal up to it.
   */
  adopt(checkpoints: readonly AdoptedCheckpoint[], current: number): Promise<void> {
    this.reset();
    const ids: number[] = [];
    for (const c of checkpoints) {
      const parent = checkpoints[c.parent];
      if (parent !== undefined) this.store.goTo(ids[c.parent]!);
      const before = parent?.transcript ?? new Uint8Array(0);
      // what the terminal showed since the parent; a transcript that does not continue it starts afresh
      const output = startsWith(c.transcript, before)
        ? c.transcript.subarray(before.length)
        : joinBytes(CLEAR_TERMINAL, c.transcript);
      const entry = this.store.add({
        handle: c.handle,
        label: c.label,
        heap: c.heap,
        output: [output],
        commands: c.commands,
      });
      ids.push(entry.id);
    }
    this.needBoot = false;
    const target = this.store.get(ids[current] ?? ids.at(-1) ?? -1);
    this.render();
    if (target === undefined) return Promise.resolve();
    return this.move(() => this.restore(target, () => this.store.goTo(target.id)));
  }

  /** A new timeline (Reset, another image, a fresh worker): the old checkpoints are freed. */
  reset(): void {
    this.epoch++;
    this.client.dropCheckpoints(this.store.clear());
    this.pendingCommands = [];
    this.pendingOutput = [];
    this.needBoot = true;
    this.saving = false;
    this.restoring = 0;
    this.movesWaiting = 0;
    this.memoryBytes = 0;
    this.lastError = '';
    this.busy = Promise.resolve();
    this.render();
  }

  /**
   * Goes to the previous (-1) or next (+1) checkpoint of the branch, or its
   * first/last. Worked out when its turn comes, so keys pressed in a row
   * step one checkpoint each.
   */
  step(where: -1 | 1 | 'first' | 'last'): Promise<void> {
    return this.move(async () => {
      const marks = this.store.list();
      const current = this.store.current;
      if (current === null || marks.length === 0) return;
      const at = marks.indexOf(current);
      const target =
        where === 'first'
          ? marks[0]
          : where === 'last'
            ? marks.at(-1)
            : marks[Math.min(marks.length - 1, Math.max(0, at + where))];
      if (target !== undefined) await this.goToNow(target.id);
    });
  }

  /** Restores a checkpoint and shows it; resolves when it is shown (or refused). */
  goTo(id: number): Promise<void> {
    return this.move(() => this.goToNow(id));
  }

  private async goToNow(id: number): Promise<void> {
    const entry = this.store.get(id);
    if (entry === undefined) return;
    // the current checkpoint with nothing typed since: already there
    if (entry === this.store.current && this.pendingCommands.length === 0) return;
    await this.restore(entry, () => this.store.goTo(id));
  }

  /** Shows another branch at its newest checkpoint. */
  switchBranch(branch: number): Promise<void> {
    return this.move(async () => {
      const newest = this.store.list(branch).at(-1);
      if (newest === undefined) return;
      await this.restore(newest, () => this.store.switchBranch(branch));
    });
  }

  private async restore(entry: CheckpointEntry, move: () => void): Promise<void> {
    const epoch = this.epoch;
    this.host.stopTyping();
    this.restoring++;
    // commands typed from here on go to the restored machine
    const typedBefore = this.pendingCommands;
    this.pendingCommands = [];
    try {
      await this.client.restoreCheckpoint(entry.handle);
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.restoring--;
      this.pendingCommands = [...typedBefore, ...this.pendingCommands];
      this.lastError = `could not go back: ${error instanceof Error ? error.message : String(error)}`;
      this.render();
      return;
    }
    if (epoch !== this.epoch) return;
    this.restoring--;
    move();
    this.pendingOutput = [];
    this.lastError = '';
    const shown = this.store.current!;
    this.host.show({
      transcript: this.store.transcript(shown),
      heap: shown.heap,
      previousHeap: this.store.previousHeap(shown),
      history: this.store
        .list()
        .slice(0, this.store.list().indexOf(shown) + 1)
        .flatMap((e) => (e.heap?.status === 'ok' ? [e.heap.model] : [])),
      commands: this.store.commandsUpTo(shown),
    });
    this.render();
  }

  private save(): void {
    const epoch = this.epoch;
    // the commands are this checkpoint's now: the next ones may be typed before the reply comes
    const commands = this.pendingCommands;
    this.pendingCommands = [];
    const label = this.needBoot ? 'boot' : commands.join('; ');
    this.needBoot = false;
    this.saving = true;
    // asked for now, in this task: keys a script sends right after this idle report must reach
    // the worker after the save (its answer is taken in turn with restores, below)
    const request = this.client.saveCheckpoint();
    request.catch(() => {}); // a refusal is handled in its turn, not reported as unhandled meanwhile
    void this.queue(async () => {
      let saved = false;
      try {
        const reply = await request;
        if (epoch !== this.epoch) return;
        saved = true;
        // the worker flushed its output before saving, so what arrived so far is this checkpoint's
        this.store.add({
          handle: reply.handle,
          label,
          heap: this.host.latestHeap(),
          output: this.pendingOutput,
          commands,
        });
        this.pendingOutput = [];
        this.memoryBytes = reply.memoryBytes;
        this.lastError = '';
        this.keepWithinBudget();
      } catch (error) {
        if (epoch !== this.epoch) return;
        // no checkpoint: these commands join the next one
        this.pendingCommands = [...commands, ...this.pendingCommands];
        this.lastError = `no checkpoint: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        if (epoch === this.epoch) this.saving = false;
      }
      this.render();
      // commands that finished while this save was on its way: the guest went idle meanwhile
      // (not after a failure: the same save would fail again at once)
      if (saved && epoch === this.epoch && this.lastStatus !== null) this.status(this.lastStatus);
    });
  }

  /**
   * Over the budget: drop the oldest checkpoints, as many as the excess is
   * of the whole (checkpoints share pages, so this is an estimate; the next
   * save measures again). Never the current one.
   */
  private keepWithinBudget(): void {
    if (this.memoryBytes <= this.budgetBytes || this.store.size <= 1) return;
    const excess = (this.memoryBytes - this.budgetBytes) / this.memoryBytes;
    const count = Math.max(1, Math.ceil(this.store.size * excess));
    this.client.dropCheckpoints(this.store.dropOldest(count));
  }

  /** Queues a move; no checkpoint is taken until it is done. */
  private move(work: () => Promise<void>): Promise<void> {
    this.movesWaiting++;
    const epoch = this.epoch;
    return this.queue(async () => {
      try {
        await work();
      } finally {
        if (epoch === this.epoch) this.movesWaiting--;
      }
    });
  }

  private queue(work: () => Promise<void>): Promise<void> {
    const next = this.busy.then(work, work);
    this.busy = next.catch(() => {});
    return next;
  }

  private render(): void {
    const marks = this.store.list();
    const current = this.store.current;
    const newest = marks.at(-1);
    const position =
      current === null || newest === undefined
        ? ''
        : current.index === 0
          ? `at boot, ${newest.index} ${newest.index === 1 ? 'command' : 'commands'}`
          : `at command ${current.index} of ${newest.index}`;
    const forks = forkPoints(this.store);
    this.bar.show({
      marks: marks.map((e) => ({
        id: e.id,
        index: e.index,
        label: e.label,
        current: e === current,
        forks: forks.has(e.id),
        ...(this.comparePair?.a === e.id ? { compare: 'A' as const } : {}),
        ...(this.comparePair?.b === e.id ? { compare: 'B' as const } : {}),
      })),
      branches: this.store.branches(),
      branch: this.store.currentBranch,
      dropped: this.store.droppedCount,
      position: this.lastError !== '' ? this.lastError : position,
    });
    this.host.position(position === '' ? '' : `timeline: ${position}`);
  }
}

/** Ids of the checkpoints from which more than one branch goes on. */
function forkPoints(store: CheckpointStore): Set<number> {
  const next = new Map<number, Set<number>>();
  for (const branch of store.branches()) {
    const path = store.list(branch);
    for (let i = 1; i < path.length; i++) {
      const from = path[i - 1]!.id;
      const set = next.get(from) ?? new Set<number>();
      set.add(path[i]!.id);
      next.set(from, set);
    }
  }
  return new Set([...next].filter(([, after]) => after.size > 1).map(([id]) => id));
}

function startsWith(whole: Uint8Array, part: Uint8Array): boolean {
  if (part.length > whole.length) return false;
  for (let i = 0; i < part.length; i++) if (whole[i] !== part[i]) return false;
  return true;
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** What a lesson's clear screen is in the transcript: xterm's full reset (RIS), as terminal.reset() does. */
const CLEAR_TERMINAL = new TextEncoder().encode('\x1bc');
