// SPDX-License-Identifier: GPL-2.0-or-later
/** A NUL-terminated string from guest memory, read with a bound and made safe to show. */
import type { GuestMemory } from '../heap/guest-memory';

export interface GuestString {
  text: string;
  /** no NUL within the bound (or before the end of memory): `text` is cut */
  truncated: boolean;
}

/**
 * Reads at most `maxBytes` bytes from `address` up to the first NUL.
 * Printable ASCII comes through; every other byte is written as \xNN, so a
 * scribbled name can neither inject markup nor hide as control characters.
 * Null when `address` itself is outside memory.
 */
export function readCString(
  memory: GuestMemory,
  address: number,
  maxBytes: number,
): GuestString | null {
  if (!memory.contains(address, 1)) return null;
  let text = '';
  for (let i = 0; i < maxBytes; i++) {
    if (!memory.contains(address + i, 1)) return { text, truncated: true };
    const byte = memory.u8(address + i);
    if (byte === 0) return { text, truncated: false };
    text +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return { text, truncated: true };
}
