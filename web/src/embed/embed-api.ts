// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The embedding API (documented in web/README.md): `window.allocplay` for
 * a same-page embed, and the same calls over postMessage for an iframe,
 * from the origins embed-origins.ts allows. Requests: type commands, switch
 * allocator, reset, open a lesson. Events: "ready" (the kernel's first
 * prompt after a boot), "command-done" (a command and what it printed),
 * "heap-changed" (totals and the check result of the decoded heap).
 */
import type { StatusReport } from '../emu/protocol';
import type { DecodeResult, HeapModel } from '../heap/model';
import { type CommandDone, CommandOutput } from './command-output';
import type { EmbedOrigins } from './embed-origins';
import {
  type ApiRequest,
  CHANNEL,
  checkRequest,
  parseMessage,
  type RequestId,
} from './embed-protocol';

/** What the API drives: the playground. */
export interface PlaygroundControl {
  /** types commands one by one, each after the previous one's prompt; false if cancelled */
  typeCommands(commands: string[]): Promise<boolean>;
  /** reboots the machine from the kernel image */
  reset(): void;
  openLessonUrl(path: string): Promise<void>;
  openLessonName(name: string): Promise<void>;
}

export interface HeapSummary {
  allocator: string;
  generation: number;
  usedBlocks: number;
  freeBlocks: number;
  usedBytes: number;
  freeBytes: number;
  largestFree: number;
  /** "OK", or the first problem the kernel's check() would report */
  check: string;
}

export type ApiEvent =
  | { type: 'ready' }
  | ({ type: 'command-done' } & CommandDone)
  | ({ type: 'heap-changed' } & HeapSummary);

type Listener = (event: ApiEvent) => void;

export interface AllocplayApi {
  readonly version: 1;
  type(commands: string | string[]): Promise<CommandDone[]>;
  use(allocator: string): Promise<CommandDone[]>;
  reset(): Promise<void>;
  openLesson(where: { url: string } | { name: string }): Promise<void>;
  on(type: ApiEvent['type'], listener: Listener): () => void;
}

export class EmbedApi {
  private readonly output = new CommandOutput();
  private readonly listeners = new Set<{ type: string; listener: Listener }>();
  private readonly collectors = new Set<CommandDone[]>();
  private awaitingPrompt = true;
  /** the booting kernel has printed something: an idle report now is its prompt, not a stale one */
  private bootOutput = false;
  private readyWaiters: Array<() => void> = [];
  private lastHeapKey = '';

  constructor(
    private readonly control: PlaygroundControl,
    private readonly origins: EmbedOrigins,
    private readonly post: (message: object, targetOrigin: string) => void,
  ) {}

  // ---- what the playground reports ----

  keys(keys: string, seq: number): void {
    this.output.keys(keys, seq);
  }

  uart(bytes: Uint8Array): void {
    this.output.output(bytes);
    if (bytes.length > 0) this.bootOutput = true;
  }

  status(status: StatusReport): void {
    if (status.state !== 'idle') return;
    for (const done of this.output.idle(status.keysSeq)) {
      for (const collector of this.collectors) collector.push(done);
      this.emit({ type: 'command-done', ...done });
    }
    if (this.awaitingPrompt && this.bootOutput) {
      this.awaitingPrompt = false;
      const waiters = this.readyWaiters;
      this.readyWaiters = [];
      for (const resolve of waiters) resolve();
      this.emit({ type: 'ready' });
    }
  }

  heap(result: DecodeResult): void {
    if (result.status !== 'ok') return;
    const summary = summarize(result.model);
    const key = JSON.stringify(summary);
    if (key === this.lastHeapKey) return;
    this.lastHeapKey = key;
    this.emit({ type: 'heap-changed', ...summary });
  }

  /** The machine is rebooting (Reset, or a replaced worker): the next prompt is a "ready". */
  restarting(): void {
    this.output.clear();
    this.awaitingPrompt = true;
    this.bootOutput = false;
    this.lastHeapKey = '';
  }

  // ---- the calls ----

  readonly api: AllocplayApi = {
    version: 1,
    type: (commands) => this.call({ type: 'type', commands }) as Promise<CommandDone[]>,
    use: (allocator) => this.call({ type: 'use', allocator }) as Promise<CommandDone[]>,
    reset: () => this.call({ type: 'reset' }) as Promise<void>,
    openLesson: (where) => this.call({ type: 'lesson', ...where }) as Promise<void>,
    on: (type, listener) => {
      const entry = { type, listener };
      this.listeners.add(entry);
      return () => this.listeners.delete(entry);
    },
  };

  /** Checks a request like a message and runs it; rejects with the same one-line message. */
  private call(raw: Record<string, unknown>): Promise<unknown> {
    const { type, ...args } = raw;
    const request = checkRequest(type, args);
    if (typeof request === 'string') return Promise.reject(new Error(`allocplay: ${request}`));
    return this.run(request);
  }

  private async run(request: ApiRequest): Promise<unknown> {
    switch (request.type) {
      case 'type':
        return this.typeAndCollect(request.commands);
      case 'use':
        return this.typeAndCollect([`use ${request.allocator}`]);
      case 'reset': {
        const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
        this.control.reset();
        return ready;
      }
      case 'lesson':
        return 'url' in request
          ? this.control.openLessonUrl(request.url)
          : this.control.openLessonName(request.name);
    }
  }

  private async typeAndCollect(commands: string[]): Promise<CommandDone[]> {
    const collected: CommandDone[] = [];
    this.collectors.add(collected);
    try {
      if (!(await this.control.typeCommands(commands)))
        throw new Error('allocplay: cancelled (the machine was reset or a lesson started)');
      return collected;
    } finally {
      this.collectors.delete(collected);
    }
  }

  // ---- postMessage ----

  /** Handles one message event: obeys allowed origins, answers every request it reads. */
  receive(event: MessageEvent): void {
    const parsed = parseMessage(event.data);
    if (parsed.kind === 'not-ours') return;
    const reply = (message: object): void => {
      // "null" (a sandboxed frame, a file: page) cannot be addressed
      if (event.source !== null && event.origin !== 'null')
        (event.source as Window).postMessage(
          { channel: CHANNEL, from: 'playground', ...message },
          event.origin,
        );
    };
    if (!this.origins.allowed.has(event.origin)) {
      const message = `messages from ${event.origin} are not accepted (allowed: ${[...this.origins.allowed].join(', ')}; see the origin= parameter)`;
      console.warn(`allocplay: ${message}`);
      reply({ type: 'error', id: parsed.id, message });
      return;
    }
    if (parsed.kind === 'bad') {
      reply({ type: 'error', id: parsed.id, message: parsed.message });
      return;
    }
    this.run(parsed.request).then(
      (result) =>
        reply({
          type: 'reply',
          id: parsed.id,
          request: parsed.request.type,
          result: result ?? null,
        }),
      (error: unknown) =>
        reply({
          type: 'error',
          id: parsed.id,
          request: parsed.request.type,
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  }

  private emit(event: ApiEvent): void {
    for (const { type, listener } of this.listeners) if (type === event.type) listener(event);
    if (this.origins.parent !== null)
      this.post({ channel: CHANNEL, from: 'playground', ...event }, this.origins.parent);
  }
}

function summarize(model: HeapModel): HeapSummary {
  return {
    allocator: model.kindName,
    generation: model.generation,
    usedBlocks: model.totals.usedBlocks,
    freeBlocks: model.totals.freeBlocks,
    usedBytes: model.totals.usedBytes,
    freeBytes: model.totals.freeBytes,
    largestFree: model.totals.largestFree,
    check: model.check.ok ? 'OK' : model.check.problem,
  };
}

/** Installs window.allocplay and the message listener. */
export function installEmbedApi(api: EmbedApi): void {
  (window as unknown as { allocplay: AllocplayApi }).allocplay = api.api;
  window.addEventListener('message', (event) => api.receive(event));
}

export type { RequestId };
