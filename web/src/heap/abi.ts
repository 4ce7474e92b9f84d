// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Mirror of firmware/include/heap_abi.h: constants, flags and struct field
 * offsets of the guest-memory contract between the kernel and the panel.
 * web/tests/unit/abi-mirror.test.ts parses the C header and fails when the two
 * disagree, so edit both together (and bump ABI_VERSION with the layout).
 */

export const ABI_VERSION = 4;
/** Version 4 only added the block references at the descriptor's end: version 3 kernels still draw (without them). */
export const OLDEST_READABLE_ABI_VERSION = 3;

/** Where the kernel image is loaded; the image header sits right after its first branch. */
export const IMAGE_LOAD_ADDRESS = 0x40080000;
export const IMAGE_HEADER_OFFSET = 0x10;
export const IMAGE_MAGIC = 0x48475041; // "APGH"

export const ImageHeader = { magic: 0, abiVersion: 4, descriptor: 8, size: 16 } as const;

export const DESCRIPTOR_MAGIC = 0x44475041; // "APGD"

export const HeapKind = {
  None: 0,
  FirstFit: 1,
  Buddy: 2,
  Page: 3,
  Bump: 4,
  Tlsf: 5,
  /** a student's mm.c (`make mm` images), drawn from the kernel's table */
  Mm: 6,
} as const;
export type HeapKindValue = (typeof HeapKind)[keyof typeof HeapKind];

/** The shell's name of each strategy (what `use` takes and `info` prints). */
export const KIND_NAMES: Readonly<Record<number, string>> = {
  [HeapKind.FirstFit]: 'first-fit',
  [HeapKind.Buddy]: 'buddy',
  [HeapKind.Page]: 'page',
  [HeapKind.Bump]: 'bump',
  [HeapKind.Tlsf]: 'tlsf',
  [HeapKind.Mm]: 'mm',
};

export const Descriptor = {
  magic: 0,
  abiVersion: 4,
  generation: 8,
  kind: 12,
  regionStart: 16,
  regionEnd: 24,
  heapState: 32,
  arenaStart: 40,
  arenaEnd: 48,
  arenaState: 56,
  commands: 64,
  eventLog: 72, // version 2: address of struct apg_event_log
  userPid: 80, // pid of the running user program, 0 when none
  heapInits: 84, // times the user heap was (re)initialised since boot (use, reset)
  userProgram: 88, // address of its NUL-terminated name, 0 when none
  blockRefs: 96, // version 4: address of struct apg_block_refs
  size: 104,
} as const;

/** The shell's `$N` table (version 4): what each of the last BLOCK_REFS returned blocks became. */
export const BLOCK_REFS = 256;
export const RefState = { Live: 0, Freed: 1, Resized: 2, Released: 3 } as const;
export const BlockRef = {
  command: 0,
  address: 8,
  endedBy: 16,
  state: 24,
  reserved: 28,
  size: 32,
} as const;
export const BlockRefs = {
  ref: 0,
  next: BlockRef.size * BLOCK_REFS,
  count: BlockRef.size * BLOCK_REFS + 8,
  forgottenUpTo: BlockRef.size * BLOCK_REFS + 16,
  size: BlockRef.size * BLOCK_REFS + 24,
} as const;

// ---- event log (version 2) ----------------------------------------------------
/** A ring: event n (counting from 0 since boot) is in slots[n % EVENT_LOG_CAPACITY]. */
export const EVENT_LOG_MAGIC = 0x56455041; // "APEV"
export const EVENT_LOG_CAPACITY = 64;

export const EventKind = { Start: 1, Syscall: 2, Irq: 3, Signal: 4, Fault: 5, Exit: 6 } as const;
export type EventKindValue = (typeof EventKind)[keyof typeof EventKind];

export const Event = { sequence: 0, kind: 8, number: 12, args: 16, result: 40, size: 48 } as const;
export const EVENT_ARG_COUNT = 3;
export const EventLog = {
  magic: 0,
  capacity: 4,
  written: 8,
  slots: 16,
  size: 16 + Event.size * EVENT_LOG_CAPACITY,
} as const;

// ---- first-fit -------------------------------------------------------------
export const FF_MAGIC = 0x46465041; // "APFF"
export const FF_USED = 0x1;
export const FF_FLAG_BITS = 0xf; // low bits of size_flags that are not size
export const FfState = {
  magic: 0,
  reserved: 4,
  heapStart: 8,
  heapEnd: 16,
  freeHead: 24,
  regionSize: 32,
  size: 40,
} as const;
export const FfBlock = { sizeFlags: 0, prevSize: 8, requested: 12, size: 16 } as const;
export const FreeLinks = { next: 0, prev: 8, size: 16 } as const;

// ---- buddy -----------------------------------------------------------------
export const BUDDY_MAGIC = 0x44425041; // "APBD"
export const BUDDY_MIN_BLOCK = 32;
export const BUDDY_MIN_SHIFT = 5;
export const BUDDY_MAX_ORDERS = 27;
export const BUDDY_ORDER_MASK = 0x1f;
export const BUDDY_STATE_SHIFT = 5;
export const BUDDY_STATE_MASK = 0x3;
export const BUDDY_STATE_NONE = 0;
export const BUDDY_STATE_FREE = 1;
export const BUDDY_STATE_USED = 2;
export const BUDDY_REQ_SHIFT = 7;
export const BUDDY_REQ_MAX = 0x1ffffff;
export const BUDDY_ENTRY_SIZE = 4;
export const BuddyState = {
  magic: 0,
  maxOrder: 4,
  arenaStart: 8,
  arenaSize: 16,
  table: 24,
  unitCount: 32,
  freeHeads: 40,
  regionSize: 40 + 8 * BUDDY_MAX_ORDERS,
  size: 48 + 8 * BUDDY_MAX_ORDERS,
} as const;

// ---- page ------------------------------------------------------------------
export const PAGE_MAGIC = 0x47505041; // "APPG"
export const PAGE_SIZE = 4096;
export const PAGE_STATE_MASK = 0x3;
export const PAGE_FREE = 0;
export const PAGE_HEAD = 1;
export const PAGE_TAIL = 2;
export const PAGE_REQ_SHIFT = 2;
export const PAGE_ENTRY_SIZE = 4;
export const PageState = {
  magic: 0,
  pageSize: 4,
  pagesStart: 8,
  pageCount: 16,
  pageMap: 24,
  usedPages: 32,
  regionSize: 40,
  size: 48,
} as const;

// ---- bump ------------------------------------------------------------------
export const BUMP_MAGIC = 0x55425041; // "APBU"
export const BUMP_LIVE = 0x1;
export const BumpState = {
  magic: 0,
  liveBlocks: 4,
  start: 8,
  next: 16,
  end: 24,
  totalAllocations: 32,
  regionSize: 40,
  size: 48,
} as const;
export const BumpBlock = { span: 0, flags: 4, payloadOffset: 8, requested: 12, size: 16 } as const;

// ---- TLSF ------------------------------------------------------------------
export const TLSF_MAGIC = 0x464c5041; // "APLF"
export const TLSF_SL_LOG2 = 4;
export const TLSF_SL_COUNT = 1 << TLSF_SL_LOG2;
export const TLSF_ALIGN_LOG2 = 4;
export const TLSF_FL_SHIFT = TLSF_SL_LOG2 + TLSF_ALIGN_LOG2;
export const TLSF_FL_MAX = 32;
export const TLSF_FL_COUNT = TLSF_FL_MAX - TLSF_FL_SHIFT + 1;
export const TLSF_FREE = 0x1;
export const TLSF_PREV_FREE = 0x2;
export const TLSF_FLAG_BITS = 0xf;
export const TlsfState = {
  magic: 0,
  flBitmap: 4,
  slBitmap: 8,
  reserved: 108, // 8 + 4 * TLSF_FL_COUNT
  heapStart: 112,
  heapEnd: 120,
  heads: 128, // uint64_t heads[TLSF_FL_COUNT][TLSF_SL_COUNT]
  regionSize: 3328, // 128 + 8 * 25 * 16
  size: 3336,
} as const;
export const TlsfBlock = { prevPhys: 0, sizeFlags: 8, requested: 12, size: 16 } as const;

// ---- student allocator (APG_KIND_MM, version 3) ------------------------------
/** The kernel's own table of live blocks for a student's mm.c (in kernel memory). */
export const MM_MAGIC = 0x4d4d5041; // "APMM"
export const MM_CALLER_WRITES = 0x1;
export const MmState = {
  magic: 0,
  capacity: 4,
  count: 8,
  ready: 12,
  heapLo: 16,
  brk: 24,
  limit: 32,
  table: 40,
  size: 48,
} as const;
export const MmBlock = { address: 0, requested: 8, flags: 16, reserved: 20, size: 24 } as const;

// ---- shared by the in-band allocators ---------------------------------------
/** Header of first-fit, TLSF and bump blocks. */
export const BLOCK_HEADER_SIZE = 16;
/** Smallest first-fit / TLSF block: header plus free-list links. */
export const MIN_LINKED_BLOCK = 32;
export const GRANULE = 16;
