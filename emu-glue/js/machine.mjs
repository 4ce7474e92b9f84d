// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The virt-lite machine compiled to WebAssembly, as a small JavaScript API.
 * Works in Node (tests, benchmarks) and in a Web Worker (the playground).
 *
 *   const machine = await createMachine();
 *   machine.load(kernelImageBytes);
 *   machine.onOutput = (bytes) => terminal.write(bytes);
 *   machine.send('info\r');
 *   machine.run();            // -> 'idle' once the shell waits for input
 *
 * Types: see machine.d.mts.
 */

/** Why run() returned, by the C enum apg_run_result. */
const RUN_RESULTS = ['slice', 'idle', 'powered-off', 'crashed', 'no-image'];
const COUNTERS = {
  instructions: 0,
  resets: 1,
  uartRxBytes: 2,
  uartTxBytes: 3,
  slices: 4,
  compiledBlocks: 5,
};

// BOARD_RAM_BASE and BOARD_RAM_SIZE of firmware/include/board.h (a web test compares them)
export const RAM_BASE = 0x40000000;
export const RAM_SIZE = 128 * 1024 * 1024;
export const DEFAULT_SLICE = 4_000_000;
/** Where the host puts a .rep trace for the kernel's `trace` command (16 MiB). */
export const TRACE_AREA = 0x47000000;
export const TRACE_AREA_SIZE = 16 * 1024 * 1024;

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/**
 * Loads the Emscripten module. The module is built for web and worker only
 * (Emscripten 3.1.6's Node support in an ES module needs CommonJS globals);
 * in Node we read the .wasm file ourselves and hand it over, which is all the
 * module needs from its environment.
 * @param {object} [options]
 * @param {string|URL} [options.moduleUrl] URL of allocplay-emu.mjs
 * @param {Uint8Array|ArrayBuffer} [options.wasmBinary] the .wasm bytes, if already loaded
 */
/** How Unicorn counts guest instructions (emu-glue/include/machine.h, apg_engine). */
export const ENGINES = Object.freeze(['inline', 'hook', 'tier']);

export async function createMachine(options = {}) {
  const engine = options.engine ?? 'tier';
  if (!ENGINES.includes(engine))
    throw new Error(`emu-glue: engine must be one of ${ENGINES.join(', ')}, not ${String(engine)}`);
  const moduleUrl =
    options.moduleUrl ?? new URL(/* @vite-ignore */ './allocplay-emu.mjs', import.meta.url);
  const { default: factory } = await import(/* @vite-ignore */ String(moduleUrl));
  const settings = { print: () => {}, printErr: (text) => console.warn(`emu-glue: ${text}`) };
  if (options.wasmBinary) {
    settings.wasmBinary = options.wasmBinary;
  } else if (isNode) {
    const { readFile } = await import('node:fs/promises');
    settings.wasmBinary = await readFile(new URL('./allocplay-emu.wasm', moduleUrl));
  }
  const module = await factory(settings);
  const machine = new Machine(module);
  if (!module._apg_js_set_engine(machine.handle, ENGINES.indexOf(engine)))
    throw new Error(`emu-glue: cannot select the ${engine} engine`);
  machine.engine = engine;
  return machine;
}

export class Machine {
  /** @param {any} module an instantiated Emscripten module */
  constructor(module) {
    this.module = module;
    this.handle = module._apg_js_create();
    if (this.handle === 0) throw new Error('emu-glue: cannot allocate the machine (out of memory)');
    this.scratch = module._apg_js_malloc(16);
    /** @type {((bytes: Uint8Array) => void) | null} */
    this.onOutput = null;
    /** @type {((event: {type: string, crash?: object}) => void) | null} */
    this.onEvent = null;
    this.pendingOutput = [];
    /** @type {'inline' | 'hook' | 'tier'} */
    this.engine = 'tier';
  }

  /**
   * The tier engine's limits, for tests (machine.h): compile a block when it
   * starts for the hotEntries'th time, drop every compiled block when one more
   * than maxFunctions would be; 0 keeps Unicorn's defaults (40, 1024).
   */
  setTierLimits(hotEntries, maxFunctions) {
    if (!this.module._apg_js_set_tier_limits(this.handle, hotEntries, maxFunctions))
      throw new Error('emu-glue: cannot set the tier limits');
  }

  /** Copies bytes into wasm memory, calls fn(pointer, length), frees them. */
  withBytes(bytes, fn) {
    const m = this.module;
    const pointer = m._apg_js_malloc(Math.max(bytes.length, 1));
    m.HEAPU8.set(bytes, pointer);
    try {
      return fn(pointer, bytes.length);
    } finally {
      m._apg_js_free(pointer);
    }
  }

  /** Loads a raw kernel image and powers on. */
  load(image) {
    const ok = this.withBytes(toBytes(image), (p, n) =>
      this.module._apg_js_load(this.handle, p, n),
    );
    if (!ok) throw new Error('emu-glue: the image does not fit in RAM or the CPU did not start');
  }

  /**
   * Puts bytes in guest RAM at `address` now and at every later power-on
   * (reset, reboot), like QEMU's `-device loader,file=F,addr=A,force-raw=on`.
   * The data replaces any earlier data it overlaps (whose bytes are cleared
   * first); empty data removes what was loaded at `address`. A CS:APP .rep
   * trace goes to TRACE_AREA (0x47000000), where the shell's `trace` reads it.
   */
  loadData(address, data) {
    const bytes = toBytes(data);
    const ok = this.withBytes(bytes, (p, n) =>
      this.module._apg_js_load_blob(this.handle, Number(address), p, n),
    );
    if (!ok)
      throw new Error(
        `emu-glue: ${bytes.length} bytes do not fit in RAM at 0x${Number(address).toString(16)}`,
      );
  }

  /** Power-on reset from the image loaded last; queues are emptied. */
  reset() {
    if (!this.module._apg_js_reset(this.handle))
      throw new Error('emu-glue: nothing to reset (no image)');
    this.pendingOutput = [];
    this.onEvent?.({ type: 'reset' });
  }

  /** Queues keystrokes for the guest's UART (a string is sent as UTF-8). */
  send(data) {
    const ok = this.withBytes(toBytes(data), (p, n) => this.module._apg_js_send(this.handle, p, n));
    if (!ok) throw new Error('emu-glue: out of memory for the input (nothing was queued)');
  }

  /** Bytes sent but not yet read by the guest. */
  get inputPending() {
    return this.module._apg_js_rx_pending(this.handle);
  }

  /**
   * Runs one slice of at most `budget` guest instructions.
   * @returns {'slice'|'idle'|'powered-off'|'crashed'|'no-image'}
   */
  run(budget = DEFAULT_SLICE) {
    const result = RUN_RESULTS[this.module._apg_js_run(this.handle, budget)] ?? 'crashed';
    const output = this.drainOutput();
    if (output.length > 0) {
      if (this.onOutput) this.onOutput(output);
      else this.pendingOutput.push(output);
    }
    if (result === 'crashed') this.onEvent?.({ type: 'crashed', crash: this.crash() });
    else if (result === 'powered-off') this.onEvent?.({ type: 'powered-off' });
    return result;
  }

  /** Runs slices until the guest waits for input, powers off or crashes. */
  runUntilIdle({ maxInstructions = 50_000_000_000, budget = DEFAULT_SLICE } = {}) {
    const limit = this.counters().instructions + maxInstructions;
    for (;;) {
      const result = this.run(budget);
      if (result !== 'slice') return result;
      if (this.counters().instructions >= limit) return 'slice';
    }
  }

  drainOutput() {
    const m = this.module;
    const pointer = m._apg_js_tx(this.handle, this.scratch);
    const count = m.HEAPU32[this.scratch >> 2];
    return m.HEAPU8.slice(pointer, pointer + count);
  }

  /** UART output not yet delivered to onOutput. */
  takeOutput() {
    const parts = [...this.pendingOutput, this.drainOutput()];
    this.pendingOutput = [];
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  /** A live view of all guest RAM (no copy). Re-fetch it after wasm memory grows. */
  ram() {
    const pointer = this.module._apg_js_ram(this.handle);
    return this.module.HEAPU8.subarray(pointer, pointer + RAM_SIZE);
  }

  /** A copy of guest memory [address, address + length), or null outside RAM. */
  read(address, length) {
    const offset = Number(address) - RAM_BASE;
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > RAM_SIZE)
      return null;
    return this.ram().slice(offset, offset + length);
  }

  /** A register by name (x0..x30, sp, pc, pstate, elr_el1, esr_el1, far_el1, vbar_el1, sp_el0, sp_el1). */
  register(name) {
    const m = this.module;
    const ok = this.withBytes(toBytes(`${name}\0`), (p) =>
      m._apg_js_register(this.handle, p, this.scratch),
    );
    if (!ok) throw new Error(`emu-glue: unknown register '${name}'`);
    const lo = m.HEAPU32[this.scratch >> 2];
    const hi = m.HEAPU32[(this.scratch >> 2) + 1];
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  counters() {
    const out = {};
    for (const [name, id] of Object.entries(COUNTERS))
      out[name] = this.module._apg_js_counter(this.handle, id);
    return out;
  }

  /** null while the guest is healthy; otherwise what stopped it. */
  crash() {
    const p = this.module._apg_js_crash(this.handle);
    if (p === 0) return null;
    const m = this.module;
    const u64 = (at) => (BigInt(m.HEAPU32[(at >> 2) + 1]) << 32n) | BigInt(m.HEAPU32[at >> 2]);
    return {
      ucError: m.HEAP32[p >> 2],
      pc: u64(p + 8),
      address: u64(p + 16),
      kind: cString(m.HEAPU8, p + 24, 32),
      message: cString(m.HEAPU8, p + 56, 160),
    };
  }

  /**
   * The whole machine state now: RAM (as pages shared with other
   * checkpoints), CPU, devices, guest time. Free it when done.
   */
  saveCheckpoint() {
    const handle = this.module._apg_js_checkpoint_save(this.handle);
    if (handle === 0) throw new Error('emu-glue: cannot checkpoint (no image, or out of memory)');
    return new Checkpoint(this.module, handle);
  }

  /** Puts the machine back into a checkpoint's state; output not yet delivered is dropped. */
  restoreCheckpoint(checkpoint) {
    if (!checkpoint.handle) throw new Error('emu-glue: this checkpoint was freed');
    if (!this.module._apg_js_checkpoint_restore(this.handle, checkpoint.handle))
      throw new Error('emu-glue: cannot restore (no image, or out of memory)');
    this.pendingOutput = [];
  }

  /** A checkpoint from Checkpoint.toBytes(); throws with the reason for bad bytes. */
  checkpointFromBytes(bytes) {
    const m = this.module;
    const handle = this.withBytes(toBytes(bytes), (p, n) =>
      m._apg_js_checkpoint_deserialise(this.handle, p, n, this.scratch),
    );
    if (handle === 0) {
      const reason = cString(m.HEAPU8, m.HEAPU32[this.scratch >> 2], 200);
      throw new Error(`emu-glue: cannot load the checkpoint: ${reason}`);
    }
    return new Checkpoint(m, handle);
  }

  /** Bytes of memory all checkpoints hold together (shared pages counted once). */
  checkpointMemory() {
    return this.module._apg_js_checkpoint_memory();
  }

  destroy() {
    this.module._apg_js_free(this.scratch);
    this.module._apg_js_destroy(this.handle);
    this.handle = 0;
  }
}

/** One saved machine state (see Machine.saveCheckpoint). */
export class Checkpoint {
  constructor(module, handle) {
    this.module = module;
    this.handle = handle;
  }

  /** Guest memory [address, address + length) as it was, or null outside RAM. */
  read(address, length) {
    const m = this.module;
    const pointer = m._apg_js_malloc(Math.max(length, 1));
    try {
      if (!m._apg_js_checkpoint_read(this.handle, Number(address), pointer, length)) return null;
      return m.HEAPU8.slice(pointer, pointer + length);
    } finally {
      m._apg_js_free(pointer);
    }
  }

  /** The checkpoint as a self-contained byte string (same emulator build to load it). */
  toBytes() {
    const m = this.module;
    const sizePointer = m._apg_js_malloc(4);
    try {
      const pointer = m._apg_js_checkpoint_serialise(this.handle, sizePointer);
      if (pointer === 0) throw new Error('emu-glue: out of memory');
      const bytes = m.HEAPU8.slice(pointer, pointer + m.HEAPU32[sizePointer >> 2]);
      m._apg_js_free(pointer);
      return bytes;
    } finally {
      m._apg_js_free(sizePointer);
    }
  }

  free() {
    if (this.handle) this.module._apg_js_checkpoint_free(this.handle);
    this.handle = 0;
  }
}

function toBytes(data) {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  return new Uint8Array(data);
}

function cString(heap, start, max) {
  let end = start;
  while (end < start + max && heap[end] !== 0) end++;
  return new TextDecoder().decode(heap.subarray(start, end));
}
