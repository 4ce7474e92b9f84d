// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The toolbar's "Save session" and "Load session…": the whole timeline to
 * a file and back (session-archive.ts), without replaying. A session file
 * dropped on the page comes here too (file-loading.ts tells it by its
 * magic). Outcomes go to the page's one notice line.
 */
import { button, el } from '../panel/dom';
import {
  type ArchiveEmulator,
  type ArchivedCheckpoint,
  type RestoredCheckpoint,
  loadSession,
  saveSession,
  sessionFileName,
} from './session-archive';

export interface SessionHost {
  emulator(): ArchiveEmulator | null;
  /** every checkpoint of the timeline (each after its parent), the current one's index, the allocator */
  checkpoints(): { list: ArchivedCheckpoint[]; current: number; allocator: string } | null;
  /** replaces the timeline with the loaded one and goes to its current checkpoint */
  adopt(checkpoints: RestoredCheckpoint[], current: number): Promise<void>;
  say(text: string, tone: 'ok' | 'bad'): void;
}

export class SessionControls {
  readonly controls: HTMLElement[];
  private busy = false;

  constructor(private readonly host: SessionHost) {
    const input = el('input', {
      className: 'file-input',
      attrs: {
        type: 'file',
        accept: '.apgsession,application/octet-stream',
        'aria-label': 'Load a saved session',
        tabindex: '-1',
      },
    });
    input.hidden = true;
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (file !== undefined) void this.loadFile(file);
    });
    // short labels: they sit at the end of the timeline bar, whose group says what they act on
    const save = button(
      'Save',
      () => void this.save(),
      'button session-save',
      'Save session: the whole timeline to a file',
    );
    save.setAttribute('aria-label', 'Save session');
    const load = button(
      'Load',
      () => input.click(),
      'button session-load',
      'Load session: a saved timeline, without replaying',
    );
    load.setAttribute('aria-label', 'Load session');
    this.controls = [save, load, input];
  }

  /** Builds the file's bytes (tests call this instead of downloading). */
  async fileBytes(): Promise<{ bytes: Uint8Array; name: string } | { problem: string }> {
    const emulator = this.host.emulator();
    const timeline = this.host.checkpoints();
    if (emulator === null || timeline === null || timeline.list.length === 0)
      return {
        problem: 'Nothing to save yet: the timeline starts when the kernel is at its prompt.',
      };
    try {
      const bytes = await saveSession(
        emulator,
        timeline.list,
        timeline.current,
        timeline.allocator,
      );
      return { bytes, name: sessionFileName(timeline.allocator, new Date()) };
    } catch (error) {
      return {
        problem: `The session could not be saved: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async save(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const file = await this.fileBytes();
      if ('problem' in file) {
        this.host.say(file.problem, 'bad');
        return;
      }
      const url = URL.createObjectURL(
        new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
      );
      const link = el('a', { attrs: { href: url, download: file.name } });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const count = this.host.checkpoints()?.list.length ?? 0;
      this.host.say(
        `Saved ${count} ${count === 1 ? 'checkpoint' : 'checkpoints'} to ${file.name} (${Math.ceil(file.bytes.length / 1024)} KiB).`,
        'ok',
      );
    } finally {
      this.busy = false;
    }
  }

  async loadFile(file: File): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      this.host.say(`${file.name} could not be read.`, 'bad');
      return;
    }
    await this.load(bytes, file.name);
  }

  /** Loads a session from bytes; resolves with the message shown. */
  async load(bytes: Uint8Array, name: string): Promise<string> {
    const emulator = this.host.emulator();
    if (emulator === null) {
      const message = `${name}: there is no emulator to load it into.`;
      this.host.say(message, 'bad');
      return message;
    }
    if (this.busy) {
      const message = `${name}: a session is being saved or loaded; try again when it is done.`;
      this.host.say(message, 'bad');
      return message;
    }
    this.busy = true;
    try {
      const outcome = await loadSession(emulator, bytes, name);
      if (!outcome.ok) {
        this.host.say(outcome.message, 'bad');
        return outcome.message;
      }
      await this.host.adopt(outcome.checkpoints, outcome.current);
      const count = outcome.checkpoints.length;
      const at = outcome.checkpoints[outcome.current]?.label ?? '';
      const message = `Loaded ${name}: ${count} ${count === 1 ? 'checkpoint' : 'checkpoints'}${outcome.allocator === '' ? '' : ` on ${outcome.allocator}`}, at \`${at}\`.`;
      this.host.say(message, 'ok');
      return message;
    } finally {
      this.busy = false;
    }
  }
}

/**
 * Whether dropped bytes are a session file, whatever the file is called: its
 * name, its container magic, or gzip (what Save writes; nothing else the page
 * takes is gzip, and a session file refused says why instead of booting it).
 */
export function looksLikeSession(name: string, bytes: Uint8Array): boolean {
  if (/\.apgsession$/i.test(name)) return true;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
  const magic = 'APGSESS';
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}
