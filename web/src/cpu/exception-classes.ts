// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The exception class (ESR_EL1.EC) in words, as the kernel's
 * exception_class_name() in firmware/kernel/esr.c says it, so the
 * panel and the terminal name a fault alike (a unit test compares the two).
 */
const CLASS_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Undefined instruction',
  0x01: 'WFI/WFE trapped',
  0x07: 'FP/SIMD access trapped',
  0x0e: 'Illegal execution state',
  0x15: 'SVC instruction',
  0x16: 'HVC instruction',
  0x17: 'SMC instruction',
  0x18: 'System register access trapped',
  0x20: 'Instruction abort from a lower EL',
  0x21: 'Instruction abort',
  0x22: 'PC alignment fault',
  0x24: 'Data abort from a lower EL',
  0x25: 'Data abort',
  0x26: 'SP alignment fault',
  0x2c: 'Floating-point exception',
  0x2f: 'SError',
  0x30: 'Breakpoint',
  0x31: 'Breakpoint',
  0x32: 'Software step',
  0x33: 'Software step',
  0x34: 'Watchpoint',
  0x35: 'Watchpoint',
  0x3c: 'BRK instruction',
};

export const EXCEPTION_CLASS_NAMES = CLASS_NAMES;

export function exceptionClassName(ec: number): string {
  return CLASS_NAMES[ec] ?? 'Unknown exception class';
}

/** Classes for which FAR_EL1 holds the faulting address (the kernel's esr_has_fault_address()). */
export const FAR_VALID_CLASSES: ReadonlySet<number> = new Set([
  0x20, 0x21, 0x22, 0x24, 0x25, 0x34, 0x35,
]);
