// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The shell's `$N` table (heap ABI 4, struct apg_block_refs): which block
 * each recent command returned and what ended it. The heap delta uses it to
 * know a block that a realloc moved. Untrusted like all guest memory: a
 * table that does not fit or says nonsense is simply not used.
 */
import { BLOCK_REFS, BlockRef, BlockRefs, Descriptor, RefState } from './abi';
import type { GuestMemory } from './guest-memory';
import type { BlockRefEntry } from './model';

const STATES: Record<number, BlockRefEntry['state']> = {
  [RefState.Live]: 'live',
  [RefState.Freed]: 'freed',
  [RefState.Resized]: 'resized',
  [RefState.Released]: 'released',
};

/** The entries in use, or undefined when the kernel has no table (version 3) or it cannot be read. */
export function decodeBlockRefs(
  memory: GuestMemory,
  descriptor: number,
  abiVersion: number,
): BlockRefEntry[] | undefined {
  if (abiVersion < 4) return undefined;
  const table = memory.u64(descriptor + Descriptor.blockRefs);
  if (!memory.contains(table, BlockRefs.size)) return undefined;
  const count = memory.u64(table + BlockRefs.count);
  if (count > BLOCK_REFS) return undefined;
  const entries: BlockRefEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = table + BlockRefs.ref + i * BlockRef.size;
    const state = STATES[memory.u32(at + BlockRef.state)];
    if (state === undefined) return undefined;
    entries.push({
      command: memory.u64(at + BlockRef.command),
      address: memory.u64(at + BlockRef.address),
      endedBy: memory.u64(at + BlockRef.endedBy),
      state,
    });
  }
  return entries;
}
