// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The kernel's integrity check, ported: each allocator's check() from
 * firmware/alloc/*.c, same order of tests, same messages, same addresses,
 * so the decoder's verdict on a corrupted heap is word for word the one
 * `check` prints ("check: FAILED: <problem> at <where>"). Like the C code,
 * every port only follows a pointer once it has proved it names a block, so
 * it is bounded by the heap size; reads go through GuestMemory regardless.
 */

export type CheckResult = { ok: true } | { ok: false; problem: string; where: number };

export const passed: CheckResult = { ok: true };

export function problem(what: string, where: number): CheckResult {
  return { ok: false, problem: what, where };
}
