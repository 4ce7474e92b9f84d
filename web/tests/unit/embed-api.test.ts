// SPDX-License-Identifier: GPL-2.0-or-later
// The embedding API without a browser: which origins are obeyed, how
// requests are checked (one message for each bad one), and how a command's
// output is cut from the UART stream.
import { describe, expect, it } from 'vitest';
import { CommandOutput } from '../../src/embed/command-output';
import { embedOrigins, parseOrigin } from '../../src/embed/embed-origins';
import { parseMessage } from '../../src/embed/embed-protocol';

describe('origins', () => {
  const own = 'https://play.example';
  it('always its own origin; the origin= parameter names the parent', () => {
    expect(embedOrigins('', own, '', false)).toEqual({
      allowed: new Set([own]),
      parent: null,
      warnings: [],
    });
    const named = embedOrigins('?origin=https://course.example', own, '', true);
    expect([...named.allowed]).toEqual([own, 'https://course.example']);
    expect(named.parent).toBe('https://course.example');
    // framed by another origin than the one named: no events for the framer
    const other = embedOrigins('?origin=https://course.example', own, 'https://x.example/', true);
    expect([...other.allowed]).toEqual([own, 'https://course.example']);
    expect(other.parent).toBeNull();
    expect(other.warnings).toEqual([
      'framed by https://x.example, not by https://course.example (origin=): no events are sent to it',
    ]);
  });

  it("without origin=, a framed page trusts its referrer's origin", () => {
    const framed = embedOrigins('', own, 'https://course.example/week3/heap.html', true);
    expect([...framed.allowed]).toEqual([own, 'https://course.example']);
    expect(framed.parent).toBe('https://course.example');
    // not framed: a referrer is just where the user came from
    expect([...embedOrigins('', own, 'https://course.example/', false).allowed]).toEqual([own]);
  });

  it('a malformed origin= is refused with a warning and trusts nobody else', () => {
    for (const bad of [
      '*',
      'course.example',
      'https://course.example/path',
      'javascript:x',
      'null',
    ]) {
      const result = embedOrigins(
        `?origin=${encodeURIComponent(bad)}`,
        own,
        'https://r.example/',
        true,
      );
      expect([...result.allowed], bad).toEqual([own]);
      expect(result.parent).toBeNull();
      expect(result.warnings).toHaveLength(1);
    }
    expect(parseOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(parseOrigin('https://a.example/')).toBe('https://a.example');
  });
});

describe('requests', () => {
  const msg = (data: object) => parseMessage({ channel: 'allocplay', ...data });

  it('reads every request type', () => {
    expect(msg({ id: 1, type: 'type', commands: ['alloc 100', ' info '] })).toEqual({
      kind: 'request',
      id: 1,
      request: { type: 'type', commands: ['alloc 100', 'info'] },
    });
    expect(msg({ type: 'type', commands: 'info' })).toMatchObject({
      request: { type: 'type', commands: ['info'] },
    });
    expect(msg({ id: 'a', type: 'use', allocator: 'buddy' })).toMatchObject({
      id: 'a',
      request: { type: 'use', allocator: 'buddy' },
    });
    expect(msg({ type: 'reset' })).toMatchObject({ request: { type: 'reset' } });
    expect(msg({ type: 'lesson', url: 'lessons/buddy.json' })).toMatchObject({
      request: { type: 'lesson', url: 'lessons/buddy.json' },
    });
    expect(msg({ type: 'lesson', name: 'buddy' })).toMatchObject({
      request: { type: 'lesson', name: 'buddy' },
    });
  });

  it('leaves other messages alone, and its own replies', () => {
    expect(parseMessage('hello')).toEqual({ kind: 'not-ours' });
    expect(parseMessage({ type: 'type', commands: ['x'] })).toEqual({ kind: 'not-ours' });
    expect(parseMessage({ channel: 'allocplay', from: 'playground', type: 'ready' })).toEqual({
      kind: 'not-ours',
    });
  });

  it('one message for each bad request', () => {
    const bad = (data: object): string => {
      const parsed = msg(data);
      expect(parsed.kind).toBe('bad');
      return (parsed as { message: string }).message;
    };
    expect(bad({ type: 'format-disk' })).toMatch(/^unknown request type "format-disk"/);
    expect(bad({})).toMatch(/^unknown request type undefined/);
    expect(bad({ type: 'type', commands: [] })).toMatch(/non-empty list/);
    expect(bad({ type: 'type', commands: [42] })).toBe('command 1 is not a string');
    expect(bad({ type: 'type', commands: ['info', 'free 1\u0003'] })).toMatch(/^command 2 has/);
    expect(bad({ type: 'type', commands: ['x'.repeat(121)] })).toMatch(/longer than 120/);
    expect(bad({ type: 'use', allocator: 'malloc' })).toMatch(/"allocator" must be one of/);
    expect(bad({ type: 'use', allocator: 3 })).toMatch(/"allocator" must be one of/);
    expect(bad({ type: 'reset', now: true })).toBe('"reset" takes no "now"');
    expect(bad({ type: 'lesson' })).toMatch(/needs either "url"/);
    expect(bad({ type: 'lesson', url: 'a', name: 'b' })).toMatch(/needs either "url"/);
    expect(bad({ type: 'reset', id: { x: 1 } })).toBe('"id" must be a string or a number');
  });
});

describe('command output', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('pairs a command with what it printed, up to the prompt', () => {
    const out = new CommandOutput();
    out.output(bytes('first-fit> ')); // before any command: dropped
    out.keys('alloc 100\r', 1);
    out.output(bytes('alloc 100\r\nallocated 100 bytes at 0x40400040 (usable 112)\r\nfirst-fit> '));
    expect(out.idle(0)).toEqual([]); // an idle report from before the keys
    expect(out.idle(1)).toEqual([
      { command: 'alloc 100', output: 'allocated 100 bytes at 0x40400040 (usable 112)' },
    ]);
    expect(out.idle(1)).toEqual([]);
  });

  it('splits several commands typed at once by their prompts', () => {
    const out = new CommandOutput();
    out.keys('use tlsf\rcheck\r', 1);
    out.output(
      bytes('use tlsf\r\nnow using tlsf: heap re-initialised, every block released\r\ntlsf> '),
    );
    out.output(bytes('check\r\ncheck: OK (0 used, 1 free blocks)\r\ntlsf> '));
    expect(out.idle(1)).toEqual([
      { command: 'use tlsf', output: 'now using tlsf: heap re-initialised, every block released' },
      { command: 'check', output: 'check: OK (0 used, 1 free blocks)' },
    ]);
  });
});
