// SPDX-License-Identifier: GPL-2.0-or-later
// Lessons without a browser: the file format and its error messages, where
// a lesson may come from, the bundled lessons, and the runner's typing
// (Ctrl-U first, one command per prompt, cancelling, Run all, Previous).
import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/lessons/lesson-catalog';
import { LessonError, parseLesson, parseLessonText } from '../../src/lessons/lesson-format';
import { LessonRunner, type LessonTarget } from '../../src/lessons/lesson-runner';
import { resolveLessonUrl } from '../../src/lessons/lesson-source';

const valid = {
  format: 1,
  title: 'T',
  steps: [
    { text: 'one', commands: ['use first-fit', 'alloc 100'] },
    { text: 'two', commands: ['info'], wait: true },
    { text: 'three', commands: ['check'] },
  ],
};

const refusal = (value: unknown): string => {
  try {
    parseLesson(value);
  } catch (error) {
    expect(error).toBeInstanceOf(LessonError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('lesson format', () => {
  it('reads a lesson', () => {
    expect(parseLesson(valid)).toEqual({
      title: 'T',
      summary: '',
      steps: [
        { text: 'one', commands: ['use first-fit', 'alloc 100'], wait: false },
        { text: 'two', commands: ['info'], wait: true },
        { text: 'three', commands: ['check'], wait: false },
      ],
    });
  });

  it('refuses malformed lessons with one message naming the problem', () => {
    expect(() => parseLessonText('{"format": 1,')).toThrow(/^the file is not valid JSON/);
    expect(refusal([])).toBe('a lesson must be a JSON object');
    expect(refusal({ ...valid, format: 2 })).toMatch(/"format" must be 1/);
    expect(refusal({ ...valid, title: undefined })).toBe('"title" must be a string');
    expect(refusal({ ...valid, title: 7 })).toBe('"title" must be a string');
    expect(refusal({ ...valid, steps: [] })).toBe('"steps" is empty');
    expect(refusal({ ...valid, steps: 'x' })).toBe('"steps" must be a list');
    expect(refusal({ ...valid, extra: 1 })).toMatch(/^the lesson has an unknown field "extra"/);
    expect(refusal({ ...valid, steps: [{ text: 'a', comands: [] }] })).toMatch(
      /^step 1 has an unknown field "comands"/,
    );
    expect(refusal({ ...valid, steps: [{ commands: [] }] })).toBe(
      'step 1: "text" must be a string',
    );
    expect(refusal({ ...valid, steps: [{ text: 'a', commands: 'info' }] })).toBe(
      'step 1: "commands" must be a list',
    );
    expect(refusal({ ...valid, steps: [{ text: 'a', commands: [3] }] })).toBe(
      'step 1, command 1 must be a string',
    );
    expect(refusal({ ...valid, steps: [{ text: 'a', commands: ['info\u0003'] }] })).toMatch(
      /not printable ASCII/,
    );
    expect(refusal({ ...valid, steps: [{ text: 'a', commands: ['x'.repeat(121)] }] })).toMatch(
      /longer than 120/,
    );
    expect(refusal({ ...valid, steps: [{ text: 'a', wait: 'yes' }] })).toBe(
      'step 1: "wait" must be true or false',
    );
  });

  it('every bundled lesson is valid, starts by choosing an allocator, and has short steps', () => {
    expect(LESSONS.map((l) => l.name)).toEqual([
      'first-steps',
      'fragmentation',
      'buddy',
      'tlsf-vs-first-fit',
      'errors',
      'corruption',
      'user-programs',
    ]);
    for (const { name, lesson } of LESSONS) {
      expect(lesson.steps[0]!.commands[0], name).toMatch(/^use /);
      for (const step of lesson.steps) expect(step.text.length, name).toBeLessThan(600);
    }
  });

  it('the corruption lesson waits on the damaged heap before it resets', () => {
    const steps = LESSONS.find((l) => l.name === 'corruption')!.lesson.steps;
    const corrupt = steps.findIndex((s) => s.commands.some((c) => c.startsWith('corrupt ')));
    const reset = steps.findIndex((s) => s.commands.includes('reset'));
    expect(corrupt).toBeGreaterThan(0);
    expect(reset).toBeGreaterThan(corrupt);
    for (let i = corrupt; i < reset; i++) expect(steps[i]!.wait, `step ${i + 1}`).toBe(true);
  });
});

describe('lesson addresses', () => {
  const page = 'https://course.example/allocplay/?lesson=x';
  it('resolves relative addresses on the page origin', () => {
    expect(resolveLessonUrl('lessons/a.json', page).href).toBe(
      'https://course.example/allocplay/lessons/a.json',
    );
    expect(resolveLessonUrl('../week3/heap.json', page).href).toBe(
      'https://course.example/week3/heap.json',
    );
    expect(resolveLessonUrl('/cs101/heap.json', page).href).toBe(
      'https://course.example/cs101/heap.json',
    );
  });
  it('refuses absolute and cross-origin ones', () => {
    for (const bad of [
      'https://evil.example/x.json',
      'https://course.example/allocplay/x.json',
      '//evil.example/x.json',
      '\\\\evil.example/x.json',
      'javascript:alert(1)',
      'data:application/json,{}',
      '',
    ])
      expect(() => resolveLessonUrl(bad, page), bad).toThrow(LessonError);
  });
});

/** A fake guest: records keys; idle resolves on the next microtask turn. */
function fakeTarget(): LessonTarget & { keys: string[]; cleared: number } {
  const target = {
    keys: [] as string[],
    cleared: 0,
    send: (k: string) => target.keys.push(k),
    whenIdle: () => Promise.resolve(),
    speed: () => 'instant' as const,
    clearScreen: () => {
      target.cleared++;
    },
  };
  return target;
}

describe('lesson runner', () => {
  const lesson = parseLesson(valid);

  it('types each command after Ctrl-U, and Next types the next step', async () => {
    const target = fakeTarget();
    const runner = new LessonRunner(target);
    await runner.open(lesson);
    expect(target.keys).toEqual(['\x15', 'use first-fit\r', '\x15', 'alloc 100\r']);
    expect(runner.state.index).toBe(0);
    await runner.next();
    expect(target.keys.slice(4)).toEqual(['\x15', 'info\r']);
  });

  it('Run all stops after a step that waits, then goes to the end', async () => {
    const target = fakeTarget();
    const runner = new LessonRunner(target);
    await runner.open(lesson);
    await runner.runAll();
    expect(runner.state.index).toBe(1);
    await runner.runAll();
    expect(runner.state.index).toBe(2);
    expect(target.keys.filter((k) => k !== '\x15')).toEqual([
      'use first-fit\r',
      'alloc 100\r',
      'info\r',
      'check\r',
    ]);
  });

  it('Previous replays the lesson up to the step before', async () => {
    const target = fakeTarget();
    const runner = new LessonRunner(target);
    await runner.open(lesson);
    await runner.next();
    await runner.next();
    target.keys.length = 0;
    await runner.previous();
    expect(runner.state.index).toBe(1);
    expect(target.cleared).toBe(1);
    expect(target.keys.filter((k) => k !== '\x15')).toEqual([
      'use first-fit\r',
      'alloc 100\r',
      'info\r',
    ]);
  });

  it('a lesson opened while another types cancels it; a half-typed line is cleared first', async () => {
    const target = fakeTarget();
    target.speed = () => 'human';
    const runner = new LessonRunner(target, 1);
    void runner.open(lesson);
    await new Promise((r) => setTimeout(r, 5)); // a few keys of "use first-fit"
    const typed = target.keys.length;
    expect(typed).toBeGreaterThan(1);
    expect(typed).toBeLessThan(14);
    target.speed = () => 'instant';
    await runner.open(
      parseLesson({ format: 1, title: 'U', steps: [{ text: 'x', commands: ['check'] }] }),
    );
    // the new lesson's Ctrl-U erases the half line; nothing of the old lesson follows
    expect(target.keys.slice(typed)).toEqual(['\x15', 'check\r']);
    await new Promise((r) => setTimeout(r, 30));
    expect(target.keys.slice(typed)).toEqual(['\x15', 'check\r']);
  });
});
