// SPDX-License-Identifier: GPL-2.0-or-later
/** Creates and starts the emulator worker; its events wait in a buffer for the playground. */
import { BufferedEvents } from '../emu/buffered-events';
import { EmulatorClient } from '../emu/emulator-client';
import { resolveKernelUrl } from './guest-files';
import type { PlaygroundConfig } from './url-config';

export function canRunEmulator(): boolean {
  return typeof WebAssembly === 'object' && typeof Worker === 'function';
}

/**
 * `responseTimeoutMs`: how long the worker may leave a ping unanswered
 * before the watchdog replaces it (compare mode's machines share the CPU
 * with each other and wait longer).
 */
export function startEmulator(
  config: PlaygroundConfig,
  assetBase: URL,
  responseTimeoutMs = 1000,
): { client: EmulatorClient; events: BufferedEvents } {
  const events = new BufferedEvents();
  const client = new EmulatorClient(
    {
      moduleUrl: new URL('emu/allocplay-emu.mjs', assetBase).href,
      wasmUrl: new URL('emu/allocplay-emu.wasm', assetBase).href,
      imageUrl: kernelImageUrl(config, assetBase),
    },
    events,
    () =>
      new Worker(new URL('../emu/worker.ts', import.meta.url), {
        type: 'module',
        name: 'allocplay-emulator',
      }),
    { testHooks: config.testHooks, responseTimeoutMs, heartbeatMs: 2000, engine: config.engine },
  );
  client.start();
  return { client, events };
}

/** ?kernel= when it is relative or same-origin (playground.ts says why not otherwise). */
function kernelImageUrl(config: PlaygroundConfig, assetBase: URL): string {
  if (config.kernel !== null) {
    const resolved = resolveKernelUrl(config.kernel, location.href);
    if (resolved.ok) return resolved.url;
  }
  return new URL('kernel8.img', assetBase).href;
}
