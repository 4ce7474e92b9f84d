// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * One-click example sessions. Each heap example starts with `use`, which
 * re-initialises the heap, so the addresses in its frees are the ones the
 * kernel will hand out; the user-program examples take no addresses (the
 * program gets them from malloc). The browser tests run every example on the
 * real kernel and check that only the error-handling one prints errors.
 */

export interface ExampleScript {
  id: string;
  title: string;
  summary: string;
  commands: string[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Payload addresses of back-to-back allocations carved from the front of a fresh first-fit or TLSF heap. */
export function sequentialPayloads(heapStart: number, sizes: number[]): number[] {
  let block = heapStart;
  return sizes.map((n) => {
    const payload = block + 16;
    block += Math.max(32, Math.ceil((n + 16) / 16) * 16);
    return payload;
  });
}

/** First block header of a fresh heap: after the 40-byte (first-fit) or 3336-byte (TLSF) state. */
export const FIRST_FIT_HEAP_START = 0x40400030;
export const TLSF_HEAP_START = 0x40400d10;

/** A trace where first-fit and TLSF choose different holes for the same request. */
function comparisonTrace(heapStart: number): string[] {
  const sizes = [3000, 64, 1000, 64];
  const [big, , medium] = sequentialPayloads(heapStart, sizes);
  return [
    ...sizes.map((n) => `alloc ${n}`),
    `free ${hex(big!)}`,
    `free ${hex(medium!)}`,
    'alloc 900',
    'info',
    'check',
  ];
}

function fragmentationWalk(): string[] {
  const sizes = [200, 200, 200, 200, 200, 200];
  const payloads = sequentialPayloads(FIRST_FIT_HEAP_START, sizes);
  return [
    'use first-fit',
    ...sizes.map((n) => `alloc ${n}`),
    'info',
    // free every other block: three 216-byte holes between live blocks
    ...payloads.filter((_, i) => i % 2 === 0).map((p) => `free ${hex(p)}`),
    'info',
    // 600 bytes are free in holes, but no hole holds 300: it goes to the end
    'alloc 300',
    // a small request fits the first hole and splits it
    'alloc 50',
    'info',
    'check',
  ];
}

export const EXAMPLES: readonly ExampleScript[] = [
  {
    id: 'basic',
    title: 'Basic allocation',
    summary: 'Allocate three blocks, look at the heap, free one and look again.',
    commands: [
      'use first-fit',
      'alloc 100',
      'alloc 200',
      'alloc 1k',
      'info',
      `free ${hex(0x404000c0)}`,
      'info',
      'check',
    ],
  },
  {
    id: 'fragmentation',
    title: 'Fragmentation walk-through',
    summary: 'Free every other block: plenty of free bytes, but no hole big enough.',
    commands: fragmentationWalk(),
  },
  {
    id: 'errors',
    title: 'Error handling',
    summary: 'Bad sizes, bad alignments, a double free and pointers into the middle of blocks.',
    commands: [
      'use first-fit',
      'alloc 100',
      'alloc 0',
      'alloc 2m',
      'alloc 64 3',
      `free ${hex(0x40400048)}`,
      'free 0x10',
      `free ${hex(0x40400040)}`,
      `free ${hex(0x40400040)}`,
      'check',
    ],
  },
  {
    id: 'buddy',
    title: 'Buddy split and merge',
    summary:
      'One small request splits a big block down to 128 bytes; freeing merges the buddies back.',
    commands: [
      'use buddy',
      'alloc 100',
      'info',
      'alloc 100',
      'info',
      'free 0x404ff000',
      'free 0x404ff080',
      'info',
      'check',
    ],
  },
  {
    id: 'tlsf-vs-first-fit',
    title: 'TLSF vs first-fit',
    summary:
      'The same trace on both: first-fit takes the first hole that fits, TLSF the best-fitting class.',
    commands: [
      'use first-fit',
      ...comparisonTrace(FIRST_FIT_HEAP_START),
      'use tlsf',
      ...comparisonTrace(TLSF_HEAP_START),
    ],
  },
  {
    id: 'corruption',
    title: 'Heap corruption',
    summary:
      'The kernel scribbles over a block header on purpose; check and the panel name the damage; reset repairs it.',
    commands: [
      'use first-fit',
      'alloc 100',
      'alloc 200',
      'alloc 300',
      `corrupt ${hex(0x404000c0)}`,
      'check',
      'reset',
      'check',
    ],
  },
  {
    id: 'user-malloc',
    title: 'User program: malloc through svc',
    summary:
      'A program at EL0 asks the kernel for memory with system calls; the CPU panel lists every svc and its result.',
    commands: ['run malloc', 'info'],
  },
  {
    id: 'alarm',
    title: 'Alarm and signal',
    summary:
      'Two timer interrupts deliver SIGALRM to a handler at EL0, which flips a counter 1 -> 2 -> 3.',
    commands: ['run alarm'],
  },
];
