// SPDX-License-Identifier: GPL-2.0-or-later
/** Messages between the page and the emulator worker (worker.ts). */
import type { CpuModel } from '../cpu/model';
import type { DecodeResult } from '../heap/model';

export type RunState =
  | 'loading'
  | 'running'
  | 'idle'
  | 'stopped'
  | 'crashed'
  | 'powered-off'
  | 'failed';

export interface CrashReport {
  /** hex strings: bigints do not survive every path to the DOM */
  pc: string;
  address: string;
  kind: string;
  message: string;
}

export interface BootRequest {
  type: 'boot';
  moduleUrl: string;
  wasmUrl: string;
  imageUrl: string;
  /** how the emulator counts instructions (createMachine's engine option) */
  engine: 'tier' | 'inline' | 'hook';
  /** allow the test-only messages */
  testHooks: boolean;
}

export type PageToWorker =
  | BootRequest
  /** seq: increasing; status reports say which keys the guest has been given */
  | { type: 'keys'; data: Uint8Array; seq: number }
  | { type: 'stop' }
  | { type: 'resume' }
  | { type: 'reset' }
  | { type: 'ping'; id: number }
  | { type: 'read-memory'; id: number; address: number; length: number }
  /** a .rep trace for the trace area (0x47000000), kept across resets */
  | { type: 'load-trace'; bytes: Uint8Array }
  /** boot this image now; Reset boots it again */
  | { type: 'boot-image'; image: Uint8Array }
  | CheckpointToWorker
  | TestToWorker;

/**
 * Checkpoints (worker-checkpoints.ts): whole machine states kept in the
 * worker under numeric handles. The page saves one only when the machine is
 * idle at the prompt. Replies carry the request's id.
 */
export type CheckpointToWorker =
  | { type: 'checkpoint-save'; id: number }
  | { type: 'checkpoint-restore'; id: number; handle: number }
  /** frees them; no reply (memoryBytes comes with the next save) */
  | { type: 'checkpoint-drop'; handles: number[] }
  | { type: 'checkpoint-export'; id: number; handle: number }
  | { type: 'checkpoint-import'; id: number; bytes: Uint8Array }
  /** the heap as it was in the checkpoint, without restoring it */
  | { type: 'checkpoint-decode'; id: number; handle: number };

export type CheckpointReply =
  /** memoryBytes: what all checkpoints hold together (shared pages counted once) */
  | { type: 'checkpoint-saved'; id: number; handle: number; memoryBytes: number; error?: string }
  /** then the usual status, heap and cpu reports of the restored machine */
  | { type: 'checkpoint-restored'; id: number; ok: boolean; error?: string }
  | { type: 'checkpoint-exported'; id: number; bytes: Uint8Array | null; error?: string }
  | { type: 'checkpoint-imported'; id: number; handle: number | null; error?: string }
  | { type: 'checkpoint-decoded'; id: number; heap: DecodeResult | null; error?: string };

export function isCheckpointMessage(message: PageToWorker): message is CheckpointToWorker {
  return message.type.startsWith('checkpoint-');
}

/**
 * Test-only messages (worker-test-hooks.ts; ignored unless booted with
 * testHooks): write guest RAM, load another image, block the worker (to
 * exercise the page's watchdog).
 */
export type TestToWorker =
  | { type: 'test-write-memory'; address: number; bytes: Uint8Array }
  | { type: 'test-load-image'; image: Uint8Array }
  | { type: 'test-hang'; ms: number };

export function isTestMessage(message: PageToWorker): message is TestToWorker {
  return message.type.startsWith('test-');
}

/** What names a kernel image: its SHA-256 (hex) and length. */
export interface ImageIdentity {
  sha256: string;
  bytes: number;
}

export interface StatusReport {
  state: RunState;
  instructions: number;
  /** guest million instructions per second over the last second of running */
  mips: number;
  inputPending: number;
  /** seq of the last keys message handed to the guest */
  keysSeq: number;
}

export type WorkerToPage =
  | {
      type: 'progress';
      stage: 'module' | 'wasm' | 'image' | 'start';
      loaded: number;
      total: number;
    }
  /** ms spent, from the boot request: fetching the wasm and image, creating the machine, loading the image */
  | { type: 'ready'; bootMs: number; fetchMs: number; createMs: number; loadMs: number }
  | { type: 'output'; bytes: Uint8Array }
  | { type: 'status'; status: StatusReport }
  | { type: 'heap'; result: DecodeResult; decodeMs: number }
  /** exception level, running program and event log (cpu-watcher.ts) */
  | { type: 'cpu'; model: CpuModel; decodeMs: number }
  | { type: 'crashed'; crash: CrashReport | null }
  | { type: 'pong'; id: number }
  | { type: 'memory'; id: number; address: number; bytes: Uint8Array | null }
  | { type: 'fatal'; message: string }
  /** the image the machine boots (at boot and after boot-image): a session file names it */
  | { type: 'image-identity'; identity: ImageIdentity }
  | CheckpointReply;
