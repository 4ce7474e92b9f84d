// SPDX-License-Identifier: GPL-2.0-or-later
/** Byte arrays end to end, as one new array (transcripts are kept as chunks). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
