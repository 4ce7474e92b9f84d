// SPDX-License-Identifier: GPL-2.0-or-later
/// <reference types="vite/client" />
/**
 * The lessons built into the page: every file in web/lessons/, bundled (so
 * the menu needs no download) and also served as lessons/<name>.json, the
 * format's living examples. The order is the course order.
 */
import { type Lesson, parseLesson } from './lesson-format';

export interface CatalogEntry {
  /** the file's name without .json: what `?lesson=` and the embedding API accept as a name */
  name: string;
  lesson: Lesson;
}

const ORDER = [
  'first-steps',
  'fragmentation',
  'buddy',
  'tlsf-vs-first-fit',
  'errors',
  'corruption',
  'user-programs',
];

const files = import.meta.glob<unknown>('../../lessons/*.json', { eager: true, import: 'default' });

const nameOf = (path: string): string => path.replace(/^.*\//, '').replace(/\.json$/, '');

/** Every bundled lesson, checked like any other (a broken one fails the build's tests, not a student). */
export const LESSONS: readonly CatalogEntry[] = Object.entries(files)
  .map(([path, json]) => ({ name: nameOf(path), lesson: parseLesson(json) }))
  .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

function rank(name: string): number {
  const at = ORDER.indexOf(name);
  return at < 0 ? ORDER.length : at;
}

export function lessonByName(name: string): Lesson | null {
  return LESSONS.find((entry) => entry.name === name)?.lesson ?? null;
}
