// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * TLSF (firmware/alloc/tlsf.c): blocks tile the heap like first-fit but the
 * header holds the previous block's address; free blocks sit in segregated
 * lists (fl, sl) flagged by two levels of bitmaps. The walk copies
 * tlsf_walk(), largest_free copies largest_request(), the findings copy
 * tlsf_check().
 */
import {
  BLOCK_HEADER_SIZE,
  GRANULE,
  MIN_LINKED_BLOCK,
  TLSF_ALIGN_LOG2,
  TLSF_FL_COUNT,
  TLSF_FL_SHIFT,
  TLSF_FREE,
  TLSF_MAGIC,
  TLSF_PREV_FREE,
  TLSF_SL_COUNT,
  TLSF_SL_LOG2,
  TlsfBlock,
  TlsfState,
} from '../abi';
import { type DecodeContext, followFreeList, hex } from '../decode-context';
import type { TlsfBin, TlsfExtras } from '../model';
import type { KindDecoding } from './kind-decoding';

const SMALL_LIMIT = 1 << TLSF_FL_SHIFT; // 256
const U32_MAX = 0xffffffff;

/** The (fl, sl) list a free block of `size` bytes belongs to (class_of() in tlsf.c). */
export function tlsfClassOf(size: number): { fl: number; sl: number } {
  if (size < SMALL_LIMIT) return { fl: 0, sl: Math.floor(size / 2 ** TLSF_ALIGN_LOG2) };
  const log2 = 31 - Math.clz32(size); // sizes are 32-bit header fields
  return {
    fl: log2 - TLSF_FL_SHIFT + 1,
    sl: Math.floor(size / 2 ** (log2 - TLSF_SL_LOG2)) - TLSF_SL_COUNT,
  };
}

/** Smallest and largest size of class (fl, sl). */
export function tlsfClassRange(fl: number, sl: number): { minSize: number; maxSize: number } {
  if (fl === 0) return { minSize: sl * GRANULE, maxSize: sl * GRANULE + GRANULE - 1 };
  const log2 = fl + TLSF_FL_SHIFT - 1;
  const step = 2 ** (log2 - TLSF_SL_LOG2);
  const minSize = 2 ** log2 + sl * step;
  return { minSize, maxSize: minSize + step - 1 };
}

const highestBit = (x: number): number => 31 - Math.clz32(x);

export function decodeTlsf(ctx: DecodeContext): KindDecoding {
  const { memory: m, stateAddress: state } = ctx;
  if (!ctx.inRegion(state, TlsfState.size)) {
    ctx.error('tlsf: state struct is outside the heap region', state);
    return { extras: null, largestFree: 0, regionSize: 0 };
  }
  const regionSize = m.u64(state + TlsfState.regionSize);
  const none: KindDecoding = { extras: null, largestFree: 0, regionSize };
  if (m.u32(state + TlsfState.magic) !== TLSF_MAGIC) {
    ctx.error('tlsf: bad state magic', state);
    return none;
  }
  const heapStart = m.u64(state + TlsfState.heapStart);
  const heapEnd = m.u64(state + TlsfState.heapEnd);
  const flBitmap = m.u32(state + TlsfState.flBitmap);
  const slBitmaps = Array.from({ length: TLSF_FL_COUNT }, (_, fl) =>
    m.u32(state + TlsfState.slBitmap + 4 * fl),
  );
  const headAt = (fl: number, sl: number): number =>
    m.u64(state + TlsfState.heads + 8 * (fl * TLSF_SL_COUNT + sl));
  if (
    heapStart % GRANULE !== 0 ||
    heapEnd % GRANULE !== 0 ||
    heapStart < state + TlsfState.size ||
    heapEnd < heapStart + MIN_LINKED_BLOCK ||
    regionSize > U32_MAX ||
    heapEnd - state > regionSize ||
    !ctx.inRegion(heapStart, heapEnd - heapStart)
  ) {
    ctx.error('tlsf: heap bounds in the state are inconsistent', state);
    return none;
  }

  // Physical walk.
  let prev = 0;
  let prevFree = false;
  let freeBlocks = 0;
  for (let block = heapStart; block < heapEnd; ) {
    const sizeFlags = m.u32(block + TlsfBlock.sizeFlags);
    const size = (sizeFlags & ~0xf) >>> 0;
    if (size < MIN_LINKED_BLOCK) {
      ctx.error('tlsf: block smaller than the 32-byte minimum', block);
      break;
    }
    if (size > heapEnd - block) {
      ctx.error('tlsf: block runs past the heap end', block);
      break;
    }
    if ((sizeFlags & 0xc) !== 0) ctx.error('tlsf: unknown flag bits in a block header', block);
    if (m.u64(block + TlsfBlock.prevPhys) !== prev)
      ctx.error('tlsf: prev_phys does not point at the previous block', block);
    if (((sizeFlags & TLSF_PREV_FREE) !== 0) !== prevFree)
      ctx.error('tlsf: PREV_FREE does not match the previous block', block);
    const free = (sizeFlags & TLSF_FREE) !== 0;
    const requested = m.u32(block + TlsfBlock.requested);
    if (free) {
      if (requested !== 0) ctx.error('tlsf: free block has a requested size', block);
      if (prevFree) ctx.error('tlsf: two adjacent free blocks (missed coalesce)', block);
      freeBlocks++;
    } else if (requested === 0 || requested > size - BLOCK_HEADER_SIZE) {
      ctx.error("tlsf: used block's requested size does not fit it", block);
    }
    const added = ctx.addBlock({
      start: block,
      span: size,
      payload: block + BLOCK_HEADER_SIZE,
      usable: size - BLOCK_HEADER_SIZE,
      requested: free ? 0 : requested,
      status: free ? 'free' : 'used',
      metaAddress: block,
      metaLength: BLOCK_HEADER_SIZE,
    });
    if (!added) break;
    prev = block;
    prevFree = free;
    block += size;
  }

  // Bitmaps against list heads.
  if (flBitmap >>> TLSF_FL_COUNT !== 0)
    ctx.error('tlsf: fl_bitmap has bits beyond the last level', state);
  const bins: TlsfBin[] = [];
  let listed = 0;
  const listedSet = new Set<number>();
  for (let fl = 0; fl < TLSF_FL_COUNT; fl++) {
    const slMap = slBitmaps[fl]!;
    if (((flBitmap >>> fl) & 1) !== (slMap !== 0 ? 1 : 0))
      ctx.error(`tlsf: fl_bitmap bit ${fl} does not match its sl_bitmap`, state);
    for (let sl = 0; sl < TLSF_SL_COUNT; sl++) {
      const head = headAt(fl, sl);
      const bit = (slMap >>> sl) & 1;
      if (bit !== (head !== 0 ? 1 : 0))
        ctx.error(`tlsf: sl_bitmap bit (${fl}, ${sl}) does not match its list`, head || state);
      if (head === 0 && bit === 0) continue;
      const list = followFreeList(ctx, {
        label: `tlsf list (${fl}, ${sl})`,
        head,
        linkOffset: BLOCK_HEADER_SIZE,
        maxSteps: Math.max(0, freeBlocks - listed),
        nodeProblem: (address) => {
          if (
            address < heapStart ||
            address >= heapEnd ||
            address % GRANULE !== 0 ||
            !ctx.inRegion(address, 32)
          )
            return `link ${hex(address)} points outside the heap`;
          const index = ctx.blockIndexAt(address);
          if (index < 0) return `entry ${hex(address)} is not a block`;
          const block = ctx.blocks[index]!;
          if (block.status !== 'free') return `used block ${hex(address)} in a free list`;
          const c = tlsfClassOf(block.span);
          if (c.fl !== fl || c.sl !== sl)
            return `free block ${hex(address)} is in the wrong list for its size`;
          return null;
        },
      });
      listed += list.nodes.length;
      for (const node of list.nodes) listedSet.add(node.address);
      bins.push({ fl, sl, ...tlsfClassRange(fl, sl), list });
    }
  }
  if (listedSet.size !== freeBlocks)
    ctx.error('tlsf: a free block is missing from the lists', state);

  const extras: TlsfExtras = { kind: 'tlsf', heapStart, heapEnd, flBitmap, slBitmaps, bins };
  return {
    extras,
    largestFree: largestRequest(ctx, flBitmap, slBitmaps, headAt, heapStart, heapEnd),
    regionSize,
    area: { start: heapStart, end: heapEnd },
  };
}

/** largest_request() in tlsf.c: the usable size of the head of the highest non-empty class. */
function largestRequest(
  ctx: DecodeContext,
  flBitmap: number,
  slBitmaps: number[],
  headAt: (fl: number, sl: number) => number,
  heapStart: number,
  heapEnd: number,
): number {
  const flMap = flBitmap & ((1 << TLSF_FL_COUNT) - 1);
  if (flMap === 0) return 0;
  const fl = highestBit(flMap);
  const slMap = slBitmaps[fl]! & ((1 << TLSF_SL_COUNT) - 1);
  if (slMap === 0) return 0;
  const head = headAt(fl, highestBit(slMap));
  if (head < heapStart || head >= heapEnd || head % GRANULE !== 0 || !ctx.inRegion(head, 16))
    return 0;
  const size = (ctx.memory.u32(head + TlsfBlock.sizeFlags) & ~0xf) >>> 0;
  return size > BLOCK_HEADER_SIZE ? size - BLOCK_HEADER_SIZE : 0;
}
