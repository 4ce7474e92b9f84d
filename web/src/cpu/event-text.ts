// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Events in words: system calls by name with their arguments in hex and
 * their results (errors by name), interrupts, signals, faults by exception
 * class, program start and exit.
 */
import { EventKind } from '../heap/abi';
import { FAR_VALID_CLASSES, exceptionClassName } from './exception-classes';
import type { GuestEvent } from './model';
import { ERRNO_NAMES, type ResultStyle, SIGNAL_NAMES, SYSCALLS } from './syscall-abi';

/** Interrupt ids the machine uses (GICv2 PPI 27 is the EL1 virtual timer). */
const INTERRUPT_NAMES: Readonly<Record<number, string>> = { 27: 'virtual timer' };

export type EventTone = 'normal' | 'error';

export interface EventDescription {
  /** short tag: start, svc, irq, signal, fault, exit (or "kind N") */
  label: string;
  text: string;
  tone: EventTone;
}

const hex = (value: bigint | number): string => `0x${value.toString(16)}`;

/** "-22 (EINVAL)" for an error, else the value as the call's result is usually read. */
export function formatResult(result: bigint, style: ResultStyle): string {
  if (result < 0n) {
    const name = ERRNO_NAMES[Number(-result)];
    return name === undefined ? result.toString() : `${result} (${name})`;
  }
  return style === 'address' ? hex(result) : result.toString();
}

function describeSyscall(event: GuestEvent): EventDescription {
  const call = SYSCALLS[event.number];
  const failed = event.result < 0n;
  const tone: EventTone = failed ? 'error' : 'normal';
  if (call === undefined) {
    // an unknown number: all three argument registers, since nobody knows how many it takes
    return {
      label: 'svc',
      text: `syscall ${event.number}(${event.args.map(hex).join(', ')}) = ${formatResult(event.result, 'decimal')}`,
      tone,
    };
  }
  const args = event.args.slice(0, call.params.length).map(hex).join(', ');
  // exit never returns; sigreturn returns into the interrupted code, unless it was not in a handler
  const shown = call.result !== 'none' || failed;
  const result = shown ? ` = ${formatResult(event.result, call.result)}` : '';
  return { label: 'svc', text: `${call.name}(${args})${result}`, tone };
}

export function describeEvent(event: GuestEvent): EventDescription {
  const [arg0, arg1] = event.args;
  switch (event.kind) {
    case EventKind.Start:
      return { label: 'start', text: `pid ${event.number}, entry ${hex(arg0)}`, tone: 'normal' };
    case EventKind.Syscall:
      return describeSyscall(event);
    case EventKind.Irq: {
      const name = INTERRUPT_NAMES[event.number];
      return {
        label: 'irq',
        text: name === undefined ? `${event.number}` : `${event.number}: ${name}`,
        tone: 'normal',
      };
    }
    case EventKind.Signal: {
      const name = SIGNAL_NAMES[event.number];
      const signal = name === undefined ? `signal ${event.number}` : `${name} (${event.number})`;
      return { label: 'signal', text: `${signal} → handler ${hex(arg0)}`, tone: 'normal' };
    }
    case EventKind.Fault: {
      const where = `${exceptionClassName(event.number)} at ${hex(arg0)}`;
      const address = FAR_VALID_CLASSES.has(event.number) ? `, address ${hex(arg1)}` : '';
      return { label: 'fault', text: `${where}${address}`, tone: 'error' };
    }
    case EventKind.Exit:
      return {
        label: 'exit',
        text: `pid ${event.number}, code ${event.result}`,
        tone: event.result === 0n ? 'normal' : 'error',
      };
    default:
      return {
        label: `kind ${event.kind}`,
        text: `number ${event.number}, args ${event.args.map(hex).join(', ')}, result ${event.result}`,
        tone: 'normal',
      };
  }
}

/** One line of plain text: "#12 svc malloc(0x64) = 0x40400040". */
export function eventLine(event: GuestEvent): string {
  const { label, text } = describeEvent(event);
  return `#${event.sequence} ${label} ${text}`;
}
