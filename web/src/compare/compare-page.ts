// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Compare mode: the same commands on two to five allocators at once, each
 * its own machine in its own worker. A command goes to every machine (never
 * to only some: `$N` must name the same command everywhere), the page waits
 * for all of them, and keeps a record per command: each machine's reply,
 * heap picture and figures, and every machine's checkpoint after it. The
 * timeline (and Alt+Left / Alt+Right) goes back to a command: the panels,
 * reply boxes and figures show it at once, and every machine is restored to
 * its checkpoint, so the next command runs there.
 *
 * Typing after going back forks, and compare mode drops the later commands
 * (with their checkpoints, on every machine) instead of keeping them as a
 * branch as the single page does: the page is one table of figures per
 * command across up to five machines, which a tree of branches would make
 * hard to read; the single page is the place to explore branches.
 */
import './compare.css';
import { FileLoading } from '../app/file-loading';
import { startEmulator } from '../app/start-emulator';
import { type AllocatorName, type PlaygroundConfig, parseScript } from '../app/url-config';
import { button, el } from '../panel/dom';
import type { HeapModel } from '../heap/model';
import { HeapPanel } from '../panel/heap-panel';
import { timelineKey } from '../timeline/timeline-keys';
import { pictureBefore } from './changed-since';
import { CompareCheckpoints } from './compare-checkpoints';
import { BlockNumbers, planCommand, translateAddress } from './compare-commands';
import { COMPARE_LESSONS, type CompareLesson, catalogLessons } from './compare-lessons';
import { type CommandResult, CompareMachine } from './compare-machine';
import { type Figures, failedRequest, figuresOf } from './figures';
import { figuresTable, traceTable } from './figures-table';
import { type TraceOutcome, malformedTrace, ownTraceRow, parseTraceReply } from './trace-results';

export interface CompareResult extends CommandResult {
  figures: Figures | null;
  /** what a `trace` command printed; null for other commands */
  trace: TraceOutcome | null;
}

export interface CompareRecord {
  /** the kernel's number for the command on every machine (what `$N` and `history` use) */
  number: number;
  command: string;
  /** what each machine was sent (`use` becomes each machine's own allocator) */
  sent: string[];
  results: CompareResult[];
  /** every machine's checkpoint after the command; null once dropped (or never saved) */
  checkpoints: number[] | null;
  /** the trace in every machine's trace area after the command (Trace… or a drop) */
  traceArea: LoadedTrace | null;
}

/** A trace the page put in every machine's trace area. */
export interface LoadedTrace {
  name: string;
  bytes: Uint8Array;
}

interface MachineView {
  machine: CompareMachine;
  panel: HeapPanel;
  state: HTMLElement;
  reply: HTMLElement;
  numbers: BlockNumbers;
  failed: number;
}

export class ComparePage {
  readonly records: CompareRecord[] = [];
  private readonly views: MachineView[];
  private readonly figuresHost = el('div', { className: 'figures-host' });
  private readonly message = el('p', { className: 'compare-message', attrs: { role: 'status' } });
  private readonly scrubber = el('input', {
    className: 'compare-scrubber',
    attrs: { type: 'range', min: '0', max: '0', value: '0', 'aria-label': 'After command' },
  });
  private readonly scrubLabel = el('span', { className: 'scrub-label muted' });
  private readonly liveButton: HTMLButtonElement;
  /** every command so far, with the number `$N` uses; a click goes back to it */
  private readonly commandList = el('ol', {
    className: 'compare-commands',
    attrs: { 'aria-label': 'Commands (click one to see every machine after it)' },
  });
  private readonly input = el('input', {
    className: 'compare-input',
    attrs: {
      type: 'text',
      'aria-label': 'Command for every machine',
      placeholder: LIVE_PLACEHOLDER,
      autocomplete: 'off',
      spellcheck: 'false',
    },
  });
  /** lines typed in the command field, for up/down */
  private readonly typed: string[] = [];
  private typedCursor: number | null = null;
  private commandNumber = 0;
  private shown = -1;
  /** the record every machine is at (its checkpoint): the next command runs after it */
  private machinesAt = -1;
  /** a restore is queued; it goes to what is shown when it runs */
  private rewindQueued = false;
  private readonly checkpoints: CompareCheckpoints;
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly ready: Promise<void>;
  /** Trace… and drag & drop (not in embed mode, as on the single page) */
  private readonly files: FileLoading | null = null;
  /**
   * The trace every machine's trace area holds (as of machinesAt): what a
   * refused one is replaced by again, and what goes back with a checkpoint.
   */
  private loadedTrace: LoadedTrace | null = null;

  constructor(
    root: HTMLElement,
    readonly allocators: AllocatorName[],
    config: PlaygroundConfig,
    assetBase: URL,
  ) {
    document.body.classList.add('compare-mode');
    document.body.classList.toggle('embed', config.embed);
    const theme =
      config.theme === 'system'
        ? matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light'
        : config.theme;
    document.documentElement.dataset.theme = theme;

    const machinesHost = el('div', { className: 'compare-machines' });
    machinesHost.style.setProperty('--machines', String(allocators.length));
    this.views = allocators.map((allocator, index) => {
      const { client, events } = startEmulator(config, assetBase, COMPARE_RESPONSE_TIMEOUT_MS);
      const state = el('span', { className: 'heap-state muted', text: 'loading' });
      const reply = el('pre', { className: 'compare-reply', attrs: { 'aria-live': 'off' } });
      const panel = new HeapPanel(
        {
          typeCommand: (command) => this.freeFromPanel(index, command),
          readMemory: (address, length) => client.readMemory(address, length),
        },
        null,
      );
      const machine = new CompareMachine(allocator, client, events, {
        state: (s, detail) => {
          state.textContent = detail === '' ? s : `${s}: ${detail}`;
        },
        heap: (result) => {
          if (this.isLive()) panel.update(result);
        },
      });
      machinesHost.append(
        el(
          'section',
          {
            className: 'compare-machine',
            attrs: {
              'aria-label': `Machine ${index + 1}: ${allocator}`,
              'data-allocator': allocator,
            },
          },
          [
            el('div', { className: 'section-head' }, [el('h2', { text: allocator }), state]),
            reply,
            panel.element,
          ],
        ),
      );
      return { machine, panel, state, reply, numbers: new BlockNumbers(), failed: 0 };
    });

    this.checkpoints = new CompareCheckpoints(this.views.map((v) => v.machine));
    this.liveButton = button('Live', () => this.show(this.records.length - 1), 'button small');
    document.addEventListener('keydown', (event) => this.onTimelineKey(event));
    this.scrubber.addEventListener('input', () => this.show(Number(this.scrubber.value)));
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.submitInput();
      else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
        event.preventDefault();
        this.recall(event.key === 'ArrowUp' ? -1 : 1);
      }
    });
    const bar = el('header', { className: 'toolbar compare-bar' }, [
      el('strong', { className: 'brand', text: 'Compare' }),
      this.input,
      button('Run', () => this.submitInput(), 'button primary'),
    ]);
    if (!config.embed) {
      const all = [...COMPARE_LESSONS, ...catalogLessons()];
      const lessons = el('select', { className: 'select', attrs: { 'aria-label': 'Lesson' } }, [
        ...all.map((l) => el('option', { text: l.title, attrs: { value: l.id } })),
      ]);
      bar.append(
        lessons,
        button('Run lesson', () => {
          const lesson = all.find((l) => l.id === lessons.value);
          if (lesson !== undefined) this.runLesson(lesson);
        }),
        button('Reset', () => void this.reset(), 'button compare-reset'),
        el('a', { className: 'button', text: 'One machine', attrs: { href: singleMachineLink() } }),
      );
    }
    const timeline = el('div', { className: 'compare-timeline' }, [
      el('span', { text: 'After command', className: 'muted scrub-title' }),
      this.scrubber,
      this.scrubLabel,
      this.liveButton,
    ]);
    if (!config.embed) {
      this.files = new FileLoading(
        { loadTrace: (bytes, name) => void this.loadTrace(bytes, name), bootImage: () => {} },
        document.body,
        'compare mode replays .rep traces only; One machine boots another kernel.',
      );
      bar.querySelector('.compare-reset')?.before(...this.files.controls);
    }
    root.append(
      bar,
      el('main', { className: 'compare-workspace' }, [
        timeline,
        this.commandList,
        el('div', { className: 'compare-messages' }, [this.message, this.files?.notice ?? '']),
        this.figuresHost,
        machinesHost,
      ]),
    );
    this.say('Starting the machines…');

    this.ready = Promise.all(this.views.map((v) => v.machine.whenBooted())).then(() => undefined);
    const startup = parseScript(config.script.join(';'));
    // the first command is each machine's own `use`: a script's leading `use` is that command
    const first = startup[0]?.startsWith('use ') ? startup.shift()! : `use ${allocators[0]}`;
    this.enqueue([first, ...startup]);
  }

  /** Resolves when every machine has booted and run what was queued so far. */
  whenSettled(): Promise<void> {
    return this.queue;
  }

  /**
   * Queues commands; each runs on every machine once the previous one
   * finished everywhere. With `addressesOf`, block addresses in them are
   * that allocator's, and become `$N` on its machine before they are sent.
   */
  enqueue(commands: readonly string[], addressesOf: number | null = null): Promise<void> {
    const mine = this.generation;
    for (const command of commands) {
      this.queue = this.queue.then(async () => {
        await this.ready;
        if (mine !== this.generation) return;
        const reference = addressesOf === null ? null : this.views[addressesOf]!.numbers;
        await this.runCommand(reference === null ? command : translateAddress(command, reference));
      });
    }
    return this.queue;
  }

  /** A lesson that quotes one allocator's addresses needs that allocator among the machines. */
  runLesson(lesson: CompareLesson): Promise<void> {
    if (lesson.addressesOf === null) return this.enqueue(lesson.commands);
    const reference = this.allocators.indexOf(lesson.addressesOf as AllocatorName);
    if (reference < 0) {
      this.say(
        `"${lesson.title}" names blocks by ${lesson.addressesOf} addresses: compare ${lesson.addressesOf} too to run it here.`,
      );
      return Promise.resolve();
    }
    return this.enqueue(lesson.commands, reference);
  }

  /**
   * Goes back (or forward) to record `index`: shown at once, and every
   * machine restored to its checkpoints once what is queued has run.
   */
  show(index: number): void {
    if (index < 0 || index >= this.records.length) return;
    this.display(index);
    this.rewindToShown();
  }

  /** The single page's timeline keys: Alt+Left / Alt+Right, Alt+Home / Alt+End. */
  private onTimelineKey(event: KeyboardEvent): void {
    const key = timelineKey(event);
    if (key === null) return;
    const last = this.records.length - 1;
    const target = key === 'first' ? 0 : key === 'last' ? last : this.shownIndex + key;
    event.preventDefault(); // Alt+Left would also be the browser's Back
    this.show(Math.max(0, Math.min(this.records.length - 1, target)));
  }

  /** Record index `index` on the panels, the reply boxes and the figures table. */
  private display(index: number): void {
    this.shown = index === this.records.length - 1 ? -1 : index;
    const record = this.records[index]!;
    this.scrubber.value = String(index);
    this.scrubber.setAttribute('aria-valuetext', `#${record.number} ${record.command}`);
    this.scrubLabel.textContent = `#${record.number} ${record.command}${this.isLive() ? ' (latest)' : ` (latest: #${this.records.at(-1)!.number})`}`;
    this.liveButton.disabled = this.isLive();
    this.updatePlaceholder();
    this.commandList.querySelectorAll('button').forEach((b, i) => {
      if (i === index) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    });
    // scroll the list sideways only: the page must not jump while someone looks at the panels
    const item = this.commandList.children[index] as HTMLElement | undefined;
    if (item !== undefined)
      this.commandList.scrollLeft = item.offsetLeft - this.commandList.clientWidth / 2;
    this.views.forEach((view, i) => {
      const result = record.results[i]!;
      view.reply.textContent = result.reply;
      if (result.heap === null) return;
      const before = pictureBefore(
        this.records.slice(0, index + 1).map((r) => r.results[i]!.heap),
        index,
      );
      // the panel highlights what changed since the picture it got before
      if (before !== null) view.panel.update(before);
      view.panel.update(result.heap);
    });
    this.figuresHost.replaceChildren(this.tableFor(record));
  }

  /** A trace's results after a trace, the heap's figures after anything else. */
  private tableFor(record: CompareRecord): HTMLTableElement {
    const title = `#${record.number} ${record.command}`;
    if (record.results.some((r) => r.trace !== null))
      return traceTable(
        `Trace results of ${title}${record.traceArea === null ? '' : ` (${record.traceArea.name})`}`,
        this.views.map((view, i) => {
          const result = record.results[i]!;
          const row = result.restarted ? null : ownTraceRow(result.reply, view.machine.allocator);
          return {
            allocator: view.machine.allocator,
            figures: row === null ? null : { ...row, instructions: result.instructions },
            note: result.restarted
              ? RESTARTED_NOTE
              : result.trace?.kind === 'refused'
                ? result.trace.message
                : 'no trace row',
          };
        }),
      );
    return figuresTable(
      `Figures after ${title}`,
      this.views.map((view, i) => ({
        allocator: view.machine.allocator,
        figures: record.results[i]!.figures,
        note: figuresNote(record.results[i]!),
      })),
    );
  }

  get shownIndex(): number {
    return this.shown === -1 ? this.records.length - 1 : this.shown;
  }

  /** What each panel draws now (after its next animation frame). */
  panelModels(): Array<HeapModel | null> {
    return this.views.map((v) => v.panel.currentModel);
  }

  /** Selects a block on one machine's panel, as a click on it does. */
  selectBlock(machine: number, index: number): void {
    this.views[machine]?.panel.select(index);
  }

  /** Says where the next command runs: after the latest, or after a command gone back to. */
  private updatePlaceholder(): void {
    // a command whose checkpoints were dropped cannot be gone back to: the machines stay
    const shown = this.records[this.shownIndex];
    const after = shown?.checkpoints === null ? this.machinesAt : this.shownIndex;
    this.input.placeholder =
      after >= this.records.length - 1 || after < 0
        ? LIVE_PLACEHOLDER
        : `Runs after #${this.records[after]!.number}, dropping ${numberRange(this.records.slice(after + 1))}`;
  }

  /** Tests: one machine's emulator client. */
  machineClient(index: number): CompareMachine['client'] | undefined {
    return this.views[index]?.machine.client;
  }

  /** Tests: lowers what a machine's checkpoints may hold, to see the oldest dropped. */
  setCheckpointBudget(bytes: number): void {
    this.checkpoints.budgetBytes = bytes;
  }

  /**
   * Queues a restore of every machine to the record shown when it runs
   * (scrubbing queues one, not one per position passed).
   */
  private rewindToShown(): void {
    if (this.rewindQueued) return;
    this.rewindQueued = true;
    const mine = this.generation;
    this.queue = this.queue.then(async () => {
      this.rewindQueued = false;
      await this.ready;
      if (mine === this.generation) await this.restoreAll(this.shownIndex);
    });
  }

  /** Every machine back to record `index`'s checkpoints (`force`: even if they are said to be there). */
  private async restoreAll(index: number, force = false): Promise<boolean> {
    if (index === this.machinesAt && !force) return true;
    const record = this.records[index];
    if (record === undefined) return false;
    if (record.checkpoints === null) {
      this.say(
        `#${record.number} ${record.command} is shown as it was, but its checkpoints were dropped to bound memory: the machines stay after #${this.records[this.machinesAt]?.number ?? '?'}, and commands run there.`,
      );
      return false;
    }
    const problem = await this.checkpoints.restoreAll(record.checkpoints);
    if (problem !== null) {
      this.machinesAt = -1;
      this.say(
        `The machines could not go back to #${record.number} (${problem}); press Reset to start again.`,
      );
      return false;
    }
    this.machinesAt = index;
    this.commandNumber = record.number;
    this.relearn(index);
    // the restored RAM holds that command's trace; the trace a reset brings back must be the same
    if (record.traceArea !== this.loadedTrace) this.putTrace(record.traceArea);
    this.say(`Every machine is back after #${record.number} ${record.command}.`);
    return true;
  }

  /** Puts a trace (or none) in every machine's trace area, where a reset finds it too. */
  private putTrace(trace: LoadedTrace | null): void {
    this.loadedTrace = trace;
    for (const view of this.views) view.machine.client.loadTrace(trace?.bytes ?? new Uint8Array(0));
  }

  /** Block numbers and failed requests of every machine as they were after record `index`. */
  private relearn(index: number): void {
    for (const view of this.views) {
      view.numbers.clear();
      view.failed = 0;
    }
    for (const record of this.records.slice(0, index + 1)) this.learn(record);
  }

  private learn(record: CompareRecord): void {
    record.results.forEach((result, i) => {
      const view = this.views[i]!;
      view.numbers.note(record.number, result.reply);
      if (failedRequest(result.reply)) view.failed++;
    });
  }

  /**
   * A command after going back: the records after the machines' checkpoint
   * go, with their checkpoints on every machine (see the top of this file).
   */
  private fork(): string {
    if (this.machinesAt < 0) return '';
    const dropped = this.records.splice(this.machinesAt + 1);
    if (dropped.length === 0) return '';
    for (const record of dropped)
      if (record.checkpoints !== null) this.checkpoints.dropAll(record.checkpoints);
    while (this.commandList.children.length > this.records.length)
      this.commandList.lastElementChild?.remove();
    this.shown = -1;
    return numberRange(dropped);
  }

  /** Bounds checkpoint memory: the oldest commands' checkpoints go first (their pictures stay). */
  private boundCheckpoints(): string {
    if (!this.checkpoints.overBudget()) return '';
    // never the latest: the machines must be able to come back to it
    const oldest = this.records.slice(0, -1).find((r) => r.checkpoints !== null);
    if (oldest === undefined) return '';
    this.checkpoints.dropAll(oldest.checkpoints!);
    oldest.checkpoints = null;
    return `To bound memory (${Math.round(this.checkpoints.memoryBytes / 1048576)} MiB on a machine), the checkpoints up to #${oldest.number} were dropped: going back there shows the pictures only.`;
  }

  private isLive(): boolean {
    return this.shown === -1;
  }

  /** Up and down walk through what was typed in the field, as in the shell. */
  private recall(step: number): void {
    const cursor = Math.min(
      this.typed.length,
      Math.max(0, (this.typedCursor ?? this.typed.length) + step),
    );
    this.typedCursor = cursor;
    this.input.value = this.typed[cursor] ?? '';
  }

  private submitInput(): void {
    const commands = parseScript(this.input.value);
    if (this.input.value.trim() !== '') this.typed.push(this.input.value.trim());
    this.typedCursor = null;
    this.input.value = '';
    if (commands.length > 0) void this.enqueue(commands);
  }

  private async runCommand(command: string): Promise<void> {
    const record = await this.runEverywhere(command);
    if (record !== null) this.commit(record);
  }

  /** Runs one command on every machine; null if it was not sent (or a Reset came meanwhile). */
  private async runEverywhere(command: string): Promise<CompareRecord | null> {
    const plan = planCommand(command, this.allocators);
    if (!plan.ok) {
      this.say(plan.message);
      return null;
    }
    const mine = this.generation;
    const number = ++this.commandNumber;
    this.say(`#${number} ${command}: running on ${this.views.length} machines…`);
    const results = await Promise.all(
      this.views.map((view, i) => view.machine.run(plan.perMachine[i]!)),
    );
    if (mine !== this.generation) return null;
    const checkpoints = await this.checkpoints.saveAll();
    if (mine !== this.generation) return null;
    return {
      number,
      command,
      sent: plan.perMachine,
      checkpoints,
      traceArea: this.loadedTrace,
      results: results.map((result, i) => {
        const failed = this.views[i]!.failed + (failedRequest(result.reply) ? 1 : 0);
        return {
          ...result,
          figures: result.restarted ? null : figuresOf(result.heap, failed, result.instructions),
          trace: parseTraceReply(result.reply),
        };
      }),
    };
  }

  /**
   * A record the machines ran becomes part of the session: block numbers,
   * timeline, table. After going back, the records it replaces go first.
   */
  private commit(record: CompareRecord): void {
    const { number, command } = record;
    const forked = this.fork();
    this.learn(record);
    const wasLive = this.isLive();
    this.records.push(record);
    this.machinesAt = this.records.length - 1;
    const index = this.records.length - 1;
    this.commandList.append(
      el('li', {}, [
        button(`#${number} ${command}`, () => this.show(index), 'chip compare-command'),
      ]),
    );
    this.scrubber.max = String(this.records.length - 1);
    this.display(wasLive ? this.records.length - 1 : this.shown);
    const memory = this.boundCheckpoints();
    const restarted = this.views.filter((v) => v.machine.restarted !== null);
    this.say(
      [
        `#${number} ${command}: done${renamedNote(record)}.`,
        restarted.length === 0
          ? ''
          : `${restarted.map((v) => v.machine.allocator).join(', ')}: ${restarted[0]!.machine.restartedNote()}.`,
        forked === '' ? '' : `It replaced ${forked}, dropped on every machine.`,
        record.checkpoints === null ? 'No checkpoint could be saved after it.' : '',
        memory,
      ]
        .filter((t) => t !== '')
        .join(' '),
    );
  }

  /**
   * A trace from Trace… or a drop: into every machine's trace area, then
   * `trace` on every machine. The kernel validates the whole trace before it
   * runs any of it; if it refuses this one, every machine gets the trace it
   * held before back and one message says why.
   */
  loadTrace(bytes: Uint8Array, name: string): Promise<void> {
    const mine = this.generation;
    this.queue = this.queue.then(async () => {
      await this.ready;
      if (mine !== this.generation) return;
      for (const view of this.views) view.machine.client.loadTrace(bytes);
      const record = await this.runEverywhere('trace');
      if (record === null) return;
      const problem = record.results.map((r) => malformedTrace(r.trace)).find((p) => p !== null);
      if (problem === undefined) {
        this.loadedTrace = { name, bytes };
        this.commit({ ...record, traceArea: this.loadedTrace });
        return;
      }
      // back to the checkpoint before it: the refused `trace` is not even numbered
      if (record.checkpoints !== null) this.checkpoints.dropAll(record.checkpoints);
      const restored = await this.restoreAll(this.machinesAt, true);
      this.putTrace(this.loadedTrace);
      // if the machines could not go back, the kernels numbered it: keep it so `$N` stays the same
      if (!restored) this.commit({ ...record, checkpoints: null });
      this.say('');
      this.files?.say(
        `${name} was not loaded: ${problem.replace(/ \(nothing was run\)$/, '')}. Every machine is as it was.`,
        'bad',
      );
    });
    return this.queue;
  }

  /** The panel's Free button: the same block on every machine is `$N`, not an address. */
  private freeFromPanel(index: number, command: string): void {
    const m = /^free (0x[0-9a-f]+)$/.exec(command);
    if (m === null) return;
    // the block as the panel shows it: after the command on display (the machines go back there first)
    const numbers = new BlockNumbers();
    for (const record of this.records.slice(0, this.shownIndex + 1))
      numbers.note(record.number, record.results[index]!.reply);
    const n = numbers.numberOf(Number(m[1]));
    if (n === null) {
      this.say(
        `No command here returned the block at ${m[1]}, so it has no $N to free everywhere.`,
      );
      return;
    }
    void this.enqueue([`free $${n}`]);
  }

  private async reset(): Promise<void> {
    this.generation++;
    for (const record of this.records)
      if (record.checkpoints !== null) this.checkpoints.dropAll(record.checkpoints);
    this.records.length = 0;
    this.machinesAt = -1;
    this.commandNumber = 0;
    this.shown = -1;
    this.scrubber.max = '0';
    this.scrubLabel.textContent = '';
    this.figuresHost.replaceChildren();
    this.commandList.replaceChildren();
    for (const view of this.views) {
      view.numbers.clear();
      view.failed = 0;
      view.reply.textContent = '';
      view.panel.reset();
      view.machine.reset();
    }
    this.say('Restarting the machines…');
    const booted = Promise.all(this.views.map((v) => v.machine.whenBooted()));
    this.queue = this.queue.then(() => booted).then(() => undefined);
    await this.enqueue([`use ${this.allocators[0]}`]);
  }

  private say(text: string): void {
    this.message.textContent = text;
  }
}

/** "#8" or "#8–#11": the numbers of consecutive records. */
function numberRange(records: readonly CompareRecord[]): string {
  const first = records[0]!.number;
  const last = records.at(-1)!.number;
  return first === last ? `#${first}` : `#${first}–#${last}`;
}

const LIVE_PLACEHOLDER = 'alloc 100; free $2 … (Enter runs it on every machine)';

/** What the machines were sent, when it was not the command itself. */
function renamedNote(record: CompareRecord): string {
  if (record.sent.every((sent) => sent === record.command)) return '';
  if (record.sent[0] === 'trace') return ' (each machine replayed the trace on its own allocator)';
  return ' (each machine re-initialised its own allocator)';
}

/**
 * Up to five machines and their panels share the CPU (a busy main thread
 * answers pongs late too): the watchdog waits longer than on the single
 * page (1 s) before it replaces a worker, which loses its session here.
 */
const COMPARE_RESPONSE_TIMEOUT_MS = 4000;

const RESTARTED_NOTE = 'its emulator was restarted: press Reset to compare again';

function figuresNote(result: CompareResult): string {
  if (result.restarted) return RESTARTED_NOTE;
  if (result.heap === null) return 'no heap picture';
  if (result.heap.status !== 'ok') return `heap ${result.heap.status}`;
  return '';
}

function singleMachineLink(): string {
  const params = new URLSearchParams(location.search);
  params.delete('compare');
  const query = params.toString();
  return query === '' ? location.pathname : `${location.pathname}?${query}`;
}
