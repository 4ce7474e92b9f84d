// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Files the user gives the page for the guest: a CS:APP .rep trace (put in
 * guest RAM at the trace area for the shell's `trace` command) or a kernel
 * image to boot. Pure checks; file-loading.ts does the DOM part.
 */

/** Where a trace goes in guest RAM (firmware/include/board.h: BOARD_TRACE_BASE). */
export const TRACE_AREA = 0x47000000;
export const TRACE_AREA_SIZE = 16 * 1024 * 1024;
/** Raw images load at 0x40080000 and must fit in the 128 MiB of RAM above it. */
export const MAX_IMAGE_SIZE = 128 * 1024 * 1024 - 0x80000;

export type GuestFileKind = 'trace' | 'image';

/**
 * A trace is text: a .rep name, or printable ASCII (digits, letters, spaces,
 * line ends) in its first 4 KiB. Anything else is an image to boot.
 */
export function classifyFile(name: string, bytes: Uint8Array): GuestFileKind {
  if (/\.rep$/i.test(name)) return 'trace';
  if (/\.(img|bin|elf)$/i.test(name)) return 'image';
  const head = bytes.subarray(0, 4096);
  if (head.length === 0) return 'trace';
  for (const b of head) {
    const text = b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f);
    if (!text) return 'image';
  }
  return 'trace';
}

/** null if the bytes can go to the trace area, else one sentence saying why not. */
export function traceProblem(name: string, bytes: Uint8Array): string | null {
  if (bytes.length === 0) return `${name} is empty: a .rep trace starts with four header lines.`;
  if (bytes.length > TRACE_AREA_SIZE)
    return `${name} is ${bytes.length} bytes: the trace area holds at most ${TRACE_AREA_SIZE} (16 MiB).`;
  return null;
}

/** null if the bytes can be booted, else one sentence saying why not. */
export function imageProblem(name: string, bytes: Uint8Array): string | null {
  if (bytes.length === 0) return `${name} is empty: nothing to boot.`;
  if (bytes.length > MAX_IMAGE_SIZE)
    return `${name} is ${bytes.length} bytes: a raw image must fit in RAM above 0x40080000 (${MAX_IMAGE_SIZE} bytes).`;
  return null;
}

/**
 * The `kernel` URL parameter: a relative URL or one on the page's own origin
 * (a course page cannot make the playground fetch from elsewhere).
 */
export function resolveKernelUrl(
  param: string,
  pageHref: string,
): { ok: true; url: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(param, pageHref);
  } catch {
    return { ok: false, message: `kernel "${param}" is not a URL; booting the default kernel` };
  }
  const page = new URL(pageHref);
  if (url.origin !== page.origin || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    return {
      ok: false,
      message: `kernel "${param}" is not on this page's origin (only relative or same-origin URLs); booting the default kernel`,
    };
  return { ok: true, url: url.href };
}
