// SPDX-License-Identifier: GPL-2.0-or-later
// The timeline's checkpoint tree without a browser: branches made by going
// back and typing, switching between them, transcripts and commands along a
// path, and dropping the oldest checkpoints without losing bytes or commands.
import { describe, expect, it } from 'vitest';
import type { DecodeResult } from '../../src/heap/model';
import { CheckpointStore } from '../../src/timeline/checkpoint-store';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
/** A stand-in heap picture, told apart by its message. */
const picture = (name: string): DecodeResult => ({ status: 'busy', generation: 1, message: name });

let handles = 100;
function add(store: CheckpointStore, label: string) {
  return store.add({
    handle: handles++,
    label,
    heap: picture(label),
    output: [bytes(`[${label}]`)],
    commands: label === 'boot' ? [] : [label],
  });
}

const labels = (store: CheckpointStore, branch?: number): string[] =>
  store.list(branch).map((e) => e.label);

describe('checkpoint store', () => {
  it('keeps a linear session in order with its transcript, commands and previous picture', () => {
    const store = new CheckpointStore();
    for (const label of ['boot', 'a', 'b', 'c']) add(store, label);
    expect(labels(store)).toEqual(['boot', 'a', 'b', 'c']);
    expect(store.list().map((e) => e.index)).toEqual([0, 1, 2, 3]);
    const c = store.current!;
    expect(c.label).toBe('c');
    expect(text(store.transcript(c))).toBe('[boot][a][b][c]');
    expect(store.commandsUpTo(c)).toEqual(['a', 'b', 'c']);
    expect(store.previousHeap(c)).toEqual(picture('b'));
    expect(store.branches()).toEqual([1]);
  });

  it('typing at an earlier checkpoint forks; both branches stay and can be switched to', () => {
    const store = new CheckpointStore();
    const [boot, a] = ['boot', 'a', 'b', 'c'].map((l) => add(store, l));
    store.goTo(a!.id);
    expect(labels(store)).toEqual(['boot', 'a', 'b', 'c']); // going back keeps showing the branch
    add(store, 'x');
    expect(store.currentBranch).toBe(2);
    expect(labels(store)).toEqual(['boot', 'a', 'x']);
    expect(labels(store, 1)).toEqual(['boot', 'a', 'b', 'c']);
    add(store, 'y'); // continues branch 2
    expect(store.branches()).toEqual([1, 2]);
    expect(text(store.transcript(store.current!))).toBe('[boot][a][x][y]');

    // a third branch from boot
    store.goTo(boot!.id);
    add(store, 'z');
    expect(store.branches()).toEqual([1, 2, 3]);
    expect(labels(store)).toEqual(['boot', 'z']);

    const newest = store.switchBranch(1);
    expect(newest.label).toBe('c');
    expect(labels(store)).toEqual(['boot', 'a', 'b', 'c']);
    expect(text(store.transcript(newest))).toBe('[boot][a][b][c]');
    // a checkpoint of another branch: that branch is shown
    const x = store.list(2)[2]!;
    store.goTo(x.id);
    expect(store.currentBranch).toBe(2);
    expect(labels(store)).toEqual(['boot', 'a', 'x', 'y']);
    expect(() => store.switchBranch(9)).toThrow('no branch 9');
    expect(() => store.goTo(999)).toThrow('no checkpoint 999');
  });

  it('drops the oldest checkpoints but never the current one; bytes and commands move on', () => {
    const store = new CheckpointStore();
    const entries = ['boot', 'a', 'b', 'c', 'd'].map((l) => add(store, l));
    store.goTo(entries[1]!.id); // current: a (the oldest after boot)
    expect(store.dropOldest(3)).toEqual([
      entries[0]!.handle,
      entries[2]!.handle,
      entries[3]!.handle,
    ]);
    expect(store.droppedCount).toBe(3);
    expect(store.current?.label).toBe('a');
    expect(labels(store)).toEqual(['a', 'd']);
    const d = store.list().at(-1)!;
    // d keeps the whole transcript and every command, b's and c's included
    expect(text(store.transcript(d))).toBe('[boot][a][b][c][d]');
    expect(store.commandsUpTo(d)).toEqual(['a', 'b', 'c', 'd']);
    expect(d.index).toBe(4); // numbers do not shift
    // its commands now start after a: the picture before them is a's
    expect(store.previousHeap(d)).toEqual(picture('a'));
    // the oldest left is a root: the picture before it is the dropped boot's
    expect(store.previousHeap(store.current!)).toEqual(picture('boot'));
    expect(store.dropOldest(5)).toEqual([d.handle]);
    expect(labels(store)).toEqual(['a']);
    expect(store.dropOldest(1)).toEqual([]);
    expect(store.clear()).toEqual([entries[1]!.handle]);
    expect(store.size).toBe(0);
    expect(store.current).toBeNull();
    expect(store.droppedCount).toBe(0);
  });

  it('a fork at a dropped checkpoint leaves two roots, each with its whole transcript', () => {
    const store = new CheckpointStore();
    const [, a] = ['boot', 'a', 'b'].map((l) => add(store, l));
    store.goTo(a!.id);
    add(store, 'x');
    store.dropOldest(2); // boot and a
    expect(store.branches()).toEqual([1, 2]);
    expect(labels(store, 1)).toEqual(['b']);
    expect(labels(store, 2)).toEqual(['x']);
    expect(text(store.transcript(store.list(1)[0]!))).toBe('[boot][a][b]');
    expect(text(store.transcript(store.list(2)[0]!))).toBe('[boot][a][x]');
  });
});
