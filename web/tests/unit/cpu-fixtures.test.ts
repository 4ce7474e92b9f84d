// SPDX-License-Identifier: GPL-2.0-or-later
// The event log on memory captured from the real kernel after it ran user
// programs, against what the programs themselves printed: every malloc,
// realloc and free result they print is the result the log recorded, the
// bytes they wrote add up to their output, the alarm program's two SIGALRMs
// each follow a virtual-timer IRQ, and the exit code is the kernel's.
import { describe, expect, it } from 'vitest';
import { decodeCpu } from '../../src/cpu/cpu-decoder';
import { eventLine } from '../../src/cpu/event-text';
import type { CpuModel, GuestEvent } from '../../src/cpu/model';
import { SIGALRM, SYSCALLS } from '../../src/cpu/syscall-abi';
import { EventKind } from '../../src/heap/abi';
import { loadFixtureMemory, loadFixtureRun } from '../support/snapshot';

const PSTATE_AT_PROMPT = 0x3c5;
const callNumber = (name: string): number => SYSCALLS.findIndex((c) => c.name === name);

function decodeFixture(name: string): { model: CpuModel; events: GuestEvent[]; printed: string } {
  const model = decodeCpu(loadFixtureMemory(name), PSTATE_AT_PROMPT);
  expect(model.problems).toEqual([]);
  return { model, events: model.log!.events, printed: loadFixtureRun(name) };
}

const calls = (events: GuestEvent[], name: string): GuestEvent[] =>
  events.filter((e) => e.kind === EventKind.Syscall && e.number === callNumber(name));

/** The program's own output: what it wrote, with the console's CR LF turned back into LF, without the kernel's exit line. */
function programOutput(printed: string): string {
  return printed.replace(/\[\w+ exited with code -?\d+\]\r\n$/, '').replaceAll('\r\n', '\n');
}

function sharedChecks(name: string, program: string): void {
  const { model, events, printed } = decodeFixture(name);

  it('was captured at the prompt: no program runs, the log is complete and starts at boot', () => {
    expect(model.program).toBeNull();
    expect(model.log!.skipped).toBe(0);
    expect(events.length).toBe(model.log!.written); // fewer than 64 events since boot
    expect(events[0]).toMatchObject({ sequence: 0, kind: EventKind.Start, number: 1 });
  });

  it('the bytes written through svc are exactly what the program printed', () => {
    const writes = calls(events, 'write');
    expect(writes.length).toBeGreaterThan(3);
    for (const w of writes) expect(w.result, eventLine(w)).toBe(w.args[2]);
    expect(writes.reduce((n, w) => n + Number(w.result), 0)).toBe(programOutput(printed).length);
  });

  it('ends with exit, and the exit code is the one the kernel printed', () => {
    const code = BigInt(/\[(\w+) exited with code (-?\d+)\]/.exec(printed)![2]!);
    expect(printed).toContain(`[${program} exited with code`);
    const [call, exit] = events.slice(-2);
    expect(call).toMatchObject({ kind: EventKind.Syscall, number: callNumber('exit') });
    expect(call!.args[0]).toBe(code);
    expect(exit).toMatchObject({ kind: EventKind.Exit, number: 1, result: code });
  });
}

describe('user-malloc: malloc, realloc and free through svc', () => {
  sharedChecks('user-malloc', 'malloc');
  const { events, printed } = decodeFixture('user-malloc');

  it('every heap call the program printed has that result in the log, in order', () => {
    const printedResults = [
      ...printed.matchAll(/^(?:malloc|realloc|free)\([^)]*\)\s*(?:again\s*)?= (\S+)\r$/gm),
    ].map((m) => BigInt(m[1]!));
    const heapCalls = events.filter(
      (e) =>
        e.kind === EventKind.Syscall &&
        ['malloc', 'realloc', 'free'].includes(SYSCALLS[e.number]!.name),
    );
    expect(printedResults).toHaveLength(6);
    expect(heapCalls.map((e) => e.result)).toEqual(printedResults);
  });

  it('reads as the program was written', () => {
    const heapLines = events
      .filter((e) => e.kind === EventKind.Syscall && SYSCALLS[e.number]!.name !== 'write')
      .map((e) => eventLine(e).replace(/^#\d+ /, ''));
    const text = calls(events, 'malloc')[0]!.result.toString(16);
    const zeros = calls(events, 'malloc')[1]!.result.toString(16);
    expect(heapLines).toEqual([
      `svc malloc(0x64) = 0x${text}`,
      `svc realloc(0x${text}, 0x12c) = 0x${text}`,
      `svc malloc(0x40) = 0x${zeros}`,
      `svc free(0x${text}) = 0`,
      `svc free(0x${text}) = -22 (EINVAL)`,
      `svc free(0x${zeros}) = 0`,
      'svc exit(0x0)',
    ]);
  });
});

describe('user-alarm: two SIGALRMs delivered by the virtual timer', () => {
  sharedChecks('user-alarm', 'alarm');
  const { events, printed } = decodeFixture('user-alarm');

  it('printed the counter going 1 -> 2 -> 3', () => {
    expect(printed).toMatch(/counter is now 2[\s\S]*counter is now 3[\s\S]*counter = 3: done/);
  });

  it('each SIGALRM comes right after IRQ 27 and goes to the handler the program installed', () => {
    const [install] = calls(events, 'signal');
    expect(install!.args[0]).toBe(BigInt(SIGALRM));
    expect(install!.result).toBe(0n); // no handler before
    const handler = install!.args[1];
    const irqs = events.filter((e) => e.kind === EventKind.Irq);
    const signals = events.filter((e) => e.kind === EventKind.Signal);
    expect(irqs.map((e) => e.number)).toEqual([27, 27]);
    expect(signals.map((e) => [e.number, e.args[0]])).toEqual([
      [SIGALRM, handler],
      [SIGALRM, handler],
    ]);
    for (const irq of irqs)
      expect(events[events.indexOf(irq) + 1]).toMatchObject({ kind: EventKind.Signal });
    expect(calls(events, 'alarm').map((e) => [e.args[0], e.result])).toEqual([
      [1n, 0n],
      [1n, 0n],
    ]);
  });

  it('every handler returns through sigreturn before the program goes on', () => {
    const kinds = events.map((e) =>
      e.kind === EventKind.Syscall
        ? SYSCALLS[e.number]!.name
        : ['', 'start', '', 'irq', 'signal', 'fault', 'exit'][e.kind],
    );
    const compact = kinds.filter((k) => k !== 'write').join(' ');
    expect(compact).toBe(
      'start signal alarm irq signal sigreturn alarm irq signal sigreturn exit exit',
    );
    for (const s of calls(events, 'sigreturn')) expect(eventLine(s)).toMatch(/svc sigreturn\(\)$/);
  });
});
