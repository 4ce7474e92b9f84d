// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The embedding API's messages (documented in web/README.md). Every message
 * carries `channel: "allocplay"`; anything else on the window's message
 * channel belongs to someone else and is left alone. A request is checked
 * completely before anything happens: a bad one gets one error back.
 */
import { ALLOCATORS, type AllocatorName } from '../app/url-config';

export const CHANNEL = 'allocplay';
export const MAX_API_COMMANDS = 500;
export const MAX_API_COMMAND_LENGTH = 120;

export type ApiRequest =
  | { type: 'type'; commands: string[] }
  | { type: 'use'; allocator: AllocatorName }
  | { type: 'reset' }
  | { type: 'lesson'; url: string }
  | { type: 'lesson'; name: string };

/** An id the sender chose to match replies with: a string or a number. */
export type RequestId = string | number | null;

export type ParsedMessage =
  | { kind: 'not-ours' }
  | { kind: 'bad'; id: RequestId; message: string }
  | { kind: 'request'; id: RequestId; request: ApiRequest };

const REQUEST_KEYS: Record<ApiRequest['type'], string[]> = {
  type: ['commands'],
  use: ['allocator'],
  reset: [],
  lesson: ['url', 'name'],
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Commands for `type`: printable ASCII, no control characters, within the shell's line. */
export function checkCommands(value: unknown): string[] | string {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0)
    return '"commands" must be a non-empty list of strings';
  if (list.length > MAX_API_COMMANDS) return `at most ${MAX_API_COMMANDS} commands at a time`;
  const commands: string[] = [];
  for (const [i, c] of list.entries()) {
    if (typeof c !== 'string') return `command ${i + 1} is not a string`;
    if (!/^[\x20-\x7e]*$/.test(c))
      return `command ${i + 1} has a character that is not printable ASCII`;
    if (c.trim() === '') return `command ${i + 1} is empty`;
    if (c.length > MAX_API_COMMAND_LENGTH)
      return `command ${i + 1} is longer than ${MAX_API_COMMAND_LENGTH} characters`;
    commands.push(c.trim());
  }
  return commands;
}

export function checkRequest(type: unknown, args: Record<string, unknown>): ApiRequest | string {
  if (typeof type !== 'string' || !(type in REQUEST_KEYS))
    return `unknown request type ${JSON.stringify(type)} (expected ${Object.keys(REQUEST_KEYS).join(', ')})`;
  const t = type as ApiRequest['type'];
  const extra = Object.keys(args).filter((k) => !REQUEST_KEYS[t].includes(k));
  if (extra.length > 0) return `"${t}" takes no "${extra[0]}"`;
  switch (t) {
    case 'type': {
      const commands = checkCommands(args.commands);
      return typeof commands === 'string' ? commands : { type: 'type', commands };
    }
    case 'use':
      if (
        typeof args.allocator !== 'string' ||
        !(ALLOCATORS as readonly string[]).includes(args.allocator)
      )
        return `"allocator" must be one of ${ALLOCATORS.join(', ')}`;
      return { type: 'use', allocator: args.allocator as AllocatorName };
    case 'reset':
      return { type: 'reset' };
    case 'lesson':
      if (typeof args.url === 'string' && args.name === undefined)
        return { type: 'lesson', url: args.url };
      if (typeof args.name === 'string' && args.url === undefined)
        return { type: 'lesson', name: args.name };
      return '"lesson" needs either "url" (a string) or "name" (a string)';
  }
}

/** Reads a postMessage payload. */
export function parseMessage(data: unknown): ParsedMessage {
  // the playground's own replies and events carry from: "playground" (a same-window sender sees them too)
  if (!isObject(data) || data.channel !== CHANNEL || data.from === 'playground')
    return { kind: 'not-ours' };
  const rawId = data.id;
  const id: RequestId =
    typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId))
      ? rawId
      : null;
  if (rawId !== undefined && id === null)
    return { kind: 'bad', id: null, message: '"id" must be a string or a number' };
  const { channel: _channel, id: _id, type, ...args } = data;
  const request = checkRequest(type, args);
  return typeof request === 'string'
    ? { kind: 'bad', id, message: request }
    : { kind: 'request', id, request };
}
