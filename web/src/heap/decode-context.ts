// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * State shared by the per-allocator decoders while one snapshot is decoded:
 * the memory reader, the heap region every pointer must stay in, the blocks
 * found so far (with copies of their metadata bytes) and the findings.
 */
import type { GuestMemory } from './guest-memory';
import type { BlockStatus, Finding, FreeList, FreeListNode, HeapBlock } from './model';

/** More findings than this say nothing new; the list is cut and says so. */
export const MAX_FINDINGS = 64;
/** No 1 MiB heap has this many blocks; a corrupted descriptor could claim more. */
export const MAX_BLOCKS = 1 << 18;

export interface BlockInput {
  start: number;
  span: number;
  payload: number;
  usable: number;
  requested: number;
  status: BlockStatus;
  metaAddress: number;
  metaLength: number;
  role?: 'dead' | 'tail';
  order?: number;
}

export class DecodeContext {
  readonly findings: Finding[] = [];
  readonly blocks: HeapBlock[] = [];
  private meta = new Uint8Array(4096);
  private metaUsed = 0;
  private findingsCut = false;

  constructor(
    readonly memory: GuestMemory,
    readonly regionStart: number,
    readonly regionEnd: number,
    readonly stateAddress: number,
  ) {}

  /** Is [address, address + length) inside the heap region (and so readable)? */
  inRegion(address: number, length = 1): boolean {
    return (
      Number.isSafeInteger(address) &&
      address >= this.regionStart &&
      length >= 0 &&
      address + length <= this.regionEnd &&
      this.memory.contains(address, length)
    );
  }

  error(message: string, address?: number): void {
    this.add({ severity: 'error', message, address });
  }

  warn(message: string, address?: number): void {
    this.add({ severity: 'warning', message, address });
  }

  private add(finding: Finding): void {
    if (this.findings.length < MAX_FINDINGS) {
      this.findings.push(finding);
    } else if (!this.findingsCut) {
      this.findingsCut = true;
      this.findings.push({ severity: finding.severity, message: 'more problems not listed' });
    }
  }

  /** Appends a block; false (with a finding) once MAX_BLOCKS is reached, so walks can stop. */
  addBlock(input: BlockInput): boolean {
    if (this.blocks.length >= MAX_BLOCKS) {
      this.error(`more than ${MAX_BLOCKS} blocks: walk stopped`, input.start);
      return false;
    }
    const metaLength = this.memory.contains(input.metaAddress, input.metaLength)
      ? input.metaLength
      : 0;
    const metaOffset = this.metaUsed;
    if (metaLength > 0) {
      this.reserveMeta(metaLength);
      const offset = input.metaAddress - this.memory.base;
      this.meta.set(this.memory.bytes.subarray(offset, offset + metaLength), metaOffset);
      this.metaUsed += metaLength;
    }
    const block: HeapBlock = {
      start: input.start,
      span: input.span,
      payload: input.payload,
      usable: input.usable,
      requested: input.requested,
      status: input.status,
      metaAddress: input.metaAddress,
      metaLength,
      metaOffset,
    };
    if (input.role !== undefined) block.role = input.role;
    if (input.order !== undefined) block.order = input.order;
    this.blocks.push(block);
    return true;
  }

  private reserveMeta(extra: number): void {
    if (this.metaUsed + extra <= this.meta.length) return;
    let size = this.meta.length * 2;
    while (size < this.metaUsed + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.meta.subarray(0, this.metaUsed));
    this.meta = grown;
  }

  metaBytes(): Uint8Array {
    return this.meta.slice(0, this.metaUsed);
  }

  /** Index of the block starting at `address`, built on first use after the walk. */
  blockIndexAt(address: number): number {
    if (this.startIndex === null || this.startIndexSize !== this.blocks.length) {
      this.startIndex = new Map();
      for (const [i, b] of this.blocks.entries()) this.startIndex.set(b.start, i);
      this.startIndexSize = this.blocks.length;
    }
    return this.startIndex.get(address) ?? -1;
  }
  private startIndex: Map<number, number> | null = null;
  private startIndexSize = 0;
}

export interface ListWalk {
  label: string;
  head: number;
  /** offset of struct { next, prev } from a node's address */
  linkOffset: number;
  /** a list longer than this is reported (cycle, or entries that are not free blocks) */
  maxSteps: number;
  /** why `address` cannot be a node of this list, or null if it can (its links are then read) */
  nodeProblem: (address: number) => string | null;
}

/**
 * Follows a doubly linked free list, checking every node before reading its
 * links: bounded by maxSteps, stops at a repeat (cycle) or a bad node, and
 * reports back links that do not match.
 */
export function followFreeList(ctx: DecodeContext, walk: ListWalk): FreeList {
  const nodes: FreeListNode[] = [];
  const seen = new Set<number>();
  let previous = 0;
  let address = walk.head;
  let complete = true;
  while (address !== 0) {
    if (seen.has(address)) {
      ctx.error(`${walk.label}: cycle back to 0x${address.toString(16)}`, address);
      complete = false;
      break;
    }
    const problem = walk.nodeProblem(address);
    if (problem !== null) {
      ctx.error(`${walk.label}: ${problem}`, address);
      complete = false;
      break;
    }
    if (nodes.length >= walk.maxSteps) {
      ctx.error(`${walk.label}: longer than its free blocks (or a cycle)`, address);
      complete = false;
      break;
    }
    seen.add(address);
    const next = ctx.memory.u64(address + walk.linkOffset);
    const prev = ctx.memory.u64(address + walk.linkOffset + 8);
    if (prev !== previous) ctx.error(`${walk.label}: prev link broken`, address);
    nodes.push({ address, next, prev, blockIndex: ctx.blockIndexAt(address) });
    previous = address;
    address = next;
  }
  return { label: walk.label, head: walk.head, nodes, complete };
}

export function hex(value: number): string {
  return `0x${value.toString(16)}`;
}
