// SPDX-License-Identifier: GPL-2.0-or-later
/** A classic hex dump: address, 16 bytes, their ASCII; the metadata bytes are marked. */
import { hexAddress } from '../util/format';
import { el } from './dom';

export function renderHexDump(address: number, bytes: Uint8Array, metaBytes: number): HTMLElement {
  const pre = el('pre', {
    className: 'hex-dump',
    attrs: { 'aria-label': `memory at ${hexAddress(address)}` },
  });
  const lineStart = address - (address % 16);
  for (let line = lineStart; line < address + bytes.length; line += 16) {
    const row = el('span', { className: 'hex-line' });
    row.append(
      el('span', { className: 'hex-address', text: `${line.toString(16).padStart(8, '0')}  ` }),
    );
    let ascii = '';
    for (let col = 0; col < 16; col++) {
      const at = line + col - address;
      if (at < 0 || at >= bytes.length) {
        row.append('   ');
        ascii += ' ';
        continue;
      }
      const byte = bytes[at]!;
      const text = `${byte.toString(16).padStart(2, '0')} `;
      row.append(at < metaBytes ? el('span', { className: 'hex-meta', text }) : text);
      ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
      if (col === 7) row.append(' ');
    }
    row.append(el('span', { className: 'hex-ascii', text: ` ${ascii}` }), '\n');
    pre.append(row);
  }
  return pre;
}
