// SPDX-License-Identifier: GPL-2.0-or-later
/** page_check() of firmware/alloc/page.c. */
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
import type { GuestMemory } from '../guest-memory';
import { type CheckResult, passed, problem } from './check-result';

const PAGE_REQ_MAX = 0xffffffff >>> PAGE_REQ_SHIFT;
const PAGE_MAX_PAGES = Math.floor(PAGE_REQ_MAX / PAGE_SIZE);

export function checkPage(m: GuestMemory, self: number): CheckResult {
  if (m.u32(self + PageState.magic) !== PAGE_MAGIC)
    return problem('page: bad magic in page state', self);
  if (m.u32(self + PageState.pageSize) !== PAGE_SIZE)
    return problem('page: page size is not 4096', self);
  const pagesStart = m.u64(self + PageState.pagesStart);
  const pageCount = m.u64(self + PageState.pageCount);
  const pageMap = m.u64(self + PageState.pageMap);
  const usedPages = m.u64(self + PageState.usedPages);
  const regionSize = m.u64(self + PageState.regionSize);
  if (pageMap !== self + PageState.size)
    return problem('page: page map is not right after the state', self);
  if (pageCount === 0 || pageCount > PAGE_MAX_PAGES)
    return problem('page: page count out of range', self);
  if (pagesStart % PAGE_SIZE !== 0 || pagesStart < pageMap + pageCount * PAGE_ENTRY_SIZE)
    return problem('page: pages overlap the map or are not page aligned', pagesStart);
  if (pagesStart - self > regionSize || pageCount * PAGE_SIZE > regionSize - (pagesStart - self))
    return problem('page: pages run past the region', pagesStart);

  const entry = (i: number): number => m.u32(pageMap + i * PAGE_ENTRY_SIZE);
  const pageAddress = (i: number): number => pagesStart + i * PAGE_SIZE;
  let used = 0;
  let i = 0;
  while (i < pageCount) {
    const e = entry(i);
    const where = pageAddress(i);
    const kind = e & PAGE_STATE_MASK;
    if (kind === PAGE_FREE) {
      if (e !== PAGE_FREE) return problem('page: free page entry has stray bits', where);
      i++;
      continue;
    }
    if (kind === PAGE_TAIL)
      return problem('page: tail page without a head (or a run longer than its request)', where);
    if (kind !== PAGE_HEAD) return problem('page: invalid page state', where);
    const requested = e >>> PAGE_REQ_SHIFT;
    if (requested === 0) return problem('page: allocated run records 0 requested bytes', where);
    const pages = Math.ceil(requested / PAGE_SIZE);
    if (pages > pageCount - i)
      return problem('page: run for the requested size passes the last page', where);
    for (let k = i + 1; k < i + pages; k++) {
      if (entry(k) !== PAGE_TAIL)
        return problem('page: run shorter than its requested size', pageAddress(k));
    }
    used += pages;
    i += pages;
  }
  if (used !== usedPages) return problem('page: used page count does not match the map', self);
  return passed;
}
