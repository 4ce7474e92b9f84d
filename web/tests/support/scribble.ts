// SPDX-License-Identifier: GPL-2.0-or-later
/** Writes into a fixture's memory, to corrupt it on purpose. */
import {
  Descriptor,
  ImageHeader,
  IMAGE_HEADER_OFFSET,
  IMAGE_LOAD_ADDRESS,
} from '../../src/heap/abi';
import type { GuestMemory } from '../../src/heap/guest-memory';

function view(memory: GuestMemory): DataView {
  return new DataView(memory.bytes.buffer, memory.bytes.byteOffset, memory.bytes.byteLength);
}

export function writeU32(memory: GuestMemory, address: number, value: number): void {
  view(memory).setUint32(address - memory.base, value >>> 0, true);
}

export function writeU64(memory: GuestMemory, address: number, value: number): void {
  view(memory).setBigUint64(address - memory.base, BigInt(value), true);
}

export const IMAGE_HEADER = IMAGE_LOAD_ADDRESS + IMAGE_HEADER_OFFSET;

export function descriptorAddress(memory: GuestMemory): number {
  return memory.u64(IMAGE_HEADER + ImageHeader.descriptor);
}

export function heapStateAddress(memory: GuestMemory): number {
  return memory.u64(descriptorAddress(memory) + Descriptor.heapState);
}
