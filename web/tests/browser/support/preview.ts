// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The production build served by `vite preview` for one test file: started
 * before the file's tests (after `prepare`, which may put extra files into the
 * build), stopped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { startPreview } from '../../../scripts/harness.mjs';

export function previewForThisFile(prepare?: () => void): { readonly url: string } {
  let preview: Awaited<ReturnType<typeof startPreview>> | undefined;
  beforeAll(async () => {
    prepare?.();
    preview = await startPreview();
  });
  afterAll(async () => {
    await preview?.stop();
  });
  return {
    get url(): string {
      if (preview === undefined) throw new Error('the preview server has not started');
      return preview.url;
    },
  };
}
