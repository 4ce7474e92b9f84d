// SPDX-License-Identifier: GPL-2.0-or-later
/** The top bar: allocator choice, lessons, run controls, share and theme. */
import { LESSONS } from '../lessons/lesson-catalog';
import { button, el } from '../panel/dom';
import { ALLOCATORS } from './url-config';

export interface ToolbarActions {
  use(allocator: string): void;
  lesson(name: string): void;
  toggleRun(): void;
  reset(): void;
  share(): void;
  toggleTheme(): void;
  setTyping(speed: 'human' | 'instant'): void;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly allocatorSelect: HTMLSelectElement;
  private readonly shareOutput: HTMLInputElement;
  private readonly shareNote = el('span', { className: 'share-note', attrs: { role: 'status' } });
  /** the allocator the kernel last reported: the selector shows it, whatever was clicked */
  private allocator = 'first-fit';

  constructor(actions: ToolbarActions, typing: 'human' | 'instant') {
    this.allocatorSelect = el('select', {
      className: 'select',
      attrs: { 'aria-label': 'Allocator' },
    });
    for (const name of ALLOCATORS)
      this.allocatorSelect.append(el('option', { text: name, attrs: { value: name } }));
    this.allocatorSelect.addEventListener('change', () => {
      actions.use(this.allocatorSelect.value);
      this.allocatorSelect.value = this.allocator; // until the kernel says it switched
    });

    const lessons = el('select', {
      className: 'select lessons-menu',
      attrs: { 'aria-label': 'Open a lesson' },
    });
    lessons.append(el('option', { text: 'Lessons…', attrs: { value: '' } }));
    for (const { name, lesson } of LESSONS)
      lessons.append(el('option', { text: lesson.title, attrs: { value: name } }));
    lessons.addEventListener('change', () => {
      if (lessons.value !== '') actions.lesson(lessons.value);
      lessons.value = '';
    });

    const speed = el('select', {
      className: 'select',
      attrs: { 'aria-label': 'Typing speed of lessons' },
    });
    speed.append(
      el('option', { text: 'human typing', attrs: { value: 'human' } }),
      el('option', { text: 'instant typing', attrs: { value: 'instant' } }),
    );
    speed.value = typing;
    speed.addEventListener('change', () =>
      actions.setTyping(speed.value === 'instant' ? 'instant' : 'human'),
    );

    this.runButton = button('Stop', () => actions.toggleRun(), 'button', 'Pause the emulator');
    this.shareOutput = el('input', {
      className: 'share-output',
      attrs: { readonly: '', 'aria-label': 'Share link' },
    });
    this.shareOutput.hidden = true;
    this.shareOutput.addEventListener('focus', () => this.shareOutput.select());

    this.element = el('header', { className: 'toolbar' }, [
      el('h1', { className: 'brand', text: 'Allocator Playground' }),
      el('label', { className: 'field' }, [
        el('span', { className: 'field-text', text: 'allocator ' }),
        this.allocatorSelect,
      ]),
      lessons,
      speed,
      el('span', { className: 'spacer' }),
      this.runButton,
      button('Reset', () => actions.reset(), 'button', 'Reboot the machine from the kernel image'),
      button(
        'Share',
        () => actions.share(),
        'button',
        'Copy a link that replays the commands typed so far',
      ),
      this.shareOutput,
      this.shareNote,
      button('◐', () => actions.toggleTheme(), 'button icon', 'Switch light / dark theme'),
    ]);
  }

  setRunning(stopped: boolean): void {
    this.runButton.textContent = stopped ? 'Continue' : 'Stop';
    this.runButton.title = stopped ? 'Let the emulator run again' : 'Pause the emulator';
  }

  setAllocator(name: string): void {
    // an allocator only some images have (a student's `mm`) joins the list
    // once the kernel runs it; "kind 9" from a damaged descriptor does not
    const listed = [...this.allocatorSelect.options].some((o) => o.value === name);
    if (!listed && /^[a-z-]+$/.test(name))
      this.allocatorSelect.append(el('option', { text: name, attrs: { value: name } }));
    this.allocator = name;
    this.allocatorSelect.value = name;
  }

  /** Shows the link; the focus moves to it only when it has to be copied by hand. */
  showShareLink(link: string, state: 'copying' | 'copied' | 'copy-by-hand'): void {
    this.shareOutput.hidden = false;
    this.shareOutput.value = link;
    const copied = state === 'copied';
    this.shareOutput.title = copied ? 'Copied to the clipboard' : 'Copy this link';
    this.shareOutput.classList.toggle('copied', copied);
    this.shareNote.textContent =
      state === 'copied' ? 'Link copied' : state === 'copy-by-hand' ? 'Copy the link (Ctrl+C)' : '';
    if (state === 'copy-by-hand') this.shareOutput.focus();
  }

  setRunEnabled(enabled: boolean): void {
    this.runButton.disabled = !enabled;
  }
}
