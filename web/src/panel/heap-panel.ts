// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The heap panel: totals, the picture for the active allocator (strip, buddy
 * tree or page grid), its extras, the selected block's details with a hex
 * dump and a Free action, and the timeline. It draws decoded models only; a
 * Free types `free 0x…` into the terminal, the panel never writes memory.
 */
import { NO_HEAP_DESCRIPTOR } from '../heap/descriptor-locator';
import type { DecodeResult, HeapBlock, HeapModel } from '../heap/model';
import { hexAddress, humanBytes } from '../util/format';
import type { BlockTable } from './block-table';
import { type BlockChange, diffBlocks } from './block-diff';
import { button, el } from './dom';
import type { HeapView, HeapViewCallbacks, HeapViewFactory, KindView } from './heap-view';
import { renderHexDump } from './hex-view';
import { DEFAULT_KIND_VIEW, kindViewFor } from './kind-views';
import { type Palette, readPalette } from './palette';
import { TimelineView } from './timeline-view';
import { Tooltip } from './tooltip';
import { renderFindings, renderTotals } from './totals-view';

export interface HeapPanelHost {
  /** type a command into the terminal (the Free action) */
  typeCommand(command: string): void;
  readMemory(address: number, length: number): Promise<Uint8Array | null>;
}

const HEX_DUMP_LIMIT = 128;

export class HeapPanel {
  readonly element: HTMLElement;
  private readonly state = el('span', { className: 'heap-state' });
  private readonly kind = el('span', { className: 'heap-kind' });
  private readonly totalsHost = el('div');
  private readonly findingsHost = el('div');
  private readonly viewHost = el('div', { className: 'heap-view' });
  private readonly legend = el('div', { className: 'legend', attrs: { 'aria-hidden': 'true' } });
  private readonly extrasHost = el('div', { className: 'extras' });
  private readonly detail = el('section', {
    className: 'block-detail',
    attrs: { 'aria-live': 'polite' },
  });
  private readonly timeline = new TimelineView();
  private readonly tooltip = new Tooltip();
  private readonly viewCallbacks: HeapViewCallbacks;
  /** one view per factory, made when a kind first needs it */
  private readonly views = new Map<HeapViewFactory, HeapView>();
  private kindView: KindView = DEFAULT_KIND_VIEW;
  private model: HeapModel | null = null;
  /** canvas colours, read once per theme (getComputedStyle would force a style pass per redraw) */
  private palette: Palette | null = null;
  private changes: BlockChange[] = [];
  private selectedStart: number | null = null;
  private pending: DecodeResult | null = null;
  private frame = 0;
  private detailRequest = 0;
  /** what the detail shows (see detailKey()): drawn again when it changes */
  private detailKey = '';
  private machineStopped = false;
  /** set when a model arrives, for tests and benchmarks */
  lastRenderMs = 0;
  updates = 0;

  constructor(
    private readonly host: HeapPanelHost,
    private readonly table: BlockTable | null,
  ) {
    this.viewCallbacks = {
      hover: (index, event) => this.hover(index, event),
      select: (index) => this.select(index),
      links: (index) =>
        this.model === null ? null : (this.kindView.links?.(this.model, index) ?? null),
    };
    this.element = el('section', { className: 'heap-panel', attrs: { 'aria-label': 'Heap' } }, [
      el('div', { className: 'section-head' }, [el('h2', { text: 'Heap' }), this.kind, this.state]),
      this.totalsHost,
      this.findingsHost,
      this.viewHost,
      this.legend,
      this.detail,
      this.extrasHost,
      this.timeline.element,
      this.tooltip.element,
    ]);
    this.setState('waiting for the kernel', 'muted');
    this.detail.append(el('p', { className: 'muted', text: 'Select a block to see its bytes.' }));
  }

  /**
   * Latest decode result; drawn on the next animation frame (older pending
   * ones are dropped). What changed is worked out here, against the previous
   * result received, so that "changed by the last command" stays true even
   * when several pictures arrive within one frame.
   */
  update(result: DecodeResult): void {
    if (result.status === 'ok') this.noteChanges(result.model);
    this.pending = result;
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const next = this.pending;
      this.pending = null;
      if (next !== null) this.apply(next);
    });
  }

  private received: HeapModel | null = null;
  private receivedChanges: BlockChange[] = [];

  private noteChanges(model: HeapModel): void {
    const previous = this.received;
    if (previous === model) return;
    const sameHeap =
      previous !== null &&
      previous.kind === model.kind &&
      previous.stateAddress === model.stateAddress;
    // a picture without a new generation (a redraw) keeps the highlights it had
    if (sameHeap && previous.generation === model.generation) return;
    this.receivedChanges = diffBlocks(sameHeap ? previous.blocks : null, model.blocks);
    this.received = model;
  }

  /** Draw a result now and return how long it took (benchmarks). */
  applyNow(result: DecodeResult): number {
    const started = performance.now();
    this.apply(result, true);
    return performance.now() - started;
  }

  /** The theme changed: read the colours again and repaint. */
  themeChanged(): void {
    this.palette = null;
    if (this.model !== null) this.apply({ status: 'ok', model: this.model });
  }

  /**
   * Draws a checkpoint's picture now (the timeline went there): "changed by
   * the last command" compares it with `previous`, the picture before its
   * commands, and the chart is drawn again from `history`, the pictures of
   * the checkpoints up to it. A picture still waiting for a frame belongs to
   * the machine before the restore and is dropped.
   */
  showCheckpoint(picture: DecodeResult, previous: DecodeResult | null, history: HeapModel[]): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = null;
    if (picture.status === 'ok') {
      const model = picture.model;
      const before = previous?.status === 'ok' ? previous.model : null;
      const sameHeap =
        before !== null && before.kind === model.kind && before.stateAddress === model.stateAddress;
      this.received = model;
      this.receivedChanges = diffBlocks(sameHeap ? before.blocks : null, model.blocks);
    }
    this.apply(picture);
    this.timeline.clear();
    const palette = this.palette;
    if (palette === null) return;
    let shown: HeapModel | null = null;
    for (const model of history) {
      this.chartPoint(shown, model, palette);
      shown = model;
    }
  }

  reset(): void {
    this.model = null;
    this.received = null;
    this.selectedStart = null;
    this.timeline.clear();
    this.setState('waiting for the kernel', 'muted');
  }

  get currentModel(): HeapModel | null {
    return this.model;
  }

  private setState(text: string, tone: 'muted' | 'ok' | 'busy' | 'bad'): void {
    this.state.textContent = text;
    this.state.className = `heap-state ${tone}`;
  }

  /** Stopped in the middle of a command, the heap is not "being modified": the machine waits. */
  setMachineStopped(stopped: boolean): void {
    if (stopped === this.machineStopped) return;
    this.machineStopped = stopped;
    if (stopped) this.setState('machine stopped', 'busy');
    else if (this.model !== null) this.showGeneration(this.model);
  }

  private showGeneration(model: HeapModel): void {
    const corrupted = model.findings.some((f) => f.severity === 'error');
    this.setState(
      corrupted ? 'corrupted' : `generation ${model.generation}`,
      corrupted ? 'bad' : 'ok',
    );
  }

  private apply(result: DecodeResult, synchronous = false): void {
    const started = performance.now();
    if (result.status === 'busy') {
      // keep the previous picture
      this.setState(this.machineStopped ? 'machine stopped' : 'heap is being modified…', 'busy');
      return;
    }
    if (result.status === 'invalid') {
      const message = result.findings[0]?.message ?? 'no heap';
      // another kernel, not a broken one: say so calmly
      this.setState(message, message === NO_HEAP_DESCRIPTOR ? 'muted' : 'bad');
      return;
    }
    const model = result.model;
    const previous = this.model;
    this.noteChanges(model);
    this.changes = this.received === model ? this.receivedChanges : diffBlocks(null, model.blocks);
    this.model = model;
    this.updates++;
    const corrupted = model.findings.some((f) => f.severity === 'error');
    if (this.machineStopped) this.setState('machine stopped', 'busy');
    else this.showGeneration(model);
    this.kind.textContent = model.kindName;
    this.totalsHost.replaceChildren(renderTotals(model));
    const findings = renderFindings(model);
    this.findingsHost.replaceChildren(...(findings ? [findings] : []));
    this.element.classList.toggle('corrupted', corrupted);

    this.palette ??= readPalette(this.element);
    const palette = this.palette;
    const flagged = flaggedBlocks(model);
    this.kindView = kindViewFor(model);
    const view = this.viewFor(this.kindView);
    if (this.viewHost.firstChild !== view.surface.element)
      this.viewHost.replaceChildren(view.surface.element);
    view.show({ model, changes: this.changes, palette, flagged });
    this.legend.replaceChildren(...legendFor(this.kindView, model));
    const extras = this.kindView.extras(model, (index) => this.select(index));
    this.extrasHost.replaceChildren(...(extras ? [extras] : []));
    this.table?.show(model, this.changes);
    if (synchronous) view.renderNow();

    // keep the selection on the block at the same address if it still exists; its index,
    // status and bytes may have changed, so the detail is drawn again
    const selected =
      this.selectedStart === null
        ? -1
        : model.blocks.findIndex((b) => b.start === this.selectedStart);
    if (selected >= 0) this.select(selected, false);
    else if (this.selectedStart !== null) this.clearSelection();

    this.chartPoint(previous, model, palette);
    this.lastRenderMs = performance.now() - started;
  }

  /** One point on the used/fragmentation chart per command, for `model` after `previous`. */
  private chartPoint(previous: HeapModel | null, model: HeapModel, palette: Palette): void {
    const sameKind =
      previous !== null &&
      previous.kind === model.kind &&
      previous.stateAddress === model.stateAddress;
    if (sameKind && model.commands === previous.commands) return;
    // a new heap (another strategy, `use` or `reset` of the same one, a reboot) starts a new chart
    const newHeap =
      !sameKind || model.heapInits !== previous.heapInits || model.commands < previous.commands;
    if (newHeap) this.timeline.clear();
    const t = model.totals;
    this.timeline.add(
      { command: model.commands, used: t.usedBytes, fragmentation: t.fragmentation },
      palette,
    );
  }

  private viewFor(kindView: KindView): HeapView {
    let view = this.views.get(kindView.view);
    if (view === undefined) {
      view = kindView.view(this.viewCallbacks);
      this.views.set(kindView.view, view);
    }
    return view;
  }

  /** Marks a block (or none) in the view on show; the others forget theirs. */
  private markSelected(index: number | null): void {
    const active = this.views.get(this.kindView.view);
    for (const view of this.views.values()) view.setSelected(view === active ? index : null);
    this.table?.setSelected(index);
  }

  private hover(index: number | null, event: MouseEvent): void {
    if (index === null || this.model === null) this.tooltip.hide();
    else this.tooltip.show(this.model, index, event);
  }

  /** Selects a block in every view and shows its details. */
  select(index: number, loadBytes = true): void {
    const model = this.model;
    const block = model?.blocks[index];
    if (model === null || block === undefined) return;
    const changed = this.selectedStart !== block.start;
    this.selectedStart = block.start;
    this.markSelected(index);
    const key = detailKey(model, index, block);
    if (loadBytes || changed || key !== this.detailKey)
      this.showDetail(model, index, block, !loadBytes && !changed);
    this.detailKey = key;
  }

  private clearSelection(): void {
    this.selectedStart = null;
    this.detailKey = '';
    this.markSelected(null);
    this.detail.replaceChildren(
      el('p', { className: 'muted', text: 'Select a block to see its bytes.' }),
    );
  }

  /** `refresh`: the same block after a heap change; its old bytes stay until the new ones arrive. */
  private showDetail(model: HeapModel, index: number, block: HeapBlock, refresh = false): void {
    const request = ++this.detailRequest;
    const title =
      block.status === 'used'
        ? `Block ${index}: ${block.requested} bytes at ${hexAddress(block.payload)} (${humanBytes(block.span)} with overhead)`
        : `Block ${index}: ${block.role === 'tail' ? 'untouched' : block.role === 'dead' ? 'dead' : 'free'}, ${block.usable} bytes at ${hexAddress(block.payload)}`;
    const actions = el('div', { className: 'detail-actions' });
    if (block.status === 'used') {
      const command = `free ${hexAddress(block.payload)}`;
      const free = button(
        'Free',
        () => {
          // only what the heap holds now: a block freed meanwhile is not freed twice
          const now = this.model?.blocks.find((b) => b.payload === block.payload);
          if (now?.status !== 'used') return;
          free.disabled = true;
          this.host.typeCommand(command);
        },
        'button primary',
        `Types "${command}" into the terminal`,
      );
      actions.append(free);
    }
    const previousDump = refresh ? this.detail.querySelector('.hex-host') : null;
    const dumpHost = el(
      'div',
      { className: 'hex-host' },
      previousDump !== null
        ? [...previousDump.childNodes]
        : [el('p', { className: 'muted', text: 'reading memory…' })],
    );
    this.detail.replaceChildren(
      el('div', { className: 'detail-head' }, [el('h3', { text: title }), actions]),
      dumpHost,
    );
    // in-band headers sit at the block start; buddy and page keep theirs in a table
    const inBand = block.metaAddress === block.start && block.metaLength > 0;
    const length = Math.min(block.span, HEX_DUMP_LIMIT);
    void this.host.readMemory(block.start, length).then((bytes) => {
      if (request !== this.detailRequest) return;
      const parts: Node[] = [];
      if (!inBand && block.metaLength > 0) {
        const entry = model.metaBytes.subarray(
          block.metaOffset,
          block.metaOffset + block.metaLength,
        );
        parts.push(
          el('p', {
            className: 'muted',
            text: `metadata entry at ${hexAddress(block.metaAddress)}:`,
          }),
          renderHexDump(block.metaAddress, entry, entry.length),
        );
      }
      if (bytes === null) parts.push(el('p', { className: 'bad', text: 'memory not readable' }));
      else
        parts.push(
          el('p', {
            className: 'muted',
            text: `first ${bytes.length} of ${block.span} bytes from ${hexAddress(block.start)}:`,
          }),
          renderHexDump(block.start, bytes, inBand ? block.metaLength : 0),
        );
      dumpHost.replaceChildren(...parts);
    });
  }
}

/** Everything the detail of a block depends on, including the heap's generation (its bytes). */
function detailKey(model: HeapModel, index: number, block: HeapBlock): string {
  return `${model.generation}:${index}:${block.start}:${block.status}:${block.role}:${block.span}:${block.requested}`;
}

/** Blocks that contain a finding's address. */
function flaggedBlocks(model: HeapModel): Set<number> {
  const flagged = new Set<number>();
  if (model.findings.length === 0) return flagged;
  const addresses = model.findings
    .map((f) => f.address)
    .filter((a): a is number => a !== undefined);
  model.blocks.forEach((b, i) => {
    if (addresses.some((a) => a >= b.start && a < b.start + b.span)) flagged.add(i);
  });
  return flagged;
}

function legendFor(kindView: KindView, model: HeapModel): HTMLElement[] {
  return [
    ...kindView.legend(model),
    { swatch: 'changed', label: 'changed by the last command' },
  ].map((item) => {
    const squares = (item.colours ?? ['']).map((colour) => {
      const square = el('i');
      if (colour !== '') square.style.background = colour;
      return square;
    });
    return el('span', { className: `legend-item ${item.swatch}` }, [...squares, item.label]);
  });
}
