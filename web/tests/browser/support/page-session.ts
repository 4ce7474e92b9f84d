// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Chromium page a test file's tests open (through the harness): closed
 * after each test, which then fails if the page reported an error (console
 * error, uncaught exception) that the test did not take back from `errors`.
 */
import { afterEach, expect } from 'vitest';
import { openPage } from '../../../scripts/harness.mjs';

type OpenedPage = Awaited<ReturnType<typeof openPage>>;

export interface PageSession {
  /** opens a new browser on `url`; the page opened before is no longer the one closed after the test */
  open(...args: Parameters<typeof openPage>): Promise<OpenedPage>;
  /** what the page last opened reported so far */
  readonly errors: string[];
  /** closes the page last opened now, not after the test */
  close(): Promise<void>;
}

export function pageSessionForThisFile(): PageSession {
  let opened: OpenedPage | null = null;
  let errors: string[] = [];
  const close = async (): Promise<void> => {
    const closing = opened;
    opened = null;
    await closing?.close();
  };
  afterEach(async () => {
    await close();
    expect(errors).toEqual([]);
  });
  return {
    async open(...args) {
      opened = await openPage(...args);
      errors = opened.errors;
      return opened;
    },
    get errors() {
      return errors;
    },
    close,
  };
}
