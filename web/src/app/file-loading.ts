// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Giving the guest a file: "Trace…" and "Kernel…" pickers, and drag & drop
 * anywhere on the page (a .rep or text file is a trace, a session file a
 * saved timeline, anything else an image to boot). A trace goes to the trace area and `trace` is typed; an
 * image replaces the running one. A file that cannot be used gets one clear
 * message in the notice line and changes nothing.
 */
import { button, el } from '../panel/dom';
import { looksLikeSession } from '../session/session-controls';
import { classifyFile, imageProblem, traceProblem } from './guest-files';

export interface FileActions {
  loadTrace(bytes: Uint8Array, name: string): void;
  bootImage(bytes: Uint8Array, name: string): void;
  /** a dropped session file (session/session-controls.ts), where the page has a timeline */
  loadSession?(bytes: Uint8Array, name: string): void;
}

export class FileLoading {
  /** the toolbar's buttons (and their hidden inputs) */
  readonly controls: HTMLElement[];
  /** one line of feedback: what was loaded, or why not */
  readonly notice = el('span', {
    className: 'file-notice',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });

  /**
   * `imagesRefusal`: set where images cannot be booted (compare mode): no
   * Kernel… picker, and a dropped image gets this sentence.
   */
  constructor(
    private readonly actions: FileActions,
    dropTarget: HTMLElement,
    private readonly imagesRefusal: string | null = null,
  ) {
    this.notice.hidden = true;
    this.controls = this.picker(
      'Trace…',
      '.rep,text/plain',
      'trace',
      'Replay a CS:APP .rep trace (trace all)',
    );
    if (imagesRefusal === null)
      this.controls.push(
        ...this.picker('Kernel…', '.img,.bin', 'image', 'Boot another kernel image'),
      );
    dropTarget.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      dropTarget.classList.add('dropping');
    });
    dropTarget.addEventListener('dragleave', (event) => {
      if (event.target === dropTarget) dropTarget.classList.remove('dropping');
    });
    dropTarget.addEventListener('drop', (event) => {
      dropTarget.classList.remove('dropping');
      const file = event.dataTransfer?.files[0];
      if (file === undefined) return;
      event.preventDefault();
      void this.take(file, null);
    });
  }

  /** Shows one line; an error stays until the next file, a success fades. */
  say(text: string, tone: 'ok' | 'bad'): void {
    this.notice.textContent = text;
    this.notice.className = `file-notice ${tone}`;
    this.notice.hidden = false;
  }

  private picker(
    label: string,
    accept: string,
    kind: 'trace' | 'image',
    title: string,
  ): HTMLElement[] {
    const input = el('input', {
      className: 'file-input',
      attrs: { type: 'file', accept, 'aria-label': title, tabindex: '-1' },
    });
    input.hidden = true;
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (file !== undefined) void this.take(file, kind);
    });
    return [button(label, () => input.click(), 'button', title), input];
  }

  /** kind null: decided from the name and the contents. */
  async take(file: File, kind: 'trace' | 'image' | null): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      this.say(`${file.name} could not be read.`, 'bad');
      return;
    }
    if (kind === null && this.actions.loadSession && looksLikeSession(file.name, bytes)) {
      this.actions.loadSession(bytes, file.name);
      return;
    }
    const chosen = kind ?? classifyFile(file.name, bytes);
    if (chosen === 'image' && this.imagesRefusal !== null) {
      this.say(`${file.name}: ${this.imagesRefusal}`, 'bad');
      return;
    }
    const problem =
      chosen === 'trace' ? traceProblem(file.name, bytes) : imageProblem(file.name, bytes);
    if (problem !== null) {
      this.say(problem, 'bad');
      return;
    }
    if (chosen === 'trace') {
      this.say(`Trace ${file.name} is at 0x47000000; the shell replays it with trace.`, 'ok');
      this.actions.loadTrace(bytes, file.name);
    } else {
      this.say(
        `Booting ${file.name} (Reset boots it again; reload the page for the playground's kernel).`,
        'ok',
      );
      this.actions.bootImage(bytes, file.name);
    }
  }
}
