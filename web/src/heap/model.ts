// SPDX-License-Identifier: GPL-2.0-or-later
/** What the decoder makes of guest memory: plain data, cloneable across postMessage. */

export type BlockStatus = 'used' | 'free';

/** One block as the kernel's walk() reports it, plus where its metadata lives. */
export interface HeapBlock {
  /** first byte of the block (its header, if in-band) */
  start: number;
  /** bytes from start to the next block's start */
  span: number;
  /** address alloc returned (used) or first usable byte (free) */
  payload: number;
  /** bytes usable at payload */
  usable: number;
  /** bytes the caller asked for; 0 for free blocks */
  requested: number;
  status: BlockStatus;
  /** guest address of the bytes describing this block: its header, or its table / page-map entry */
  metaAddress: number;
  /** how many bytes of model.metaBytes belong to this block, starting at metaOffset */
  metaLength: number;
  metaOffset: number;
  /** extra role of a free block: a bump block freed but not reclaimed, or the untouched bump tail */
  role?: 'dead' | 'tail';
  /** buddy: the block's order (size = 32 << order) */
  order?: number;
}

export interface HeapTotals {
  regionSize: number;
  usedBytes: number;
  requestedBytes: number;
  freeBytes: number;
  /** regionSize - used - free, as the kernel computes it (negative only on a corrupted heap) */
  overheadBytes: number;
  /** the largest request that would succeed now, as the kernel's stats() defines it */
  largestFree: number;
  usedBlocks: number;
  freeBlocks: number;
  /** 1 - largestFree / freeBytes, in [0, 1]; 0 when nothing is free */
  fragmentation: number;
}

export interface Finding {
  severity: 'error' | 'warning';
  message: string;
  /** guest address where the inconsistency was found, if any */
  address?: number;
}

/** One node of a free list as the decoder followed it. */
export interface FreeListNode {
  address: number;
  next: number;
  prev: number;
  /** index in model.blocks of the block at this address, or -1 if none starts there */
  blockIndex: number;
}

export interface FreeList {
  /** what the list is: "free list", "order 3", "fl 2 / sl 5" */
  label: string;
  head: number;
  nodes: FreeListNode[];
  /** false when the walk stopped at a broken link, a cycle or the step bound */
  complete: boolean;
}

export interface FirstFitExtras {
  kind: 'first-fit';
  heapStart: number;
  heapEnd: number;
  freeList: FreeList;
}

export interface BuddyTreeNode {
  address: number;
  order: number;
  /** nesting depth below its root (0 = a root of the initial cover) */
  depth: number;
  state: 'split' | 'used' | 'free' | 'unknown';
  /** index in model.blocks for a leaf, else -1 */
  blockIndex: number;
}

export interface BuddyTableEntry {
  unit: number;
  address: number;
  raw: number;
  order: number;
  state: number;
  requested: number;
}

export interface BuddyExtras {
  kind: 'buddy';
  arenaStart: number;
  arenaSize: number;
  table: number;
  unitCount: number;
  maxOrder: number;
  /** non-zero table entries (block heads, and stray ones on a corrupted table), capped */
  tableEntries: BuddyTableEntry[];
  freeLists: FreeList[];
  /** nodes in depth-first order: every root of the initial cover and its split descendants */
  tree: BuddyTreeNode[];
}

export interface PageRun {
  firstPage: number;
  pages: number;
  status: BlockStatus;
  requested: number;
  blockIndex: number;
}

export interface PageExtras {
  kind: 'page';
  pagesStart: number;
  pageCount: number;
  pageMap: number;
  usedPages: number;
  /** copy of the page map entries */
  entries: Uint32Array;
  runs: PageRun[];
}

export interface BumpExtras {
  kind: 'bump';
  start: number;
  next: number;
  end: number;
  liveBlocks: number;
  totalAllocations: number;
  deadBlocks: number;
}

export interface TlsfBin {
  fl: number;
  sl: number;
  /** smallest and largest block size the class holds */
  minSize: number;
  maxSize: number;
  list: FreeList;
}

export interface TlsfExtras {
  kind: 'tlsf';
  heapStart: number;
  heapEnd: number;
  flBitmap: number;
  slBitmaps: number[];
  /** every class whose list head or bitmap bit is set */
  bins: TlsfBin[];
}

/** One block of a boundary-tag walk over the student's own heap. */
export interface TagBlock {
  header: number;
  size: number;
  allocated: boolean;
}
/** The student's heap walked as a textbook boundary-tag layout (a guess the panel offers). */
export interface BoundaryTagWalk {
  /** header word size in bytes */
  word: 4 | 8;
  /** whether every block ends with a footer equal to its header */
  footers: boolean;
  /** address of the first header of the walk (the prologue's), -1 when no start fits */
  start: number;
  blocks: TagBlock[];
  /** where this walk disagrees with the kernel's table (or with itself) */
  disagreements: Finding[];
}
export interface MmExtras {
  kind: 'mm';
  heapLo: number;
  brk: number;
  limit: number;
  ready: boolean;
  capacity: number;
  liveBlocks: number;
  /** 4- and 8-byte header words, each without and with footers */
  walks: BoundaryTagWalk[];
}
export type AllocatorExtras =
  | FirstFitExtras
  | BuddyExtras
  | PageExtras
  | BumpExtras
  | TlsfExtras
  | MmExtras;

/** One entry of the shell's `$N` table: the block command `command` returned, and what became of it. */
export interface BlockRefEntry {
  command: number;
  /** the payload address the command returned */
  address: number;
  /** the command that ended it (0 while live) */
  endedBy: number;
  state: 'live' | 'freed' | 'resized' | 'released';
}

export interface HeapModel {
  abiVersion: number;
  generation: number;
  /** shell commands executed since boot */
  commands: number;
  /** times the heap was (re)initialised since boot: a new number is a new heap */
  heapInits: number;
  kind: number;
  /** shell name of the strategy: "first-fit", ... */
  kindName: string;
  regionStart: number;
  regionEnd: number;
  stateAddress: number;
  totals: HeapTotals;
  /** the bytes the blocks should tile; on a corrupted heap the blocks may stop short of its end */
  area: { start: number; end: number } | null;
  /** in address order, exactly as the kernel's walk() reports them */
  blocks: HeapBlock[];
  /** raw metadata bytes of every block, concatenated (see HeapBlock.metaOffset) */
  metaBytes: Uint8Array;
  extras: AllocatorExtras | null;
  /** empty on a consistent heap; on a corrupted one the first is what the kernel's `check` reports */
  findings: Finding[];
  /** the kernel's check(), ported (heap/checks/) */
  check: { ok: true } | { ok: false; problem: string; where: number };
  /** the shell's `$N` table (heap ABI 4), in ring order; absent on older kernels or when unreadable */
  blockRefs?: BlockRefEntry[];
}

export type DecodeResult =
  | { status: 'ok'; model: HeapModel }
  /** the generation was odd, or changed while reading: keep the previous picture */
  | { status: 'busy'; generation: number; message: string }
  /** no usable descriptor (not booted yet, bad magic, wrong ABI): nothing to draw */
  | { status: 'invalid'; findings: Finding[] };

export function isCorrupted(model: HeapModel): boolean {
  return model.findings.some((f) => f.severity === 'error');
}
