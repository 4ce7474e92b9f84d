// SPDX-License-Identifier: GPL-2.0-or-later
// The playground: root web/, static assets (kernel image, emulator module)
// from public/, output to build/web/. Relative base, so the build works from
// any path on any host (course pages embed it in an iframe).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: here('../public'),
  resolve: {
    alias: { '@emu-glue/machine': here('../emu-glue/js/machine.mjs') },
  },
  build: {
    outDir: here('../build/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  worker: {
    format: 'es',
  },
  server: {
    fs: { allow: [here('..')] },
  },
});
