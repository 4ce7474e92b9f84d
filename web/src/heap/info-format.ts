// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The kernel's `info` text (cmd_info() in firmware/kernel/cmd_heap.c), made
 * from a decoded model. Equal text on the same memory is the conformance
 * link between decoder and kernel. Lines end with "\n"; the UART turns them
 * into CR LF.
 */
import type { HeapModel } from './model';

const TWO_POW_64 = 1n << 64n;

/** %zu of a size_t: a negative difference wraps around as it does in C. */
function sizeT(value: number): string {
  return value >= 0 ? String(value) : String(TWO_POW_64 + BigInt(value));
}

const plural = (n: number): string => (n === 1 ? '' : 's');

export function formatInfo(model: HeapModel): string {
  const t = model.totals;
  const lines = [
    `heap: ${model.kindName}, 0x${model.regionStart.toString(16)}-0x${model.regionEnd.toString(16)}, ${sizeT(t.regionSize)} bytes`,
    `used: ${t.usedBlocks} block${plural(t.usedBlocks)}, ${t.usedBytes} bytes (${t.requestedBytes} requested); ` +
      `free: ${t.freeBlocks} block${plural(t.freeBlocks)}, ${t.freeBytes} bytes, largest ${t.largestFree}; ` +
      `overhead ${sizeT(t.overheadBytes)} bytes`,
  ];
  model.blocks.forEach((b, index) => {
    const size = b.status === 'used' ? b.requested : b.usable;
    lines.push(
      `Block ${index}: Address=0x${b.payload.toString(16)}, Size=${size}, Status=${b.status === 'used' ? 'USED' : 'FREE'}`,
    );
  });
  const extras = model.extras;
  if (extras?.kind === 'mm') {
    // mm_adapter_describe() in firmware/malloclab/mm_allocator.c
    lines.push(
      `break: 0x${extras.brk.toString(16)} (mem_heapsize ${extras.brk - extras.heapLo} bytes; mem_sbrk can give ${extras.limit - extras.brk} more)${extras.ready ? '' : '; mm_init failed'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The kernel's `check` line (cmd_check() in firmware/kernel/cmd_heap.c). */
export function formatCheck(model: HeapModel): string {
  if (!model.check.ok)
    return `check: FAILED: ${model.check.problem} at 0x${model.check.where.toString(16)}\n`;
  return `check: OK (${model.totals.usedBlocks} used, ${model.totals.freeBlocks} free blocks)\n`;
}
