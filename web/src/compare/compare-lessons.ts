// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Lessons written for compare mode: blocks are named `$N` (the block command
 * N returned), never by address, because every allocator puts them elsewhere.
 * Each starts with `use`, which compare mode sends to every machine as its
 * own allocator, so the numbering is the same as in the single-machine page.
 */

import { LESSONS } from '../lessons/lesson-catalog';

export interface CompareLesson {
  id: string;
  title: string;
  commands: string[];
  /**
   * The allocator whose addresses the lesson's commands quote (from its
   * leading `use`), or null when it names blocks only by `$N`: compare mode
   * translates the addresses to `$N` on that allocator's machine.
   */
  addressesOf: string | null;
}

/** The page's own lessons (web/lessons/), every step's commands in a row. */
export function catalogLessons(): CompareLesson[] {
  return LESSONS.map(({ name, lesson }) => {
    const commands = lesson.steps.flatMap((step) => step.commands);
    const quotesAddresses = commands.some((c) => /0x[0-9a-fA-F]/.test(c));
    const use = /^use[ \t]+(\S+)/.exec(commands[0] ?? '');
    return {
      id: `lesson:${name}`,
      title: `${lesson.title} (lesson)`,
      commands,
      addressesOf: quotesAddresses ? (use?.[1] ?? 'first-fit') : null,
    };
  });
}

export const COMPARE_LESSONS: CompareLesson[] = [
  {
    addressesOf: null,
    id: 'holes',
    title: 'Holes: free every other block, then ask for a bigger one',
    commands: [
      'use first-fit',
      'alloc 200',
      'alloc 200',
      'alloc 200',
      'alloc 200',
      'alloc 200',
      'alloc 200',
      'free $2',
      'free $4',
      'free $6',
      'alloc 400',
      'alloc 150',
      'check',
    ],
  },
  {
    addressesOf: null,
    id: 'sizes',
    title: 'Odd sizes: what each allocator rounds a request up to',
    commands: [
      'use first-fit',
      'alloc 1',
      'alloc 33',
      'alloc 100',
      'alloc 1000',
      'alloc 5000',
      'calloc 3 700',
      'check',
    ],
  },
  {
    addressesOf: null,
    id: 'realloc',
    title: 'Growing a block with realloc (in place or moved?)',
    commands: [
      'use first-fit',
      'alloc 100',
      'alloc 100',
      'realloc $2 500',
      'realloc $4 3000',
      'free $3',
      'realloc $5 6000',
      'check',
    ],
  },
  {
    addressesOf: null,
    id: 'exhaustion',
    title: 'Running out: large requests until one fails',
    commands: [
      'use first-fit',
      'alloc 300k',
      'alloc 300k',
      'alloc 300k',
      'alloc 300k',
      'free $3',
      'alloc 200k',
      'alloc 100k',
      'check',
    ],
  },
];
