// SPDX-License-Identifier: GPL-2.0-or-later
/** Creates and starts the emulator worker; its events wait in a buffer for the playground. */
import { BufferedEvents } from '../emu/buffered-events';
import { EmulatorClient } from '../emu/emulator-client';
import type { PlaygroundConfig } from './url-config';

export function canRunEmulator(): boolean {
  return typeof WebAssembly === 'object' && typeof Worker === 'function';
}

export function startEmulator(
  config: PlaygroundConfig,
  assetBase: URL,
): { client: EmulatorClient; events: BufferedEvents } {
  const events = new BufferedEvents();
  const client = new EmulatorClient(
    {
      moduleUrl: new URL('emu/allocplay-emu.mjs', assetBase).href,
      wasmUrl: new URL('emu/allocplay-emu.wasm', assetBase).href,
      imageUrl: new URL('kernel8.img', assetBase).href,
    },
    events,
    () =>
      new Worker(new URL('../emu/worker.ts', import.meta.url), {
        type: 'module',
        name: 'allocplay-emulator',
      }),
    { testHooks: config.testHooks, responseTimeoutMs: 1000, heartbeatMs: 2000 },
  );
  client.start();
  return { client, events };
}
