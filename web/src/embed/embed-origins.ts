// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Which windows may drive the playground through postMessage: its own
 * origin always; and the page that embeds it — the origin named by the
 * `origin=` URL parameter, or, without one, the origin of
 * `document.referrer` when the playground is in a frame. Events go to the
 * parent frame at exactly that origin (never "*"), and not at all when the
 * referrer shows that another origin framed the page.
 */

export interface EmbedOrigins {
  /** origins whose messages are obeyed */
  allowed: Set<string>;
  /** where events are posted (the parent frame's origin), or null when not framed or unknown */
  parent: string | null;
  /** what was wrong with the parameter, to tell the user */
  warnings: string[];
}

/** "https://host[:port]" from text, or null when it is not exactly an http(s) origin. */
export function parseOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // exactly an origin: no path, query, fragment or credentials
  return text.replace(/\/$/, '') === url.origin ? url.origin : null;
}

export function embedOrigins(
  search: string,
  ownOrigin: string,
  referrer: string,
  framed: boolean,
): EmbedOrigins {
  const allowed = new Set([ownOrigin]);
  const warnings: string[] = [];
  const param = new URLSearchParams(search).get('origin');
  let parent: string | null = null;
  if (param !== null) {
    const origin = parseOrigin(param);
    if (origin === null)
      warnings.push(
        `origin "${param}" ignored: it must be an origin like https://course.example.edu; only this page's own origin may drive it`,
      );
    else {
      allowed.add(origin);
      parent = origin;
      // framed by someone else: its messages are refused, and it gets no events either
      const framer = framed && referrer !== '' ? parseOrigin(new URL(referrer).origin) : null;
      if (framer !== null && framer !== origin) {
        parent = null;
        warnings.push(`framed by ${framer}, not by ${origin} (origin=): no events are sent to it`);
      }
    }
  } else if (framed && referrer !== '') {
    const origin = parseOrigin(new URL(referrer).origin);
    if (origin !== null) {
      allowed.add(origin);
      parent = origin;
    }
  }
  if (!framed) parent = null;
  return { allowed, parent, warnings };
}
