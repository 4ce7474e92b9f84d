// SPDX-License-Identifier: GPL-2.0-or-later
// The session file: what is written is read back byte for byte (transcripts
// and the emulator's checkpoints), shared pages are stored once, and every
// flawed file gets one message and no session.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  kernelMismatch,
  MAX_SESSION_FILE_BYTES,
  parseSessionFile,
  type SessionToSave,
  writeSessionFile,
} from '../../src/session/session-file';
import { packSession, unpackSession } from '../../src/session/session-compression';
import { crc32, sha256Hex } from '../../src/util/checksums';
import { fakeCheckpoint, PAGE } from '../support/fake-checkpoint';

const text = (s: string) => new TextEncoder().encode(s);
const SHA = 'a'.repeat(64);

function session(): SessionToSave {
  return {
    kernel: { sha256: SHA, bytes: 53248 },
    allocator: 'first-fit',
    current: 2,
    checkpoints: [
      {
        label: 'boot',
        parent: -1,
        commands: [],
        transcript: text('banner\r\nfirst-fit> '),
        state: fakeCheckpoint(
          [
            [0x80, 1],
            [0x81, 2],
            [0x400, 0],
          ],
          1,
        ),
      },
      {
        label: 'alloc 100',
        parent: 0,
        commands: ['alloc 100'],
        transcript: text('banner\r\nfirst-fit> alloc 100\r\nallocated\r\nfirst-fit> '),
        state: fakeCheckpoint(
          [
            [0x80, 1],
            [0x81, 2],
            [0x400, 9],
          ],
          2,
        ),
      },
      {
        // a fork from boot whose transcript is not its parent's plus more
        label: 'info',
        parent: 0,
        commands: ['info'],
        transcript: text('\x1b[2Jcleared\r\nfirst-fit> '),
        state: fakeCheckpoint(
          [
            [0x80, 1],
            [0x81, 2],
          ],
          3,
        ),
      },
      {
        label: 'not a checkpoint this reader splits',
        parent: 1,
        commands: ['x', 'y'],
        transcript: text('banner\r\nfirst-fit> alloc 100\r\nallocated\r\nfirst-fit> x\r\n'),
        state: text('raw bytes of some other emulator build'),
      },
    ],
  };
}

function parsedOrThrow(bytes: Uint8Array) {
  const parsed = parseSessionFile(bytes);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.session;
}

/** The file with its trailing CRC made right again after an edit, so a later check must catch it. */
function withFixedCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

describe('session file', () => {
  const original = session();
  const file = writeSessionFile(original);

  it('reads back every label, parent, transcript and checkpoint byte for byte', () => {
    const loaded = parsedOrThrow(file);
    expect(loaded.kernel).toEqual(original.kernel);
    expect(loaded.allocator).toBe('first-fit');
    expect(loaded.current).toBe(2);
    expect(loaded.checkpoints).toHaveLength(original.checkpoints.length);
    loaded.checkpoints.forEach((c, i) => {
      const o = original.checkpoints[i]!;
      expect(c.label).toBe(o.label);
      expect(c.parent).toBe(o.parent);
      expect(c.commands).toEqual(o.commands);
      expect(Buffer.from(c.transcript).equals(Buffer.from(o.transcript))).toBe(true);
      expect(Buffer.from(c.state()).equals(Buffer.from(o.state))).toBe(true);
    });
  });

  it('stores each distinct RAM page once and each transcript after its parent', () => {
    const stateBytes = original.checkpoints.reduce((n, c) => n + c.state.length, 0);
    // 4 distinct pages (0x80, 0x81, 0x400 zero, 0x400 nines) instead of 8
    const pool = new DataView(file.buffer).getUint32(
      8 + 4 + 4 + new DataView(file.buffer).getUint32(12, true),
      true,
    );
    expect(pool).toBe(4);
    expect(file.length).toBeLessThan(stateBytes - 3 * PAGE);
  });

  it('refuses a file that does not start with the magic', () => {
    const bad = file.slice();
    bad[0] = 0x42;
    expect(parseSessionFile(bad)).toEqual({
      ok: false,
      message:
        'This is not a usable session file: it does not start with the session magic "APGSESS".',
    });
    expect(parseSessionFile(text('{"json": "maybe"}')).ok).toBe(false);
    expect(parseSessionFile(new Uint8Array(0)).ok).toBe(false);
  });

  it('refuses another format version', () => {
    const bad = file.slice();
    new DataView(bad.buffer).setUint32(8, 2, true);
    expect(parseSessionFile(withFixedCrc(bad))).toEqual({
      ok: false,
      message:
        'This is not a usable session file: it is format version 2, this page reads version 1.',
    });
  });

  it('refuses the file cut at any length', () => {
    for (let cut = 0; cut < file.length; cut += cut < 200 ? 1 : 997) {
      const parsed = parseSessionFile(file.subarray(0, cut));
      expect(parsed.ok, `cut at ${cut}`).toBe(false);
    }
  });

  it('refuses a damaged byte anywhere (the CRC)', () => {
    for (let at = 12; at < file.length; at += 1013) {
      const bad = file.slice();
      bad[at]! ^= 0x10;
      const parsed = parseSessionFile(bad);
      expect(parsed.ok, `byte ${at}`).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain('CRC-32 does not match');
    }
  });

  it('refuses lengths larger than the file without reading past it, even with a right CRC', () => {
    const bad = file.slice();
    const metadataLength = new DataView(bad.buffer).getUint32(12, true);
    new DataView(bad.buffer).setUint32(16 + metadataLength, 0xffffffff, true); // the page count
    const parsed = parseSessionFile(withFixedCrc(bad));
    expect(parsed).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^This is not a usable session file: it is truncated or damaged: 4294967295 pages needs/,
      ),
    });
    const huge = file.slice();
    new DataView(huge.buffer).setUint32(12, 0x7fffffff, true); // the metadata length
    expect(parseSessionFile(withFixedCrc(huge))).toEqual({
      ok: false,
      message:
        'This is not a usable session file: the metadata is 2147483647 bytes, more than the 8388608 allowed.',
    });
  });

  it('refuses a file larger than the limit before reading it', () => {
    const big = { length: MAX_SESSION_FILE_BYTES + 1 } as Uint8Array;
    expect(parseSessionFile(big).ok).toBe(false);
  });

  it.each([
    [
      'no checkpoints',
      (m: Record<string, unknown>) => (m.checkpoints = []),
      'it holds no checkpoints',
    ],
    [
      'a parent that comes later',
      (m: Record<string, unknown>) => ((m.checkpoints as { parent: number }[])[1]!.parent = 3),
      'checkpoint 1 names parent 3, which is not an earlier checkpoint',
    ],
    [
      'a current checkpoint out of range',
      (m: Record<string, unknown>) => (m.current = 99),
      'its current checkpoint is not one of its checkpoints',
    ],
    [
      'a malformed kernel hash',
      (m: Record<string, unknown>) => (m.kernel = { sha256: 'abc', bytes: 1 }),
      'its kernel identity (sha256, bytes) is missing or malformed',
    ],
    [
      'a command that is not text',
      (m: Record<string, unknown>) =>
        ((m.checkpoints as { commands: unknown[] }[])[1]!.commands = [3]),
      'checkpoint 1 has no usable command list',
    ],
    [
      'another app',
      (m: Record<string, unknown>) => (m.app = 'other'),
      'its metadata does not name the allocplay app',
    ],
  ])('refuses metadata with %s', (_name, edit, message) => {
    const view = new DataView(file.buffer);
    const length = view.getUint32(12, true);
    const metadata = JSON.parse(new TextDecoder().decode(file.subarray(16, 16 + length)));
    edit(metadata);
    const json = text(JSON.stringify(metadata));
    const rebuilt = new Uint8Array(file.length - length + json.length);
    rebuilt.set(file.subarray(0, 12));
    new DataView(rebuilt.buffer).setUint32(12, json.length, true);
    rebuilt.set(json, 16);
    rebuilt.set(file.subarray(16 + length), 16 + json.length);
    expect(parseSessionFile(withFixedCrc(rebuilt))).toEqual({
      ok: false,
      message: `This is not a usable session file: ${message}.`,
    });
  });

  it('refuses a checkpoint head that is not an emulator checkpoint', () => {
    const broken = session();
    broken.checkpoints[0]!.state = fakeCheckpoint([[1, 1]], 5);
    const bytes = writeSessionFile(broken);
    // find the head's magic and spoil it (CRC made right again)
    const at = Buffer.from(bytes).indexOf('APGCKPT1');
    const bad = bytes.slice();
    bad[at] = 0x58;
    const parsed = parseSessionFile(withFixedCrc(bad));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('checkpoint 0 is not an emulator checkpoint');
  });

  it('says when the session was saved with another kernel image', () => {
    expect(kernelMismatch({ sha256: SHA, bytes: 5 }, { sha256: SHA, bytes: 5 })).toBeNull();
    expect(kernelMismatch({ sha256: SHA, bytes: 5 }, { sha256: 'b'.repeat(64), bytes: 5 })).toBe(
      'This session was saved with another kernel image (sha256 aaaaaaaaaaaa…, 5 bytes); this page runs bbbbbbbbbbbb… (5 bytes). Boot that image with Kernel… first, then load the session.',
    );
  });
});

describe('checksums', () => {
  it('computes SHA-256 as node:crypto does', () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 1000, 70_001]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
      expect(sha256Hex(bytes), `size ${size}`).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
    }
  });

  it('computes the IEEE CRC-32', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
  });
});

describe('session file compression', () => {
  const container = writeSessionFile(session());

  it('packs into gzip and unpacks to the same bytes, much smaller', async () => {
    const packed = await packSession(container);
    expect(Array.from(packed.subarray(0, 2))).toEqual([0x1f, 0x8b]);
    expect(packed.length).toBeLessThan(container.length / 4);
    const unpacked = await unpackSession(packed);
    if (!unpacked.ok) throw new Error(unpacked.message);
    expect(Buffer.from(unpacked.bytes).equals(Buffer.from(container))).toBe(true);
  });

  it('takes an uncompressed container as it is', async () => {
    expect(await unpackSession(container)).toEqual({ ok: true, bytes: container });
  });

  it('refuses gzip that is cut short', async () => {
    const packed = await packSession(container);
    expect(await unpackSession(packed.subarray(0, packed.length - 20))).toEqual({
      ok: false,
      message:
        'This is not a usable session file: it is damaged or truncated (its gzip data does not unpack).',
    });
  });

  it('stops inflating past the limit (a small file cannot fill the memory)', async () => {
    const bomb = await packSession(new Uint8Array(4 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(10_000);
    expect(await unpackSession(bomb, 1024 * 1024)).toEqual({
      ok: false,
      message:
        'This is not a usable session file: it unpacks to more than the 1048576 bytes allowed.',
    });
  });
});
