// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A bounds-checked little-endian reader over a window of guest memory: a byte
 * array that holds the guest addresses [base, base + bytes.length). The
 * decoder reads everything through this, so a wild pointer read from a
 * corrupted heap becomes a MemoryRangeError instead of reading host memory.
 */

export class MemoryRangeError extends Error {
  constructor(
    readonly address: number,
    readonly length: number,
  ) {
    super(`read of ${length} bytes at 0x${address.toString(16)} is outside the memory window`);
    this.name = 'MemoryRangeError';
  }
}

const TWO_POW_32 = 4294967296;

export class GuestMemory {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get end(): number {
    return this.base + this.bytes.length;
  }

  /** Is [address, address + length) entirely inside the window? */
  contains(address: number, length: number): boolean {
    return (
      Number.isSafeInteger(address) &&
      length >= 0 &&
      address >= this.base &&
      address + length <= this.base + this.bytes.length
    );
  }

  private offset(address: number, length: number): number {
    if (!this.contains(address, length)) throw new MemoryRangeError(address, length);
    return address - this.base;
  }

  u8(address: number): number {
    return this.view.getUint8(this.offset(address, 1));
  }

  u32(address: number): number {
    return this.view.getUint32(this.offset(address, 4), true);
  }

  /**
   * A u64 as a JS number. Exact below 2^53, which covers every guest address
   * and size; larger values (only ever garbage) come out approximate but still
   * far outside any heap, so the range checks reject them.
   */
  u64(address: number): number {
    const at = this.offset(address, 8);
    return this.view.getUint32(at + 4, true) * TWO_POW_32 + this.view.getUint32(at, true);
  }

  /** A u64, exactly (for values shown in hex, where an approximation would print wrong digits). */
  bigU64(address: number): bigint {
    return this.view.getBigUint64(this.offset(address, 8), true);
  }

  /** An int64, exactly. */
  bigI64(address: number): bigint {
    return this.view.getBigInt64(this.offset(address, 8), true);
  }

  /** A copy of [address, address + length). */
  copy(address: number, length: number): Uint8Array {
    const at = this.offset(address, length);
    return this.bytes.slice(at, at + length);
  }
}
