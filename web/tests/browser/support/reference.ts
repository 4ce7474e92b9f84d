// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What the page's UART bytes are compared with: the reviewed golden
 * transcript (firmware/tests/golden/NAME.out) when there is one; otherwise
 * the native runner on the very image the page serves; otherwise the QEMU
 * transcript of the last `scripts/check-transcripts.sh qemu`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/harness.mjs';

export const SESSIONS = join(REPO_ROOT, 'firmware/tests/sessions');

/** Every session script of the conformance test. */
export function sessionNames(): string[] {
  return readdirSync(SESSIONS)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** The exact keystrokes of a session (scripts/session_bytes.py, the tool the conformance test uses). */
export function sessionKeys(name: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'allocplay-keys-'));
  try {
    const out = join(dir, `${name}.bin`);
    execFileSync('python3', [
      join(REPO_ROOT, 'scripts/session_bytes.py'),
      join(SESSIONS, `${name}.txt`),
      out,
    ]);
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The session's "#! load ADDRESS FILE" lines (scripts/check-transcripts.sh):
 * data the hosts put in guest RAM before the session, here a .rep trace.
 */
export function sessionLoads(name: string): { address: number; bytes: Uint8Array }[] {
  return readFileSync(join(SESSIONS, `${name}.txt`), 'latin1')
    .split('\n')
    .filter((line) => line.startsWith('#! load '))
    .map((line) => {
      const [, , address, file] = line.trim().split(/\s+/);
      return {
        address: Number(address),
        bytes: new Uint8Array(readFileSync(join(REPO_ROOT, file ?? ''))),
      };
    });
}

function nativeRunner(): string | null {
  for (const candidate of [
    process.env.ALLOCPLAY,
    join(REPO_ROOT, 'build/allocplay'),
    '/tmp/vp/allocplay',
  ]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return null;
}

export interface Reference {
  bytes: Uint8Array;
  source: string;
}

export function referenceTranscript(name: string, keys: Uint8Array): Reference {
  const golden = join(REPO_ROOT, `firmware/tests/golden/${name}.out`);
  if (existsSync(golden)) return { bytes: new Uint8Array(readFileSync(golden)), source: golden };
  const runner = nativeRunner();
  if (runner !== null) {
    const dir = mkdtempSync(join(tmpdir(), 'allocplay-ref-'));
    try {
      const keysFile = join(dir, 'keys.bin');
      writeFileSync(keysFile, keys);
      const out = execFileSync(
        runner,
        ['--script', keysFile, join(REPO_ROOT, 'public/kernel8.img')],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
          maxBuffer: 1 << 26,
        },
      );
      return { bytes: new Uint8Array(out), source: `${runner} on public/kernel8.img` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const qemu = join(REPO_ROOT, `build/transcripts/qemu/${name}.out`);
  return { bytes: new Uint8Array(readFileSync(qemu)), source: qemu };
}

/** The `info` outputs in a transcript, each in the formatter's form (lines end with "\n"). */
export function infoBlocks(transcript: string): string[] {
  const lines = transcript.split('\r\n');
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^(?:[a-z-]+> )?info\r?$/.test(lines[i]!)) continue; // the prompt may have been cleared away
    const out: string[] = [];
    for (let j = i + 1; j < lines.length && !/^[a-z-]+> /.test(lines[j]!); j++) out.push(lines[j]!);
    blocks.push(`${out.join('\n')}\n`);
  }
  return blocks;
}
