// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Page allocator (firmware/alloc/page.c): 4 KiB pages and a map with one
 * 32-bit entry per page (FREE, HEAD of a run with the requested bytes, or
 * TAIL). The walk copies page_walk(): each allocated run is one used block,
 * each maximal run of free pages one free block. Findings copy page_check().
 */
import {
  PAGE_ENTRY_SIZE,
  PAGE_FREE,
  PAGE_HEAD,
  PAGE_MAGIC,
  PAGE_REQ_SHIFT,
  PAGE_SIZE,
  PAGE_STATE_MASK,
  PAGE_TAIL,
  PageState,
} from '../abi';
import type { DecodeContext } from '../decode-context';
import type { PageExtras, PageRun } from '../model';
import type { KindDecoding } from './kind-decoding';

export function decodePage(ctx: DecodeContext): KindDecoding {
  const { memory: m, stateAddress: state } = ctx;
  if (!ctx.inRegion(state, PageState.size)) {
    ctx.error('page: state struct is outside the heap region', state);
    return { extras: null, largestFree: 0, regionSize: 0 };
  }
  const regionSize = m.u64(state + PageState.regionSize);
  const none: KindDecoding = { extras: null, largestFree: 0, regionSize };
  if (m.u32(state + PageState.magic) !== PAGE_MAGIC) {
    ctx.error('page: bad magic in page state', state);
    return none;
  }
  if (m.u32(state + PageState.pageSize) !== PAGE_SIZE)
    ctx.error('page: page size is not 4096', state);
  const pagesStart = m.u64(state + PageState.pagesStart);
  const pageCount = m.u64(state + PageState.pageCount);
  const pageMap = m.u64(state + PageState.pageMap);
  const usedPages = m.u64(state + PageState.usedPages);
  if (pageMap !== state + PageState.size)
    ctx.error('page: page map is not right after the state', state);
  if (pageCount === 0 || !ctx.inRegion(pageMap, pageCount * PAGE_ENTRY_SIZE)) {
    ctx.error('page: page count out of range', state);
    return none;
  }
  if (pagesStart % PAGE_SIZE !== 0 || pagesStart < pageMap + pageCount * PAGE_ENTRY_SIZE) {
    ctx.error('page: pages overlap the map or are not page aligned', pagesStart);
    return none;
  }
  if (!ctx.inRegion(pagesStart, pageCount * PAGE_SIZE)) {
    ctx.error('page: pages run past the region', pagesStart);
    return none;
  }

  const entries = new Uint32Array(pageCount);
  for (let i = 0; i < pageCount; i++) entries[i] = m.u32(pageMap + i * PAGE_ENTRY_SIZE);
  const kindOf = (i: number): number => entries[i]! & PAGE_STATE_MASK;
  const pageAddress = (i: number): number => pagesStart + i * PAGE_SIZE;

  checkMap(ctx, entries, pageAddress, usedPages, state);

  const runs: PageRun[] = [];
  let largest = 0;
  let i = 0;
  while (i < pageCount) {
    const kind = kindOf(i);
    let end = i + 1;
    let used: boolean;
    if (kind === PAGE_FREE) {
      while (end < pageCount && kindOf(end) === PAGE_FREE) end++;
      used = false;
    } else if (kind === PAGE_HEAD) {
      while (end < pageCount && kindOf(end) === PAGE_TAIL) end++;
      used = true;
    } else {
      break; // a tail without a head: page_walk() stops here (checkMap said why)
    }
    const span = (end - i) * PAGE_SIZE;
    const requested = used ? entries[i]! >>> PAGE_REQ_SHIFT : 0;
    if (!used) largest = Math.max(largest, span);
    runs.push({
      firstPage: i,
      pages: end - i,
      status: used ? 'used' : 'free',
      requested,
      blockIndex: ctx.blocks.length,
    });
    const added = ctx.addBlock({
      start: pageAddress(i),
      span,
      payload: pageAddress(i),
      usable: span,
      requested,
      status: used ? 'used' : 'free',
      metaAddress: pageMap + i * PAGE_ENTRY_SIZE,
      metaLength: PAGE_ENTRY_SIZE,
    });
    if (!added) break;
    i = end;
  }

  const extras: PageExtras = {
    kind: 'page',
    pagesStart,
    pageCount,
    pageMap,
    usedPages,
    entries,
    runs,
  };
  return {
    extras,
    largestFree: largest,
    regionSize,
    area: { start: pagesStart, end: pagesStart + pageCount * 4096 },
  };
}

/** page_check(): every run as long as its request says, no stray bits, used count right. */
function checkMap(
  ctx: DecodeContext,
  entries: Uint32Array,
  pageAddress: (i: number) => number,
  usedPages: number,
  state: number,
): void {
  let used = 0;
  let i = 0;
  while (i < entries.length) {
    const entry = entries[i]!;
    const kind = entry & PAGE_STATE_MASK;
    if (kind === PAGE_FREE) {
      if (entry !== PAGE_FREE) ctx.error('page: free page entry has stray bits', pageAddress(i));
      i++;
      continue;
    }
    if (kind === PAGE_TAIL) {
      ctx.error(
        'page: tail page without a head (or a run longer than its request)',
        pageAddress(i),
      );
      return;
    }
    if (kind !== PAGE_HEAD) {
      ctx.error('page: invalid page state', pageAddress(i));
      return;
    }
    const requested = entry >>> PAGE_REQ_SHIFT;
    if (requested === 0) {
      ctx.error('page: allocated run records 0 requested bytes', pageAddress(i));
      return;
    }
    const pages = Math.ceil(requested / PAGE_SIZE);
    if (pages > entries.length - i) {
      ctx.error('page: run for the requested size passes the last page', pageAddress(i));
      return;
    }
    for (let k = i + 1; k < i + pages; k++) {
      if (entries[k] !== PAGE_TAIL) {
        ctx.error('page: run shorter than its requested size', pageAddress(k));
        return;
      }
    }
    used += pages;
    i += pages;
  }
  if (used !== usedPages) ctx.error('page: used page count does not match the map', state);
}
