// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Memory snapshots written by the native runner (`allocplay --dump`):
 * "APGSNAP1", then segments of (u64 LE address, u64 LE length, bytes). The
 * fixtures hold one segment, 0x40080000-0x40500000 (image, kernel data,
 * arena, heap).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { GuestMemory } from '../../src/heap/guest-memory';

const MAGIC = 'APGSNAP1';

export interface SnapshotSegment {
  address: number;
  bytes: Uint8Array;
}

export function parseSnapshot(data: Uint8Array): SnapshotSegment[] {
  if (new TextDecoder().decode(data.subarray(0, 8)) !== MAGIC)
    throw new Error('not an APGSNAP1 snapshot');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments: SnapshotSegment[] = [];
  let at = 8;
  while (at < data.length) {
    const address = Number(view.getBigUint64(at, true));
    const length = Number(view.getBigUint64(at + 8, true));
    at += 16;
    if (at + length > data.length) throw new Error('truncated snapshot segment');
    segments.push({ address, bytes: data.slice(at, at + length) });
    at += length;
  }
  return segments;
}

export const FIXTURES = new URL('../fixtures/', import.meta.url);

/** A fixture's memory as one GuestMemory window (a fresh copy every call, so tests may scribble on it). */
export function loadFixtureMemory(name: string): GuestMemory {
  const raw = gunzipSync(readFileSync(new URL(`${name}.snap.gz`, FIXTURES)));
  const [segment, ...rest] = parseSnapshot(
    new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength),
  );
  if (segment === undefined || rest.length > 0)
    throw new Error(`${name}: expected exactly one segment`);
  return new GuestMemory(segment.bytes, segment.address);
}

/** The kernel's own `info` output captured with the snapshot (CR LF line ends). */
export function loadFixtureInfo(name: string): string {
  try {
    return readFileSync(new URL(`${name}.info.txt`, FIXTURES), 'latin1');
  } catch {
    return gunzipSync(readFileSync(new URL(`${name}.info.txt.gz`, FIXTURES))).toString('latin1');
  }
}

/** The kernel's own `check` output captured with the snapshot. */
export function loadFixtureCheck(name: string): string {
  return readFileSync(new URL(`${name}.check.txt`, FIXTURES), 'latin1');
}

/** What the last `run PROGRAM` of the session printed (the program's writes and the kernel's exit line). */
export function loadFixtureRun(name: string): string {
  return readFileSync(new URL(`${name}.run.txt`, FIXTURES), 'latin1');
}

/** Sessions that ran a user program before the snapshot: their event logs are checked too. */
export const USER_PROGRAM_FIXTURE_NAMES = ['user-malloc', 'user-alarm'] as const;

/** Heaps the kernel's `corrupt` demonstration damaged before the snapshot (no `info`: the kernel refuses it). */
export const CORRUPTED_FIXTURE_NAMES = [
  'first-fit-corrupt',
  'buddy-corrupt',
  'page-corrupt',
  'bump-corrupt',
  'tlsf-corrupt',
] as const;

export const FIXTURE_NAMES = [
  'first-fit-fresh',
  'first-fit-basic',
  'first-fit-aligned',
  'first-fit-stress',
  'first-fit-fragmented',
  'buddy-splits',
  'buddy-stress',
  'page-runs',
  'page-stress',
  'bump-dead',
  'bump-10k',
  'tlsf-stress',
  'tlsf-bins',
  ...USER_PROGRAM_FIXTURE_NAMES,
] as const;
