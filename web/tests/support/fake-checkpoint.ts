// SPDX-License-Identifier: GPL-2.0-or-later
/** Checkpoint bytes shaped like emu-glue's APGCKPT1 (snapshot.c), for tests that need no emulator. */
export const PAGE = 4096;

/** An APGCKPT1 checkpoint as emu-glue's snapshot.c lays it out, with the given RAM pages. */
export function fakeCheckpoint(pages: [number, number][], seed: number): Uint8Array {
  const stateSize = 96;
  const cpuSize = 200;
  const rx = 3;
  const tx = 0;
  const head = 48 + stateSize + cpuSize + rx + tx;
  const out = new Uint8Array(head + pages.length * (4 + PAGE) + 8);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('APGCKPT1'));
  const fields = [0x01020304, 1, stateSize, cpuSize, PAGE, 32768, 4, rx, tx, pages.length];
  for (const [i, f] of fields.entries()) view.setUint32(8 + i * 4, f, true);
  for (let i = 48; i < head; i++) out[i] = (i * 7 + seed) & 0xff;
  pages.forEach(([index, fill], p) => {
    const at = head + p * (4 + PAGE);
    view.setUint32(at, index, true);
    out.fill(fill, at + 4, at + 4 + PAGE);
    out[at + 4] = index & 0xff; // pages differ in more than their fill
  });
  view.setUint32(out.length - 8, 0xdeadbeef ^ seed, true);
  view.setUint32(out.length - 4, seed, true);
  return out;
}
