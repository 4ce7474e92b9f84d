// SPDX-License-Identifier: GPL-2.0-or-later
// Files for the guest: trace or image, size limits, the ?kernel= origin rule.
import { describe, expect, it } from 'vitest';
import {
  MAX_IMAGE_SIZE,
  TRACE_AREA_SIZE,
  classifyFile,
  imageProblem,
  resolveKernelUrl,
  traceProblem,
} from '../../src/app/guest-files';

const text = (s: string) => new TextEncoder().encode(s);

describe('classifyFile', () => {
  it('goes by the name first', () => {
    expect(classifyFile('binary.rep', new Uint8Array([0, 1, 2]))).toBe('trace');
    expect(classifyFile('ECHO.IMG', text('20000\n'))).toBe('image');
    expect(classifyFile('kernel8.bin', text('1\n'))).toBe('image');
  });
  it('otherwise text is a trace and anything binary an image', () => {
    expect(classifyFile('trace.txt', text('20000\r\n3\n8\n1\na 0 512\tx\n'))).toBe('trace');
    expect(classifyFile('download', new Uint8Array([0x1f, 0x20, 0x03, 0xd5]))).toBe('image');
    expect(classifyFile('latin1', text('caf\u00e9'))).toBe('image');
  });
});

describe('limits', () => {
  it('a trace fits in the 16 MiB trace area and is not empty', () => {
    expect(traceProblem('t.rep', text('0\n0\n0\n0\n'))).toBeNull();
    expect(traceProblem('t.rep', new Uint8Array(0))).toMatch(/t\.rep is empty/);
    expect(traceProblem('big.rep', new Uint8Array(TRACE_AREA_SIZE + 1))).toMatch(
      /at most 16777216 \(16 MiB\)/,
    );
    expect(traceProblem('full.rep', new Uint8Array(TRACE_AREA_SIZE))).toBeNull();
  });
  it('an image fits in RAM above the load address and is not empty', () => {
    expect(imageProblem('k.img', new Uint8Array(4))).toBeNull();
    expect(imageProblem('k.img', new Uint8Array(0))).toMatch(/nothing to boot/);
    expect(MAX_IMAGE_SIZE).toBe(0x8000000 - 0x80000);
  });
});

describe('resolveKernelUrl', () => {
  const page = 'https://example.edu/allocplay/index.html?kernel=x';
  it('accepts relative and same-origin URLs', () => {
    expect(resolveKernelUrl('images/echo.img', page)).toEqual({
      ok: true,
      url: 'https://example.edu/allocplay/images/echo.img',
    });
    expect(resolveKernelUrl('/k.img', page)).toEqual({
      ok: true,
      url: 'https://example.edu/k.img',
    });
    expect(resolveKernelUrl('https://example.edu/a/k.img', page).ok).toBe(true);
  });
  it('refuses other origins and schemes with one message', () => {
    for (const bad of [
      'https://evil.example/k.img',
      '//evil.example/k.img',
      'http://example.edu/k.img',
      'data:application/octet-stream;base64,AAAA',
      'javascript:alert(1)',
    ]) {
      const result = resolveKernelUrl(bad, page);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/only relative or same-origin URLs/);
    }
  });
});
