// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * window.__allocplay, installed only with ?test=1: what the browser tests
 * and the benchmark read (raw UART bytes, the decoded model, timings) and the
 * test-only actions (write guest memory, load another image).
 */
import type { DecodeResult, HeapModel } from '../heap/model';
import { formatCheck, formatInfo } from '../heap/info-format';
import type { Playground, PlaygroundTimings } from './playground';

export interface TestHooks {
  /** the bytes the terminal was given (after a timeline move: that checkpoint's transcript, then what followed) */
  uartBytes(): number[];
  clearUart(): void;
  terminalText(): string;
  /** pastes through xterm's own paste path (as Ctrl-V does) */
  paste(text: string): void;
  terminalSize(): { cols: number; rows: number };
  commands(): string[];
  /** how many times keys went to the guest so far */
  keysSent(): number;
  state(): string;
  model(): HeapModel | null;
  modelInfo(): string | null;
  /** the kernel's `check` line, as the decoder's port of check() says it */
  modelCheck(): string | null;
  panelUpdates(): number;
  /** what the CPU panel last drew, as plain data (event lines as eventLine() writes them) */
  cpu(): CpuSnapshot | null;
  /** ms the worker spent decoding the latest CPU picture */
  lastCpuDecodeMs(): number;
  /** draws the CPU panel's current picture from scratch, synchronously; returns the milliseconds */
  redrawCpu(): number;
  lastRenderMs(): number;
  restarts(): number;
  timings(): PlaygroundTimings;
  /** types keys and resolves when the guest is idle again */
  type(keys: string): Promise<void>;
  whenIdle(): Promise<void>;
  writeMemory(address: number, bytes: number[]): void;
  readMemory(address: number, length: number): Promise<number[] | null>;
  loadImage(image: number[]): void;
  /** a .rep trace into the trace area (0x47000000), as the Trace… button puts it, without typing */
  loadTrace(bytes: number[]): void;
  hangWorker(ms: number): void;
  /** draws a decode result synchronously; returns the milliseconds it took */
  renderResult(result: DecodeResult): number;
  /** ms from sending one key to the xterm having parsed its echo */
  echoLatency(key: string): Promise<number>;
  /** ms the worker spent decoding the latest heap picture */
  lastDecodeMs(): number;
  /** draws the current model again, synchronously; returns the milliseconds */
  rerender(): number;
  /** ms from typing `keys` to the panel having drawn the next heap picture */
  commandToPanel(keys: string): Promise<number>;
  /** the emulator client's checkpoint calls (rejections come back as their message) */
  checkpointSave(): Promise<{ handle: number; memoryBytes: number }>;
  checkpointRestore(handle: number): Promise<string | null>;
  checkpointDecode(handle: number): Promise<DecodeResult | string>;
  /** the timeline under the terminal, as plain data (null: there is none) */
  timeline(): TimelineSnapshot | null;
  /** resolves once every checkpoint due so far is taken (call after type()) */
  whenCheckpointed(): Promise<void>;
  /** goes to a checkpoint (by the store's id), then waits for the guest to be idle */
  timelineGoTo(id: number): Promise<void>;
  timelineSwitchBranch(branch: number): Promise<void>;
  /** the terminal bytes stored with a checkpoint, as a latin1 string */
  timelineTranscript(id: number): string | null;
  timelineHeap(id: number): DecodeResult | null;
  /** the checkpoint memory budget in bytes (48 MiB by default) */
  setCheckpointBudget(bytes: number): void;
  /** compares checkpoint `id` with the current one, as Shift+click on its mark does */
  compareWith(id: number): void;
  /** the comparison shown: its summary and event lines ('' and [] when not comparing) */
  comparison(): { summary: string; events: string[]; marks: string[] };
  /** the session file Save session would write (or why not) */
  sessionFile(): Promise<Uint8Array | string>;
  /** loads a session file as Load session… does; resolves with the notice shown */
  loadSession(bytes: Uint8Array, name: string): Promise<string>;
}

export interface TimelineSnapshot {
  marks: Array<{ id: number; index: number; label: string; current: boolean }>;
  branches: number[];
  branch: number;
  dropped: number;
  memoryBytes: number;
  /** the bar's position text */
  position: string;
}

export interface CpuSnapshot {
  exceptionLevel: number | null;
  /** the EL indicator's text */
  levelText: string;
  program: { pid: number; name: string } | null;
  written: number | null;
  events: string[];
  problems: string[];
}

export function installTestHooks(playground: Playground): void {
  const hooks: TestHooks = {
    uartBytes: () => playground.uart.flatMap((chunk) => Array.from(chunk)),
    clearUart: () => {
      playground.uart.length = 0;
    },
    terminalText: () => playground.terminal?.bufferText() ?? '',
    paste: (text) => playground.terminal?.terminal.paste(text),
    terminalSize: () => ({
      cols: playground.terminal?.terminal.cols ?? 0,
      rows: playground.terminal?.terminal.rows ?? 0,
    }),
    commands: () => [...playground.tracker.commands],
    keysSent: () => playground.keysSent,
    state: () => playground.state,
    model: () => playground.panel?.currentModel ?? null,
    modelInfo: () => {
      const model = playground.panel?.currentModel;
      return model ? formatInfo(model) : null;
    },
    modelCheck: () => {
      const model = playground.panel?.currentModel;
      return model ? formatCheck(model) : null;
    },
    panelUpdates: () => playground.panel?.updates ?? 0,
    cpu: () => {
      const model = playground.cpuPanel?.currentModel;
      if (!model) return null;
      return {
        exceptionLevel: model.exceptionLevel,
        levelText: playground.cpuPanel?.element.querySelector('.el-badge')?.textContent ?? '',
        program: model.program,
        written: model.log?.written ?? null,
        events: playground.cpuPanel?.eventLines() ?? [],
        problems: [...model.problems],
      };
    },
    lastCpuDecodeMs: () => playground.lastCpuDecodeMs,
    redrawCpu: () => {
      const panel = playground.cpuPanel;
      const model = panel?.currentModel;
      if (!panel || !model) return -1;
      const started = performance.now();
      panel.reset();
      panel.applyNow(model);
      return performance.now() - started;
    },
    lastRenderMs: () => playground.panel?.lastRenderMs ?? 0,
    restarts: () => playground.client?.restarts ?? 0,
    timings: () => ({ ...playground.timings }),
    type: async (keys) => {
      playground.typeKeys(keys);
      await playground.whenIdle();
    },
    whenIdle: () => playground.whenIdle(),
    writeMemory: (address, bytes) =>
      playground.client?.testWriteMemory(address, new Uint8Array(bytes)),
    readMemory: async (address, length) => {
      const bytes = await playground.client?.readMemory(address, length);
      return bytes ? Array.from(bytes) : null;
    },
    loadImage: (image) => playground.client?.testLoadImage(new Uint8Array(image)),
    loadTrace: (bytes) => playground.client?.loadTrace(new Uint8Array(bytes)),
    hangWorker: (ms) => playground.client?.testHang(ms),
    renderResult: (result) => playground.panel?.applyNow(result) ?? -1,
    echoLatency: (key) =>
      new Promise((resolve) => {
        const terminal = playground.terminal?.terminal;
        if (!terminal) return resolve(-1);
        const started = performance.now();
        const disposable = terminal.onWriteParsed(() => {
          disposable.dispose();
          resolve(performance.now() - started);
        });
        playground.typeKeys(key);
      }),
    lastDecodeMs: () => playground.lastDecodeMs,
    rerender: () => {
      const model = playground.panel?.currentModel;
      return model && playground.panel ? playground.panel.applyNow({ status: 'ok', model }) : -1;
    },
    commandToPanel: async (keys) => {
      const panel = playground.panel;
      if (!panel) return -1;
      // let any picture still on its way be drawn first, so only this command's counts
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const before = panel.currentModel?.generation ?? -1;
      const started = performance.now();
      playground.typeKeys(keys);
      return new Promise<number>((resolve) => {
        const poll = (): void => {
          // drawn in this frame: the screen shows it with the next one
          if ((panel.currentModel?.generation ?? -1) > before)
            requestAnimationFrame(() => resolve(performance.now() - started));
          else requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      });
    },
    checkpointSave: async () => {
      if (!playground.client) throw new Error('no emulator');
      return playground.client.saveCheckpoint();
    },
    checkpointRestore: async (handle) => {
      try {
        await playground.client?.restoreCheckpoint(handle);
        return null;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    checkpointDecode: async (handle) => {
      try {
        return (await playground.client?.decodeCheckpoint(handle)) ?? 'no emulator';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    timeline: () => {
      const timeline = playground.timeline;
      if (timeline === null) return null;
      const store = timeline.store;
      return {
        marks: store.list().map((e) => ({
          id: e.id,
          index: e.index,
          label: e.label,
          current: e === store.current,
        })),
        branches: store.branches(),
        branch: store.currentBranch,
        dropped: store.droppedCount,
        memoryBytes: timeline.memoryBytes,
        position: timeline.bar.element.querySelector('.timeline-position')?.textContent ?? '',
      };
    },
    whenCheckpointed: async () => {
      await playground.timeline?.settled();
    },
    timelineGoTo: async (id) => {
      await playground.timeline?.goTo(id);
      await playground.whenIdle();
    },
    timelineSwitchBranch: async (branch) => {
      await playground.timeline?.switchBranch(branch);
      await playground.whenIdle();
    },
    timelineTranscript: (id) => {
      const store = playground.timeline?.store;
      const entry = store?.get(id);
      if (store === undefined || entry === undefined) return null;
      return new TextDecoder('latin1').decode(store.transcript(entry));
    },
    timelineHeap: (id) => playground.timeline?.store.get(id)?.heap ?? null,
    setCheckpointBudget: (bytes) => {
      if (playground.timeline !== null) playground.timeline.budgetBytes = bytes;
    },
    compareWith: (id) => playground.checkpointTools?.compare.compareWith(id),
    comparison: () => {
      const compare = playground.checkpointTools?.compare;
      const view = compare?.view.element;
      return {
        summary: compare?.summary ?? '',
        events:
          compare?.active && view !== undefined
            ? Array.from(view.querySelectorAll('.delta-events li'), (li) => li.textContent ?? '')
            : [],
        marks: Array.from(
          document.querySelectorAll('.timeline-mark.compare-a, .timeline-mark.compare-b'),
          (m) => m.getAttribute('aria-label') ?? '',
        ),
      };
    },
    sessionFile: async () => {
      const sessions = playground.checkpointTools?.sessions;
      if (sessions === undefined) return 'no timeline';
      const file = await sessions.fileBytes();
      return 'problem' in file ? file.problem : file.bytes;
    },
    loadSession: async (bytes, name) =>
      (await playground.checkpointTools?.sessions.load(bytes, name)) ?? 'no timeline',
  };
  (window as unknown as { __allocplay: TestHooks }).__allocplay = hooks;
}
