// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The worker's test-only messages, kept out of its production message
 * handler: the worker hands them here only when the page booted it with
 * test hooks (?test=1).
 */
import type { TestToWorker } from './protocol';

export interface TestableWorker {
  /** writes guest RAM directly, as a stray pointer would, then decodes again */
  writeMemory(address: number, bytes: Uint8Array): void;
  /** boots another image through the same path as Reset */
  restart(image: Uint8Array): void;
}

export function handleTestMessage(message: TestToWorker, worker: TestableWorker): void {
  switch (message.type) {
    case 'test-write-memory':
      worker.writeMemory(message.address, message.bytes);
      break;
    case 'test-load-image':
      worker.restart(message.image);
      break;
    case 'test-hang': {
      const until = performance.now() + message.ms;
      while (performance.now() < until) {
        // a stuck worker: nothing else runs here until this returns
      }
      break;
    }
  }
}
