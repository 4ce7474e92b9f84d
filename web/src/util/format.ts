// SPDX-License-Identifier: GPL-2.0-or-later
/** Number formatting shared by the panel views. */

export function hexAddress(value: number): string {
  return `0x${value.toString(16)}`;
}

/** 1536 -> "1.5 KiB"; exact bytes below 1 KiB. */
export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
}

export function groupedNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 && fraction > 0 ? 1 : 0)}%`;
}

/** Bytes as "de ad be ef". */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
