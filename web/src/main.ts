// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Entry point. The emulator worker starts first, so that its downloads and
 * the wasm compile overlap the loading of the user interface (terminal,
 * panel), which comes in a second chunk. `?compare=a,b,…` opens compare mode
 * instead (web/src/compare/), one worker per allocator.
 */
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { canRunEmulator, startEmulator } from './app/start-emulator';
import { parseConfig } from './app/url-config';
import { parseCompare } from './compare/compare-config';

const config = parseConfig(location.search);
const compare = parseCompare(location.search);
// public/ assets (kernel image, emulator) sit next to index.html wherever the app is hosted
const assetBase = new URL('./', document.baseURI);
const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app');

if (compare?.ok === true && canRunEmulator()) {
  const { startCompare } = await import('./compare/start-compare');
  startCompare(root, compare.allocators, config, assetBase);
} else {
  const emulator = canRunEmulator() ? startEmulator(config, assetBase) : null;
  // a compare= that cannot be honoured: say why once, and give the ordinary playground
  if (compare?.ok === false)
    root.append((await import('./compare/start-compare')).compareRefused(compare.message));
  const { Playground } = await import('./app/playground');
  const playground = new Playground(
    root,
    config,
    emulator?.client ?? null,
    emulator?.events ?? null,
  );
  if (config.testHooks) (await import('./app/test-hooks')).installTestHooks(playground);
}
