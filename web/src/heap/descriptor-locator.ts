// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Finds the heap descriptor from the image header and checks that it speaks
 * this page's ABI version. Shared by the heap decoder and the CPU panel's
 * decoder, so both say the same thing about a kernel they cannot read.
 */
import {
  ABI_VERSION,
  DESCRIPTOR_MAGIC,
  OLDEST_READABLE_ABI_VERSION,
  Descriptor,
  IMAGE_HEADER_OFFSET,
  IMAGE_LOAD_ADDRESS,
  IMAGE_MAGIC,
  ImageHeader,
} from './abi';
import type { GuestMemory } from './guest-memory';

export type DescriptorLocation =
  | { ok: true; address: number }
  /** `address`: where the problem is, if it is at one */
  | { ok: false; message: string; address?: number };

/** What an image without the heap ABI header (not this project's kernel) gets. */
export const NO_HEAP_DESCRIPTOR =
  'no heap descriptor in this image (no Allocator Playground image header at 0x40080010)';

export const DEFAULT_IMAGE_HEADER_ADDRESS = IMAGE_LOAD_ADDRESS + IMAGE_HEADER_OFFSET;

/** Says which versions disagree and what to do, whichever side is older. */
export function abiMismatch(where: string, version: number): string {
  return `${where} uses heap ABI version ${version}, this page reads version ${ABI_VERSION}: build the page and the kernel from the same tree`;
}

function readable(version: number): boolean {
  return version >= OLDEST_READABLE_ABI_VERSION && version <= ABI_VERSION;
}

export function locateDescriptor(
  memory: GuestMemory,
  header = DEFAULT_IMAGE_HEADER_ADDRESS,
): DescriptorLocation {
  if (!memory.contains(header, ImageHeader.size))
    return { ok: false, message: 'the image header is outside guest memory', address: header };
  if (memory.u32(header + ImageHeader.magic) !== IMAGE_MAGIC)
    return { ok: false, message: NO_HEAP_DESCRIPTOR, address: header };
  const headerVersion = memory.u32(header + ImageHeader.abiVersion);
  if (!readable(headerVersion))
    return { ok: false, message: abiMismatch('the kernel image', headerVersion), address: header };
  const address = memory.u64(header + ImageHeader.descriptor);
  if (!memory.contains(address, Descriptor.size))
    return { ok: false, message: 'heap descriptor address is outside guest memory', address };
  const magic = memory.u32(address + Descriptor.magic);
  if (magic === 0) return { ok: false, message: 'the kernel has not set up its heap yet', address };
  if (magic !== DESCRIPTOR_MAGIC)
    return { ok: false, message: 'bad heap descriptor magic', address };
  const version = memory.u32(address + Descriptor.abiVersion);
  if (!readable(version))
    return { ok: false, message: abiMismatch('the heap descriptor', version), address };
  return { ok: true, address };
}
