// SPDX-License-Identifier: GPL-2.0-or-later
/** buddy_check() of firmware/alloc/buddy.c: the state, the table, the free lists. */
import {
  BUDDY_ENTRY_SIZE,
  BUDDY_MAGIC,
  BUDDY_MAX_ORDERS,
  BUDDY_MIN_BLOCK,
  BUDDY_ORDER_MASK,
  BUDDY_REQ_SHIFT,
  BUDDY_STATE_FREE,
  BUDDY_STATE_MASK,
  BUDDY_STATE_NONE,
  BUDDY_STATE_SHIFT,
  BUDDY_STATE_USED,
  BuddyState,
  FreeLinks,
} from '../abi';
import type { GuestMemory } from '../guest-memory';
import { type CheckResult, passed, problem } from './check-result';

const TOP_ORDER = BUDDY_MAX_ORDERS - 1;
const blockSize = (order: number): number => BUDDY_MIN_BLOCK * 2 ** order;
const unitsIn = (order: number): number => 2 ** order;
const freeEntry = (order: number): number =>
  (order | (BUDDY_STATE_FREE << BUDDY_STATE_SHIFT)) >>> 0;
const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

function topOrderFor(arenaSize: number): number {
  let order = 0;
  while (order < TOP_ORDER && blockSize(order + 1) <= arenaSize) order++;
  return order;
}

interface BuddyFields {
  self: number;
  maxOrder: number;
  arenaStart: number;
  arenaSize: number;
  table: number;
  unitCount: number;
  regionSize: number;
}

function checkState(f: BuddyFields, magic: number): CheckResult {
  if (magic !== BUDDY_MAGIC) return problem('buddy: bad magic in buddy state', f.self);
  if (f.table !== f.self + BuddyState.size)
    return problem('buddy: table is not right after the state', f.self);
  if (
    f.arenaSize === 0 ||
    f.arenaSize % BUDDY_MIN_BLOCK !== 0 ||
    f.unitCount !== f.arenaSize / BUDDY_MIN_BLOCK
  )
    return problem('buddy: arena size and unit count disagree', f.self);
  if (f.maxOrder !== topOrderFor(f.arenaSize))
    return problem('buddy: max_order is not the largest order that fits', f.self);
  if (f.arenaStart % 4096 !== 0) return problem('buddy: arena not 4 KiB aligned', f.arenaStart);
  if (
    f.arenaStart < f.table ||
    f.unitCount > Math.floor((f.arenaStart - f.table) / BUDDY_ENTRY_SIZE)
  )
    return problem('buddy: table overlaps the arena', f.arenaStart);
  if (f.arenaStart - f.self > f.regionSize || f.arenaSize > f.regionSize - (f.arenaStart - f.self))
    return problem('buddy: arena outside the region', f.arenaStart);
  if (f.arenaStart !== alignUp(f.table + f.unitCount * BUDDY_ENTRY_SIZE, 4096))
    return problem('buddy: arena does not start at the first page after the table', f.arenaStart);
  return passed;
}

export function checkBuddy(m: GuestMemory, self: number): CheckResult {
  const f: BuddyFields = {
    self,
    maxOrder: m.u32(self + BuddyState.maxOrder),
    arenaStart: m.u64(self + BuddyState.arenaStart),
    arenaSize: m.u64(self + BuddyState.arenaSize),
    table: m.u64(self + BuddyState.table),
    unitCount: m.u64(self + BuddyState.unitCount),
    regionSize: m.u64(self + BuddyState.regionSize),
  };
  const state = checkState(f, m.u32(self + BuddyState.magic));
  if (!state.ok) return state;

  const entry = (unit: number): number => m.u32(f.table + unit * BUDDY_ENTRY_SIZE);
  const unitAddress = (unit: number): number => f.arenaStart + unit * BUDDY_MIN_BLOCK;
  const freeCount = new Array<number>(BUDDY_MAX_ORDERS).fill(0);

  // the table: heads must tile the arena, everything else must be 0
  let unit = 0;
  while (unit < f.unitCount) {
    const e = entry(unit);
    const where = unitAddress(unit);
    const blockState = (e >>> BUDDY_STATE_SHIFT) & BUDDY_STATE_MASK;
    const order = e & BUDDY_ORDER_MASK;
    if (blockState === BUDDY_STATE_NONE)
      return problem('buddy: arena not tiled: expected a block head', where);
    if (blockState !== BUDDY_STATE_FREE && blockState !== BUDDY_STATE_USED)
      return problem('buddy: invalid block state', where);
    if (order > f.maxOrder) return problem('buddy: block order too large', where);
    if (unit % unitsIn(order) !== 0) return problem('buddy: block not aligned to its size', where);
    if (f.unitCount - unit < unitsIn(order))
      return problem('buddy: block runs past the arena', where);
    const requested = e >>> BUDDY_REQ_SHIFT;
    if (blockState === BUDDY_STATE_USED && (requested === 0 || requested > blockSize(order)))
      return problem('buddy: requested size does not fit the block', where);
    if (blockState === BUDDY_STATE_FREE) {
      if (requested !== 0) return problem('buddy: free block records a requested size', where);
      const buddy =
        Math.floor(unit / unitsIn(order)) % 2 === 0 ? unit + unitsIn(order) : unit - unitsIn(order);
      const hasBuddy = !(order >= f.maxOrder || buddy > f.unitCount - unitsIn(order));
      if (hasBuddy && entry(buddy) === e) return problem('buddy: free buddies not merged', where);
      freeCount[order]!++;
    }
    const nextHead = unit + unitsIn(order);
    for (let inner = unit + 1; inner < nextHead; inner++) {
      if (entry(inner) !== 0)
        return problem('buddy: table entry inside a block is not 0', unitAddress(inner));
    }
    unit = nextHead;
  }

  // each free list holds exactly the free blocks of its order, with symmetric links
  for (let order = 0; order < BUDDY_MAX_ORDERS; order++) {
    let previous = 0;
    let node = m.u64(self + BuddyState.freeHeads + 8 * order);
    let seen = 0;
    while (node !== 0) {
      if (seen === freeCount[order])
        return problem('buddy: free list longer than its free blocks (or a cycle)', node);
      if (
        node < f.arenaStart ||
        node - f.arenaStart >= f.arenaSize ||
        (node - f.arenaStart) % blockSize(order) !== 0
      )
        return problem('buddy: free list points outside the arena or off a block boundary', node);
      if (entry((node - f.arenaStart) / BUDDY_MIN_BLOCK) !== freeEntry(order))
        return problem('buddy: free list holds a block that is not free of this order', node);
      if (m.u64(node + FreeLinks.prev) !== previous)
        return problem('buddy: free list back link broken', node);
      previous = node;
      node = m.u64(node + FreeLinks.next);
      seen++;
    }
    if (seen !== freeCount[order])
      return problem('buddy: free block missing from its free list', self);
  }
  return passed;
}
