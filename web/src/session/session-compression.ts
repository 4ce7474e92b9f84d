// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A session file on disk is its container (session-file.ts) in gzip: nine
 * tenths of a machine state are zeros (untouched RAM pages, the unused SVE
 * parts of the vector registers), so files are about 18 times smaller. The
 * reader also takes an uncompressed container, and stops inflating past a
 * limit, so a small file cannot make the page allocate gigabytes.
 */
import { MAX_SESSION_FILE_BYTES } from './session-file';

const GZIP_MAGIC = [0x1f, 0x8b];

export async function packSession(container: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([container as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export type Unpacked = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

/** The container inside a file: inflated when it is gzip, as it is otherwise. */
export async function unpackSession(
  file: Uint8Array,
  maxBytes = MAX_SESSION_FILE_BYTES,
): Promise<Unpacked> {
  if (file.length > maxBytes)
    return refuse(`it is ${file.length} bytes, more than the ${maxBytes} allowed`);
  if (file[0] !== GZIP_MAGIC[0] || file[1] !== GZIP_MAGIC[1]) return { ok: true, bytes: file };
  const reader = new Blob([file as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'))
    .getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel();
        return refuse(`it unpacks to more than the ${maxBytes} bytes allowed`);
      }
      chunks.push(value);
    }
  } catch {
    return refuse('it is damaged or truncated (its gzip data does not unpack)');
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { ok: true, bytes };
}

function refuse(why: string): Unpacked {
  return { ok: false, message: `This is not a usable session file: ${why}.` };
}
