// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The lesson file format (documented in web/README.md): JSON with a format
 * version, a title, an optional summary and steps, each with an
 * explanation, the shell commands it types and whether "Run all" should
 * stop after it. A lesson comes from a file anyone can write, so it is
 * checked completely before anything is typed: a malformed one is refused
 * with one message that says what is wrong and where, and changes nothing.
 */

export const LESSON_FORMAT = 1;
export const MAX_LESSON_BYTES = 64 * 1024;
export const MAX_STEPS = 60;
export const MAX_COMMANDS_PER_STEP = 40;
export const MAX_TITLE_LENGTH = 100;
export const MAX_TEXT_LENGTH = 1200;
/** the kernel's line holds 127 characters; a lesson line longer than this is a mistake */
export const MAX_COMMAND_LENGTH = 120;

export interface LessonStep {
  /** what the step shows, for a student: plain text, `backticks` for commands, blank line between paragraphs */
  text: string;
  /** shell commands typed one after another, each after the previous one's prompt */
  commands: string[];
  /** "Run all" stops after this step, so the student can look at it */
  wait: boolean;
}

export interface Lesson {
  title: string;
  summary: string;
  steps: LessonStep[];
}

export class LessonError extends Error {}

const LESSON_KEYS = ['format', 'title', 'summary', 'steps'];
const STEP_KEYS = ['text', 'commands', 'wait'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownKeys(value: Record<string, unknown>, known: string[], where: string): void {
  const extra = Object.keys(value).filter((k) => !known.includes(k));
  if (extra.length > 0)
    throw new LessonError(
      `${where} has an unknown field "${extra[0]}" (expected ${known.map((k) => `"${k}"`).join(', ')})`,
    );
}

function text(value: unknown, where: string, max: number, required = true): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string') throw new LessonError(`${where} must be a string`);
  if (required && value.trim() === '') throw new LessonError(`${where} is empty`);
  if (value.length > max) throw new LessonError(`${where} is longer than ${max} characters`);
  return value;
}

function command(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new LessonError(`${where} must be a string`);
  if (!/^[\x20-\x7e]*$/.test(value))
    throw new LessonError(`${where} has a character that is not printable ASCII`);
  const trimmed = value.trim();
  if (trimmed === '') throw new LessonError(`${where} is empty`);
  if (trimmed.length > MAX_COMMAND_LENGTH)
    throw new LessonError(`${where} is longer than ${MAX_COMMAND_LENGTH} characters`);
  return trimmed;
}

function step(value: unknown, where: string): LessonStep {
  if (!isObject(value)) throw new LessonError(`${where} must be an object`);
  unknownKeys(value, STEP_KEYS, where);
  const commands = value.commands ?? [];
  if (!Array.isArray(commands)) throw new LessonError(`${where}: "commands" must be a list`);
  if (commands.length > MAX_COMMANDS_PER_STEP)
    throw new LessonError(`${where} has more than ${MAX_COMMANDS_PER_STEP} commands`);
  if (value.wait !== undefined && typeof value.wait !== 'boolean')
    throw new LessonError(`${where}: "wait" must be true or false`);
  return {
    text: text(value.text, `${where}: "text"`, MAX_TEXT_LENGTH),
    commands: commands.map((c, i) => command(c, `${where}, command ${i + 1}`)),
    wait: value.wait === true,
  };
}

/** A lesson from parsed JSON; throws LessonError naming the first problem. */
export function parseLesson(value: unknown): Lesson {
  if (!isObject(value)) throw new LessonError('a lesson must be a JSON object');
  unknownKeys(value, LESSON_KEYS, 'the lesson');
  if (value.format !== LESSON_FORMAT)
    throw new LessonError(`"format" must be ${LESSON_FORMAT} (this page reads lesson format 1)`);
  const title = text(value.title, '"title"', MAX_TITLE_LENGTH);
  const summary = text(value.summary, '"summary"', MAX_TEXT_LENGTH, false);
  if (!Array.isArray(value.steps)) throw new LessonError('"steps" must be a list');
  if (value.steps.length === 0) throw new LessonError('"steps" is empty');
  if (value.steps.length > MAX_STEPS)
    throw new LessonError(`a lesson has at most ${MAX_STEPS} steps`);
  return { title, summary, steps: value.steps.map((s, i) => step(s, `step ${i + 1}`)) };
}

/** A lesson from the text of a file; throws LessonError (bad JSON included). */
export function parseLessonText(source: string): Lesson {
  if (source.length > MAX_LESSON_BYTES)
    throw new LessonError(`the file is larger than ${MAX_LESSON_BYTES / 1024} KiB`);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new LessonError(`the file is not valid JSON (${(error as Error).message})`);
  }
  return parseLesson(value);
}
