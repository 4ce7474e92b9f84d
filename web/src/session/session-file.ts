// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The session file: a whole timeline (every checkpoint's command, terminal
 * transcript and machine state) so "Load session" restores it without
 * replaying. Format (docs/SESSION-FILE.md), all integers little-endian:
 *
 *   "APGSESS\0"  u32 version (1)  u32 M  M bytes of JSON metadata
 *   u32 P  P pages of 4096 bytes: every distinct RAM page of the checkpoints
 *   per checkpoint, in metadata order:
 *     u32 T  T bytes of transcript (after the parent's, or all of it)
 *     u32 kind 1 (paged): u32 L  L bytes of the checkpoint's head (APGCKPT1
 *                          header, machine state, CPU, UART queues)
 *                          u32 n  n × (u32 RAM page index, u32 pool page)
 *                          8 bytes: the checkpoint's own checksum
 *           or 0 (raw):   u32 L  L bytes of the checkpoint as exported
 *   u32 CRC-32 of every byte before it
 *
 * Checkpoints share most of their pages (the kernel image, untouched heap),
 * so each distinct page is stored once and a checkpoint is rebuilt byte for
 * byte from its head, its page list and its checksum. Any file that is not
 * exactly this gets one message and nothing else happens: the reader checks
 * every length against what is left before it reads, and the CRC first.
 */
import { concatBytes } from '../util/bytes';
import { crc32 } from '../util/checksums';

export const SESSION_MAGIC = 'APGSESS\0';
export const SESSION_VERSION = 1;
/** larger files are refused before they are read */
export const MAX_SESSION_FILE_BYTES = 512 * 1024 * 1024;
export const MAX_CHECKPOINTS = 20_000;
const MAX_METADATA_BYTES = 8 * 1024 * 1024;
const MAX_LABEL_LENGTH = 1000;
const MAX_COMMANDS_PER_CHECKPOINT = 10_000;
/** a checkpoint holds at most every page of the 128 MiB of RAM */
const RAM_PAGES = (128 * 1024 * 1024) / 4096;

const PAGE = 4096;
const CHECKPOINT_MAGIC = 'APGCKPT1';
/** APGCKPT1: magic, then ten u32 fields (emu-glue/src/snapshot.c) */
const CKPT_FIELDS = 10;
const CKPT_HEADER = 8 + CKPT_FIELDS * 4;
const CKPT_BYTE_ORDER = 0x01020304;
const CKPT_TRAILER = 8;

export interface SessionCheckpoint {
  /** the command that made it ("boot" for the first) */
  label: string;
  /** index of the checkpoint it follows, -1 for the first; always smaller than its own */
  parent: number;
  /** every byte the terminal showed up to this checkpoint */
  transcript: Uint8Array;
  /** the command lines typed since the parent (the share link replays them) */
  commands: string[];
}

export interface SessionToSave {
  kernel: { sha256: string; bytes: number };
  /** the allocator at the current checkpoint ("first-fit", …; "" without a heap) */
  allocator: string;
  /** the checkpoint the page was at */
  current: number;
  checkpoints: (SessionCheckpoint & { state: Uint8Array })[];
}

export interface LoadedSession {
  kernel: { sha256: string; bytes: number };
  allocator: string;
  current: number;
  checkpoints: (SessionCheckpoint & { state(): Uint8Array })[];
}

export type SessionParse = { ok: true; session: LoadedSession } | { ok: false; message: string };

interface Metadata {
  app: 'allocplay';
  kernel: { sha256: string; bytes: number };
  allocator: string;
  current: number;
  checkpoints: {
    label: string;
    parent: number;
    commands: string[];
    transcript: 'full' | 'after-parent';
  }[];
}

class Writer {
  private readonly chunks: Uint8Array[] = [];
  size = 0;
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  u32(value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, true);
    this.bytes(b);
  }
  /** u32 length, then the bytes */
  block(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }
  /** everything written, followed by room for `extra` more bytes */
  joined(extra = 0): Uint8Array {
    const out = new Uint8Array(this.size + extra);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  /** everything written, then its CRC-32 */
  finish(): Uint8Array {
    const out = this.joined(4);
    new DataView(out.buffer).setUint32(this.size, crc32(out.subarray(0, this.size)), true);
    return out;
  }
}

/** Where a serialised checkpoint's pages are, when it is an APGCKPT1 this reader understands. */
interface CheckpointLayout {
  head: number;
  pages: number;
}

/** `bytes` holds at least the APGCKPT1 header; `length` is the whole checkpoint's */
function checkpointLayout(bytes: Uint8Array, length = bytes.length): CheckpointLayout | null {
  if (bytes.length < CKPT_HEADER || length < CKPT_HEADER + CKPT_TRAILER) return null;
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== CHECKPOINT_MAGIC) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const field = (i: number) => view.getUint32(8 + i * 4, true);
  if (field(0) !== CKPT_BYTE_ORDER || field(4) !== PAGE) return null;
  // state, CPU, receive and transmit queues
  const head = CKPT_HEADER + field(2) + field(3) + field(7) + field(8);
  const pages = field(9);
  if (head + pages * (4 + PAGE) + CKPT_TRAILER !== length) return null;
  return { head, pages };
}

function startsWith(whole: Uint8Array, part: Uint8Array): boolean {
  if (part.length > whole.length) return false;
  for (let i = 0; i < part.length; i++) if (whole[i] !== part[i]) return false;
  return true;
}

/** The page pool: each distinct page once (a CRC to find candidates, then a byte compare). */
class PagePool {
  readonly pages: Uint8Array[] = [];
  private readonly byCrc = new Map<number, number[]>();
  add(page: Uint8Array): number {
    const key = crc32(page);
    const candidates = this.byCrc.get(key) ?? [];
    for (const n of candidates) if (equalBytes(this.pages[n]!, page)) return n;
    candidates.push(this.pages.length);
    this.byCrc.set(key, candidates);
    this.pages.push(page);
    return this.pages.length - 1;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function writeSessionFile(session: SessionToSave): Uint8Array {
  const metadata: Metadata = {
    app: 'allocplay',
    kernel: session.kernel,
    allocator: session.allocator,
    current: session.current,
    checkpoints: session.checkpoints.map((c) => {
      const parent = session.checkpoints[c.parent];
      const afterParent = parent !== undefined && startsWith(c.transcript, parent.transcript);
      return {
        label: c.label,
        parent: c.parent,
        commands: c.commands,
        transcript: afterParent ? 'after-parent' : 'full',
      };
    }),
  };
  const pool = new PagePool();
  const bodies = session.checkpoints.map((c, i) => {
    const body = new Writer();
    const parent = session.checkpoints[c.parent];
    const transcript =
      metadata.checkpoints[i]!.transcript === 'after-parent' && parent !== undefined
        ? c.transcript.subarray(parent.transcript.length)
        : c.transcript;
    body.block(transcript);
    const layout = checkpointLayout(c.state);
    if (layout === null) {
      body.u32(0);
      body.block(c.state);
      return body;
    }
    body.u32(1);
    body.block(c.state.subarray(0, layout.head));
    body.u32(layout.pages);
    const view = new DataView(c.state.buffer, c.state.byteOffset, c.state.byteLength);
    for (let p = 0; p < layout.pages; p++) {
      const at = layout.head + p * (4 + PAGE);
      body.u32(view.getUint32(at, true));
      body.u32(pool.add(c.state.subarray(at + 4, at + 4 + PAGE)));
    }
    body.bytes(c.state.subarray(c.state.length - CKPT_TRAILER));
    return body;
  });
  const out = new Writer();
  out.bytes(new TextEncoder().encode(SESSION_MAGIC));
  out.u32(SESSION_VERSION);
  out.block(new TextEncoder().encode(JSON.stringify(metadata)));
  out.u32(pool.pages.length);
  for (const page of pool.pages) out.bytes(page);
  for (const body of bodies) out.bytes(body.joined());
  return out.finish();
}

class BadSession extends Error {}

class Reader {
  private readonly view: DataView;
  at = 0;
  constructor(
    private readonly data: Uint8Array,
    /** bytes before the trailing CRC */
    readonly end: number,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  need(n: number, what: string): void {
    if (n > this.end - this.at)
      throw new BadSession(
        `it is truncated or damaged: ${what} needs ${n} bytes but only ${this.end - this.at} are left`,
      );
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  block(what: string, limit = Number.POSITIVE_INFINITY): Uint8Array {
    const n = this.u32(`the length of ${what}`);
    if (n > limit) throw new BadSession(`${what} is ${n} bytes, more than the ${limit} allowed`);
    return this.bytes(n, what);
  }
}

function metadataProblem(m: unknown): string | null {
  if (typeof m !== 'object' || m === null) return 'its metadata is not an object';
  const meta = m as Partial<Metadata>;
  if (meta.app !== 'allocplay') return 'its metadata does not name the allocplay app';
  const k = meta.kernel;
  if (
    typeof k !== 'object' ||
    k === null ||
    typeof k.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(k.sha256) ||
    !Number.isSafeInteger(k.bytes) ||
    k.bytes < 0
  )
    return 'its kernel identity (sha256, bytes) is missing or malformed';
  if (typeof meta.allocator !== 'string' || meta.allocator.length > 64)
    return 'its allocator name is missing or malformed';
  const list = meta.checkpoints;
  if (!Array.isArray(list) || list.length === 0) return 'it holds no checkpoints';
  if (list.length > MAX_CHECKPOINTS)
    return `it holds ${list.length} checkpoints, more than the ${MAX_CHECKPOINTS} allowed`;
  for (const [i, c] of list.entries()) {
    if (typeof c !== 'object' || c === null) return `checkpoint ${i} is not an object`;
    if (typeof c.label !== 'string' || c.label.length > MAX_LABEL_LENGTH)
      return `checkpoint ${i} has no usable label`;
    if (!Number.isInteger(c.parent) || c.parent < -1 || c.parent >= i)
      return `checkpoint ${i} names parent ${String(c.parent)}, which is not an earlier checkpoint`;
    if ((i === 0) !== (c.parent === -1)) return 'only the first checkpoint may be without a parent';
    if (
      !Array.isArray(c.commands) ||
      c.commands.length > MAX_COMMANDS_PER_CHECKPOINT ||
      !c.commands.every((line) => typeof line === 'string' && line.length <= MAX_LABEL_LENGTH)
    )
      return `checkpoint ${i} has no usable command list`;
    if (c.transcript !== 'full' && c.transcript !== 'after-parent')
      return `checkpoint ${i} has an unknown transcript kind`;
  }
  if (
    !Number.isInteger(meta.current) ||
    (meta.current ?? -1) < 0 ||
    (meta.current ?? 0) >= list.length
  )
    return 'its current checkpoint is not one of its checkpoints';
  return null;
}

/** Reads a session file; any flaw gives one message that starts "This is not a usable session file". */
export function parseSessionFile(data: Uint8Array): SessionParse {
  try {
    return { ok: true, session: parse(data) };
  } catch (error) {
    if (!(error instanceof BadSession)) throw error;
    return { ok: false, message: `This is not a usable session file: ${error.message}.` };
  }
}

function parse(data: Uint8Array): LoadedSession {
  if (data.length > MAX_SESSION_FILE_BYTES)
    throw new BadSession(
      `it is ${data.length} bytes, more than the ${MAX_SESSION_FILE_BYTES} allowed`,
    );
  const magic = new TextEncoder().encode(SESSION_MAGIC);
  if (data.length < magic.length + 4 || !startsWith(data, magic))
    throw new BadSession('it does not start with the session magic "APGSESS"');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = view.getUint32(magic.length, true);
  if (version !== SESSION_VERSION)
    throw new BadSession(
      `it is format version ${version}, this page reads version ${SESSION_VERSION}`,
    );
  if (data.length < magic.length + 8)
    throw new BadSession('it is truncated: it ends before its checksum');
  const end = data.length - 4;
  if (crc32(data.subarray(0, end)) !== view.getUint32(end, true))
    throw new BadSession('it is damaged or truncated (its CRC-32 does not match)');

  const r = new Reader(data, end);
  r.at = magic.length + 4;
  let metadata: unknown;
  try {
    metadata = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(r.block('the metadata', MAX_METADATA_BYTES)),
    );
  } catch (error) {
    if (error instanceof BadSession) throw error;
    throw new BadSession('its metadata is not valid JSON');
  }
  const problem = metadataProblem(metadata);
  if (problem !== null) throw new BadSession(problem);
  const meta = metadata as Metadata;

  const poolSize = r.u32('the page count');
  const pool = r.bytes(poolSize * PAGE, `${poolSize} pages`);
  const checkpoints: LoadedSession['checkpoints'] = [];
  for (const [i, c] of meta.checkpoints.entries()) {
    const added = r.block(`checkpoint ${i}'s transcript`);
    const transcript =
      c.transcript === 'after-parent'
        ? concatBytes([checkpoints[c.parent]!.transcript, added])
        : added;
    const kind = r.u32(`checkpoint ${i}'s kind`);
    let state: () => Uint8Array;
    if (kind === 0) {
      const raw = r.block(`checkpoint ${i}`);
      state = () => raw;
    } else if (kind === 1) {
      state = pagedCheckpoint(r, i, pool, poolSize);
    } else {
      throw new BadSession(`checkpoint ${i} is of unknown kind ${kind}`);
    }
    checkpoints.push({ label: c.label, parent: c.parent, commands: c.commands, transcript, state });
  }
  if (r.at !== end) throw new BadSession(`it has ${end - r.at} bytes after its last checkpoint`);
  return { kernel: meta.kernel, allocator: meta.allocator, current: meta.current, checkpoints };
}

/** Checks a paged checkpoint now; rebuilds its bytes only when asked (one at a time keeps memory low). */
function pagedCheckpoint(
  r: Reader,
  i: number,
  pool: Uint8Array,
  poolSize: number,
): () => Uint8Array {
  const head = r.block(`checkpoint ${i}'s head`);
  const count = r.u32(`checkpoint ${i}'s page count`);
  if (count > RAM_PAGES)
    throw new BadSession(`checkpoint ${i} lists ${count} pages, more than the ${RAM_PAGES} of RAM`);
  if (!headFits(head, count))
    throw new BadSession(
      `checkpoint ${i} is not an emulator checkpoint (its APGCKPT1 head does not fit)`,
    );
  const list = r.bytes(count * 8, `checkpoint ${i}'s page list`);
  const listView = new DataView(list.buffer, list.byteOffset, list.byteLength);
  for (let p = 0; p < count; p++) {
    const index = listView.getUint32(p * 8, true);
    const page = listView.getUint32(p * 8 + 4, true);
    if (index >= RAM_PAGES || page >= poolSize)
      throw new BadSession(`checkpoint ${i} names a page that is not there`);
  }
  const trailer = r.bytes(CKPT_TRAILER, `checkpoint ${i}'s checksum`);
  return () => {
    const out = new Uint8Array(head.length + count * (4 + PAGE) + CKPT_TRAILER);
    const view = new DataView(out.buffer);
    out.set(head);
    let at = head.length;
    for (let p = 0; p < count; p++) {
      view.setUint32(at, listView.getUint32(p * 8, true), true);
      const page = listView.getUint32(p * 8 + 4, true);
      out.set(pool.subarray(page * PAGE, (page + 1) * PAGE), at + 4);
      at += 4 + PAGE;
    }
    out.set(trailer, at);
    return out;
  };
}

/** Whether `head` and `pages` rebuild an APGCKPT1 checkpoint of the right length (the emulator checks the rest). */
function headFits(head: Uint8Array, pages: number): boolean {
  const layout = checkpointLayout(head, head.length + pages * (4 + PAGE) + CKPT_TRAILER);
  return layout !== null && layout.head === head.length && layout.pages === pages;
}

/** One message when the session was saved with another kernel image than the page runs, else null. */
export function kernelMismatch(
  saved: { sha256: string; bytes: number },
  running: { sha256: string; bytes: number },
): string | null {
  if (saved.sha256 === running.sha256 && saved.bytes === running.bytes) return null;
  return `This session was saved with another kernel image (sha256 ${saved.sha256.slice(0, 12)}…, ${saved.bytes} bytes); this page runs ${running.sha256.slice(0, 12)}… (${running.bytes} bytes). Boot that image with Kernel… first, then load the session.`;
}
