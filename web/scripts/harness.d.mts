// SPDX-License-Identifier: GPL-2.0-or-later
import type { BrowserContext, Page } from 'playwright-core';

export const REPO_ROOT: string;
export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export function freePort(): Promise<number>;
export function startPreview(): Promise<{ url: string; stop: () => Promise<void> }>;
export function openPage(
  url: string,
  viewport?: { width: number; height: number },
): Promise<{
  page: Page;
  context: BrowserContext;
  errors: string[];
  requests: string[];
  close: () => Promise<void>;
}>;
export function waitForPrompt(page: Page, timeout?: number): Promise<void>;
