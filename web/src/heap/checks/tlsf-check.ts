// SPDX-License-Identifier: GPL-2.0-or-later
/** tlsf_check() of firmware/alloc/tlsf.c: physical walk, bitmaps against heads, the lists. */
import {
  FreeLinks,
  TLSF_FL_COUNT,
  TLSF_FREE,
  TLSF_MAGIC,
  TLSF_PREV_FREE,
  TLSF_SL_COUNT,
  TlsfBlock,
  TlsfState,
} from '../abi';
import { tlsfClassOf } from '../decoders/tlsf';
import type { GuestMemory } from '../guest-memory';
import { type CheckResult, passed, problem } from './check-result';

const HEADER = 16;
const MIN_BLOCK = 32;
const U32_MAX = 0xffffffff;

/** The order-independent fingerprint of tlsf.c (splitmix64 finaliser), mod 2^64. */
function fingerprint(block: number): bigint {
  let z = BigInt.asUintN(64, BigInt(block) * 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  return z ^ (z >> 31n);
}

export function checkTlsf(m: GuestMemory, self: number): CheckResult {
  if (m.u32(self + TlsfState.magic) !== TLSF_MAGIC) return problem('tlsf: bad state magic', self);
  const heapStart = m.u64(self + TlsfState.heapStart);
  const heapEnd = m.u64(self + TlsfState.heapEnd);
  const regionSize = m.u64(self + TlsfState.regionSize);
  if (
    heapStart % 16 !== 0 ||
    heapEnd % 16 !== 0 ||
    heapStart < self + TlsfState.size ||
    heapEnd < heapStart ||
    heapEnd - heapStart < MIN_BLOCK ||
    regionSize > U32_MAX ||
    heapEnd - self > regionSize
  )
    return problem('tlsf: heap bounds in the state are inconsistent', self);

  const sizeOf = (block: number): number => (m.u32(block + TlsfBlock.sizeFlags) & ~0xf) >>> 0;
  const isFree = (block: number): boolean => (m.u32(block + TlsfBlock.sizeFlags) & TLSF_FREE) !== 0;

  // physical walk
  let prev = 0;
  let prevFree = false;
  let freeBlocks = 0;
  let freePrint = 0n;
  for (let block = heapStart; block < heapEnd; ) {
    const sizeFlags = m.u32(block + TlsfBlock.sizeFlags);
    const size = (sizeFlags & ~0xf) >>> 0;
    if ((sizeFlags & 0xc) !== 0) return problem('tlsf: unknown flag bits in a block header', block);
    if (size < MIN_BLOCK) return problem('tlsf: block smaller than the 32-byte minimum', block);
    if (size > heapEnd - block) return problem('tlsf: block runs past the heap end', block);
    if (m.u64(block + TlsfBlock.prevPhys) !== prev)
      return problem('tlsf: prev_phys does not point at the previous block', block);
    if (((sizeFlags & TLSF_PREV_FREE) !== 0) !== prevFree)
      return problem('tlsf: PREV_FREE does not match the previous block', block);
    const requested = m.u32(block + TlsfBlock.requested);
    if ((sizeFlags & TLSF_FREE) !== 0) {
      if (requested !== 0) return problem('tlsf: free block has a requested size', block);
      if (prevFree) return problem('tlsf: two adjacent free blocks (missed coalesce)', block);
      freeBlocks++;
      freePrint = BigInt.asUintN(64, freePrint + fingerprint(block));
    } else if (requested === 0 || requested > size - HEADER) {
      return problem("tlsf: used block's requested size does not fit it", block);
    }
    prev = block;
    prevFree = (sizeFlags & TLSF_FREE) !== 0;
    block += size;
  }

  // bitmaps against list heads
  const flBitmap = m.u32(self + TlsfState.flBitmap);
  const head = (fl: number, sl: number): number =>
    m.u64(self + TlsfState.heads + 8 * (fl * TLSF_SL_COUNT + sl));
  if (flBitmap >>> TLSF_FL_COUNT !== 0)
    return problem('tlsf: fl_bitmap has bits beyond the last level', self);
  for (let fl = 0; fl < TLSF_FL_COUNT; fl++) {
    const slBitmap = m.u32(self + TlsfState.slBitmap + 4 * fl);
    if (((flBitmap >>> fl) & 1) !== (slBitmap !== 0 ? 1 : 0))
      return problem('tlsf: fl_bitmap bit does not match its sl_bitmap', self);
    for (let sl = 0; sl < TLSF_SL_COUNT; sl++) {
      if (((slBitmap >>> sl) & 1) !== (head(fl, sl) !== 0 ? 1 : 0))
        return problem('tlsf: sl_bitmap bit does not match its list', head(fl, sl));
    }
  }

  // the lists
  let listed = 0;
  let listPrint = 0n;
  for (let fl = 0; fl < TLSF_FL_COUNT; fl++) {
    for (let sl = 0; sl < TLSF_SL_COUNT; sl++) {
      let listPrev = 0;
      for (let block = head(fl, sl); block !== 0; block = m.u64(block + HEADER + FreeLinks.next)) {
        if (block < heapStart || block >= heapEnd || block % 16 !== 0)
          return problem('tlsf: free list link points outside the heap', block);
        if (++listed > freeBlocks)
          return problem('tlsf: more blocks in the lists than free (cycle?)', block);
        const why = listEntryProblem(m, block, fl, sl, heapStart, heapEnd, sizeOf, isFree);
        if (why !== null) return problem(why, block);
        if (m.u64(block + HEADER + FreeLinks.prev) !== listPrev)
          return problem('tlsf: free list prev link broken', block);
        listPrint = BigInt.asUintN(64, listPrint + fingerprint(block));
        listPrev = block;
      }
    }
  }
  if (listed !== freeBlocks || listPrint !== freePrint)
    return problem('tlsf: a free block is missing from the lists', self);
  return passed;
}

/** list_entry_problem() of tlsf.c. */
function listEntryProblem(
  m: GuestMemory,
  block: number,
  fl: number,
  sl: number,
  heapStart: number,
  heapEnd: number,
  sizeOf: (b: number) => number,
  isFree: (b: number) => boolean,
): string | null {
  const size = sizeOf(block);
  if (!isFree(block)) return 'tlsf: used block in a free list';
  if (!(size >= MIN_BLOCK && size <= heapEnd - block))
    return 'tlsf: free list entry has an impossible size';
  const actual = tlsfClassOf(size);
  if (actual.fl !== fl || actual.sl !== sl)
    return 'tlsf: free block is in the wrong list for its size';
  const prev = m.u64(block + TlsfBlock.prevPhys);
  const notABlock =
    block === heapStart
      ? prev !== 0
      : prev < heapStart || prev >= block || prev % 16 !== 0 || prev + sizeOf(prev) !== block;
  if (notABlock) return 'tlsf: free list entry is not a block (prev_phys)';
  const next = block + size;
  if (next < heapEnd && m.u64(next + TlsfBlock.prevPhys) !== block)
    return 'tlsf: free list entry is not a block (next prev_phys)';
  return null;
}
