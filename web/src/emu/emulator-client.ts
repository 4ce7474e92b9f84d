// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The page's handle on the emulator worker. Starts it, forwards keys and
 * controls, and watches it: a worker that does not answer a ping, a Stop or
 * a Reset within `responseTimeoutMs` is terminated and a fresh one booted,
 * so the controls always work even if the worker is stuck.
 */
import type { CpuModel } from '../cpu/model';
import type { DecodeResult } from '../heap/model';
import type {
  BootRequest,
  CheckpointReply,
  CrashReport,
  ImageIdentity,
  PageToWorker,
  StatusReport,
  WorkerToPage,
} from './protocol';

export interface EmulatorEvents {
  progress(stage: string, loaded: number, total: number): void;
  ready(timing: { bootMs: number; fetchMs: number; createMs: number; loadMs: number }): void;
  output(bytes: Uint8Array): void;
  status(status: StatusReport): void;
  heap(result: DecodeResult, decodeMs: number): void;
  cpu(model: CpuModel, decodeMs: number): void;
  crashed(crash: CrashReport | null): void;
  fatal(message: string): void;
  /** the worker was replaced (it stopped answering, or the page asked for it) */
  restarted(reason: string): void;
}

export interface EmulatorAssets {
  moduleUrl: string;
  wasmUrl: string;
  imageUrl: string;
}

export class EmulatorClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private nextKeysSeq = 1;
  private readonly pendingReads = new Map<number, (bytes: Uint8Array | null) => void>();
  private readonly pendingCheckpoints = new Map<
    number,
    { resolve: (reply: CheckpointReply) => void; reject: (error: Error) => void }
  >();
  private awaitingReply: { id: number; timer: ReturnType<typeof setTimeout> } | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private booted = false;
  restarts = 0;
  /** the image the machine booted last, as the worker named it (null until it has) */
  imageIdentity: ImageIdentity | null = null;

  constructor(
    private readonly assets: EmulatorAssets,
    private readonly events: EmulatorEvents,
    private readonly createWorker: () => Worker,
    private readonly options: {
      testHooks: boolean;
      responseTimeoutMs: number;
      heartbeatMs: number;
      /** default 'tier' */
      engine?: 'tier' | 'inline' | 'hook';
    } = {
      testHooks: false,
      responseTimeoutMs: 1000,
      heartbeatMs: 2000,
    },
  ) {}

  start(): void {
    this.worker = this.createWorker();
    this.booted = false;
    this.worker.onmessage = (event: MessageEvent<WorkerToPage>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.events.fatal(`The emulator worker failed: ${event.message || 'unknown error'}`);
    };
    const boot: BootRequest = {
      type: 'boot',
      ...this.assets,
      engine: this.options.engine ?? 'tier',
      testHooks: this.options.testHooks,
    };
    this.worker.postMessage(boot);
    this.heartbeat = setInterval(() => this.checkAlive(), this.options.heartbeatMs);
  }

  /** Sends keys; returns their sequence number (see StatusReport.keysSeq). */
  send(keys: Uint8Array | string): number {
    const data = typeof keys === 'string' ? new TextEncoder().encode(keys) : keys;
    const seq = this.nextKeysSeq++;
    this.post({ type: 'keys', data, seq });
    return seq;
  }

  stop(): void {
    this.post({ type: 'stop' });
    this.checkAlive();
  }

  resume(): void {
    this.post({ type: 'resume' });
  }

  reset(): void {
    if (!this.booted) {
      this.restart('reset before the emulator was ready');
      return;
    }
    this.post({ type: 'reset' });
    this.checkAlive();
  }

  /** A copy of guest memory, or null outside RAM (or if the worker is replaced meanwhile). */
  readMemory(address: number, length: number): Promise<Uint8Array | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pendingReads.set(id, resolve);
      this.post({ type: 'read-memory', id, address, length });
    });
  }

  /** Puts a .rep trace in the trace area (0x47000000); it stays there across resets. */
  loadTrace(bytes: Uint8Array): void {
    this.post({ type: 'load-trace', bytes });
  }

  /** Boots another image in the same worker; Reset then boots it again. */
  bootImage(image: Uint8Array): void {
    this.post({ type: 'boot-image', image });
    this.checkAlive();
  }

  /**
   * Saves the whole machine in the worker (take it only when the guest is
   * idle at the prompt); memoryBytes: what all checkpoints hold together.
   */
  async saveCheckpoint(): Promise<{ handle: number; memoryBytes: number }> {
    const reply = await this.checkpointRequest('checkpoint-saved', (id) => ({
      type: 'checkpoint-save',
      id,
    }));
    if (reply.error !== undefined) throw new Error(reply.error);
    return { handle: reply.handle, memoryBytes: reply.memoryBytes };
  }

  /** Puts the machine back into a checkpoint; the usual reports of the restored machine follow. */
  async restoreCheckpoint(handle: number): Promise<void> {
    const reply = await this.checkpointRequest('checkpoint-restored', (id) => ({
      type: 'checkpoint-restore',
      id,
      handle,
    }));
    if (!reply.ok) throw new Error(reply.error ?? 'the checkpoint could not be restored');
  }

  dropCheckpoints(handles: number[]): void {
    if (handles.length > 0) this.post({ type: 'checkpoint-drop', handles });
  }

  /** A checkpoint as bytes (for a file); loads back with importCheckpoint in the same emulator build. */
  async exportCheckpoint(handle: number): Promise<Uint8Array> {
    const reply = await this.checkpointRequest('checkpoint-exported', (id) => ({
      type: 'checkpoint-export',
      id,
      handle,
    }));
    if (reply.bytes === null)
      throw new Error(reply.error ?? 'the checkpoint could not be exported');
    return reply.bytes;
  }

  /** Bytes from exportCheckpoint back into a checkpoint; its handle. */
  async importCheckpoint(bytes: Uint8Array): Promise<number> {
    const reply = await this.checkpointRequest('checkpoint-imported', (id) => ({
      type: 'checkpoint-import',
      id,
      bytes,
    }));
    if (reply.handle === null) throw new Error(reply.error ?? 'the checkpoint could not be loaded');
    return reply.handle;
  }

  /** The heap as it was in a checkpoint, decoded without restoring it. */
  async decodeCheckpoint(handle: number): Promise<DecodeResult> {
    const reply = await this.checkpointRequest('checkpoint-decoded', (id) => ({
      type: 'checkpoint-decode',
      id,
      handle,
    }));
    if (reply.heap === null) throw new Error(reply.error ?? 'the checkpoint could not be decoded');
    return reply.heap;
  }

  /** Sends a checkpoint request and waits for its reply (rejected if the worker is replaced meanwhile). */
  private checkpointRequest<T extends CheckpointReply['type']>(
    replyType: T,
    request: (id: number) => PageToWorker,
  ): Promise<Extract<CheckpointReply, { type: T }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.worker === null) {
        reject(new Error('the emulator is not running'));
        return;
      }
      this.pendingCheckpoints.set(id, {
        resolve: (reply) => {
          if (reply.type === replyType) resolve(reply as Extract<CheckpointReply, { type: T }>);
          else reject(new Error(`unexpected reply ${reply.type} to a checkpoint request`));
        },
        reject,
      });
      this.post(request(id));
    });
  }

  /** Test hooks: the worker ignores these unless started with testHooks. */
  testWriteMemory(address: number, bytes: Uint8Array): void {
    this.post({ type: 'test-write-memory', address, bytes });
  }

  testLoadImage(image: Uint8Array): void {
    this.post({ type: 'test-load-image', image });
  }

  testHang(ms: number): void {
    this.post({ type: 'test-hang', ms });
  }

  /** Replace the worker: a fresh machine, booted from scratch. */
  restart(reason: string): void {
    this.dispose();
    this.restarts++;
    this.events.restarted(reason);
    this.start();
  }

  dispose(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.awaitingReply !== null) clearTimeout(this.awaitingReply.timer);
    this.awaitingReply = null;
    for (const resolve of this.pendingReads.values()) resolve(null);
    this.pendingReads.clear();
    // the worker's checkpoints go with it
    for (const pending of this.pendingCheckpoints.values())
      pending.reject(new Error('the emulator was restarted'));
    this.pendingCheckpoints.clear();
    this.worker?.terminate();
    this.worker = null;
  }

  private post(message: PageToWorker): void {
    this.worker?.postMessage(message);
  }

  /** Ping; no pong in time means the worker is stuck: replace it. */
  private checkAlive(): void {
    // before `ready` the worker is fetching and compiling (asynchronously)
    if (this.awaitingReply !== null || this.worker === null || !this.booted) return;
    const id = this.nextId++;
    const timer = setTimeout(
      () => this.restart('the emulator stopped responding'),
      this.options.responseTimeoutMs,
    );
    this.awaitingReply = { id, timer };
    this.post({ type: 'ping', id });
  }

  private receive(message: WorkerToPage): void {
    switch (message.type) {
      case 'pong':
        if (this.awaitingReply?.id === message.id) {
          clearTimeout(this.awaitingReply.timer);
          this.awaitingReply = null;
        }
        break;
      case 'progress':
        this.events.progress(message.stage, message.loaded, message.total);
        break;
      case 'image-identity':
        this.imageIdentity = message.identity;
        break;
      case 'ready':
        this.booted = true;
        this.events.ready({
          bootMs: message.bootMs,
          fetchMs: message.fetchMs,
          createMs: message.createMs,
          loadMs: message.loadMs,
        });
        break;
      case 'output':
        this.events.output(message.bytes);
        break;
      case 'status':
        this.events.status(message.status);
        break;
      case 'heap':
        this.events.heap(message.result, message.decodeMs);
        break;
      case 'cpu':
        this.events.cpu(message.model, message.decodeMs);
        break;
      case 'crashed':
        this.events.crashed(message.crash);
        break;
      case 'memory': {
        const resolve = this.pendingReads.get(message.id);
        this.pendingReads.delete(message.id);
        resolve?.(message.bytes);
        break;
      }
      case 'fatal':
        this.events.fatal(message.message);
        break;
      case 'checkpoint-saved':
      case 'checkpoint-restored':
      case 'checkpoint-exported':
      case 'checkpoint-imported':
      case 'checkpoint-decoded': {
        const pending = this.pendingCheckpoints.get(message.id);
        this.pendingCheckpoints.delete(message.id);
        pending?.resolve(message);
        break;
      }
    }
  }
}
