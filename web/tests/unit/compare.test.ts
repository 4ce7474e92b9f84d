// SPDX-License-Identifier: GPL-2.0-or-later
// Compare mode's page logic: the compare= parameter, what each machine is
// sent, the block numbers learnt from replies, and the figures.
import { readFileSync } from 'node:fs';
import type { DecodeResult } from '../../src/heap/model';
import { describe, expect, it } from 'vitest';
import { parseCompare } from '../../src/compare/compare-config';
import { pictureBefore } from '../../src/compare/changed-since';
import { BlockNumbers, planCommand, translateAddress } from '../../src/compare/compare-commands';
import { COMPARE_LESSONS, catalogLessons } from '../../src/compare/compare-lessons';
import { failedRequest, fragmentation, infoTotals } from '../../src/compare/figures';
import { malformedTrace, ownTraceRow, parseTraceReply } from '../../src/compare/trace-results';

describe('compare=', () => {
  it('is absent without the parameter', () => {
    expect(parseCompare('?alloc=tlsf')).toBeNull();
  });

  it('takes two to five distinct allocators, in the order given', () => {
    expect(parseCompare('?compare=tlsf,first-fit')).toEqual({
      ok: true,
      allocators: ['tlsf', 'first-fit'],
    });
    expect(parseCompare('?compare=first-fit,buddy,page,bump,tlsf')).toEqual({
      ok: true,
      allocators: ['first-fit', 'buddy', 'page', 'bump', 'tlsf'],
    });
    expect(parseCompare('?compare=%20buddy%20,,page')).toEqual({
      ok: true,
      allocators: ['buddy', 'page'],
    });
  });

  it('refuses unknown names, repeats, too few and too many with one message each', () => {
    const refused = (search: string): string => {
      const r = parseCompare(search);
      if (r === null || r.ok) throw new Error(`${search} was accepted`);
      return r.message;
    };
    expect(refused('?compare=first-fit,nope')).toMatch(
      /^Unknown allocator "nope": compare= takes 2 to 5/,
    );
    expect(refused('?compare=tlsf,tlsf')).toMatch(/^"tlsf" given twice/);
    expect(refused('?compare=tlsf')).toMatch(/^1 allocator given/);
    expect(refused('?compare=')).toMatch(/^0 allocators given/);
    expect(refused('?compare=first-fit,buddy,page,bump,tlsf,first-fit')).toMatch(/given twice/);
    expect(refused(`?compare=${'x'.repeat(500)},tlsf`)).toContain(`"${'x'.repeat(24)}…"`);
    expect(refused('?compare=<b>,tlsf')).toContain('"<b>"'); // text only, shown with textContent
  });
});

describe('commands in compare mode', () => {
  const machines = ['first-fit', 'buddy', 'tlsf'] as const;

  it('sends every command to every machine, `use` as each machine’s own allocator', () => {
    expect(planCommand('alloc 100', [...machines])).toEqual({
      ok: true,
      perMachine: ['alloc 100', 'alloc 100', 'alloc 100'],
    });
    expect(planCommand('use page', [...machines])).toEqual({
      ok: true,
      perMachine: ['use first-fit', 'use buddy', 'use tlsf'],
    });
    // a bad `use` reaches the kernels unchanged, which refuse it (and number it) alike
    expect(planCommand('use nope', [...machines])).toEqual({
      ok: true,
      perMachine: ['use nope', 'use nope', 'use nope'],
    });
  });

  it('sends `trace all` as `trace`: each machine replays it on its own allocator', () => {
    expect(planCommand('trace all', [...machines])).toEqual({
      ok: true,
      perMachine: ['trace', 'trace', 'trace'],
    });
    // anything else about trace reaches the kernels unchanged, which refuse it alike
    expect(planCommand('trace everything', [...machines])).toEqual({
      ok: true,
      perMachine: ['trace everything', 'trace everything', 'trace everything'],
    });
  });

  it('does not send halt or reboot to any machine', () => {
    for (const c of ['halt', 'reboot', 'reboot now']) {
      const plan = planCommand(c, [...machines]);
      expect(plan.ok).toBe(false);
    }
  });

  it('learns which $N names which live block from the replies', () => {
    const n = new BlockNumbers();
    n.note(2, 'alloc 100\nallocated 100 bytes at 0x40400040 (usable 112)\nfirst-fit> ');
    n.note(3, 'calloc 4 25\nallocated 4 x 25 = 100 zeroed bytes at 0x404000c0\n');
    expect(n.numberOf(0x40400040)).toBe(2);
    expect(n.numberOf(0x404000c0)).toBe(3);
    n.note(4, 'realloc $2 500\nreallocated 0x40400040 -> 0x40400200 (500 bytes, moved)\n');
    expect(n.numberOf(0x40400040)).toBeNull();
    expect(n.numberOf(0x40400200)).toBe(4);
    n.note(5, 'free $3\nfreed 0x404000c0 (112 usable bytes)\n');
    expect(n.numberOf(0x404000c0)).toBeNull();
    n.note(6, 'alloc 9m\nerror: alloc: 9437184 bytes is larger than the heap (1048576 bytes)\n');
    expect(n.numberOf(0x40400200)).toBe(4);
    n.note(7, 'reset\nheap reset: tlsf re-initialised, every block released\n');
    expect(n.numberOf(0x40400200)).toBeNull();
    n.note(8, 'allocated 100 bytes at 0x40400040 (usable 112)\n');
    // a refused trace changes nothing; one that ran re-initialised the heap
    n.note(9, 'trace\nerror: trace: line 8: free of id 2, which was never allocated\n');
    expect(n.numberOf(0x40400040)).toBe(8);
    n.note(10, 'trace\ntrace: 6 requests, 3 ids, on a fresh heap\n');
    expect(n.numberOf(0x40400040)).toBeNull();
  });

  it('turns a lesson’s addresses into $N on the machine of the lesson’s allocator', () => {
    const n = new BlockNumbers();
    n.note(2, 'allocated 100 bytes at 0x40400040 (usable 112)\n');
    expect(translateAddress('free 0x40400040', n)).toBe('free $2');
    expect(translateAddress('realloc 0x40400040 300', n)).toBe('realloc $2 300');
    expect(translateAddress('corrupt\t0x40400040', n)).toBe('corrupt\t$2');
    // not a block some command returned here: sent as written, the kernels explain
    expect(translateAddress('free 0x40400041', n)).toBe('free 0x40400041');
    expect(translateAddress('free 0x404000400', n)).toBe('free 0x404000400');
    expect(translateAddress('alloc 0x40400040', n)).toBe('alloc 0x40400040');
    expect(translateAddress('free $2', n)).toBe('free $2');
  });

  it('offers the page’s lessons, saying whose addresses they quote', () => {
    const lessons = catalogLessons();
    const fragmentation = lessons.find((l) => l.id === 'lesson:fragmentation');
    expect(fragmentation?.addressesOf).toBe('first-fit');
    expect(fragmentation?.commands[0]).toBe('use first-fit');
    expect(lessons.find((l) => l.id === 'lesson:buddy')?.addressesOf).toBe('buddy');
    expect(lessons.find((l) => l.id === 'lesson:user-programs')?.addressesOf).toBeNull();
    for (const l of COMPARE_LESSONS) expect(l.addressesOf).toBeNull();
  });

  it('lessons name blocks only by $N, and only blocks an earlier command returned', () => {
    for (const lesson of COMPARE_LESSONS) {
      expect(lesson.commands[0]).toMatch(/^use /);
      lesson.commands.forEach((c, i) => {
        expect(c).not.toMatch(/0x/);
        for (const m of c.matchAll(/\$(\d+)/g)) {
          const k = Number(m[1]);
          expect(k, `${lesson.id}: ${c}`).toBeLessThan(i + 1);
          expect(lesson.commands[k - 1], `${lesson.id}: ${c}`).toMatch(/^(alloc|calloc|realloc) /);
        }
      });
    }
  });
});

describe('figures', () => {
  it('reads the totals line of info', () => {
    const info =
      'heap: buddy, 0x40400000-0x40500000, 1048576 bytes\n' +
      'used: 2 blocks, 8448 bytes (5200 requested); free: 7 blocks, 921344 bytes, largest 524288; overhead 118784 bytes\n';
    expect(infoTotals(info)).toEqual({
      usedBytes: 8448,
      freeBytes: 921344,
      largestFree: 524288,
      overheadBytes: 118784,
    });
    expect(
      infoTotals(
        'used: 1 block, 1 bytes (1 requested); free: 1 block, 5 bytes, largest 5; overhead 0 bytes',
      ),
    ).toEqual({
      usedBytes: 1,
      freeBytes: 5,
      largestFree: 5,
      overheadBytes: 0,
    });
    expect(infoTotals('check: OK (0 used, 1 free blocks)')).toBeNull();
  });

  it('counts only allocation requests that ran out of memory as failed', () => {
    expect(
      failedRequest('error: alloc: out of memory: no room for 5 bytes (largest possible: 0)'),
    ).toBe(true);
    expect(
      failedRequest(
        'x\nerror: realloc: out of memory: cannot resize 0x1 to 5 bytes; the block is unchanged',
      ),
    ).toBe(true);
    expect(failedRequest('error: calloc: out of memory: no room')).toBe(true);
    expect(failedRequest('error: alloc: 9437184 bytes is larger than the heap')).toBe(false);
    expect(failedRequest('error: free: double free detected: $2 was freed by command 4')).toBe(
      false,
    );
  });

  it('fragmentation is 1 - largest / free, and 0 with nothing free', () => {
    expect(fragmentation(1000, 250)).toBeCloseTo(0.75, 12);
    expect(fragmentation(1000, 1000)).toBe(0);
    expect(fragmentation(0, 0)).toBe(0);
  });
});

describe('trace results', () => {
  // the kernel's own output, from the conformance golden (QEMU = native = wasm)
  const golden = readFileSync(
    new URL('../../../firmware/tests/golden/trace-binary.out', import.meta.url),
    'latin1',
  );

  it('reads every row of trace all, and the one row of trace', () => {
    const all = golden.slice(
      golden.indexOf('first-fit> trace all'),
      golden.indexOf('first-fit> use'),
    );
    const outcome = parseTraceReply(all);
    expect(outcome?.kind).toBe('ran');
    if (outcome?.kind !== 'ran') return;
    expect(outcome.requests).toBe(3000);
    expect(outcome.ids).toBe(1000);
    expect(outcome.rows.map((r) => r.allocator)).toEqual([
      'first-fit',
      'buddy',
      'page',
      'bump',
      'tlsf',
    ]);
    expect(outcome.rows[2]).toEqual({
      allocator: 'page',
      requests: 3000,
      failed: 1118,
      errors: 0,
      utilPercent: 6.9,
      instructionsPerRequest: 1226.1,
      checkOk: true,
      interrupted: false,
      firstError: null,
    });
    const one = golden.slice(golden.indexOf('tlsf> trace'), golden.indexOf('tlsf> info'));
    expect(ownTraceRow(one, 'tlsf')).toMatchObject({
      requests: 3000,
      utilPercent: 53.4,
      instructionsPerRequest: 87.5,
    });
    expect(ownTraceRow(one, 'buddy')).toBeNull();
  });

  it('reads a failed check, an interrupted replay, no util and the first error', () => {
    const outcome = parseTraceReply(
      'trace: 4 requests, 2 ids, on a fresh heap\n' +
        'allocator    ops failed errors   util instr/op  check\n' +
        'mm             4      0      1      -%     12.0  FAILED (interrupted)\n' +
        '  first error: payload of id 1 overlaps id 0\n' +
        '  check: bad header at 0x40400010\n',
    );
    expect(outcome).toEqual({
      kind: 'ran',
      requests: 4,
      ids: 2,
      rows: [
        {
          allocator: 'mm',
          requests: 4,
          failed: 0,
          errors: 1,
          utilPercent: null,
          instructionsPerRequest: 12,
          checkOk: false,
          interrupted: true,
          firstError: 'payload of id 1 overlaps id 0',
        },
      ],
    });
  });

  it('tells a malformed trace from no trace, and other commands from trace', () => {
    const malformed = parseTraceReply(
      'trace\nerror: trace: line 8: free of id 2, which was never allocated (nothing was run)\n',
    );
    expect(malformedTrace(malformed)).toBe(
      'line 8: free of id 2, which was never allocated (nothing was run)',
    );
    const none = parseTraceReply(
      'error: trace: no trace loaded: the host puts a .rep file at 0x47000000',
    );
    expect(none?.kind).toBe('refused');
    expect(malformedTrace(none)).toBeNull();
    expect(
      parseTraceReply('alloc 100\nallocated 100 bytes at 0x40400040 (usable 112)\n'),
    ).toBeNull();
    expect(malformedTrace(null)).toBeNull();
  });
});

describe('changed by the last command, at any command', () => {
  const picture = (generation: number, stateAddress = 0x40400000): DecodeResult =>
    ({
      status: 'ok',
      model: { kind: 'first-fit', stateAddress, generation },
    }) as unknown as DecodeResult;

  it('diffs against the last earlier picture of another state of the heap', () => {
    const a = picture(4);
    const b = picture(6);
    const info = picture(6); // `info` changed nothing: a new object, the same generation
    const other = picture(2, 0x40400100); // `use`: another heap
    const pictures = [a, b, info, null, other];
    expect(pictureBefore(pictures, 0)).toBeNull();
    expect(pictureBefore(pictures, 1)).toBe(a);
    // after `info` the highlight is still the change `b` made, as on the single page
    expect(pictureBefore(pictures, 2)).toBe(a);
    expect(pictureBefore(pictures, 4)).toBe(info);
    expect(pictureBefore([null, b], 1)).toBeNull();
  });
});
