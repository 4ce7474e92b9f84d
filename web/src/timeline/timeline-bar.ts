// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The bar under the terminal: one mark per checkpoint of the current branch
 * (boot, then each command), the current one marked, a branch switcher when
 * going back and typing made more than one branch, and a note when old
 * checkpoints were dropped to save memory. The marks are a toolbar with a
 * roving tabindex: one Tab stop, arrow keys and Home/End move between marks,
 * Enter or Space goes there. It draws what it is given; the timeline
 * controller decides.
 */
import { el } from '../panel/dom';

export interface TimelineMark {
  id: number;
  /** 0 for boot */
  index: number;
  label: string;
  current: boolean;
  /** going back and typing from here made another branch */
  forks: boolean;
  /** compared as A or B (checkpoint-compare) */
  compare?: 'A' | 'B';
}

export interface TimelinePicture {
  marks: TimelineMark[];
  /** branch numbers, oldest first; the switcher shows when there are two or more */
  branches: number[];
  branch: number;
  /** checkpoints dropped to save memory (0: no note) */
  dropped: number;
  /** "at command 3 of 7" */
  position: string;
}

export interface TimelineBarActions {
  goTo(id: number): void;
  switchBranch(branch: number): void;
  /** Shift+click or Shift+Enter on a mark: compare it with the current checkpoint */
  compare?(id: number): void;
}

export class TimelineBar {
  readonly element: HTMLElement;
  private readonly marks = el('div', {
    className: 'timeline-marks',
    attrs: {
      role: 'toolbar',
      'aria-label':
        'Checkpoints: Alt+Left and Alt+Right move between them; Shift+Enter or Shift+click compares one with the current',
    },
  });
  private readonly position = el('span', { className: 'timeline-position' });
  private readonly branchText = el('span', { className: 'branch-text' });
  private readonly previousBranch: HTMLButtonElement;
  private readonly nextBranch: HTMLButtonElement;
  private readonly branchSwitch: HTMLElement;
  private readonly note = el('p', {
    className: 'timeline-note',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });
  /** room at the row's end for the page's own controls on the timeline (Save / Load session) */
  readonly tools = el('div', {
    className: 'timeline-tools',
    attrs: { role: 'group', 'aria-label': 'Session file' },
  });
  private picture: TimelinePicture | null = null;
  /** the mark that has the Tab stop (follows the keyboard, then the current mark) */
  private focusId: number | null = null;

  constructor(private readonly actions: TimelineBarActions) {
    this.previousBranch = branchButton('‹', 'Previous branch', () => this.stepBranch(-1));
    this.nextBranch = branchButton('›', 'Next branch', () => this.stepBranch(+1));
    this.branchSwitch = el(
      'div',
      { className: 'branch-switch', attrs: { role: 'group', 'aria-label': 'Branches' } },
      [this.previousBranch, this.branchText, this.nextBranch],
    );
    this.branchSwitch.hidden = true;
    this.note.hidden = true;
    this.element = el(
      'section',
      { className: 'checkpoint-timeline', attrs: { 'aria-label': 'Timeline of commands' } },
      [
        el('div', { className: 'timeline-row' }, [
          this.position,
          this.marks,
          this.branchSwitch,
          this.tools,
        ]),
        this.note,
      ],
    );
    this.marks.addEventListener('keydown', (event) => this.onKey(event));
    this.marks.addEventListener('click', (event) => {
      const mark = (event.target as HTMLElement).closest<HTMLElement>('.timeline-mark');
      if (mark?.dataset.id === undefined) return;
      if (event.shiftKey && this.actions.compare) this.actions.compare(Number(mark.dataset.id));
      else this.actions.goTo(Number(mark.dataset.id));
    });
  }

  show(picture: TimelinePicture): void {
    const focused = this.marks.contains(document.activeElement);
    this.picture = picture;
    const current = picture.marks.find((m) => m.current);
    if (!picture.marks.some((m) => m.id === this.focusId) || !focused)
      this.focusId = current?.id ?? picture.marks.at(-1)?.id ?? null;
    this.marks.replaceChildren(...picture.marks.map((m) => this.markButton(m)));
    this.position.textContent = picture.position;
    const count = picture.branches.length;
    const at = picture.branches.indexOf(picture.branch);
    this.branchSwitch.hidden = count < 2;
    this.branchText.textContent = `branch ${at + 1} of ${count}`;
    this.previousBranch.disabled = at <= 0;
    this.nextBranch.disabled = at >= count - 1;
    this.note.hidden = picture.dropped === 0;
    this.note.textContent =
      picture.dropped === 0
        ? ''
        : `oldest ${picture.dropped} ${picture.dropped === 1 ? 'checkpoint' : 'checkpoints'} dropped to save memory`;
    if (focused) this.markElement(this.focusId)?.focus();
    this.scrollToMark(current?.id ?? null);
  }

  private markButton(mark: TimelineMark): HTMLButtonElement {
    const plain = mark.index === 0 ? 'boot' : `command ${mark.index}: ${mark.label}`;
    const name = mark.compare === undefined ? plain : `${plain} (compared as ${mark.compare})`;
    const compared = mark.compare === undefined ? '' : ` compare-${mark.compare.toLowerCase()}`;
    const button = el('button', {
      className: `timeline-mark${mark.current ? ' current' : ''}${mark.forks ? ' forks' : ''}${compared}`,
      text: mark.label,
      attrs: {
        type: 'button',
        title: mark.forks ? `${name} (branches here)` : name,
        'aria-label': mark.forks ? `${name}, branches here` : name,
        tabindex: mark.id === this.focusId ? '0' : '-1',
        'data-id': String(mark.id),
      },
    });
    if (mark.current) button.setAttribute('aria-current', 'step');
    return button;
  }

  private markElement(id: number | null): HTMLElement | null {
    return id === null ? null : this.marks.querySelector<HTMLElement>(`[data-id="${id}"]`);
  }

  /** Arrow keys, Home and End move the Tab stop between marks (the toolbar pattern). */
  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && event.shiftKey && this.actions.compare) {
      event.preventDefault();
      const mark = (event.target as HTMLElement).closest<HTMLElement>('.timeline-mark');
      if (mark?.dataset.id !== undefined) this.actions.compare(Number(mark.dataset.id));
      return;
    }
    const marks = this.picture?.marks ?? [];
    const at = marks.findIndex((m) => m.id === this.focusId);
    let next = at;
    if (event.key === 'ArrowLeft') next = Math.max(0, at - 1);
    else if (event.key === 'ArrowRight') next = Math.min(marks.length - 1, at + 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = marks.length - 1;
    else return;
    event.preventDefault();
    const target = marks[next];
    if (target === undefined) return;
    this.markElement(this.focusId)?.setAttribute('tabindex', '-1');
    this.focusId = target.id;
    const element = this.markElement(target.id);
    element?.setAttribute('tabindex', '0');
    element?.focus();
  }

  private stepBranch(step: number): void {
    const picture = this.picture;
    if (picture === null) return;
    const branch = picture.branches[picture.branches.indexOf(picture.branch) + step];
    if (branch !== undefined) this.actions.switchBranch(branch);
  }

  /** Keeps the current mark visible inside the bar without scrolling the page. */
  private scrollToMark(id: number | null): void {
    const mark = this.markElement(id);
    if (mark === null) return;
    const left = mark.offsetLeft - this.marks.offsetLeft;
    const right = left + mark.offsetWidth;
    if (left < this.marks.scrollLeft) this.marks.scrollLeft = left;
    else if (right > this.marks.scrollLeft + this.marks.clientWidth)
      this.marks.scrollLeft = right - this.marks.clientWidth;
  }
}

function branchButton(text: string, label: string, onClick: () => void): HTMLButtonElement {
  const button = el('button', {
    className: 'button branch-step',
    text,
    attrs: { type: 'button', 'aria-label': label, title: label },
  });
  button.addEventListener('click', onClick);
  return button;
}
