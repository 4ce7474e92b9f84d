// SPDX-License-Identifier: GPL-2.0-or-later
// Compare mode's page logic: the compare= parameter, what each machine is
// sent, the block numbers learnt from replies, and the figures.
import { describe, expect, it } from 'vitest';
import { parseCompare } from '../../src/compare/compare-config';
import { BlockNumbers, planCommand, translateAddress } from '../../src/compare/compare-commands';
import { COMPARE_LESSONS, catalogLessons } from '../../src/compare/compare-lessons';
import { failedRequest, fragmentation, infoTotals } from '../../src/compare/figures';

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
