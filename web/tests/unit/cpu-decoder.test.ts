// SPDX-License-Identifier: GPL-2.0-or-later
// The CPU panel's decoder on hand-built memory: the event ring (wrapped,
// torn, lying about its size or count), the running program's pid and name,
// the exception level, and a kernel of another ABI version.
import { describe, expect, it } from 'vitest';
import { decodeCpu, MAX_PROGRAM_NAME } from '../../src/cpu/cpu-decoder';
import type { CpuModel } from '../../src/cpu/model';
import {
  ABI_VERSION,
  Descriptor,
  EVENT_LOG_CAPACITY,
  Event,
  EventKind,
  EventLog,
} from '../../src/heap/abi';
import { decodeHeap } from '../../src/heap/decoder';
import { DESCRIPTOR, EVENT_LOG, NAME, SyntheticKernel } from '../support/synthetic-kernel';

const PSTATE_EL1H = 0x3c5; // DAIF masked, EL1 with SP_EL1: the kernel at its prompt
const PSTATE_EL0T = 0x0;

function decode(kernel: SyntheticKernel, pstate: number | null = PSTATE_EL1H): CpuModel {
  const model = decodeCpu(kernel.memory, pstate);
  return model;
}

/** A syscall event whose number and first argument say which event it is. */
const numbered = (n: number) => ({
  kind: EventKind.Syscall,
  number: 2,
  args: [BigInt(n), 0n, 0n] as [bigint, bigint, bigint],
  result: BigInt(n),
});

describe('event log', () => {
  it('reads every field of the events, oldest first, 64-bit values exactly', () => {
    const kernel = new SyntheticKernel();
    kernel.log({ kind: EventKind.Start, number: 1, args: [0x4008c000n, 0n, 0n] });
    kernel.log({
      kind: EventKind.Syscall,
      number: 2,
      args: [0xffff_ffff_ffff_ffffn, 0x1234n, 0x8000_0000_0000_0001n],
      result: -22n,
    });
    kernel.log({ kind: EventKind.Exit, number: 1, result: -1n });
    const model = decode(kernel);
    expect(model.problems).toEqual([]);
    expect(model.log).toMatchObject({ address: EVENT_LOG, written: 3, skipped: 0 });
    expect(model.log!.events).toEqual([
      { sequence: 0, kind: EventKind.Start, number: 1, args: [0x4008c000n, 0n, 0n], result: 0n },
      {
        sequence: 1,
        kind: EventKind.Syscall,
        number: 2,
        args: [0xffff_ffff_ffff_ffffn, 0x1234n, 0x8000_0000_0000_0001n],
        result: -22n,
      },
      { sequence: 2, kind: EventKind.Exit, number: 1, args: [0n, 0n, 0n], result: -1n },
    ]);
  });

  it('an empty log has no events', () => {
    const model = decode(new SyntheticKernel());
    expect(model.log).toEqual({ address: EVENT_LOG, written: 0, events: [], skipped: 0 });
  });

  it.each([EVENT_LOG_CAPACITY - 1, EVENT_LOG_CAPACITY, EVENT_LOG_CAPACITY + 1, 150, 1000])(
    'after %i events shows the latest ones, each from its slot in the ring',
    (count) => {
      const kernel = new SyntheticKernel();
      for (let n = 0; n < count; n++) kernel.log(numbered(n));
      const log = decode(kernel).log!;
      const first = Math.max(0, count - EVENT_LOG_CAPACITY);
      expect(log.written).toBe(count);
      expect(log.events.map((e) => e.sequence)).toEqual(
        Array.from({ length: count - first }, (_, i) => first + i),
      );
      expect(log.events.map((e) => Number(e.args[0]))).toEqual(log.events.map((e) => e.sequence));
      expect(log.skipped).toBe(0);
    },
  );

  it('skips a slot caught half-overwritten (its sequence is not the expected one)', () => {
    const kernel = new SyntheticKernel();
    for (let n = 0; n < 100; n++) kernel.log(numbered(n));
    // the kernel was stopped while writing event 100 over event 36's slot
    kernel.u64(
      EVENT_LOG + EventLog.slots + (100 % EVENT_LOG_CAPACITY) * Event.size + Event.sequence,
      100,
    );
    const log = decode(kernel).log!;
    expect(log.skipped).toBe(1);
    expect(log.events[0]!.sequence).toBe(37);
    expect(log.events).toHaveLength(63);
  });

  it('rejects a bad magic', () => {
    const kernel = new SyntheticKernel();
    kernel.log(numbered(0));
    kernel.u32(EVENT_LOG + EventLog.magic, 0x12345678);
    const model = decode(kernel);
    expect(model.log).toBeNull();
    expect(model.problems).toEqual([
      `bad event log magic 0x12345678 at 0x${EVENT_LOG.toString(16)}`,
    ]);
    expect(model.exceptionLevel).toBe(1); // the rest is still shown
  });

  it('says when the log is not set up yet', () => {
    const kernel = new SyntheticKernel();
    kernel.u32(EVENT_LOG + EventLog.magic, 0);
    expect(decode(kernel).problems).toEqual(['the event log is not set up yet']);
  });

  it.each([0, 1, EVENT_LOG_CAPACITY - 1, EVENT_LOG_CAPACITY + 1, 1 << 20, 0xffffffff])(
    'rejects a capacity of %i (the ABI says 64)',
    (capacity) => {
      const kernel = new SyntheticKernel();
      for (let n = 0; n < 10; n++) kernel.log(numbered(n));
      kernel.u32(EVENT_LOG + EventLog.capacity, capacity);
      const model = decode(kernel);
      expect(model.log).toBeNull();
      expect(model.problems[0]).toMatch(
        new RegExp(`^event log capacity ${capacity}, the ABI says 64`),
      );
    },
  );

  it.each([2n ** 53n, 2n ** 63n, 2n ** 64n - 1n])(
    'rejects a written count of %s without reading the ring',
    (written) => {
      const kernel = new SyntheticKernel();
      kernel.log(numbered(0));
      kernel.setWritten(written);
      const model = decode(kernel);
      expect(model.log).toBeNull();
      expect(model.problems).toEqual([
        `event log claims ${written} events: not believable, not read`,
      ]);
    },
  );

  it('with a huge but representable written count reads only the 64 slots, and trusts none of them', () => {
    const kernel = new SyntheticKernel();
    for (let n = 0; n < 70; n++) kernel.log(numbered(n));
    kernel.setWritten(2n ** 53n - 1n);
    const log = decode(kernel).log!;
    expect(log.events).toEqual([]);
    expect(log.skipped).toBe(EVENT_LOG_CAPACITY);
    expect(log.written).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects a log that does not fit in guest memory, and a missing one', () => {
    const kernel = new SyntheticKernel();
    kernel.u64(DESCRIPTOR + Descriptor.eventLog, kernel.memory.end - 16);
    expect(decode(kernel).problems[0]).toMatch(
      /^event log address 0x[0-9a-f]+ is outside guest memory$/,
    );
    kernel.u64(DESCRIPTOR + Descriptor.eventLog, 0x1000);
    expect(decode(kernel).problems[0]).toBe('event log address 0x1000 is outside guest memory');
    kernel.u64(DESCRIPTOR + Descriptor.eventLog, 0);
    expect(decode(kernel).problems).toEqual(['the kernel publishes no event log']);
  });
});

describe('running program', () => {
  it('pid and name from the descriptor', () => {
    const kernel = new SyntheticKernel();
    kernel.setProgram(3, 'alarm');
    expect(decode(kernel).program).toEqual({ pid: 3, name: 'alarm' });
  });

  it('none when the pid is 0', () => {
    const kernel = new SyntheticKernel();
    kernel.setProgram(0, null);
    expect(decode(kernel).program).toBeNull();
  });

  it('a pid whose name is not published yet', () => {
    const kernel = new SyntheticKernel();
    kernel.setProgram(4, null);
    expect(decode(kernel).program).toEqual({ pid: 4, name: '' });
  });

  it('reads at most MAX_PROGRAM_NAME bytes of a name without its NUL', () => {
    const kernel = new SyntheticKernel();
    kernel.setProgram(5, new Uint8Array(200).fill(0x41));
    expect(decode(kernel).program!.name).toBe(`${'A'.repeat(MAX_PROGRAM_NAME)}…`);
  });

  it('escapes bytes that are not printable, and keeps markup as plain characters', () => {
    const kernel = new SyntheticKernel();
    kernel.setProgram(
      6,
      new Uint8Array([0x3c, 0x62, 0x3e, 0x1b, 0x5b, 0x32, 0x4a, 0x5c, 0xff, 0x0a, 0]),
    );
    expect(decode(kernel).program!.name).toBe('<b>\\x1b[2J\\x5c\\xff\\x0a');
  });

  it('stops at the end of guest memory', () => {
    const kernel = new SyntheticKernel();
    const end = kernel.memory.end;
    kernel.setProgram(7, new Uint8Array([0x61, 0x62, 0x63]), end - 3);
    expect(decode(kernel).program!.name).toBe('abc…');
    kernel.u64(DESCRIPTOR + Descriptor.userProgram, end + 100);
    const model = decode(kernel);
    expect(model.program).toEqual({ pid: 7, name: '' });
    expect(model.problems).toEqual([
      `program name address 0x${(end + 100).toString(16)} is outside guest memory`,
    ]);
  });

  it('the name is read from where the descriptor points', () => {
    const kernel = new SyntheticKernel();
    kernel.setProgram(8, 'malloc', NAME + 64);
    expect(decode(kernel).program!.name).toBe('malloc');
  });
});

describe('exception level', () => {
  it('is PSTATE bits [3:2]', () => {
    const kernel = new SyntheticKernel();
    expect(decode(kernel, PSTATE_EL1H).exceptionLevel).toBe(1);
    expect(decode(kernel, 0x3c4).exceptionLevel).toBe(1); // EL1t
    expect(decode(kernel, PSTATE_EL0T).exceptionLevel).toBe(0);
    expect(decode(kernel, 0x8000_0009).exceptionLevel).toBe(2);
    expect(decode(kernel, null)).toMatchObject({ exceptionLevel: null, pstate: null });
  });
});

describe('another ABI version', () => {
  it.each([1, ABI_VERSION + 1])(
    'says which versions disagree (descriptor version %i), in both decoders',
    (version) => {
      const kernel = new SyntheticKernel();
      kernel.u32(DESCRIPTOR + Descriptor.abiVersion, version);
      const expected = `the heap descriptor uses heap ABI version ${version}, this page reads version ${ABI_VERSION}: build the page and the kernel from the same tree`;
      expect(decode(kernel).problems).toEqual([expected]);
      const heap = decodeHeap(kernel.memory);
      expect(heap.status === 'invalid' && heap.findings[0]!.message).toBe(expected);
    },
  );

  it('an image header of another version is named as such', () => {
    const kernel = new SyntheticKernel();
    kernel.u32(0x40080014, 1);
    expect(decode(kernel).problems[0]).toMatch(
      new RegExp(
        `^the kernel image uses heap ABI version 1, this page reads version ${ABI_VERSION}`,
      ),
    );
  });
});
