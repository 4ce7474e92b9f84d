// SPDX-License-Identifier: GPL-2.0-or-later
/** bump_check() of firmware/alloc/bump.c. */
import { BUMP_LIVE, BUMP_MAGIC, BumpBlock, BumpState } from '../abi';
import type { GuestMemory } from '../guest-memory';
import { type CheckResult, passed, problem } from './check-result';

const HEADER = 16;
const MIN_SPAN = 32;
const MAX_PAYLOAD_OFFSET = 4096;

export function checkBump(m: GuestMemory, self: number): CheckResult {
  if (m.u32(self + BumpState.magic) !== BUMP_MAGIC)
    return problem('bump: bad magic in bump state', self);
  const liveBlocks = m.u32(self + BumpState.liveBlocks);
  const start = m.u64(self + BumpState.start);
  const next = m.u64(self + BumpState.next);
  const end = m.u64(self + BumpState.end);
  const total = m.u64(self + BumpState.totalAllocations);
  const regionSize = m.u64(self + BumpState.regionSize);
  if (start !== self + BumpState.size)
    return problem('bump: start is not right after the state', self);
  if (start > next || next > end) return problem('bump: bump pointer outside [start, end]', next);
  if (next % 16 !== 0 || end % 16 !== 0)
    return problem('bump: next or end not 16-byte aligned', self);
  if (end - self > regionSize) return problem('bump: end beyond the region', end);
  if (liveBlocks === 0 && next !== start)
    return problem('bump: no live block but the arena did not rewind', next);
  if (total < liveBlocks) return problem('bump: more live blocks than allocations', self);

  let live = 0;
  for (let header = start; header < next; ) {
    const span = m.u32(header + BumpBlock.span);
    const flags = m.u32(header + BumpBlock.flags);
    const payloadOffset = m.u32(header + BumpBlock.payloadOffset);
    if (span < MIN_SPAN || span % 16 !== 0)
      return problem('bump: block span not a multiple of 16 of at least 32', header);
    if (span > next - header) return problem('bump: block runs past the bump pointer', header);
    if (
      payloadOffset < HEADER ||
      payloadOffset % 16 !== 0 ||
      payloadOffset > MAX_PAYLOAD_OFFSET ||
      payloadOffset >= span
    )
      return problem('bump: bad payload offset', header);
    if ((flags & ~BUMP_LIVE) !== 0) return problem('bump: unknown block flags', header);
    if ((flags & BUMP_LIVE) !== 0) {
      const requested = m.u32(header + BumpBlock.requested);
      if (requested === 0 || requested > span - payloadOffset)
        return problem('bump: requested size does not fit the block', header);
      live++;
    }
    header += span;
  }
  if (live !== liveBlocks)
    return problem('bump: live block count does not match the headers', self);
  return passed;
}
