// SPDX-License-Identifier: GPL-2.0-or-later
/** The kernel's check() for the active allocator (see check-result.ts). */
import { HeapKind } from '../abi';
import { type GuestMemory, MemoryRangeError } from '../guest-memory';
import { checkBuddy } from './buddy-check';
import { checkBump } from './bump-check';
import { type CheckResult, problem } from './check-result';
import { checkFirstFit } from './first-fit-check';
import { checkMm } from './mm-check';
import { checkPage } from './page-check';
import { checkTlsf } from './tlsf-check';

export type { CheckResult } from './check-result';

const CHECKS: Readonly<Record<number, (m: GuestMemory, state: number) => CheckResult>> = {
  [HeapKind.FirstFit]: checkFirstFit,
  [HeapKind.Buddy]: checkBuddy,
  [HeapKind.Page]: checkPage,
  [HeapKind.Bump]: checkBump,
  [HeapKind.Tlsf]: checkTlsf,
  [HeapKind.Mm]: checkMm,
};

export function kernelCheck(memory: GuestMemory, kind: number, state: number): CheckResult {
  const check = CHECKS[kind];
  if (check === undefined) return problem(`unknown allocator kind ${kind}`, state);
  try {
    return check(memory, state);
  } catch (error) {
    // the kernel would have read through a wild pointer here; we refuse to
    if (error instanceof MemoryRangeError)
      return problem('check would read outside guest memory', error.address);
    throw error;
  }
}
