// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A hand-built guest memory with just what the CPU panel reads: the image
 * header, a version-2 heap descriptor, an event log and a program name, laid
 * out with the ABI's offsets so tests can write events and scribble on them.
 */
import {
  ABI_VERSION,
  DESCRIPTOR_MAGIC,
  Descriptor,
  EVENT_LOG_CAPACITY,
  EVENT_LOG_MAGIC,
  Event,
  EventLog,
  IMAGE_MAGIC,
} from '../../src/heap/abi';
import { GuestMemory } from '../../src/heap/guest-memory';
import { IMAGE_HEADER, writeU32, writeU64 } from './scribble';

export const BASE = 0x40080000;
export const DESCRIPTOR = BASE + 0x100;
export const EVENT_LOG = BASE + 0x1000;
export const NAME = BASE + 0x2000;
const SIZE = 0x3000;

export interface SyntheticEvent {
  kind: number;
  number: number;
  args?: [bigint, bigint, bigint];
  result?: bigint;
}

export class SyntheticKernel {
  readonly memory = new GuestMemory(new Uint8Array(SIZE), BASE);
  private readonly view = new DataView(this.memory.bytes.buffer);

  constructor() {
    writeU32(this.memory, IMAGE_HEADER, IMAGE_MAGIC);
    writeU32(this.memory, IMAGE_HEADER + 4, ABI_VERSION);
    writeU64(this.memory, IMAGE_HEADER + 8, DESCRIPTOR);
    writeU32(this.memory, DESCRIPTOR + Descriptor.magic, DESCRIPTOR_MAGIC);
    writeU32(this.memory, DESCRIPTOR + Descriptor.abiVersion, ABI_VERSION);
    writeU64(this.memory, DESCRIPTOR + Descriptor.eventLog, EVENT_LOG);
    writeU32(this.memory, EVENT_LOG + EventLog.magic, EVENT_LOG_MAGIC);
    writeU32(this.memory, EVENT_LOG + EventLog.capacity, EVENT_LOG_CAPACITY);
  }

  /** Logs an event exactly as the kernel's event_log() does. */
  log(event: SyntheticEvent): void {
    const n = this.view.getBigUint64(EVENT_LOG + EventLog.written - BASE, true);
    const slot =
      EVENT_LOG + EventLog.slots + Number(n % BigInt(EVENT_LOG_CAPACITY)) * Event.size - BASE;
    this.view.setBigUint64(slot + Event.sequence, n, true);
    this.view.setUint32(slot + Event.kind, event.kind, true);
    this.view.setUint32(slot + Event.number, event.number, true);
    const args = event.args ?? [0n, 0n, 0n];
    for (const [i, a] of args.entries()) this.view.setBigUint64(slot + Event.args + 8 * i, a, true);
    this.view.setBigInt64(slot + Event.result, event.result ?? 0n, true);
    this.view.setBigUint64(EVENT_LOG + EventLog.written - BASE, n + 1n, true);
  }

  setWritten(written: bigint): void {
    this.view.setBigUint64(EVENT_LOG + EventLog.written - BASE, written, true);
  }

  /** The running program, as heap_set_user_program() publishes it (name bytes as given, no NUL added). */
  setProgram(pid: number, name: Uint8Array | string | null, at = NAME): void {
    writeU32(this.memory, DESCRIPTOR + Descriptor.userPid, pid);
    if (name === null) {
      writeU64(this.memory, DESCRIPTOR + Descriptor.userProgram, 0);
      return;
    }
    const bytes = typeof name === 'string' ? new TextEncoder().encode(`${name}\0`) : name;
    this.memory.bytes.set(bytes, at - BASE);
    writeU64(this.memory, DESCRIPTOR + Descriptor.userProgram, at);
  }

  u32(address: number, value: number): void {
    writeU32(this.memory, address, value);
  }

  u64(address: number, value: number): void {
    writeU64(this.memory, address, value);
  }
}
