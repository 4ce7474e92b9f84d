// SPDX-License-Identifier: GPL-2.0-or-later
/** The exception level the CPU is at, from PSTATE (its CurrentEL field is bits [3:2] of SPSR-format PSTATE). */

export function exceptionLevelOf(pstate: number): number {
  return (pstate >>> 2) & 0x3;
}

/** What runs at each level in this machine: user programs at EL0, the kernel at EL1. */
const ROLES = ['user program', 'kernel', 'hypervisor', 'secure monitor'] as const;

/** "EL1 (kernel)" */
export function describeExceptionLevel(level: number): string {
  return `EL${level} (${ROLES[level & 3]})`;
}
