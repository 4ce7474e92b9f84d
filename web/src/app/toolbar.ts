// SPDX-License-Identifier: GPL-2.0-or-later
/** The top bar: allocator choice, examples, run controls, share and theme. */
import { EXAMPLES } from '../examples/example-scripts';
import { button, el } from '../panel/dom';
import { ALLOCATORS } from './url-config';

export interface ToolbarActions {
  use(allocator: string): void;
  example(id: string): void;
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

  constructor(actions: ToolbarActions, typing: 'human' | 'instant') {
    this.allocatorSelect = el('select', {
      className: 'select',
      attrs: { 'aria-label': 'Allocator' },
    });
    for (const name of ALLOCATORS)
      this.allocatorSelect.append(el('option', { text: name, attrs: { value: name } }));
    this.allocatorSelect.addEventListener('change', () => actions.use(this.allocatorSelect.value));

    const examples = el('select', {
      className: 'select',
      attrs: { 'aria-label': 'Run an example' },
    });
    examples.append(el('option', { text: 'Examples…', attrs: { value: '' } }));
    for (const e of EXAMPLES)
      examples.append(el('option', { text: e.title, title: e.summary, attrs: { value: e.id } }));
    examples.addEventListener('change', () => {
      if (examples.value !== '') actions.example(examples.value);
      examples.value = '';
    });

    const speed = el('select', {
      className: 'select',
      attrs: { 'aria-label': 'Typing speed of examples' },
    });
    speed.append(
      el('option', { text: 'type like a person', attrs: { value: 'human' } }),
      el('option', { text: 'type instantly', attrs: { value: 'instant' } }),
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
      el('label', { className: 'field' }, ['allocator ', this.allocatorSelect]),
      examples,
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
      button('◐', () => actions.toggleTheme(), 'button icon', 'Switch light / dark theme'),
    ]);
  }

  setRunning(stopped: boolean): void {
    this.runButton.textContent = stopped ? 'Continue' : 'Stop';
    this.runButton.title = stopped ? 'Let the emulator run again' : 'Pause the emulator';
  }

  setAllocator(name: string): void {
    this.allocatorSelect.value = name;
  }

  showShareLink(link: string, copied: boolean): void {
    this.shareOutput.hidden = false;
    this.shareOutput.value = link;
    this.shareOutput.title = copied ? 'Copied to the clipboard' : 'Copy this link';
    this.shareOutput.classList.toggle('copied', copied);
    if (!copied) this.shareOutput.focus();
  }
}
