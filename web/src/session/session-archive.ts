// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Save a timeline to a session file and load one back, through the worker's
 * checkpoint-export / -import / -decode. Loading is all or nothing: the file
 * is read and checked, the kernel compared, every checkpoint imported and
 * decoded; on any failure the checkpoints imported so far are dropped and
 * one message says why, so the page's timeline is untouched.
 */
import type { ImageIdentity } from '../emu/protocol';
import type { DecodeResult } from '../heap/model';
import { packSession, unpackSession } from './session-compression';
import { kernelMismatch, parseSessionFile, writeSessionFile } from './session-file';

/** What saving and loading need of the emulator (EmulatorClient has it). */
export interface ArchiveEmulator {
  readonly imageIdentity: ImageIdentity | null;
  exportCheckpoint(handle: number): Promise<Uint8Array>;
  importCheckpoint(bytes: Uint8Array): Promise<number>;
  decodeCheckpoint(handle: number): Promise<DecodeResult>;
  dropCheckpoints(handles: number[]): void;
}

/** One checkpoint of the timeline, in an order where each comes after its parent. */
export interface ArchivedCheckpoint {
  handle: number;
  label: string;
  /** index of its parent in the same list, -1 for the first */
  parent: number;
  /** the terminal up to it */
  transcript: Uint8Array;
  /** command lines since its parent */
  commands: string[];
}

export interface RestoredCheckpoint extends ArchivedCheckpoint {
  /** its heap, decoded from the imported checkpoint's memory */
  heap: DecodeResult;
}

export type LoadOutcome =
  | { ok: true; checkpoints: RestoredCheckpoint[]; current: number; allocator: string }
  | { ok: false; message: string };

export async function saveSession(
  emulator: ArchiveEmulator,
  checkpoints: readonly ArchivedCheckpoint[],
  current: number,
  allocator: string,
): Promise<Uint8Array> {
  const kernel = emulator.imageIdentity;
  if (kernel === null) throw new Error('the emulator has not said which kernel it runs yet');
  const states: Uint8Array[] = [];
  // one at a time: each export copies a whole machine out of the worker
  for (const c of checkpoints) states.push(await emulator.exportCheckpoint(c.handle));
  const container = writeSessionFile({
    kernel,
    allocator,
    current,
    checkpoints: checkpoints.map((c, i) => ({
      label: c.label,
      parent: c.parent,
      transcript: c.transcript,
      commands: c.commands,
      state: states[i]!,
    })),
  });
  return packSession(container);
}

export async function loadSession(
  emulator: ArchiveEmulator,
  bytes: Uint8Array,
  name: string,
): Promise<LoadOutcome> {
  const unpacked = await unpackSession(bytes);
  if (!unpacked.ok) return { ok: false, message: `${name}: ${unpacked.message}` };
  const parsed = parseSessionFile(unpacked.bytes);
  if (!parsed.ok) return { ok: false, message: `${name}: ${parsed.message}` };
  const session = parsed.session;
  const running = emulator.imageIdentity;
  if (running === null)
    return { ok: false, message: `${name}: wait for the kernel to boot, then load the session.` };
  const mismatch = kernelMismatch(session.kernel, running);
  if (mismatch !== null) return { ok: false, message: `${name}: ${mismatch}` };

  const imported: number[] = [];
  const restored: RestoredCheckpoint[] = [];
  try {
    for (const [i, c] of session.checkpoints.entries()) {
      let handle: number;
      try {
        handle = await emulator.importCheckpoint(c.state());
      } catch (error) {
        throw new Error(`checkpoint ${i} (${c.label}) could not be loaded: ${messageOf(error)}`);
      }
      imported.push(handle);
      const heap = await emulator.decodeCheckpoint(handle);
      restored.push({ ...c, handle, heap });
    }
  } catch (error) {
    emulator.dropCheckpoints(imported);
    return { ok: false, message: `${name}: nothing was loaded: ${messageOf(error)}.` };
  }
  return {
    ok: true,
    checkpoints: restored,
    current: session.current,
    allocator: session.allocator,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The file name a save offers: the allocator and the time, without characters file systems dislike. */
export function sessionFileName(allocator: string, when: Date): string {
  const stamp = when.toISOString().slice(0, 19).replaceAll(':', '-').replace('T', '_');
  const who = allocator.replace(/[^a-z0-9-]/gi, '') || 'session';
  return `allocplay-${who}-${stamp}.apgsession`;
}
