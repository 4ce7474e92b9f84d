// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Lessons on the page: the panel, the runner, and where lessons come from
 * (the built-in ones by name, a file on the page's own server by relative
 * URL). A lesson that cannot be opened gets one line in the panel saying
 * why, and nothing is typed.
 */
import { lessonByName } from './lesson-catalog';
import { type Lesson, LessonError } from './lesson-format';
import { LessonPanel } from './lesson-panel';
import { LessonRunner, type LessonTarget } from './lesson-runner';
import { fetchLesson } from './lesson-source';

export class Lessons {
  readonly runner: LessonRunner;
  readonly panel: LessonPanel;

  constructor(
    target: LessonTarget,
    private readonly pageUrl: () => string,
  ) {
    this.runner = new LessonRunner(target);
    this.panel = new LessonPanel({
      previous: () => void this.runner.previous(),
      next: () => void this.runner.next(),
      runAll: () => void this.runner.runAll(),
      close: () => {
        this.panel.clearError();
        this.runner.close();
      },
    });
    this.runner.onChange((state) => this.panel.update(state));
  }

  /** A built-in lesson by name (the Lessons menu). */
  openByName(name: string): Promise<void> {
    const lesson = lessonByName(name);
    if (lesson === null) return this.refuse(new LessonError(`there is no lesson called "${name}"`));
    return this.open(lesson);
  }

  /** A lesson file relative to the page: `?lesson=` and the embedding API. */
  async openUrl(path: string): Promise<void> {
    let lesson: Lesson;
    try {
      lesson = await fetchLesson(path, this.pageUrl());
    } catch (error) {
      return this.refuse(error, path);
    }
    return this.open(lesson);
  }

  /** `?lesson=`: a built-in lesson's name, or a relative URL of a lesson file. */
  openFromParameter(value: string): Promise<void> {
    return /^[a-z0-9-]+$/.test(value) && lessonByName(value) !== null
      ? this.openByName(value)
      : this.openUrl(value);
  }

  private open(lesson: Lesson): Promise<void> {
    this.panel.clearError();
    return this.runner.open(lesson);
  }

  private refuse(error: unknown, path?: string): Promise<never> {
    const reason = error instanceof LessonError ? error.message : String(error);
    const message =
      path === undefined
        ? `Could not open the lesson: ${reason}.`
        : `Could not open the lesson ${path}: ${reason}.`;
    this.panel.showError(message);
    return Promise.reject(new LessonError(message));
  }
}
