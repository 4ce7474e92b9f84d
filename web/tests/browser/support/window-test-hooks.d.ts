// SPDX-License-Identifier: GPL-2.0-or-later
// window.__allocplay, installed by the page with ?test=1 (src/app/test-hooks.ts),
// typed once for every browser test file.
import type { TestHooks } from '../../../src/app/test-hooks';

declare global {
  interface Window {
    __allocplay: TestHooks;
  }
}
