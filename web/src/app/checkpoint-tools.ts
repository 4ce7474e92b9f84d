// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What the page does with the timeline's checkpoints besides going to them:
 * compare two (checkpoint-compare/) and save or load the whole timeline as a
 * session file (session/). Glue only: the timeline keeps the checkpoints,
 * the panel draws, the worker holds the machine states.
 */
import { CheckpointCompare } from '../checkpoint-compare/checkpoint-compare';
import type { EmulatorClient } from '../emu/emulator-client';
import type { DecodeResult, HeapModel } from '../heap/model';
import type { HeapPanel } from '../panel/heap-panel';
import type { ArchivedCheckpoint } from '../session/session-archive';
import { SessionControls } from '../session/session-controls';
import type { CheckpointEntry } from '../timeline/checkpoint-store';
import type { SessionTimeline } from '../timeline/session-timeline';
import { concatBytes } from '../util/bytes';

export interface CheckpointToolsHost {
  timeline: SessionTimeline;
  client: EmulatorClient;
  panel(): HeapPanel | null;
  /** the picture the panel shows when not comparing */
  latestHeap(): DecodeResult | null;
  say(text: string, tone: 'ok' | 'bad'): void;
}

export class CheckpointTools {
  readonly compare: CheckpointCompare;
  readonly sessions: SessionControls;

  constructor(private readonly host: CheckpointToolsHost) {
    const timeline = host.timeline;
    const store = timeline.store;
    this.compare = new CheckpointCompare({
      checkpoint: (id) => store.get(id),
      current: () => store.current,
      showPicture: (after, before, afterId) => {
        const b = store.get(afterId);
        host.panel()?.showCheckpoint(after, before, b === undefined ? [] : picturesUpTo(b));
      },
      showNormal: () => this.showNormal(),
      markPair: (pair) => timeline.markCompare(pair),
      rebootedBetween: (aId, bId) => {
        const a = store.get(aId);
        const b = store.get(bId);
        return a !== undefined && b !== undefined && commandsBetween(a, b).some(isReboot);
      },
    });
    timeline.onCompare = (id) => this.compare.compareWith(id);
    this.sessions = new SessionControls({
      emulator: () => host.client,
      checkpoints: () => this.archive(),
      adopt: (checkpoints, current) => {
        this.compare.machineChanged();
        return timeline.adopt(checkpoints, current);
      },
      say: (text, tone) => host.say(text, tone),
    });
  }

  /** The machine is about to change or moved (typing, a restore, a new picture): a comparison would be stale. */
  machineChanged(): void {
    if (this.compare.active) this.compare.leave();
  }

  /** The normal view: the latest picture, highlighted against the current checkpoint's parent. */
  private showNormal(): void {
    const store = this.host.timeline.store;
    const current = store.current;
    const latest = this.host.latestHeap();
    if (latest === null) return;
    this.host
      .panel()
      ?.showCheckpoint(
        latest,
        current === null ? null : store.previousHeap(current),
        current === null ? [] : picturesUpTo(current),
      );
  }

  /** Every checkpoint for a session file, each after its parent, with its whole transcript. */
  private archive(): { list: ArchivedCheckpoint[]; current: number; allocator: string } | null {
    const store = this.host.timeline.store;
    const entries = store.all();
    const current = store.current;
    if (entries.length === 0 || current === null) return null;
    const index = new Map(entries.map((e, i) => [e.id, i]));
    const transcripts = new Map<number, Uint8Array>();
    const list = entries.map((e): ArchivedCheckpoint => {
      // built from the parent's (entries come after their parents): no quadratic walk
      const before = e.parent === null ? new Uint8Array(0) : transcripts.get(e.parent.id)!;
      const transcript = concatBytes([before, ...e.output]);
      transcripts.set(e.id, transcript);
      return {
        handle: e.handle,
        label: e.label,
        parent: e.parent === null ? -1 : index.get(e.parent.id)!,
        transcript,
        commands: [...e.commands],
      };
    });
    const heap = current.heap;
    return {
      list,
      current: index.get(current.id)!,
      allocator: heap?.status === 'ok' ? heap.model.kindName : '',
    };
  }
}

/** The command lines typed between two checkpoints: from their last common checkpoint to each. */
function commandsBetween(a: CheckpointEntry, b: CheckpointEntry): string[] {
  const ancestors = new Set<CheckpointEntry>();
  for (let e: CheckpointEntry | null = a; e !== null; e = e.parent) ancestors.add(e);
  const lines: string[] = [];
  let common: CheckpointEntry | null = b;
  for (; common !== null && !ancestors.has(common); common = common.parent)
    lines.push(...common.commands);
  for (let e: CheckpointEntry | null = a; e !== null && e !== common; e = e.parent)
    lines.push(...e.commands);
  return lines;
}

/** The shell's `reboot` (a reset of the whole machine: the heap is a new one). */
function isReboot(line: string): boolean {
  return line.trim().split(/\s+/)[0] === 'reboot';
}

/** The heap pictures from the first checkpoint to `entry` along its parents (the panel's chart). */
function picturesUpTo(entry: CheckpointEntry): HeapModel[] {
  const models: HeapModel[] = [];
  for (let e: CheckpointEntry | null = entry; e !== null; e = e.parent)
    if (e.heap?.status === 'ok') models.push(e.heap.model);
  return models.reverse();
}
