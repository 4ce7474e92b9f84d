// SPDX-License-Identifier: GPL-2.0-or-later
// Types for machine.mjs: the virt-lite machine in WebAssembly.

export const RAM_BASE: number;
export const RAM_SIZE: number;
export const DEFAULT_SLICE: number;
/** Where the host puts a .rep trace for the kernel's `trace` command. */
export const TRACE_AREA: number;
export const TRACE_AREA_SIZE: number;

export type RunResult = 'slice' | 'idle' | 'powered-off' | 'crashed' | 'no-image';

export interface GuestCrash {
  /** Unicorn's uc_err */
  ucError: number;
  pc: bigint;
  /** faulting data or fetch address, 0n if none */
  address: bigint;
  /** short name, e.g. "unmapped read" */
  kind: string;
  /** one readable sentence */
  message: string;
}

export interface Counters {
  instructions: number;
  resets: number;
  uartRxBytes: number;
  uartTxBytes: number;
  slices: number;
  /** blocks the tier engine compiled to WebAssembly since power-on (0 for the others) */
  compiledBlocks: number;
}

export type MachineEvent =
  | { type: 'reset' }
  | { type: 'powered-off' }
  | { type: 'crashed'; crash: GuestCrash | null };

/** How Unicorn runs guest code: 'tier' (the default, fastest: hot blocks run
 * as WebAssembly functions, patch 0013), 'inline' (every block interpreted,
 * the way before patch 0013) or 'hook' (inline plus its block hook at every
 * block, the way before patch 0011). All give the same guest-visible results. */
export type Engine = 'inline' | 'hook' | 'tier';
export const ENGINES: readonly Engine[];

export interface CreateOptions {
  /** URL of allocplay-emu.mjs (default: next to machine.mjs) */
  moduleUrl?: string | URL;
  /** the .wasm bytes, if the caller already has them */
  wasmBinary?: Uint8Array | ArrayBuffer;
  /** default 'tier'; anything else throws */
  engine?: Engine;
}

export function createMachine(options?: CreateOptions): Promise<Machine>;

export class Machine {
  readonly engine: Engine;
  /** For tests: the tier engine compiles a block at its hotEntries'th start and
   * drops every compiled block when one more than maxFunctions would be
   * (0: the defaults, 40 and 1024). Throws outside the tier's build. */
  setTierLimits(hotEntries: number, maxFunctions: number): void;
  onOutput: ((bytes: Uint8Array) => void) | null;
  onEvent: ((event: MachineEvent) => void) | null;
  load(image: Uint8Array | ArrayBuffer): void;
  /** Puts data in guest RAM at `address` now and at every later power-on
   * (like QEMU's -device loader); replaces data it overlaps; empty data
   * removes what was loaded at `address`. Throws if it does not fit in RAM. */
  loadData(address: number | bigint, data: string | Uint8Array | ArrayBuffer): void;
  /** Power-on reset from the image passed to load() last. */
  reset(): void;
  /** Queues keys for the guest's UART; throws, queuing nothing, if wasm memory runs out. */
  send(data: string | Uint8Array | ArrayBuffer): void;
  readonly inputPending: number;
  run(budget?: number): RunResult;
  runUntilIdle(options?: { maxInstructions?: number; budget?: number }): RunResult;
  takeOutput(): Uint8Array;
  /** Live view of guest RAM. Read it freely; writes bypass the emulator
   * (translated code is not invalidated), so use them only for test data. */
  ram(): Uint8Array;
  read(address: number | bigint, length: number): Uint8Array | null;
  register(name: string): bigint;
  counters(): Counters;
  crash(): GuestCrash | null;
  /** The whole machine state now (RAM as shared pages, CPU, devices, guest time). */
  saveCheckpoint(): Checkpoint;
  /** Back to a checkpoint's state; output not yet delivered is dropped. */
  restoreCheckpoint(checkpoint: Checkpoint): void;
  /** From Checkpoint.toBytes() of the same emulator build; throws with the reason. */
  checkpointFromBytes(bytes: Uint8Array | ArrayBuffer): Checkpoint;
  /** Bytes of memory all checkpoints hold together. */
  checkpointMemory(): number;
  destroy(): void;
}

export class Checkpoint {
  /** Guest memory as it was at the checkpoint; null outside RAM. */
  read(address: number | bigint, length: number): Uint8Array | null;
  toBytes(): Uint8Array;
  free(): void;
}
