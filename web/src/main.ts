// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Entry point. The emulator worker starts first, so that its downloads and
 * the wasm compile overlap the loading of the user interface (terminal,
 * panel), which comes in a second chunk.
 */
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { canRunEmulator, startEmulator } from './app/start-emulator';
import { parseConfig } from './app/url-config';

const config = parseConfig(location.search);
// public/ assets (kernel image, emulator) sit next to index.html wherever the app is hosted
const emulator = canRunEmulator() ? startEmulator(config, new URL('./', document.baseURI)) : null;

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app');
const { Playground } = await import('./app/playground');
const playground = new Playground(root, config, emulator?.client ?? null, emulator?.events ?? null);
if (config.testHooks) (await import('./app/test-hooks')).installTestHooks(playground);
