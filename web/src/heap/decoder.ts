// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The heap decoder: raw guest memory in, a model of the heap out. It follows
 * the image header to the heap descriptor, checks that the descriptor is
 * consistent (even generation, unchanged across the read), and hands the
 * allocator's state to the decoder for its kind. It never parses terminal
 * text and never throws: any failure becomes a finding.
 */
import { Descriptor, HeapKind, KIND_NAMES } from './abi';
import { decodeBlockRefs } from './block-refs-decoder';
import { type CheckResult, kernelCheck } from './checks';
import { DecodeContext, hex } from './decode-context';
import { locateDescriptor } from './descriptor-locator';
import { decodeBuddy } from './decoders/buddy';
import { decodeBump } from './decoders/bump';
import { decodeFirstFit } from './decoders/first-fit';
import { decodeMm } from './decoders/mm';
import type { KindDecoding } from './decoders/kind-decoding';
import { decodePage } from './decoders/page';
import { decodeTlsf } from './decoders/tlsf';
import { type GuestMemory, MemoryRangeError } from './guest-memory';
import type { DecodeResult, Finding, HeapBlock, HeapTotals } from './model';

export interface DecodeOptions {
  /** where the image header is (default: load address + 0x10) */
  imageHeaderAddress?: number;
}

const KIND_DECODERS: Readonly<Record<number, (ctx: DecodeContext) => KindDecoding>> = {
  [HeapKind.FirstFit]: decodeFirstFit,
  [HeapKind.Buddy]: decodeBuddy,
  [HeapKind.Page]: decodePage,
  [HeapKind.Bump]: decodeBump,
  [HeapKind.Tlsf]: decodeTlsf,
  [HeapKind.Mm]: decodeMm,
};

export function decodeHeap(memory: GuestMemory, options: DecodeOptions = {}): DecodeResult {
  try {
    return decodeUnchecked(memory, options);
  } catch (error) {
    // Every read is range-checked, so this is a decoder bug or a read the
    // checks missed; either way the picture cannot be trusted.
    const message =
      error instanceof MemoryRangeError
        ? `decoder read outside guest memory at ${hex(error.address)}`
        : `decoder failed: ${error instanceof Error ? error.message : String(error)}`;
    return { status: 'invalid', findings: [{ severity: 'error', message }] };
  }
}

function invalid(message: string, address?: number): DecodeResult {
  const finding: Finding = { severity: 'error', message };
  if (address !== undefined) finding.address = address;
  return { status: 'invalid', findings: [finding] };
}

function decodeUnchecked(memory: GuestMemory, options: DecodeOptions): DecodeResult {
  const location = locateDescriptor(memory, options.imageHeaderAddress);
  if (!location.ok) return invalid(location.message, location.address);
  const d = location.address;

  const generation = memory.u32(d + Descriptor.generation);
  if (generation % 2 !== 0)
    return { status: 'busy', generation, message: 'heap is being modified' };

  const kind = memory.u32(d + Descriptor.kind);
  const regionStart = memory.u64(d + Descriptor.regionStart);
  const regionEnd = memory.u64(d + Descriptor.regionEnd);
  const stateAddress = memory.u64(d + Descriptor.heapState);
  const commands = memory.u64(d + Descriptor.commands);
  const heapInits = memory.u32(d + Descriptor.heapInits);
  const abiVersion = memory.u32(d + Descriptor.abiVersion);
  const decodeKind = KIND_DECODERS[kind];
  if (decodeKind === undefined) return invalid(`unknown allocator kind ${kind}`, d);
  if (!(regionStart < regionEnd) || !memory.contains(regionStart, regionEnd - regionStart))
    return invalid('heap region in the descriptor is outside guest memory', d);

  const ctx = new DecodeContext(memory, regionStart, regionEnd, stateAddress);
  const decoded = decodeKind(ctx);
  const check = kernelCheck(memory, kind, stateAddress);
  const blockRefs = decodeBlockRefs(memory, d, abiVersion);

  // The kernel was not running during the read if the generation still matches.
  const after = memory.u32(d + Descriptor.generation);
  if (after !== generation)
    return { status: 'busy', generation: after, message: 'heap changed while it was read' };

  return {
    status: 'ok',
    model: {
      abiVersion,
      generation,
      commands,
      heapInits,
      kind,
      kindName: KIND_NAMES[kind] ?? `kind ${kind}`,
      regionStart,
      regionEnd,
      stateAddress,
      totals: totalsOf(ctx.blocks, decoded.regionSize, decoded.largestFree),
      area: decoded.area ?? null,
      blocks: ctx.blocks,
      metaBytes: ctx.metaBytes(),
      extras: decoded.extras,
      findings: withCheckFirst(ctx.findings, check),
      check,
      ...(blockRefs === undefined ? {} : { blockRefs }),
    },
  };
}

/** The kernel's verdict leads the findings (once), so the panel's first line is what `check` says. */
function withCheckFirst(findings: Finding[], check: CheckResult): Finding[] {
  if (check.ok) return findings;
  const rest = findings.filter((f) => !(f.message === check.problem && f.address === check.where));
  return [{ severity: 'error', message: check.problem, address: check.where }, ...rest];
}

/** stats() as every allocator computes it: sums over the walk, allocator-specific largest_free. */
export function totalsOf(
  blocks: readonly HeapBlock[],
  regionSize: number,
  largestFree: number,
): HeapTotals {
  let usedBytes = 0;
  let requestedBytes = 0;
  let freeBytes = 0;
  let usedBlocks = 0;
  let freeBlocks = 0;
  for (const b of blocks) {
    if (b.status === 'used') {
      usedBytes += b.span;
      requestedBytes += b.requested;
      usedBlocks++;
    } else {
      freeBytes += b.span;
      freeBlocks++;
    }
  }
  const fragmentation = freeBytes > 0 ? Math.min(1, Math.max(0, 1 - largestFree / freeBytes)) : 0;
  return {
    regionSize,
    usedBytes,
    requestedBytes,
    freeBytes,
    overheadBytes: regionSize - usedBytes - freeBytes,
    largestFree,
    usedBlocks,
    freeBlocks,
    fragmentation,
  };
}
