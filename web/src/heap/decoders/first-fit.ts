// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * First-fit (firmware/alloc/first_fit.c): blocks tile [heap_start, heap_end)
 * with 16-byte headers; free blocks sit on one address-ordered list whose
 * links are the first 16 bytes of their payload. The block walk copies
 * ff_walk() (it stops at the first impossible size, as the kernel does) and
 * the findings copy ff_check().
 */
import {
  BLOCK_HEADER_SIZE,
  FF_MAGIC,
  FF_USED,
  FfBlock,
  FfState,
  GRANULE,
  MIN_LINKED_BLOCK,
} from '../abi';
import { type DecodeContext, followFreeList, hex } from '../decode-context';
import type { FirstFitExtras } from '../model';
import type { KindDecoding } from './kind-decoding';

const U32_MAX = 0xffffffff;

export function decodeFirstFit(ctx: DecodeContext): KindDecoding {
  const { memory: m, stateAddress: state } = ctx;
  if (!ctx.inRegion(state, FfState.size)) {
    ctx.error('first-fit: state struct is outside the heap region', state);
    return { extras: null, largestFree: 0, regionSize: 0 };
  }
  const regionSize = m.u64(state + FfState.regionSize);
  if (m.u32(state + FfState.magic) !== FF_MAGIC) {
    ctx.error('first-fit: bad state magic', state);
    return { extras: null, largestFree: 0, regionSize };
  }
  const heapStart = m.u64(state + FfState.heapStart);
  const heapEnd = m.u64(state + FfState.heapEnd);
  const freeHead = m.u64(state + FfState.freeHead);
  if (
    heapStart % GRANULE !== 0 ||
    heapEnd % GRANULE !== 0 ||
    heapStart < state + FfState.size ||
    heapEnd < heapStart + MIN_LINKED_BLOCK ||
    regionSize > U32_MAX ||
    heapEnd - state > regionSize ||
    !ctx.inRegion(heapStart, heapEnd - heapStart)
  ) {
    ctx.error('first-fit: heap bounds in the state are inconsistent', state);
    return { extras: null, largestFree: 0, regionSize };
  }

  let prevSize = 0;
  let prevFree = false;
  let largestSpan = 0;
  let freeBlocks = 0;
  for (let block = heapStart; block < heapEnd; ) {
    const low = m.u32(block + FfBlock.sizeFlags);
    const size = sizeOf(m.u32(block + 4), low);
    if (size < MIN_LINKED_BLOCK) {
      ctx.error('first-fit: block smaller than the 32-byte minimum', block);
      break;
    }
    if (size > heapEnd - block) {
      ctx.error('first-fit: block runs past the heap end', block);
      break;
    }
    if ((low & 0xf & ~FF_USED) !== 0)
      ctx.error('first-fit: unknown flag bits in a block header', block);
    const recordedPrev = m.u32(block + FfBlock.prevSize);
    if (recordedPrev !== prevSize)
      ctx.error('first-fit: prev_size does not match the previous block', block);
    const used = (low & FF_USED) !== 0;
    const requested = m.u32(block + FfBlock.requested);
    if (used) {
      if (requested === 0 || requested > size - BLOCK_HEADER_SIZE)
        ctx.error("first-fit: used block's requested size does not fit it", block);
    } else {
      if (requested !== 0) ctx.error('first-fit: free block has a requested size', block);
      if (prevFree) ctx.error('first-fit: two adjacent free blocks (missed coalesce)', block);
      freeBlocks++;
      largestSpan = Math.max(largestSpan, size);
    }
    const added = ctx.addBlock({
      start: block,
      span: size,
      payload: block + BLOCK_HEADER_SIZE,
      usable: size - BLOCK_HEADER_SIZE,
      requested: used ? requested : 0,
      status: used ? 'used' : 'free',
      metaAddress: block,
      metaLength: BLOCK_HEADER_SIZE,
    });
    if (!added) break;
    prevSize = size;
    prevFree = !used;
    block += size;
  }

  const freeList = followFreeList(ctx, {
    label: 'first-fit free list',
    head: freeHead,
    linkOffset: BLOCK_HEADER_SIZE,
    maxSteps: freeBlocks,
    nodeProblem: (address) => {
      if (
        !ctx.inRegion(address, BLOCK_HEADER_SIZE + 16) ||
        address < heapStart ||
        address >= heapEnd
      )
        return `link ${hex(address)} points outside the heap`;
      const index = ctx.blockIndexAt(address);
      if (index < 0) return `entry ${hex(address)} is not a block`;
      if (ctx.blocks[index]!.status !== 'free') return `entry ${hex(address)} is not a free block`;
      return null;
    },
  });
  checkListOrder(
    ctx,
    freeList.nodes.map((n) => n.address),
  );
  if (freeList.complete) {
    const listed = new Set(freeList.nodes.map((n) => n.address));
    for (const b of ctx.blocks) {
      if (b.status === 'free' && !listed.has(b.start)) {
        ctx.error('first-fit: free block missing from the free list', b.start);
        break;
      }
    }
  }

  const extras: FirstFitExtras = { kind: 'first-fit', heapStart, heapEnd, freeList };
  // A request of exactly the usable bytes of the largest free block fits it.
  return {
    extras,
    largestFree: largestSpan !== 0 ? largestSpan - BLOCK_HEADER_SIZE : 0,
    regionSize,
    area: { start: heapStart, end: heapEnd },
  };
}

function sizeOf(high: number, low: number): number {
  return high * 4294967296 + ((low & ~0xf) >>> 0);
}

function checkListOrder(ctx: DecodeContext, addresses: number[]): void {
  for (let i = 1; i < addresses.length; i++) {
    if (addresses[i]! <= addresses[i - 1]!) {
      ctx.error('first-fit: free list not in address order', addresses[i - 1]);
      return;
    }
  }
}
