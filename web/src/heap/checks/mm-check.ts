// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * mm_checked_check() (firmware/malloclab/mm_checked.c): the kernel's table of
 * live blocks is in address order, without overlap, inside [mem_heap_lo,
 * break), and every payload the kernel filled still holds its pattern. (The
 * student's mm_checkheap, which the kernel also calls, only prints.)
 */
import { MM_CALLER_WRITES, MM_MAGIC, MmBlock, MmState } from '../abi';
import type { GuestMemory } from '../guest-memory';
import { type CheckResult, passed, problem } from './check-result';

const MASK64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
const MIX = 0xbf58476d1ce4e5b9n;

/** pattern_word(): a function of the block's address and the word's index. */
export function patternWord(block: bigint, index: number): bigint {
  return ((block * GOLDEN) & MASK64) ^ ((BigInt(index + 1) * MIX) & MASK64);
}

/** Offset of the first byte of the payload that differs from its pattern, or size. */
function firstDifference(m: GuestMemory, address: number, size: number): number {
  const block = BigInt(address);
  const words = Math.floor(size / 8);
  let k = 0;
  while (k < words && m.bigU64(address + 8 * k) === patternWord(block, k)) k++;
  for (let i = k * 8; i < size; i++) {
    const expected = Number((patternWord(block, Math.floor(i / 8)) >> BigInt(8 * (i % 8))) & 0xffn);
    if (m.u8(address + i) !== expected) return i;
  }
  return size;
}

export function checkMm(m: GuestMemory, state: number): CheckResult {
  if (m.u32(state + MmState.magic) !== MM_MAGIC) return problem('bad magic in the mm state', state);
  const count = m.u32(state + MmState.count);
  const lo = m.u64(state + MmState.heapLo);
  const brk = m.u64(state + MmState.brk);
  const table = m.u64(state + MmState.table);
  let end = lo;
  for (let i = 0; i < count; i++) {
    const entry = table + i * MmBlock.size;
    const address = m.u64(entry + MmBlock.address);
    const requested = m.u64(entry + MmBlock.requested);
    if (address < end || address >= brk || requested > brk - address)
      return problem(
        "the kernel's table of mm blocks is damaged (overlap or out of heap)",
        address,
      );
    end = address + requested;
    if ((m.u32(entry + MmBlock.flags) & MM_CALLER_WRITES) === 0) {
      const at = firstDifference(m, address, requested);
      if (at !== requested)
        return problem('payload of a live mm block changed (mm code wrote into it)', address + at);
    }
  }
  return passed;
}
