// SPDX-License-Identifier: GPL-2.0-or-later
// Events in words: what the CPU panel prints for each kind of event.
import { describe, expect, it } from 'vitest';
import { describeEvent, eventLine } from '../../src/cpu/event-text';
import type { GuestEvent } from '../../src/cpu/model';
import { EventKind } from '../../src/heap/abi';

const event = (
  kind: number,
  number: number,
  args: [bigint, bigint, bigint] = [0n, 0n, 0n],
  result = 0n,
  sequence = 7,
): GuestEvent => ({
  sequence,
  kind,
  number,
  args,
  result,
});
const syscall = (number: number, args: [bigint, bigint, bigint], result: bigint) =>
  describeEvent(event(EventKind.Syscall, number, args, result));

describe('system calls', () => {
  it('name, arguments in hex (only the ones the call takes), result', () => {
    expect(syscall(2, [100n, 0xdeadn, 7n], 0x40400040n)).toEqual({
      label: 'svc',
      text: 'malloc(0x64) = 0x40400040',
      tone: 'normal',
    });
    expect(syscall(0, [1n, 0x4008d2a0n, 49n], 49n).text).toBe('write(0x1, 0x4008d2a0, 0x31) = 49');
    expect(syscall(4, [0x40400040n, 300n, 0n], 0x40400040n).text).toBe(
      'realloc(0x40400040, 0x12c) = 0x40400040',
    );
    expect(syscall(5, [14n, 0x4008c0e4n, 0n], 0n).text).toBe('signal(0xe, 0x4008c0e4) = 0x0');
    expect(syscall(6, [1n, 0n, 0n], 0n).text).toBe('alarm(0x1) = 0');
    expect(syscall(7, [0n, 0n, 0n], 3n).text).toBe('getpid() = 3');
  });

  it('negative results with their error names', () => {
    expect(syscall(3, [0x40400041n, 0n, 0n], -22n)).toEqual({
      label: 'svc',
      text: 'free(0x40400041) = -22 (EINVAL)',
      tone: 'error',
    });
    expect(syscall(0, [1n, 0x40080000n, 16n], -14n).text).toBe(
      'write(0x1, 0x40080000, 0x10) = -14 (EFAULT)',
    );
    expect(syscall(0, [7n, 0x4008d000n, 1n], -9n).text).toBe(
      'write(0x7, 0x4008d000, 0x1) = -9 (EBADF)',
    );
    expect(syscall(5, [14n, 0x40080000n, 0n], -14n).text).toBe(
      'signal(0xe, 0x40080000) = -14 (EFAULT)',
    );
    expect(syscall(2, [0n, 0n, 0n], -5n).text).toBe('malloc(0x0) = -5');
  });

  it('an unknown call number shows all three argument registers', () => {
    expect(syscall(99, [0n, 0n, 0n], -38n)).toEqual({
      label: 'svc',
      text: 'syscall 99(0x0, 0x0, 0x0) = -38 (ENOSYS)',
      tone: 'error',
    });
  });

  it('exit and sigreturn have no result, unless sigreturn failed', () => {
    expect(syscall(1, [0n, 0n, 0n], 0n).text).toBe('exit(0x0)');
    expect(syscall(8, [0n, 0n, 0n], 0n).text).toBe('sigreturn()');
    expect(syscall(8, [0n, 0n, 0n], -22n).text).toBe('sigreturn() = -22 (EINVAL)');
  });

  it('prints 64-bit arguments exactly', () => {
    expect(syscall(2, [0xffff_ffff_ffff_ffffn, 0n, 0n], 0n).text).toBe(
      'malloc(0xffffffffffffffff) = 0x0',
    );
  });
});

describe('other events', () => {
  it('program start and exit', () => {
    expect(describeEvent(event(EventKind.Start, 2, [0x4008c0a0n, 0n, 0n]))).toEqual({
      label: 'start',
      text: 'pid 2, entry 0x4008c0a0',
      tone: 'normal',
    });
    expect(describeEvent(event(EventKind.Exit, 2, [0n, 0n, 0n], 0n))).toEqual({
      label: 'exit',
      text: 'pid 2, code 0',
      tone: 'normal',
    });
    expect(describeEvent(event(EventKind.Exit, 4, [0n, 0n, 0n], -1n))).toEqual({
      label: 'exit',
      text: 'pid 4, code -1',
      tone: 'error',
    });
  });

  it('interrupt 27 is the virtual timer', () => {
    expect(describeEvent(event(EventKind.Irq, 27))).toEqual({
      label: 'irq',
      text: '27: virtual timer',
      tone: 'normal',
    });
    expect(describeEvent(event(EventKind.Irq, 33)).text).toBe('33');
  });

  it('signals by name, with the handler', () => {
    expect(describeEvent(event(EventKind.Signal, 14, [0x4008c0e4n, 0n, 0n])).text).toBe(
      'SIGALRM (14) → handler 0x4008c0e4',
    );
    expect(describeEvent(event(EventKind.Signal, 3, [0x10n, 0n, 0n])).text).toBe(
      'signal 3 → handler 0x10',
    );
  });

  it('faults by exception class in words; the faulting address only where FAR holds one', () => {
    expect(describeEvent(event(EventKind.Fault, 0x24, [0x4008c068n, 0x40080000n, 0n]))).toEqual({
      label: 'fault',
      text: 'Data abort from a lower EL at 0x4008c068, address 0x40080000',
      tone: 'error',
    });
    expect(describeEvent(event(EventKind.Fault, 0x00, [0x4008c014n, 0x1234n, 0n])).text).toBe(
      'Undefined instruction at 0x4008c014',
    );
    expect(describeEvent(event(EventKind.Fault, 0x3f, [0x4n, 0n, 0n])).text).toBe(
      'Unknown exception class at 0x4',
    );
  });

  it('an unknown kind is shown raw', () => {
    expect(describeEvent(event(9, 1, [1n, 2n, 3n], -4n))).toEqual({
      label: 'kind 9',
      text: 'number 1, args 0x1, 0x2, 0x3, result -4',
      tone: 'normal',
    });
  });

  it('one plain line per event', () => {
    expect(eventLine(event(EventKind.Syscall, 2, [100n, 0n, 0n], 0x40400040n, 12))).toBe(
      '#12 svc malloc(0x64) = 0x40400040',
    );
  });
});
