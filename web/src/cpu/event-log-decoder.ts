// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Reads the kernel's event log (struct apg_event_log): a ring of
 * EVENT_LOG_CAPACITY slots where event n lives in slot n % capacity. The
 * capacity is the ABI's, not the guest's: a log claiming another one is
 * rejected, and `written` only chooses which event numbers to look for, never
 * how far to read. A slot that does not hold the event number it should
 * (the guest stopped while overwriting it) is skipped, not shown.
 */
import { EVENT_ARG_COUNT, EVENT_LOG_CAPACITY, EVENT_LOG_MAGIC, Event, EventLog } from '../heap/abi';
import type { GuestMemory } from '../heap/guest-memory';
import type { EventLogState, GuestEvent } from './model';

export type EventLogDecoding = { ok: true; log: EventLogState } | { ok: false; problem: string };

const hex = (value: number): string => `0x${value.toString(16)}`;

export function decodeEventLog(memory: GuestMemory, address: number): EventLogDecoding {
  if (address === 0) return { ok: false, problem: 'the kernel publishes no event log' };
  if (!memory.contains(address, EventLog.size))
    return { ok: false, problem: `event log address ${hex(address)} is outside guest memory` };
  const magic = memory.u32(address + EventLog.magic);
  if (magic === 0) return { ok: false, problem: 'the event log is not set up yet' };
  if (magic !== EVENT_LOG_MAGIC)
    return { ok: false, problem: `bad event log magic ${hex(magic)} at ${hex(address)}` };
  const capacity = memory.u32(address + EventLog.capacity);
  if (capacity !== EVENT_LOG_CAPACITY)
    return {
      ok: false,
      problem: `event log capacity ${capacity}, the ABI says ${EVENT_LOG_CAPACITY}: not read`,
    };
  const writtenExact = memory.bigU64(address + EventLog.written);
  // one event per system call or interrupt: 2^53 of them would take centuries
  if (writtenExact > BigInt(Number.MAX_SAFE_INTEGER))
    return {
      ok: false,
      problem: `event log claims ${writtenExact} events: not believable, not read`,
    };
  const written = Number(writtenExact);

  const events: GuestEvent[] = [];
  let skipped = 0;
  for (let n = Math.max(0, written - EVENT_LOG_CAPACITY); n < written; n++) {
    const slot = address + EventLog.slots + (n % EVENT_LOG_CAPACITY) * Event.size;
    if (memory.bigU64(slot + Event.sequence) !== BigInt(n)) {
      skipped++;
      continue;
    }
    const args = Array.from({ length: EVENT_ARG_COUNT }, (_, i) =>
      memory.bigU64(slot + Event.args + 8 * i),
    ) as GuestEvent['args'];
    events.push({
      sequence: n,
      kind: memory.u32(slot + Event.kind),
      number: memory.u32(slot + Event.number),
      args,
      result: memory.bigI64(slot + Event.result),
    });
  }
  return { ok: true, log: { address, written, events, skipped } };
}
