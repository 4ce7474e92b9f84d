// SPDX-License-Identifier: GPL-2.0-or-later
// Browser tests: the production build in Debian's Chromium (playwright-core).
// One file at a time: each boots its own preview server and browser, and the
// machine has two cores.
import { defineConfig } from 'vitest/config';
import { PlainSummaryReporter } from './tests/plain-summary-reporter';
import base from './vitest.config';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['web/tests/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default', new PlainSummaryReporter('web browser')],
  },
});
