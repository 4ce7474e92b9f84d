// SPDX-License-Identifier: GPL-2.0-or-later
/** ff_check() of firmware/alloc/first_fit.c. */
import { FF_MAGIC, FF_USED, FfBlock, FfState, FreeLinks } from '../abi';
import type { GuestMemory } from '../guest-memory';
import { type CheckResult, passed, problem } from './check-result';

const HEADER = 16;
const MIN_BLOCK = 32;
const U32_MAX = 0xffffffff;

export function checkFirstFit(m: GuestMemory, state: number): CheckResult {
  if (m.u32(state + FfState.magic) !== FF_MAGIC)
    return problem('first-fit: bad state magic', state);
  const heapStart = m.u64(state + FfState.heapStart);
  const heapEnd = m.u64(state + FfState.heapEnd);
  const regionSize = m.u64(state + FfState.regionSize);
  if (
    heapStart % 16 !== 0 ||
    heapEnd % 16 !== 0 ||
    heapStart < state + FfState.size ||
    heapEnd < heapStart ||
    heapEnd - heapStart < MIN_BLOCK ||
    regionSize > U32_MAX ||
    heapEnd - state > regionSize
  )
    return problem('first-fit: heap bounds in the state are inconsistent', state);

  let prevSize = 0;
  let prevFree = false;
  let listExpected = m.u64(state + FfState.freeHead);
  let listPrev = 0;
  for (let block = heapStart; block < heapEnd; ) {
    const low = m.u32(block + FfBlock.sizeFlags);
    const size = m.u32(block + 4) * 4294967296 + ((low & ~0xf) >>> 0);
    if ((low & 0xf & ~FF_USED) !== 0)
      return problem('first-fit: unknown flag bits in a block header', block);
    if (size < MIN_BLOCK)
      return problem('first-fit: block smaller than the 32-byte minimum', block);
    if (size > heapEnd - block) return problem('first-fit: block runs past the heap end', block);
    if (m.u32(block + FfBlock.prevSize) !== prevSize)
      return problem('first-fit: prev_size does not match the previous block', block);
    const requested = m.u32(block + FfBlock.requested);
    if ((low & FF_USED) !== 0) {
      if (requested === 0 || requested > size - HEADER)
        return problem("first-fit: used block's requested size does not fit it", block);
      prevFree = false;
    } else {
      if (requested !== 0) return problem('first-fit: free block has a requested size', block);
      if (prevFree) return problem('first-fit: two adjacent free blocks (missed coalesce)', block);
      if (listExpected === 0 || listExpected > block)
        return problem('first-fit: free block missing from the free list', block);
      if (listExpected < block)
        return problem('first-fit: free list entry is not a free block', listExpected);
      if (m.u64(block + HEADER + FreeLinks.prev) !== listPrev)
        return problem('first-fit: free list prev link broken', block);
      const next = m.u64(block + HEADER + FreeLinks.next);
      if (next !== 0 && next <= block)
        return problem('first-fit: free list not in address order', block);
      listPrev = block;
      listExpected = next;
      prevFree = true;
    }
    prevSize = size;
    block += size;
  }
  if (listExpected !== 0)
    return problem('first-fit: free list entry is not a free block', listExpected);
  return passed;
}
