// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Mirror of firmware/include/syscall_abi.h: call numbers with their
 * parameters (as the header's comments name them), the signal and the error
 * numbers. web/tests/unit/syscall-abi-mirror.test.ts parses the header and
 * fails when the two disagree.
 */

/** How the panel prints a call's result when it is not an error. */
export type ResultStyle = 'address' | 'decimal' | 'none';

export interface SyscallInfo {
  name: string;
  /** parameter names, in register order x0, x1, x2 */
  params: readonly string[];
  /** 'none': the call does not come back with a result (exit; sigreturn restores the interrupted x0) */
  result: ResultStyle;
}

/** Indexed by call number (x8). */
export const SYSCALLS: readonly SyscallInfo[] = [
  { name: 'write', params: ['fd', 'buf', 'len'], result: 'decimal' },
  { name: 'exit', params: ['code'], result: 'none' },
  { name: 'malloc', params: ['size'], result: 'address' },
  { name: 'free', params: ['ptr'], result: 'decimal' },
  { name: 'realloc', params: ['ptr', 'size'], result: 'address' },
  { name: 'signal', params: ['signal', 'handler'], result: 'address' },
  { name: 'alarm', params: ['seconds'], result: 'decimal' },
  { name: 'getpid', params: [], result: 'decimal' },
  { name: 'sigreturn', params: [], result: 'none' },
];

export const SYSCALL_COUNT = 9;
export const SIGALRM = 14;

/** Error numbers; a failing call returns the negated value. */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  9: 'EBADF',
  14: 'EFAULT',
  22: 'EINVAL',
  38: 'ENOSYS',
};

export const MAX_WRITE = 4096;

export const SIGNAL_NAMES: Readonly<Record<number, string>> = { [SIGALRM]: 'SIGALRM' };
