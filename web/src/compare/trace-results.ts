// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What the kernel's `trace` command printed (firmware/kernel/cmd_trace.c):
 *
 *   trace: 3000 requests, 1000 ids, on a fresh heap
 *   allocator    ops failed errors   util instr/op  check
 *   first-fit   3000      0      0  53.7%   1798.1  OK
 *
 * or one `error: trace: …` line when nothing was run (no trace loaded, a
 * malformed trace: the kernel validates the whole trace first).
 */

export interface TraceRow {
  allocator: string;
  /** requests replayed */
  requests: number;
  /** allocation requests that returned no memory */
  failed: number;
  /** correctness errors mdriver's checks found */
  errors: number;
  /** peak live payload / heap high-water, in percent; null when nothing was allocated */
  utilPercent: number | null;
  /** guest instructions per request inside the allocator */
  instructionsPerRequest: number;
  checkOk: boolean;
  /** stopped with Ctrl-C */
  interrupted: boolean;
  /** the first correctness error, if any */
  firstError: string | null;
}

export type TraceOutcome =
  | { kind: 'ran'; requests: number; ids: number; rows: TraceRow[] }
  /** the kernel ran nothing and said why */
  | { kind: 'refused'; message: string };

const HEADER = /^trace: (\d+) requests, (\d+) ids, /m;
const ROW = /^(\S+) +(\d+) +(\d+) +(\d+) +(-|\d+\.\d)% +(\d+\.\d) +(OK|FAILED)( \(interrupted\))?$/;
const REFUSED = /^error: trace: (.*)$/m;

/** null when `reply` is not the output of a `trace` command. */
export function parseTraceReply(reply: string): TraceOutcome | null {
  const refused = REFUSED.exec(reply);
  if (refused !== null) return { kind: 'refused', message: refused[1]! };
  const header = HEADER.exec(reply);
  if (header === null) return null;
  const rows: TraceRow[] = [];
  for (const line of reply.slice(header.index).split(/\r?\n/)) {
    const m = ROW.exec(line);
    if (m !== null) {
      rows.push({
        allocator: m[1]!,
        requests: Number(m[2]),
        failed: Number(m[3]),
        errors: Number(m[4]),
        utilPercent: m[5] === '-' ? null : Number(m[5]),
        instructionsPerRequest: Number(m[6]),
        checkOk: m[7] === 'OK',
        interrupted: m[8] !== undefined,
        firstError: null,
      });
      continue;
    }
    const firstError = /^ {2}first error: (.*)$/.exec(line);
    if (firstError !== null && rows.length > 0) rows.at(-1)!.firstError = firstError[1]!;
  }
  return { kind: 'ran', requests: Number(header[1]), ids: Number(header[2]), rows };
}

/** The row a machine printed for its own allocator (`trace` prints one row). */
export function ownTraceRow(reply: string, allocator: string): TraceRow | null {
  const outcome = parseTraceReply(reply);
  if (outcome?.kind !== 'ran') return null;
  return outcome.rows.find((r) => r.allocator === allocator) ?? null;
}

/** The kernel refused the trace itself (malformed), as opposed to "no trace loaded". */
export function malformedTrace(outcome: TraceOutcome | null): string | null {
  if (outcome?.kind !== 'refused') return null;
  return /^line \d+: /.test(outcome.message) ? outcome.message : null;
}
