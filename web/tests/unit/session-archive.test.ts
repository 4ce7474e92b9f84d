// SPDX-License-Identifier: GPL-2.0-or-later
// Saving and loading a timeline through the worker's checkpoint messages:
// all or nothing, one message, and the kernel must be the one that saved it.
import { describe, expect, it } from 'vitest';
import type { ImageIdentity } from '../../src/emu/protocol';
import type { DecodeResult } from '../../src/heap/model';
import {
  type ArchiveEmulator,
  type ArchivedCheckpoint,
  loadSession,
  saveSession,
  sessionFileName,
} from '../../src/session/session-archive';
import { looksLikeSession } from '../../src/session/session-controls';
import { fakeCheckpoint } from '../support/fake-checkpoint';

const KERNEL: ImageIdentity = { sha256: 'c'.repeat(64), bytes: 4096 };

/** A worker that keeps checkpoints as bytes under handles; `refuse` makes import of that seed fail. */
class FakeEmulator implements ArchiveEmulator {
  imageIdentity: ImageIdentity | null = KERNEL;
  readonly held = new Map<number, Uint8Array>();
  dropped: number[] = [];
  private next = 100;
  refuseSeed: number | null = null;

  hold(bytes: Uint8Array): number {
    this.held.set(this.next, bytes);
    return this.next++;
  }
  async exportCheckpoint(handle: number): Promise<Uint8Array> {
    const bytes = this.held.get(handle);
    if (bytes === undefined) throw new Error(`no checkpoint ${handle}`);
    return bytes.slice();
  }
  async importCheckpoint(bytes: Uint8Array): Promise<number> {
    const seed = bytes[bytes.length - 4]; // fakeCheckpoint ends with its seed (u32 LE)
    if (seed === this.refuseSeed) throw new Error('the checkpoint is damaged (checksum mismatch)');
    return this.hold(bytes.slice());
  }
  async decodeCheckpoint(handle: number): Promise<DecodeResult> {
    if (!this.held.has(handle)) throw new Error(`no checkpoint ${handle}`);
    return { status: 'invalid', findings: [{ severity: 'warning', message: `heap of ${handle}` }] };
  }
  dropCheckpoints(handles: number[]): void {
    this.dropped.push(...handles);
    for (const h of handles) this.held.delete(h);
  }
}

const text = (s: string) => new TextEncoder().encode(s);

function timeline(emulator: FakeEmulator): ArchivedCheckpoint[] {
  return [
    { label: 'boot', parent: -1, transcript: text('> '), commands: [] },
    {
      label: 'alloc 100',
      parent: 0,
      transcript: text('> alloc 100\r\n> '),
      commands: ['alloc 100'],
    },
    {
      label: 'free $1',
      parent: 1,
      transcript: text('> alloc 100\r\n> free $1\r\n> '),
      commands: ['free $1'],
    },
  ].map((c, i) => ({
    ...c,
    handle: emulator.hold(
      fakeCheckpoint(
        [
          [0x80, 1],
          [0x400 + i, i],
        ],
        i + 1,
      ),
    ),
  }));
}

describe('session archive', () => {
  it('loads back what it saved: labels, parents, transcripts, commands, fresh handles and decoded heaps', async () => {
    const emulator = new FakeEmulator();
    const saved = timeline(emulator);
    const file = await saveSession(emulator, saved, 1, 'first-fit');
    const before = new Set(emulator.held.keys());
    const outcome = await loadSession(emulator, file, 'a.apgsession');
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.current).toBe(1);
    expect(outcome.allocator).toBe('first-fit');
    outcome.checkpoints.forEach((c, i) => {
      const o = saved[i]!;
      expect(c.label).toBe(o.label);
      expect(c.parent).toBe(o.parent);
      expect(c.commands).toEqual(o.commands);
      expect(new TextDecoder().decode(c.transcript)).toBe(new TextDecoder().decode(o.transcript));
      expect(before.has(c.handle)).toBe(false);
      expect(emulator.held.get(c.handle)).toEqual(emulator.held.get(o.handle));
      expect(c.heap).toEqual({
        status: 'invalid',
        findings: [{ severity: 'warning', message: `heap of ${c.handle}` }],
      });
    });
  });

  it('drops what it imported and says why when one checkpoint is refused', async () => {
    const emulator = new FakeEmulator();
    const file = await saveSession(emulator, timeline(emulator), 2, 'first-fit');
    const before = emulator.held.size;
    emulator.refuseSeed = 3;
    const outcome = await loadSession(emulator, file, 'a.apgsession');
    expect(outcome).toEqual({
      ok: false,
      message:
        'a.apgsession: nothing was loaded: checkpoint 2 (free $1) could not be loaded: the checkpoint is damaged (checksum mismatch).',
    });
    expect(emulator.dropped).toHaveLength(2);
    expect(emulator.held.size).toBe(before);
  });

  it('refuses a session saved with another kernel, importing nothing', async () => {
    const emulator = new FakeEmulator();
    const file = await saveSession(emulator, timeline(emulator), 0, 'first-fit');
    const before = emulator.held.size;
    emulator.imageIdentity = { sha256: 'd'.repeat(64), bytes: 4096 };
    const outcome = await loadSession(emulator, file, 's.apgsession');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.message).toMatch(
        /^s\.apgsession: This session was saved with another kernel image/,
      );
    expect(emulator.held.size).toBe(before);
  });

  it('refuses a file that is not a session, importing nothing', async () => {
    const emulator = new FakeEmulator();
    const outcome = await loadSession(emulator, text('hello'), 'notes.txt');
    expect(outcome).toEqual({
      ok: false,
      message:
        'notes.txt: This is not a usable session file: it does not start with the session magic "APGSESS".',
    });
    expect(emulator.held.size).toBe(0);
  });

  it('names the file after the allocator and the time', () => {
    expect(sessionFileName('first-fit', new Date('2026-12-03T16:05:09Z'))).toBe(
      'allocplay-first-fit-2026-12-03_16-05-09.apgsession',
    );
    expect(sessionFileName('', new Date('2026-12-03T16:05:09Z'))).toBe(
      'allocplay-session-2026-12-03_16-05-09.apgsession',
    );
  });
});

describe('dropped files', () => {
  it('are sessions by name, container magic or gzip; traces and images are not', () => {
    expect(looksLikeSession('a.apgsession', new Uint8Array(0))).toBe(true);
    expect(looksLikeSession('saved.bin', text('APGSESS\0...'))).toBe(true);
    expect(looksLikeSession('saved.bin', Uint8Array.of(0x1f, 0x8b, 8, 0))).toBe(true);
    expect(looksLikeSession('short.rep', text('20000\n2\n1\n1\na 0 512\n'))).toBe(false);
    expect(looksLikeSession('kernel8.img', Uint8Array.of(0x4d, 0x5a, 0, 0x14, 0, 0, 0, 0))).toBe(
      false,
    );
  });
});
