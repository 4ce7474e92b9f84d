// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests: the heap decoder against snapshots of the real kernel, and the
// page-side logic that needs no browser.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { PlainSummaryReporter } from './tests/plain-summary-reporter';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: repoRoot,
  resolve: {
    alias: {
      '@emu-glue/machine': fileURLToPath(new URL('../emu-glue/js/machine.mjs', import.meta.url)),
    },
  },
  test: {
    include: ['web/tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    reporters: ['default', new PlainSummaryReporter('web unit')],
  },
});
