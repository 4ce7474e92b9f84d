// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Allocator kind → how the panel draws it (heap-view.ts). A new kind is one
 * new file exporting a KindView and one line in KIND_VIEWS; a kind without
 * an entry (or a model without extras) is drawn as the address-ordered strip.
 */
import type { FreeList, HeapModel } from '../heap/model';
import {
  buddyExtras,
  bumpExtras,
  firstFitExtras,
  pageExtras,
  tlsfExtras,
} from './allocator-extras';
import { BuddyView } from './buddy-view';
import type { HeapViewFactory, KindView, LegendItem } from './heap-view';
import { MM_KIND_VIEW } from './mm-view';
import { PageGridView } from './page-grid-view';
import { RUN_HUES, runColour } from './palette';
import { StripView } from './strip-view';

const strip: HeapViewFactory = (callbacks) => new StripView(callbacks);
const buddyTree: HeapViewFactory = (callbacks) => new BuddyView(callbacks);
const pageGrid: HeapViewFactory = (callbacks) => new PageGridView(callbacks);

const STRIP_LEGEND: LegendItem[] = [
  { swatch: 'header', label: 'header' },
  { swatch: 'used', label: 'requested' },
  { swatch: 'padding', label: 'padding' },
  { swatch: 'free', label: 'free' },
];

/** [prev, next] of a free block in the first list that holds it, as block indexes. */
function neighbours(lists: FreeList[], model: HeapModel, index: number): [number, number] | null {
  const block = model.blocks[index];
  if (block === undefined || block.status !== 'free') return null;
  for (const list of lists) {
    const at = list.nodes.findIndex((n) => n.address === block.start);
    if (at < 0) continue;
    return [list.nodes[at - 1]?.blockIndex ?? -1, list.nodes[at + 1]?.blockIndex ?? -1];
  }
  return null;
}

/** The strip with no allocator specifics: for a kind this page has no view for. */
export const DEFAULT_KIND_VIEW: KindView = {
  view: strip,
  legend: () => STRIP_LEGEND,
  extras: () => null,
};

const KIND_VIEWS: Readonly<Record<string, KindView>> = {
  'first-fit': {
    view: strip,
    legend: () => STRIP_LEGEND,
    extras: firstFitExtras,
    links: (model, index) =>
      model.extras?.kind === 'first-fit' ? neighbours([model.extras.freeList], model, index) : null,
  },
  tlsf: {
    view: strip,
    legend: () => STRIP_LEGEND,
    extras: tlsfExtras,
    links: (model, index) =>
      model.extras?.kind === 'tlsf'
        ? neighbours(
            model.extras.bins.map((b) => b.list),
            model,
            index,
          )
        : null,
  },
  bump: {
    view: strip,
    legend: () => [
      ...STRIP_LEGEND,
      { swatch: 'dead', label: 'dead' },
      { swatch: 'tail', label: 'untouched' },
    ],
    extras: bumpExtras,
  },
  buddy: {
    view: buddyTree,
    legend: () => [
      { swatch: 'split', label: 'split' },
      { swatch: 'used', label: 'allocated' },
      { swatch: 'free', label: 'free' },
    ],
    extras: buddyExtras,
  },
  page: {
    view: pageGrid,
    // every run colour on the grid is in the legend: runs cycle through RUN_HUES
    legend: (model) => {
      const runs =
        model.extras?.kind === 'page'
          ? model.extras.runs.filter((r) => r.status === 'used').length
          : 0;
      const colours = Array.from({ length: Math.min(runs, RUN_HUES.length) }, (_, i) =>
        runColour(i),
      );
      return [
        {
          swatch: 'run',
          label:
            runs > 1
              ? 'allocated runs, one colour each (mark: first page)'
              : 'allocated run (mark: first page)',
          colours: colours.length > 0 ? colours : [runColour(0)],
        },
        { swatch: 'free', label: 'free page' },
      ];
    },
    extras: pageExtras,
  },
  mm: MM_KIND_VIEW,
};

export function kindViewFor(model: HeapModel): KindView {
  const kind = model.extras?.kind;
  return (kind !== undefined ? KIND_VIEWS[kind] : undefined) ?? DEFAULT_KIND_VIEW;
}
