// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Wires the playground together: emulator worker, terminal, heap panel,
 * block table, toolbar and status line, laid out as the URL asks (embed
 * mode, panels, theme), plus the startup script from the URL.
 */
import type { BufferedEvents } from '../emu/buffered-events';
import type { EmulatorClient } from '../emu/emulator-client';
import type { CrashReport, RunState, StatusReport } from '../emu/protocol';
import { EmbedApi, installEmbedApi } from '../embed/embed-api';
import { embedOrigins } from '../embed/embed-origins';
import { ScriptTyper } from '../examples/script-typer';
import type { DecodeResult } from '../heap/model';
import { BlockTable } from '../panel/block-table';
import { CpuPanel } from '../panel/cpu-panel';
import { el } from '../panel/dom';
import { HeapPanel } from '../panel/heap-panel';
import { DARK_TERMINAL, LIGHT_TERMINAL, TerminalView } from '../terminal/terminal-view';
import { Lessons } from '../lessons/lessons';
import { type CheckpointView, SessionTimeline } from '../timeline/session-timeline';
import { timelineKey } from '../timeline/timeline-keys';
import { humanBytes } from '../util/format';
import { CheckpointTools } from './checkpoint-tools';
import { CommandTracker } from './command-tracker';
import { FileLoading } from './file-loading';
import { resolveKernelUrl } from './guest-files';
import { IdleWaiter } from './idle-waiter';
import { RunNotice } from './run-notice';
import { shareLink } from './share-link';
import { StatusLine } from './status-line';
import { TerminalOverlay } from './terminal-overlay';
import { Toolbar } from './toolbar';
import type { PlaygroundConfig } from './url-config';

export interface PlaygroundTimings {
  /** ms from navigation start */
  workerReady: number | null;
  firstPrompt: number | null;
  /** inside the worker: fetching wasm and image, creating the machine, loading the image */
  worker: { fetchMs: number; createMs: number; loadMs: number } | null;
}

export class Playground {
  readonly client: EmulatorClient | null;
  readonly terminal: TerminalView | null = null;
  readonly panel: HeapPanel | null = null;
  readonly table: BlockTable | null = null;
  readonly cpuPanel: CpuPanel | null = null;
  readonly tracker = new CommandTracker();
  readonly timings: PlaygroundTimings = { workerReady: null, firstPrompt: null, worker: null };
  /** raw UART bytes received (only kept with test hooks on) */
  readonly uart: Uint8Array[] = [];
  state: RunState = 'loading';
  lastStatus: StatusReport | null = null;
  lastDecodeMs = 0;
  lastCpuDecodeMs = 0;
  private readonly idle = new IdleWaiter();
  private readonly typer: ScriptTyper;
  private readonly overlay = new TerminalOverlay();
  private readonly status = new StatusLine();
  private readonly runNotice = new RunNotice();
  private readonly toolbar: Toolbar | null = null;
  readonly lessons: Lessons;
  readonly api: EmbedApi;
  private readonly files: FileLoading | null = null;
  private stopped = false;
  private typing: 'human' | 'instant';
  private theme: 'light' | 'dark';
  private startupDone = false;
  private lastKeysSeq = 0;
  /** the checkpoint timeline under the terminal (null without a terminal or an emulator) */
  readonly timeline: SessionTimeline | null = null;
  /** the latest heap picture given to the panel (what a checkpoint keeps) */
  private latestHeap: DecodeResult | null = null;
  /** the picture a checkpoint brought back, until the restored machine's first decode arrives */
  private restoredHeap: DecodeResult | null = null;
  /** compare two checkpoints, save and load the timeline (null without a timeline) */
  readonly checkpointTools: CheckpointTools | null = null;

  /** `client` is already started (or null when this browser cannot run it); its events arrive through `events`. */
  constructor(
    root: HTMLElement,
    private readonly config: PlaygroundConfig,
    client: EmulatorClient | null,
    events: BufferedEvents | null,
  ) {
    this.typing = config.typing;
    this.theme =
      config.theme === 'system'
        ? matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light'
        : config.theme;
    document.documentElement.dataset.theme = this.theme;
    document.body.classList.toggle('embed', config.embed);

    const show = new Set(config.panels);
    const workspace = el('main', { className: 'workspace' });
    if (!config.embed) {
      this.toolbar = new Toolbar(
        {
          use: (name) => this.typeCommands([`use ${name}`]),
          lesson: (name) => void this.lessons.openByName(name).catch(() => {}),
          toggleRun: () => this.toggleRun(),
          reset: () => this.reset(),
          share: () => void this.share(),
          toggleTheme: () => this.setTheme(this.theme === 'dark' ? 'light' : 'dark'),
          setTyping: (speed) => (this.typing = speed),
        },
        this.typing,
      );
      root.append(this.toolbar.element);
      this.files = new FileLoading(
        {
          loadTrace: (bytes) => this.loadTrace(bytes),
          bootImage: (bytes) => this.bootImage(bytes),
          loadSession: (bytes, name) => void this.checkpointTools?.sessions.load(bytes, name),
        },
        document.body,
      );
      this.toolbar.element.querySelector('.spacer')?.before(...this.files.controls);
      this.status.element.append(this.files.notice);
    }
    root.append(workspace);

    // left: the terminal with the CPU panel under it; right: heap panel and table
    const mainColumn = el('div', { className: 'main-column' });
    if (show.has('terminal')) {
      const host = el('div', { className: 'terminal-host' });
      const hint = el('p', {
        className: 'terminal-hint',
        text: 'Esc then Tab: leave the terminal · Alt+←/→: timeline',
        attrs: { id: 'terminal-hint' },
      });
      const pane = el(
        'section',
        { className: 'terminal-pane', attrs: { 'aria-label': 'Serial terminal' } },
        [host, hint, this.runNotice.element, this.overlay.element],
      );
      mainColumn.append(pane);
      this.terminal = new TerminalView(
        host,
        (keys) => this.typeKeys(keys),
        this.theme === 'dark' ? DARK_TERMINAL : LIGHT_TERMINAL,
        (event) => timelineKey(event) !== null, // handled by the window's listener below
      );
      if (client !== null) {
        this.timeline = new SessionTimeline(client, {
          lastKeysSeq: () => this.lastKeysSeq,
          latestHeap: () => this.latestHeap,
          stopTyping: () => {
            this.typer.cancel();
            this.lessons.runner.stopTyping(false);
          },
          show: (view) => this.showCheckpoint(view),
          position: (text) => this.status.setTimeline(text),
        });
        mainColumn.append(this.timeline.bar.element);
        this.checkpointTools = new CheckpointTools({
          timeline: this.timeline,
          client,
          panel: () => this.panel,
          latestHeap: () => this.latestHeap,
          say: (text, tone) => this.files?.say(text, tone),
        });
        // a session file holds the timeline: its buttons sit at the bar's end (not in an embed)
        if (!config.embed)
          this.timeline.bar.tools?.append(...this.checkpointTools.sessions.controls);
        this.tracker.onCommand((command) => this.timeline?.command(command));
        window.addEventListener('keydown', (event) => {
          // Esc leaves a comparison, except in the terminal, where Esc is the guest's (and Esc, Tab leaves it)
          if (event.key === 'Escape' && this.checkpointTools?.compare.active) {
            if (!host.contains(event.target as Node)) this.checkpointTools.compare.leave();
            return;
          }
          const where = timelineKey(event);
          if (where === null) return;
          event.preventDefault(); // Alt+Left is the browser's Back
          void this.timeline?.step(where);
        });
      }
      this.terminal.terminal.textarea?.setAttribute('aria-describedby', hint.id);
    }
    const side = el('div', { className: 'side-pane' });
    this.lessons = new Lessons(
      {
        send: (keys) => this.typeKeys(keys),
        whenIdle: () => this.whenIdle(),
        speed: () => this.typing,
        clearScreen: () => {
          this.terminal?.clear();
          this.timeline?.cleared();
        },
      },
      () => location.href,
    );
    this.lessons.runner.onChange((state) => {
      // a lesson takes the keyboard from any script being typed
      if (state.busy) this.typer.cancel();
    });
    // beside the terminal: above it, or on top of the side pane without one
    (show.has('terminal') ? mainColumn : side).prepend(this.lessons.panel.element);
    if (show.has('cpu')) {
      this.cpuPanel = new CpuPanel();
      // beside the heap: under the terminal, or on top of the side pane without one
      (show.has('terminal') ? mainColumn : side).append(this.cpuPanel.element);
    }
    if (show.has('table')) this.table = new BlockTable((index) => this.panel?.select(index));
    if (show.has('heap')) {
      this.panel = new HeapPanel(
        {
          typeCommand: (c) => this.typeCommands([c]),
          readMemory: (a, n) => this.client?.readMemory(a, n) ?? Promise.resolve(null),
        },
        this.table,
      );
      side.append(this.panel.element);
    }
    if (this.checkpointTools !== null) {
      // the comparison's words go right above the picture they explain
      const view = this.checkpointTools.compare.view.element;
      if (this.panel !== null) this.panel.element.before(view);
      else mainColumn.append(view);
    }
    if (this.table !== null) side.append(this.table.element);
    if (mainColumn.childElementCount > 0) workspace.append(mainColumn);
    if (side.childElementCount > 0) workspace.append(side);
    workspace.classList.toggle('single-column', workspace.childElementCount < 2);
    if (!show.has('terminal')) side.prepend(this.overlay.element);
    if (!config.embed) root.append(this.status.element);
    for (const warning of config.warnings) console.info(`allocplay: ${warning}`);
    if (config.kernel !== null) {
      const kernel = resolveKernelUrl(config.kernel, location.href);
      if (!kernel.ok) {
        console.info(`allocplay: ${kernel.message}`);
        this.files?.say(kernel.message, 'bad');
      }
    }

    this.typer = new ScriptTyper({
      send: (keys) => this.typeKeys(keys),
      whenIdle: () => this.idle.whenIdleAfter(this.lastKeysSeq),
    });
    this.client = client;
    const origins = embedOrigins(
      location.search,
      location.origin,
      document.referrer,
      window.parent !== window,
    );
    for (const warning of origins.warnings) console.info(`allocplay: ${warning}`);
    this.api = new EmbedApi(
      {
        typeCommands: (commands) => this.typeCommands(commands, 'instant'),
        reset: () => this.reset(),
        openLessonUrl: (path) => this.lessons.openUrl(path),
        openLessonName: (name) => this.lessons.openByName(name),
      },
      origins,
      (message, origin) => window.parent.postMessage(message, origin),
    );
    installEmbedApi(this.api);
    events?.attach({
      progress: (stage, loaded, total) => this.overlay.loading(progressText(stage, loaded, total)),
      ready: (timing) => {
        this.timings.workerReady = performance.now();
        this.timings.worker = {
          fetchMs: timing.fetchMs,
          createMs: timing.createMs,
          loadMs: timing.loadMs,
        };
      },
      output: (bytes) => this.output(bytes),
      status: (status) => this.onStatus(status),
      heap: (result, decodeMs) => {
        this.lastDecodeMs = decodeMs;
        this.onHeap(result);
      },
      cpu: (model, decodeMs) => {
        this.lastCpuDecodeMs = decodeMs;
        this.cpuPanel?.update(model);
      },
      crashed: (crash) => this.onCrash(crash),
      fatal: (message) =>
        this.overlay.fatal(message, () => this.client?.restart('retry after an error')),
      restarted: () => this.onRestarted(),
    });
    if (client === null) {
      this.overlay.fatal(
        'This playground needs WebAssembly and Web Workers, which this browser does not offer (or has turned off).',
        null,
      );
      this.status.setState('failed');
    } else if (this.state === 'loading') {
      this.overlay.loading('Loading the emulator…');
    }
  }

  /** Keys from the keyboard, a paste, or a script: to the guest, and to the command tracker. */
  typeKeys(keys: string): void {
    this.checkpointTools?.machineChanged();
    this.tracker.feed(keys);
    if (this.client !== null) this.lastKeysSeq = this.client.send(keys);
    this.api.keys(keys, this.lastKeysSeq);
  }

  /** How many times keys were sent to the guest (their last sequence number). */
  get keysSent(): number {
    return this.lastKeysSeq;
  }

  /** Resolves when the guest is idle after everything typed so far. */
  whenIdle(): Promise<void> {
    return this.idle.whenIdleAfter(this.lastKeysSeq);
  }

  typeCommands(commands: string[], speed: 'human' | 'instant' = this.typing): Promise<boolean> {
    this.terminal?.focus();
    this.lessons.runner.stopTyping(true);
    return this.typer.type(commands, speed);
  }

  private output(bytes: Uint8Array): void {
    // sent by the machine a restore is replacing: not part of what the terminal shows
    if (this.timeline?.discarding) return;
    this.timeline?.output(bytes);
    if (this.config.testHooks) this.uart.push(bytes);
    this.api.uart(bytes);
    this.terminal?.write(bytes);
  }

  private onStatus(status: StatusReport): void {
    // first: a checkpoint request must reach the worker before a script types on
    this.timeline?.status(status);
    this.lastStatus = status;
    this.state = status.state;
    this.status.update(status);
    this.runNotice.update(status);
    this.panel?.setMachineStopped(status.state === 'stopped');
    // Stop means nothing to a machine that halted, crashed or failed: Reset does
    this.toolbar?.setRunEnabled(
      status.state !== 'powered-off' && status.state !== 'crashed' && status.state !== 'failed',
    );
    this.idle.report(status);
    this.api.status(status);
    if (status.state === 'running' || status.state === 'idle') this.overlay.hide();
    if (status.state === 'powered-off') this.overlay.poweredOff(() => this.reset());
    if (status.state === 'idle' && !this.startupDone) {
      this.startupDone = true;
      this.timings.firstPrompt = performance.now();
      // ready to type; an embedded copy leaves the focus with the page around it
      if (!this.config.embed) this.terminal?.focus();
      void this.runStartupScript();
    }
  }

  private async runStartupScript(): Promise<void> {
    const commands = [
      ...(this.config.alloc !== null ? [`use ${this.config.alloc}`] : []),
      ...this.config.script,
    ];
    if (commands.length > 0)
      await this.typeCommands(commands, this.config.embed ? 'instant' : this.typing);
    const lesson = new URLSearchParams(location.search).get('lesson');
    if (lesson !== null) await this.lessons.openFromParameter(lesson).catch(() => {});
  }

  private onHeap(result: DecodeResult): void {
    if (this.timeline?.discarding) return; // the machine a restore is replacing
    // the restored machine decoded again: the same heap generation keeps the picture the checkpoint
    // has (the worker draws a heap anew only when its generation moves, so that is what was shown)
    const restored = this.restoredHeap;
    this.restoredHeap = null;
    if (restored !== null && sameGeneration(restored, result)) return;
    this.checkpointTools?.machineChanged();
    this.latestHeap = result;
    this.panel?.update(result);
    this.api.heap(result);
    if (result.status === 'ok') {
      this.status.setAllocator(result.model.kindName);
      this.toolbar?.setAllocator(result.model.kindName);
    }
  }

  private onCrash(crash: CrashReport | null): void {
    this.state = 'crashed';
    this.status.setState('crashed');
    this.runNotice.clear();
    this.toolbar?.setRunEnabled(false);
    this.overlay.crashed(crash, () => this.reset());
  }

  /** The worker was replaced: a fresh machine boots. */
  private onRestarted(): void {
    this.idle.releaseAll(); // the old worker will answer nothing
    this.forgetSession();
    this.startupDone = true; // a restart does not replay the URL script
    this.overlay.loading('Restarting the emulator…');
  }

  /** What every restart clears: typing in progress, Stop, the terminal, the panels, the commands. */
  private forgetSession(): void {
    this.typer.cancel();
    this.lessons.runner.stopTyping(false);
    this.api.restarting();
    this.stopped = false;
    this.toolbar?.setRunning(false);
    this.terminal?.clear();
    this.panel?.reset();
    this.cpuPanel?.reset();
    this.tracker.clear();
    this.runNotice.clear();
    this.latestHeap = null;
    this.restoredHeap = null;
    this.timeline?.reset(); // a new machine starts a new timeline
  }

  /** The timeline went to a checkpoint: the terminal, panels and command list as they were there. */
  private showCheckpoint(view: CheckpointView): void {
    this.checkpointTools?.compare.machineChanged();
    this.terminal?.clear();
    this.terminal?.write(view.transcript);
    if (this.config.testHooks) this.uart.splice(0, this.uart.length, view.transcript);
    this.tracker.replace(view.commands);
    // the restored machine runs (the worker forgets a Stop on restore)
    this.stopped = false;
    this.toolbar?.setRunning(false);
    this.cpuPanel?.reset();
    this.runNotice.clear();
    this.latestHeap = view.heap;
    this.restoredHeap = view.heap;
    if (view.heap !== null) {
      this.panel?.showCheckpoint(view.heap, view.previousHeap, view.history);
      this.api.heap(view.heap);
    }
  }

  /** A .rep trace into the trace area (0x47000000), then `trace` replays it. */
  loadTrace(bytes: Uint8Array): void {
    this.client?.loadTrace(bytes);
    void this.typeCommands(['trace']);
  }

  /** Boots another kernel image in place of the running one (Reset boots it again). */
  bootImage(bytes: Uint8Array): void {
    this.forgetSession();
    this.overlay.loading('Booting the image…');
    this.client?.bootImage(bytes);
  }

  toggleRun(): void {
    this.stopped = !this.stopped;
    if (this.stopped) this.client?.stop();
    else this.client?.resume();
    this.toolbar?.setRunning(this.stopped);
  }

  /** Reboots the kernel image in the same worker. */
  reset(): void {
    this.forgetSession();
    this.overlay.hide();
    this.client?.reset();
  }

  /** Shows the link at once; copies it too when the clipboard allows (it may ask, or refuse). */
  private async share(): Promise<void> {
    const link = shareLink(location.href, this.tracker.commands);
    this.toolbar?.showShareLink(link, 'copying');
    try {
      await navigator.clipboard.writeText(link);
      this.toolbar?.showShareLink(link, 'copied');
    } catch {
      // no clipboard: the link is selected in the field for Ctrl-C
      this.toolbar?.showShareLink(link, 'copy-by-hand');
    }
  }

  private setTheme(theme: 'light' | 'dark'): void {
    this.theme = theme;
    document.documentElement.dataset.theme = theme;
    this.terminal?.setTheme(theme === 'dark' ? DARK_TERMINAL : LIGHT_TERMINAL);
    this.panel?.themeChanged();
  }
}

/** Two pictures of the same heap at the same generation (what the worker would not decode again). */
function sameGeneration(a: DecodeResult, b: DecodeResult): boolean {
  if (a.status !== 'ok' || b.status !== 'ok') return false;
  const x = a.model;
  const y = b.model;
  return (
    x.kind === y.kind &&
    x.stateAddress === y.stateAddress &&
    x.heapInits === y.heapInits &&
    x.generation === y.generation
  );
}

function progressText(stage: string, loaded: number, total: number): string {
  if (stage === 'start') return 'Starting the machine…';
  const what = stage === 'wasm' ? 'emulator' : 'kernel image';
  return total > 0
    ? `Loading the ${what}… ${humanBytes(loaded)} of ${humanBytes(total)}`
    : `Loading the ${what}… ${humanBytes(loaded)}`;
}
