// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Bump (firmware/alloc/bump.c): headers laid one after another from start to
 * the bump pointer; freed blocks stay in place, marked dead, until every
 * block is dead and the arena rewinds. The walk copies bump_walk(): live
 * blocks USED, dead ones FREE with their old geometry, then the untouched
 * tail [next, end) as one FREE block. Findings copy bump_check().
 */
import { BLOCK_HEADER_SIZE, BUMP_LIVE, BUMP_MAGIC, BumpBlock, BumpState, GRANULE } from '../abi';
import type { DecodeContext } from '../decode-context';
import type { BumpExtras } from '../model';
import type { KindDecoding } from './kind-decoding';

const MIN_SPAN = BLOCK_HEADER_SIZE + GRANULE;
const MAX_PAYLOAD_OFFSET = 4096;

export function decodeBump(ctx: DecodeContext): KindDecoding {
  const { memory: m, stateAddress: state } = ctx;
  if (!ctx.inRegion(state, BumpState.size)) {
    ctx.error('bump: state struct is outside the heap region', state);
    return { extras: null, largestFree: 0, regionSize: 0 };
  }
  const regionSize = m.u64(state + BumpState.regionSize);
  const none: KindDecoding = { extras: null, largestFree: 0, regionSize };
  if (m.u32(state + BumpState.magic) !== BUMP_MAGIC) {
    ctx.error('bump: bad magic in bump state', state);
    return none;
  }
  const liveBlocks = m.u32(state + BumpState.liveBlocks);
  const start = m.u64(state + BumpState.start);
  const next = m.u64(state + BumpState.next);
  const end = m.u64(state + BumpState.end);
  const totalAllocations = m.u64(state + BumpState.totalAllocations);
  if (start !== state + BumpState.size)
    ctx.error('bump: start is not right after the state', state);
  if (!(start <= next && next <= end) || !ctx.inRegion(start, end - start)) {
    ctx.error('bump: bump pointer outside [start, end] or arena outside the region', next);
    return none;
  }
  if (next % GRANULE !== 0 || end % GRANULE !== 0)
    ctx.error('bump: next or end not 16-byte aligned', state);
  if (liveBlocks === 0 && next !== start)
    ctx.error('bump: no live block but the arena did not rewind', next);
  if (totalAllocations < liveBlocks) ctx.error('bump: more live blocks than allocations', state);

  let live = 0;
  let dead = 0;
  let header = start;
  while (header < next) {
    const span = m.u32(header + BumpBlock.span);
    const flags = m.u32(header + BumpBlock.flags);
    const payloadOffset = m.u32(header + BumpBlock.payloadOffset);
    const requested = m.u32(header + BumpBlock.requested);
    // header_is_sane(): the walk stops at the first header that is not
    if (span < MIN_SPAN || span % GRANULE !== 0) {
      ctx.error('bump: block span not a multiple of 16 of at least 32', header);
      break;
    }
    if (span > next - header) {
      ctx.error('bump: block runs past the bump pointer', header);
      break;
    }
    if (
      payloadOffset < BLOCK_HEADER_SIZE ||
      payloadOffset % GRANULE !== 0 ||
      payloadOffset >= span
    ) {
      ctx.error('bump: bad payload offset', header);
      break;
    }
    if (payloadOffset > MAX_PAYLOAD_OFFSET) ctx.error('bump: bad payload offset', header);
    if ((flags & ~BUMP_LIVE) !== 0) ctx.error('bump: unknown block flags', header);
    const isLive = (flags & BUMP_LIVE) !== 0;
    if (isLive) {
      if (requested === 0 || requested > span - payloadOffset)
        ctx.error('bump: requested size does not fit the block', header);
      live++;
    } else {
      dead++;
    }
    const added = ctx.addBlock({
      start: header,
      span,
      payload: header + payloadOffset,
      usable: span - payloadOffset,
      requested: isLive ? requested : 0,
      status: isLive ? 'used' : 'free',
      metaAddress: header,
      metaLength: BLOCK_HEADER_SIZE,
      ...(isLive ? {} : { role: 'dead' as const }),
    });
    if (!added) break;
    header += span;
  }
  const walkReachedNext = header === next;
  if (walkReachedNext && live !== liveBlocks)
    ctx.error('bump: live block count does not match the headers', state);
  const tail = end - next;
  const tailCapacity = tail > BLOCK_HEADER_SIZE ? tail - BLOCK_HEADER_SIZE : 0;
  // bump_walk() reports the tail only when the headers lead exactly to next
  if (walkReachedNext && tail > 0) {
    ctx.addBlock({
      start: next,
      span: tail,
      payload: next,
      usable: tailCapacity,
      requested: 0,
      status: 'free',
      metaAddress: next,
      metaLength: 0,
      role: 'tail',
    });
  }

  const extras: BumpExtras = {
    kind: 'bump',
    start,
    next,
    end,
    liveBlocks,
    totalAllocations,
    deadBlocks: dead,
  };
  return { extras, largestFree: tailCapacity, regionSize, area: { start, end } };
}
