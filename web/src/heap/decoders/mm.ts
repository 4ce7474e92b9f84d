// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The student allocator (firmware/malloclab/mm_allocator.c): the kernel never
 * trusts a student's mm.c, so the picture comes from the kernel's own table of
 * live blocks (struct apg_mm_state in kernel memory), exactly as its walk
 * reports them: live blocks USED, the gaps between them FREE, the gap up to
 * the break FREE, and the space above the break (what mem_sbrk can still
 * give) as an untouched tail. The student's own data structures are read only
 * by the optional boundary-tag walks (mm-boundary-tags.ts).
 */
import { MM_MAGIC, MmBlock, MmState } from '../abi';
import type { DecodeContext } from '../decode-context';
import type { MmExtras } from '../model';
import type { KindDecoding } from './kind-decoding';
import { boundaryTagWalks, type LiveBlock } from './mm-boundary-tags';

export function decodeMm(ctx: DecodeContext): KindDecoding {
  const { memory: m, stateAddress: state } = ctx;
  const none: KindDecoding = { extras: null, largestFree: 0, regionSize: 0 };
  if (!m.contains(state, MmState.size)) {
    ctx.error('mm: the kernel table state is outside guest memory', state);
    return none;
  }
  if (m.u32(state + MmState.magic) !== MM_MAGIC) {
    ctx.error('bad magic in the mm state', state);
    return none;
  }
  const capacity = m.u32(state + MmState.capacity);
  const count = m.u32(state + MmState.count);
  const heapLo = m.u64(state + MmState.heapLo);
  const brk = m.u64(state + MmState.brk);
  const limit = m.u64(state + MmState.limit);
  const table = m.u64(state + MmState.table);
  const regionSize = limit - heapLo;
  if (!(heapLo <= brk && brk <= limit) || !ctx.inRegion(heapLo, limit - heapLo)) {
    ctx.error('mm: the break is outside [mem_heap_lo, limit] or the heap outside the region', brk);
    return none;
  }
  if (count > capacity || !m.contains(table, count * MmBlock.size)) {
    ctx.error('mm: the kernel table is outside guest memory or over capacity', table);
    return none;
  }

  const live: LiveBlock[] = [];
  let at = heapLo;
  let largestFree = 0;
  const gap = (start: number, end: number, role?: 'tail'): boolean => {
    largestFree = Math.max(largestFree, end - start);
    return ctx.addBlock({
      start,
      span: end - start,
      payload: start,
      usable: end - start,
      requested: 0,
      status: 'free',
      metaAddress: start,
      metaLength: 0,
      ...(role !== undefined ? { role } : {}),
    });
  };
  for (let i = 0; i < count; i++) {
    const entry = table + i * MmBlock.size;
    const address = m.u64(entry + MmBlock.address);
    const requested = m.u64(entry + MmBlock.requested);
    if (address < at || address >= brk || requested > brk - address) {
      // mm_checked_check() says the same and stops there
      ctx.error("the kernel's table of mm blocks is damaged (overlap or out of heap)", address);
      break;
    }
    if (address > at && !gap(at, address)) break;
    const added = ctx.addBlock({
      start: address,
      span: requested,
      payload: address,
      usable: requested,
      requested,
      status: 'used',
      metaAddress: entry,
      metaLength: MmBlock.size,
    });
    if (!added) break;
    live.push({ address, requested });
    at = address + requested;
  }
  if (brk > at) gap(at, brk);
  if (limit > Math.max(at, brk)) gap(Math.max(at, brk), limit, 'tail');

  const extras: MmExtras = {
    kind: 'mm',
    heapLo,
    brk,
    limit,
    ready: m.u32(state + MmState.ready) === 1,
    capacity,
    liveBlocks: count,
    walks: boundaryTagWalks(m, heapLo, brk, live),
  };
  return { extras, largestFree, regionSize };
}
