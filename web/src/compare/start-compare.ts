// SPDX-License-Identifier: GPL-2.0-or-later
/** The app entry's hook into compare mode, and the message for a refused compare=. */
import type { AllocatorName, PlaygroundConfig } from '../app/url-config';
import type { HeapModel } from '../heap/model';
import { button, el } from '../panel/dom';
import './compare.css';
import { COMPARE_LESSONS, catalogLessons } from './compare-lessons';
import { ComparePage, type CompareRecord } from './compare-page';

/** window.__compare, installed only with ?test=1, for the browser tests. */
export interface CompareTestHooks {
  allocators: string[];
  /** every machine booted and everything queued so far has run */
  settled(): Promise<void>;
  run(commands: string[]): Promise<void>;
  /** runs a lesson of the menu by id, as its button does */
  runLesson(id: string): Promise<void>;
  /** lowers what each machine's checkpoints may hold (the oldest are dropped beyond it) */
  setCheckpointBudget(bytes: number): void;
  /** blocks machine `machine`'s worker for `ms` (the watchdog replaces it) */
  hangMachine(machine: number, ms: number): void;
  /** a trace into every machine, then `trace` everywhere, as Trace… does */
  loadTrace(bytes: number[], name: string): Promise<void>;
  records(): Array<
    Omit<CompareRecord, 'results'> & {
      results: Array<Omit<CompareRecord['results'][number], 'heap'>>;
    }
  >;
  show(index: number): void;
  shownIndex(): number;
  /** payload address of every block machine `machine`'s panel draws, in its order */
  blockPayloads(machine: number): number[];
  /** a click on block `index` of machine `machine`'s panel */
  selectBlock(machine: number, index: number): void;
  /** after two animation frames: the totals each panel draws */
  panelTotals(): Promise<Array<HeapModel['totals'] | null>>;
}

export function startCompare(
  root: HTMLElement,
  allocators: AllocatorName[],
  config: PlaygroundConfig,
  assetBase: URL,
): ComparePage {
  const page = new ComparePage(root, allocators, config, assetBase);
  if (config.testHooks) {
    const hooks: CompareTestHooks = {
      allocators,
      settled: () => page.whenSettled(),
      run: (commands) => page.enqueue(commands),
      runLesson: (id) => {
        const lesson = [...COMPARE_LESSONS, ...catalogLessons()].find((l) => l.id === id);
        return lesson === undefined
          ? Promise.reject(new Error(`no lesson ${id}`))
          : page.runLesson(lesson);
      },
      hangMachine: (machine, ms) => page.machineClient(machine)?.testHang(ms),
      setCheckpointBudget: (bytes) => page.setCheckpointBudget(bytes),
      loadTrace: (bytes, name) => page.loadTrace(new Uint8Array(bytes), name),
      // the heap pictures are large; tests read figures and replies
      records: () =>
        page.records.map((r) => ({ ...r, results: r.results.map(({ heap: _, ...rest }) => rest) })),
      show: (index) => page.show(index),
      selectBlock: (machine, index) => page.selectBlock(machine, index),
      blockPayloads: (machine) => page.panelModels()[machine]?.blocks.map((b) => b.payload) ?? [],
      shownIndex: () => page.shownIndex,
      panelTotals: async () => {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return page.panelModels().map((m) => m?.totals ?? null);
      },
    };
    (window as unknown as { __compare: CompareTestHooks }).__compare = hooks;
  }
  return page;
}

export function compareRefused(message: string): HTMLElement {
  console.info(`allocplay: ${message}`);
  const note = el('p', { className: 'compare-refused', attrs: { role: 'alert' } }, [message, ' ']);
  note.append(button('Dismiss', () => note.remove(), 'button small'));
  return note;
}
