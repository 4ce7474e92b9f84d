// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Buddy (firmware/alloc/buddy.c): block state lives in a table with one
 * 32-bit entry per 32-byte unit; only a block's head entry is non-zero. The
 * walk copies buddy_walk(), the findings copy buddy_check(), and the split
 * tree is rebuilt from the heads and the initial cover of the arena.
 */
import {
  BUDDY_ENTRY_SIZE,
  BUDDY_MAGIC,
  BUDDY_MAX_ORDERS,
  BUDDY_MIN_BLOCK,
  BUDDY_ORDER_MASK,
  BUDDY_REQ_SHIFT,
  BUDDY_STATE_FREE,
  BUDDY_STATE_MASK,
  BUDDY_STATE_SHIFT,
  BUDDY_STATE_USED,
  BuddyState,
} from '../abi';
import { type DecodeContext, followFreeList, hex } from '../decode-context';
import type { BuddyExtras, BuddyTableEntry, BuddyTreeNode, FreeList } from '../model';
import type { KindDecoding } from './kind-decoding';

const ARENA_ALIGN = 4096;
const TOP_ORDER = BUDDY_MAX_ORDERS - 1;
/** The table view lists this many entries at most. */
const MAX_TABLE_ENTRIES = 1 << 16;
const MAX_TREE_NODES = 1 << 18;

const blockSize = (order: number): number => BUDDY_MIN_BLOCK * 2 ** order;
const unitsIn = (order: number): number => 2 ** order;
const freeEntry = (order: number): number => order | (BUDDY_STATE_FREE << BUDDY_STATE_SHIFT);

function topOrderFor(arenaSize: number): number {
  let order = 0;
  while (order < TOP_ORDER && blockSize(order + 1) <= arenaSize) order++;
  return order;
}

export function decodeBuddy(ctx: DecodeContext): KindDecoding {
  const { memory: m, stateAddress: state } = ctx;
  const none = (regionSize: number): KindDecoding => ({ extras: null, largestFree: 0, regionSize });
  if (!ctx.inRegion(state, BuddyState.size)) {
    ctx.error('buddy: state struct is outside the heap region', state);
    return none(0);
  }
  const regionSize = m.u64(state + BuddyState.regionSize);
  if (m.u32(state + BuddyState.magic) !== BUDDY_MAGIC) {
    ctx.error('buddy: bad magic in buddy state', state);
    return none(regionSize);
  }
  const maxOrder = m.u32(state + BuddyState.maxOrder);
  const arenaStart = m.u64(state + BuddyState.arenaStart);
  const arenaSize = m.u64(state + BuddyState.arenaSize);
  const table = m.u64(state + BuddyState.table);
  const unitCount = m.u64(state + BuddyState.unitCount);

  // The state's own fields, before any of them is used as an address.
  if (table !== state + BuddyState.size)
    ctx.error('buddy: table is not right after the state', state);
  if (
    arenaSize === 0 ||
    arenaSize % BUDDY_MIN_BLOCK !== 0 ||
    unitCount !== arenaSize / BUDDY_MIN_BLOCK
  )
    ctx.error('buddy: arena size and unit count disagree', state);
  if (maxOrder > TOP_ORDER || maxOrder !== topOrderFor(arenaSize))
    ctx.error('buddy: max_order is not the largest order that fits', state);
  if (arenaStart % ARENA_ALIGN !== 0) ctx.error('buddy: arena not 4 KiB aligned', arenaStart);
  if (
    !ctx.inRegion(table, unitCount * BUDDY_ENTRY_SIZE) ||
    unitCount * BUDDY_ENTRY_SIZE > arenaStart - table
  ) {
    ctx.error('buddy: table overlaps the arena or leaves the region', arenaStart);
    return none(regionSize);
  }
  if (!ctx.inRegion(arenaStart, unitCount * BUDDY_MIN_BLOCK)) {
    ctx.error('buddy: arena outside the region', arenaStart);
    return none(regionSize);
  }
  if (maxOrder > TOP_ORDER) return none(regionSize);

  const entryAt = (unit: number): number => m.u32(table + unit * BUDDY_ENTRY_SIZE);
  const unitAddress = (unit: number): number => arenaStart + unit * BUDDY_MIN_BLOCK;
  const tableEntries: BuddyTableEntry[] = [];
  const noteEntry = (unit: number, raw: number): void => {
    if (tableEntries.length < MAX_TABLE_ENTRIES)
      tableEntries.push({
        unit,
        address: unitAddress(unit),
        raw,
        order: raw & BUDDY_ORDER_MASK,
        state: (raw >>> BUDDY_STATE_SHIFT) & BUDDY_STATE_MASK,
        requested: raw >>> BUDDY_REQ_SHIFT,
      });
  };

  const freeCount = new Array<number>(BUDDY_MAX_ORDERS).fill(0);
  let largest = 0;
  let unit = 0;
  while (unit < unitCount) {
    const entry = entryAt(unit);
    const blockState = (entry >>> BUDDY_STATE_SHIFT) & BUDDY_STATE_MASK;
    const order = entry & BUDDY_ORDER_MASK;
    const where = unitAddress(unit);
    let malformed: string | null = null;
    if (blockState !== BUDDY_STATE_FREE && blockState !== BUDDY_STATE_USED)
      malformed =
        blockState === 0
          ? 'buddy: arena not tiled: expected a block head'
          : 'buddy: invalid block state';
    else if (order > maxOrder) malformed = 'buddy: block order too large';
    else if (unit % unitsIn(order) !== 0) malformed = 'buddy: block not aligned to its size';
    else if (unitCount - unit < unitsIn(order)) malformed = 'buddy: block runs past the arena';
    if (malformed !== null) {
      ctx.error(malformed, where);
      if (entry !== 0) noteEntry(unit, entry);
      break; // buddy_walk() stops here too
    }
    noteEntry(unit, entry);
    const used = blockState === BUDDY_STATE_USED;
    const size = blockSize(order);
    const requested = entry >>> BUDDY_REQ_SHIFT;
    if (used && (requested === 0 || requested > size))
      ctx.error('buddy: requested size does not fit the block', where);
    if (!used) {
      if (requested !== 0) ctx.error('buddy: free block records a requested size', where);
      const buddy = buddyOf(unit, order, maxOrder, unitCount);
      if (buddy !== -1 && entryAt(buddy) === entry)
        ctx.error('buddy: free buddies not merged', where);
      freeCount[order]!++;
      largest = Math.max(largest, size);
    }
    if (
      !ctx.addBlock({
        start: where,
        span: size,
        payload: where,
        usable: size,
        requested: used ? requested : 0,
        status: used ? 'used' : 'free',
        metaAddress: table + unit * BUDDY_ENTRY_SIZE,
        metaLength: BUDDY_ENTRY_SIZE,
        order,
      })
    )
      break;
    // every entry inside the block must be 0
    const nextHead = unit + unitsIn(order);
    for (let inner = unit + 1; inner < nextHead; inner++) {
      const stray = entryAt(inner);
      if (stray !== 0) {
        ctx.error('buddy: table entry inside a block is not 0', unitAddress(inner));
        noteEntry(inner, stray);
        break;
      }
    }
    unit = nextHead;
  }

  const freeLists: FreeList[] = [];
  for (let order = 0; order < BUDDY_MAX_ORDERS; order++) {
    const head = m.u64(state + BuddyState.freeHeads + 8 * order);
    if (head === 0 && freeCount[order] === 0) continue;
    const list = followFreeList(ctx, {
      label: `buddy order ${order} free list`,
      head,
      linkOffset: 0,
      maxSteps: freeCount[order]!,
      nodeProblem: (node) => {
        if (
          node < arenaStart ||
          node - arenaStart >= arenaSize ||
          (node - arenaStart) % blockSize(order) !== 0 ||
          !ctx.inRegion(node, 16)
        )
          return `${hex(node)} is outside the arena or off a block boundary`;
        if (entryAt((node - arenaStart) / BUDDY_MIN_BLOCK) !== freeEntry(order))
          return `${hex(node)} is not a free block of this order`;
        return null;
      },
    });
    if (list.complete && list.nodes.length !== freeCount[order])
      ctx.error(`buddy: order ${order}: free block missing from its free list`, state);
    freeLists.push(list);
  }

  const extras: BuddyExtras = {
    kind: 'buddy',
    arenaStart,
    arenaSize,
    table,
    unitCount,
    maxOrder,
    tableEntries,
    freeLists,
    tree: buildTree(ctx, unitCount, maxOrder, arenaStart),
  };
  return {
    extras,
    largestFree: largest,
    regionSize,
    area: { start: arenaStart, end: arenaStart + arenaSize },
  };
}

/** The unit of the buddy of a block, or -1 if it has none (as buddy_of() in buddy.c). */
function buddyOf(unit: number, order: number, maxOrder: number, unitCount: number): number {
  const size = unitsIn(order);
  const buddy = Math.floor(unit / size) % 2 === 0 ? unit + size : unit - size; // unit ^ size
  if (order >= maxOrder || buddy > unitCount - size) return -1;
  return buddy;
}

/**
 * The initial cover (the largest aligned blocks that fit, left to right, as
 * buddy_init() lays them) and, under each root, the split nodes down to the
 * blocks the walk found.
 */
function buildTree(
  ctx: DecodeContext,
  unitCount: number,
  maxOrder: number,
  arenaStart: number,
): BuddyTreeNode[] {
  const heads = new Map<number, number>(); // unit -> block index
  const headUnits: number[] = [];
  ctx.blocks.forEach((b, i) => {
    const unit = (b.start - arenaStart) / BUDDY_MIN_BLOCK;
    heads.set(unit, i);
    headUnits.push(unit);
  });
  // any block head in [from, to)? (headUnits is sorted: the walk is in address order)
  const anyHeadIn = (from: number, to: number): boolean => {
    let lo = 0;
    let hi = headUnits.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (headUnits[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < headUnits.length && headUnits[lo]! < to;
  };

  const nodes: BuddyTreeNode[] = [];
  let unit = 0;
  while (unit < unitCount && nodes.length < MAX_TREE_NODES) {
    let order = maxOrder;
    while (order > 0 && (unit % unitsIn(order) !== 0 || unitCount - unit < unitsIn(order))) order--;
    const stack: Array<[number, number, number]> = [[unit, order, 0]];
    while (stack.length > 0 && nodes.length < MAX_TREE_NODES) {
      const [u, k, depth] = stack.pop()!;
      const address = arenaStart + u * BUDDY_MIN_BLOCK;
      const index = heads.get(u);
      const block = index === undefined ? undefined : ctx.blocks[index];
      if (block !== undefined && block.order === k) {
        nodes.push({ address, order: k, depth, state: block.status, blockIndex: index! });
      } else if (k > 0 && anyHeadIn(u, u + unitsIn(k))) {
        nodes.push({ address, order: k, depth, state: 'split', blockIndex: -1 });
        const half = unitsIn(k - 1);
        stack.push([u + half, k - 1, depth + 1], [u, k - 1, depth + 1]); // lower half first
      } else {
        nodes.push({ address, order: k, depth, state: 'unknown', blockIndex: -1 });
      }
    }
    unit += unitsIn(order);
  }
  return nodes;
}
