// SPDX-License-Identifier: GPL-2.0-or-later
// The playground: root web/, static assets (kernel image, emulator module)
// from public/, output to build/web/. Relative base, so the build works from
// any path on any host (course pages embed it in an iframe).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The production page's Content-Security-Policy: everything from its own
 * origin, WebAssembly compilation allowed ('wasm-unsafe-eval'), no other
 * script evaluation, no plugins, no network beyond the origin. Inline styles
 * stay allowed because xterm.js and the panel set element styles. As a meta
 * tag it travels with the static files to any host, including iframes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'allocplay-content-security-policy',
    apply: 'build', // the dev server injects inline scripts for hot reload
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * The bundled lessons (web/lessons/*.json) are also served as
 * lessons/<name>.json, so `?lesson=lessons/buddy.json` works and an
 * instructor can start from a real file.
 */
function lessonFiles(): Plugin {
  const dir = here('lessons');
  const names = (): string[] => readdirSync(dir).filter((f) => /^[a-z0-9-]+\.json$/.test(f));
  return {
    name: 'allocplay-lesson-files',
    generateBundle() {
      for (const name of names())
        this.emitFile({
          type: 'asset',
          fileName: `lessons/${name}`,
          source: readFileSync(join(dir, name)),
        });
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = /^\/lessons\/([a-z0-9-]+\.json)$/.exec(request.url ?? '');
        const file = match ? join(dir, match[1]!) : null;
        if (file === null || !existsSync(file)) return next();
        response.setHeader('Content-Type', 'application/json');
        response.end(readFileSync(file));
      });
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: here('../public'),
  plugins: [contentSecurityPolicy(), lessonFiles()],
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
