// SPDX-License-Identifier: GPL-2.0-or-later
/** What the CPU panel shows, decoded in the worker: plain data, cloneable across postMessage. */

/** One slot of the kernel's event log (struct apg_event). Values shown in hex are exact bigints. */
export interface GuestEvent {
  /** event number since boot */
  sequence: number;
  /** enum apg_event_kind (EventKind); other values are shown raw */
  kind: number;
  /** pid, call number, interrupt id, signal or exception class, by kind */
  number: number;
  args: [bigint, bigint, bigint];
  result: bigint;
}

export interface EventLogState {
  /** guest address of struct apg_event_log */
  address: number;
  /** events logged since boot */
  written: number;
  /** the latest events, oldest first: at most the ring's capacity */
  events: GuestEvent[];
  /** slots that did not hold the event the ring says they should (being overwritten when the guest stopped) */
  skipped: number;
}

export interface RunningProgram {
  pid: number;
  /** read from guest memory as a bounded C string; non-printable bytes escaped as \xNN */
  name: string;
}

export interface CpuModel {
  /** PSTATE when the guest last stopped; null when it could not be read */
  pstate: number | null;
  /** PSTATE.CurrentEL, or null */
  exceptionLevel: number | null;
  /** from the heap descriptor; null when no user program runs */
  program: RunningProgram | null;
  /** null when the descriptor or the log cannot be read (see problems) */
  log: EventLogState | null;
  /** why something could not be read; empty when all is well */
  problems: string[];
}
