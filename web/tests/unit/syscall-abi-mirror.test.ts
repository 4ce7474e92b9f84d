// SPDX-License-Identifier: GPL-2.0-or-later
// web/src/cpu/syscall-abi.ts mirrors firmware/include/syscall_abi.h: every
// call number with the parameters its comment names, the signal, the error
// numbers and the limits. The header is read here, so a change on one side
// only fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ERRNO_NAMES,
  MAX_WRITE,
  SIGALRM,
  SIGNAL_NAMES,
  SYSCALLS,
  SYSCALL_COUNT,
} from '../../src/cpu/syscall-abi';

const header = readFileSync(
  new URL('../../../firmware/include/syscall_abi.h', import.meta.url),
  'utf8',
);

interface HeaderCall {
  name: string;
  number: number;
  params: string[];
}

/** `#define SYS_WRITE 0 /* (fd, buf, len) -> ... *\/` lines, in number order. */
function headerCalls(): HeaderCall[] {
  return [...header.matchAll(/^#define\s+SYS_(\w+)\s+(\d+)\s*\/\*\s*\(([^)]*)\)/gm)]
    .map((m) => ({
      name: m[1]!.toLowerCase(),
      number: Number(m[2]),
      params: m[3]!
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    }))
    .sort((a, b) => a.number - b.number);
}

function define(name: string): number | undefined {
  const match = new RegExp(`^#define\\s+${name}\\s+(\\d+)\\b`, 'm').exec(header);
  return match ? Number(match[1]) : undefined;
}

describe('syscall-abi.ts mirrors syscall_abi.h', () => {
  it('has every call, by number, with the parameters the header names', () => {
    const calls = headerCalls();
    expect(calls.length).toBeGreaterThanOrEqual(9);
    expect(calls.map((c) => c.number)).toEqual(calls.map((_, i) => i)); // dense: SYSCALLS is indexed by number
    expect(SYSCALLS.map((c) => ({ name: c.name, params: [...c.params] }))).toEqual(
      calls.map((c) => ({ name: c.name, params: c.params })),
    );
  });

  it('has no more than three parameters per call (the event log keeps x0..x2)', () => {
    for (const call of SYSCALLS) expect(call.params.length, call.name).toBeLessThanOrEqual(3);
  });

  it('SYS_COUNT, SIGALRM and APG_MAX_WRITE agree', () => {
    expect(define('SYS_COUNT')).toBe(SYSCALL_COUNT);
    expect(SYSCALLS).toHaveLength(SYSCALL_COUNT);
    expect(define('SIGALRM')).toBe(SIGALRM);
    expect(SIGNAL_NAMES[SIGALRM]).toBe('SIGALRM');
    expect(define('APG_MAX_WRITE')).toBe(MAX_WRITE);
  });

  it('names every error number the kernel returns, and no other', () => {
    const errors = Object.fromEntries(
      [...header.matchAll(/^#define\s+APG_(E[A-Z]+)\s+(\d+)/gm)].map((m) => [Number(m[2]), m[1]!]),
    );
    expect(Object.keys(errors).length).toBeGreaterThanOrEqual(4);
    expect(ERRNO_NAMES).toEqual(errors);
  });

  it('knows every #define of the header', () => {
    const names = [...header.matchAll(/^#define\s+(\w+)/gm)]
      .map((m) => m[1]!)
      .filter((n) => n !== 'APG_SYSCALL_ABI_H');
    const mirrored = (n: string): boolean =>
      /^SYS_/.test(n) || /^APG_E[A-Z]+$/.test(n) || n === 'SIGALRM' || n === 'APG_MAX_WRITE';
    expect(names.filter((n) => !mirrored(n))).toEqual([]);
  });
});
