// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * `?compare=first-fit,tlsf[&script=…]`: which allocators compare mode runs
 * side by side. Two to five distinct known names; anything else gives one
 * message and the ordinary playground instead.
 */
import { ALLOCATORS, type AllocatorName } from '../app/url-config';

export const MIN_MACHINES = 2;
export const MAX_MACHINES = 5;

export type CompareRequest =
  | { ok: true; allocators: AllocatorName[] }
  | { ok: false; message: string }
  | null;

/** null when the URL does not ask for compare mode. */
export function parseCompare(search: string): CompareRequest {
  const value = new URLSearchParams(search).get('compare');
  if (value === null) return null;
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  const usage = `compare= takes ${MIN_MACHINES} to ${MAX_MACHINES} different allocators separated by commas, from ${ALLOCATORS.join(', ')}`;
  const unknown = names.filter((n) => !(ALLOCATORS as readonly string[]).includes(n));
  if (unknown.length > 0)
    return { ok: false, message: `Unknown allocator ${quoteList(unknown)}: ${usage}.` };
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0)
    return { ok: false, message: `${quoteList([...new Set(repeated)])} given twice: ${usage}.` };
  if (names.length < MIN_MACHINES || names.length > MAX_MACHINES)
    return {
      ok: false,
      message: `${names.length} allocator${names.length === 1 ? '' : 's'} given: ${usage}.`,
    };
  return { ok: true, allocators: names as AllocatorName[] };
}

function quoteList(names: string[]): string {
  // URL-derived text: cut long junk so the message stays one readable line
  return names.map((n) => `"${n.length > 24 ? `${n.slice(0, 24)}…` : n}"`).join(', ');
}
