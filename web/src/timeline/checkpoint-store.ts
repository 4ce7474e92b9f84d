// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The page's checkpoints: a tree of saved machine states, one per command
 * (or per batch of commands that ran without the guest going idle between
 * them), each with what it takes to show it again without asking the guest:
 * the worker's handle, the terminal bytes since its parent, the commands, and
 * the heap picture. Going back and typing forks: the checkpoints after the
 * fork are kept as another branch.
 *
 * A branch is named by a number given when its first checkpoint is made: a
 * checkpoint continues its parent's branch when it is the parent's first
 * child, and starts a new branch otherwise. So a branch is a chain of
 * checkpoints, and "branch b" is the path from the root to b's newest one.
 *
 * No DOM and no worker here (the timeline controller does those), so it is
 * tested on its own; the session save/load and "compare two checkpoints"
 * read it through this API.
 */
import type { DecodeResult } from '../heap/model';
import { concatBytes } from '../util/bytes';

export interface CheckpointEntry {
  /** the store's own id, increasing in creation order */
  readonly id: number;
  /** the worker's handle (checkpoint-restore/-decode/-export) */
  readonly handle: number;
  /** what the timeline shows: "boot", or the command line(s) */
  readonly label: string;
  /** 0 for boot, then its number of commands-checkpoints from boot (dropped ones count) */
  readonly index: number;
  readonly branch: number;
  /** the panel's heap picture at this checkpoint (null: none had arrived) */
  readonly heap: DecodeResult | null;
  parent: CheckpointEntry | null;
  /** terminal bytes since the parent (with the dropped ancestors' bytes in front, see drop) */
  output: Uint8Array[];
  /** the command lines since the parent (ditto), for the share link and the tracker */
  commands: string[];
  /** the parent's heap picture, kept when the parent is dropped (for "changed by the last command") */
  previousHeap: DecodeResult | null;
}

export interface NewCheckpoint {
  handle: number;
  label: string;
  heap: DecodeResult | null;
  /** the terminal bytes since the current checkpoint */
  output: Uint8Array[];
  commands: string[];
}

export class CheckpointStore {
  private readonly entries = new Map<number, CheckpointEntry>();
  private nextId = 1;
  private branchCount = 0;
  private currentEntry: CheckpointEntry | null = null;
  private currentBranchId = 0;
  /** how many checkpoints were dropped to save memory since the timeline started */
  droppedCount = 0;

  get size(): number {
    return this.entries.size;
  }

  get current(): CheckpointEntry | null {
    return this.currentEntry;
  }

  get currentBranch(): number {
    return this.currentBranchId;
  }

  /** A checkpoint after the current one (a fork if the current one already has one); it becomes current. */
  add(checkpoint: NewCheckpoint): CheckpointEntry {
    const parent = this.currentEntry;
    const continues =
      parent !== null && ![...this.entries.values()].some((e) => e.parent === parent);
    const branch = continues ? parent.branch : ++this.branchCount;
    const entry: CheckpointEntry = {
      id: this.nextId++,
      handle: checkpoint.handle,
      label: checkpoint.label,
      index: parent === null ? 0 : parent.index + 1,
      branch,
      heap: checkpoint.heap,
      parent,
      output: [...checkpoint.output],
      commands: [...checkpoint.commands],
      previousHeap: parent?.heap ?? null,
    };
    this.entries.set(entry.id, entry);
    this.currentEntry = entry;
    this.currentBranchId = branch;
    return entry;
  }

  get(id: number): CheckpointEntry | undefined {
    return this.entries.get(id);
  }

  /** The current branch from its oldest kept checkpoint to its newest. */
  list(branch = this.currentBranchId): CheckpointEntry[] {
    const newest = this.newestOf(branch);
    const path: CheckpointEntry[] = [];
    for (let e: CheckpointEntry | null = newest; e !== null; e = e.parent) path.push(e);
    return path.reverse();
  }

  /** Every checkpoint of every branch in creation order (each after its parent): what a session file holds. */
  all(): CheckpointEntry[] {
    return [...this.entries.values()].sort((a, b) => a.id - b.id);
  }

  /** Branch numbers that still have checkpoints, oldest first. */
  branches(): number[] {
    return [...new Set([...this.entries.values()].map((e) => e.branch))].sort((a, b) => a - b);
  }

  /** Makes a checkpoint of the current branch current (the caller restores the machine). */
  goTo(id: number): CheckpointEntry {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new Error(`no checkpoint ${id}`);
    if (!this.list().includes(entry)) this.currentBranchId = entry.branch;
    this.currentEntry = entry;
    return entry;
  }

  /** Shows another branch and makes its newest checkpoint current. */
  switchBranch(branch: number): CheckpointEntry {
    const newest = this.newestOf(branch);
    if (newest === null) throw new Error(`no branch ${branch}`);
    this.currentBranchId = branch;
    this.currentEntry = newest;
    return newest;
  }

  /** The terminal as it was at the checkpoint: every byte written since the timeline started. */
  transcript(entry: CheckpointEntry): Uint8Array {
    const chunks: Uint8Array[] = [];
    for (let e: CheckpointEntry | null = entry; e !== null; e = e.parent)
      chunks.unshift(...e.output);
    return concatBytes(chunks);
  }

  /** Every command line typed up to the checkpoint, oldest first. */
  commandsUpTo(entry: CheckpointEntry): string[] {
    const commands: string[] = [];
    for (let e: CheckpointEntry | null = entry; e !== null; e = e.parent)
      commands.unshift(...e.commands);
    return commands;
  }

  /** The heap picture before the checkpoint's commands (its parent's, or the dropped parent's). */
  previousHeap(entry: CheckpointEntry): DecodeResult | null {
    return entry.parent?.heap ?? entry.previousHeap;
  }

  /**
   * Drops the `count` oldest checkpoints, never the current one; returns their
   * worker handles (to free). Their terminal bytes and commands move into their
   * children, so transcripts and the share link stay whole.
   */
  dropOldest(count: number): number[] {
    const victims = [...this.entries.values()]
      .filter((e) => e !== this.currentEntry)
      .sort((a, b) => a.id - b.id)
      .slice(0, Math.max(0, count));
    for (const victim of victims) this.remove(victim);
    this.droppedCount += victims.length;
    return victims.map((e) => e.handle);
  }

  /** Forgets everything (a new timeline); returns the handles to free. */
  clear(): number[] {
    const handles = [...this.entries.values()].map((e) => e.handle);
    this.entries.clear();
    this.currentEntry = null;
    this.currentBranchId = 0;
    this.branchCount = 0;
    this.droppedCount = 0;
    return handles;
  }

  private remove(victim: CheckpointEntry): void {
    for (const child of this.entries.values()) {
      if (child.parent !== victim) continue;
      child.parent = victim.parent;
      child.output = [...victim.output, ...child.output];
      child.commands = [...victim.commands, ...child.commands];
      if (victim.parent === null) child.previousHeap = victim.heap;
    }
    this.entries.delete(victim.id);
    // a branch whose every checkpoint went: show the current checkpoint's branch
    if (this.newestOf(this.currentBranchId) === null && this.currentEntry !== null)
      this.currentBranchId = this.currentEntry.branch;
  }

  private newestOf(branch: number): CheckpointEntry | null {
    let newest: CheckpointEntry | null = null;
    for (const e of this.entries.values())
      if (e.branch === branch && (newest === null || e.id > newest.id)) newest = e;
    return newest;
  }
}
