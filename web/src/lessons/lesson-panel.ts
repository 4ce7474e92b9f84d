// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The lesson beside the terminal: title, "step n of m", the step's text
 * and the commands it types, and Previous / Next / Run all / Close. It also
 * says, in one line, why a lesson could not be opened. Lesson text is put
 * on the page as text: `backticks` become <code> elements, never HTML.
 */
import { button, el } from '../panel/dom';
import type { LessonState } from './lesson-runner';

export interface LessonPanelActions {
  previous(): void;
  next(): void;
  runAll(): void;
  close(): void;
}

export class LessonPanel {
  readonly element: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly position: HTMLElement;
  private readonly text: HTMLElement;
  private readonly commands: HTMLElement;
  private readonly error: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly previousButton: HTMLButtonElement;
  private readonly nextButton: HTMLButtonElement;
  private readonly runAllButton: HTMLButtonElement;
  private shownStep: string | null = null;

  constructor(actions: LessonPanelActions) {
    this.title = el('h2', { className: 'lesson-title', attrs: { id: 'lesson-title' } });
    this.position = el('span', { className: 'lesson-position muted' });
    // focusable: on a short screen the text scrolls, and a keyboard must be able to scroll it
    this.text = el('div', {
      className: 'lesson-text',
      attrs: { 'aria-live': 'polite', tabindex: '0' },
    });
    this.commands = el('p', { className: 'lesson-commands muted' });
    this.error = el('p', { className: 'lesson-error', attrs: { role: 'alert' } });
    this.previousButton = button(
      'Previous',
      () => actions.previous(),
      'button',
      'Go back one step (replays the lesson up to it)',
    );
    this.nextButton = button('Next', () => actions.next(), 'button primary', 'Type the next step');
    this.runAllButton = button(
      'Run all',
      () => actions.runAll(),
      'button',
      'Run the following steps, stopping at the ones worth looking at',
    );
    const close = button('×', () => actions.close(), 'button icon small', 'Close the lesson');
    close.setAttribute('aria-label', 'Close the lesson');
    this.controls = el('div', { className: 'lesson-controls' }, [
      this.previousButton,
      this.nextButton,
      this.runAllButton,
    ]);
    this.element = el(
      'section',
      {
        className: 'lesson-panel',
        attrs: { 'aria-labelledby': 'lesson-title' },
      },
      [
        el('div', { className: 'lesson-head' }, [this.title, this.position, close]),
        this.error,
        this.text,
        this.commands,
        this.controls,
      ],
    );
    this.element.hidden = true;
    this.error.hidden = true;
  }

  update(state: LessonState): void {
    const lesson = state.lesson;
    if (lesson === null) {
      // an error stays until closed; otherwise a closed lesson hides the panel
      this.element.hidden = this.error.hidden;
      this.showLessonParts(false);
      return;
    }
    this.element.hidden = false;
    this.error.hidden = true;
    this.showLessonParts(true);
    this.title.textContent = lesson.title;
    const index = Math.max(0, state.index);
    const step = lesson.steps[index]!;
    this.position.textContent = `step ${index + 1} of ${lesson.steps.length}`;
    // only a new step is announced (aria-live), not every busy/idle change
    const key = `${lesson.title}\n${index}`;
    if (key !== this.shownStep) {
      this.shownStep = key;
      this.text.replaceChildren(...paragraphs(step.text));
      this.commands.replaceChildren(
        ...(step.commands.length === 0
          ? ['nothing to type in this step']
          : ['types ', ...joined(step.commands.map((c) => el('code', { text: c })))]),
      );
    }
    const last = index + 1 >= lesson.steps.length;
    this.element.classList.toggle('busy', state.busy);
    setEnabled(this.previousButton, index > 0);
    setEnabled(this.nextButton, !last);
    setEnabled(this.runAllButton, !last);
  }

  /** One line saying why a lesson could not be opened; the lesson shown (if any) stays. */
  showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
    this.element.hidden = false;
    if (this.shownStep === null) {
      this.title.textContent = 'Lesson';
      this.position.textContent = '';
      this.showLessonParts(false);
    }
  }

  clearError(): void {
    this.error.hidden = true;
    this.error.textContent = '';
  }

  private showLessonParts(shown: boolean): void {
    this.text.hidden = !shown;
    this.commands.hidden = !shown;
    this.controls.hidden = !shown;
    if (!shown) this.shownStep = null;
  }
}

/** aria-disabled rather than disabled: the button keeps the keyboard focus at the end of a lesson. */
function setEnabled(b: HTMLButtonElement, enabled: boolean): void {
  if (enabled) b.removeAttribute('aria-disabled');
  else b.setAttribute('aria-disabled', 'true');
}

/** Blank lines separate paragraphs; `backticks` mark commands. */
function paragraphs(text: string): HTMLElement[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) =>
      el(
        'p',
        {},
        p.split('`').map((part, i) => (i % 2 === 1 ? el('code', { text: part }) : part)),
      ),
    );
}

function joined(nodes: HTMLElement[]): Array<Node | string> {
  return nodes.flatMap((node, i) => (i === 0 ? [node] : [', ', node]));
}
