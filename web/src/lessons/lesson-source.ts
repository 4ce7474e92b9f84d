// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Where a lesson comes from: one of the lessons built into the page (by
 * name), or a file on the page's own server (`?lesson=<relative URL>`, or
 * the embedding API). A URL with a scheme or a host of its own is refused
 * before anything is fetched; so is one that resolves to another origin.
 */
import { type Lesson, LessonError, MAX_LESSON_BYTES, parseLessonText } from './lesson-format';

/**
 * The URL to fetch for a lesson path relative to the page; throws LessonError
 * for an absolute or cross-origin one.
 */
export function resolveLessonUrl(path: string, pageUrl: string): URL {
  const trimmed = path.trim();
  if (trimmed === '') throw new LessonError('the lesson address is empty');
  // "https:", "data:", "javascript:", and "//host/..." (which a browser treats as a host)
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || /^[\\/]{2}/.test(trimmed))
    throw new LessonError("it is not a relative address: lessons come from this page's own server");
  let url: URL;
  try {
    url = new URL(trimmed, pageUrl);
  } catch {
    throw new LessonError('it is not a valid address');
  }
  if (url.origin !== new URL(pageUrl).origin)
    throw new LessonError("it leads to another server: lessons come from this page's own server");
  return url;
}

/** Fetches and checks a lesson file; throws LessonError with what went wrong. */
export async function fetchLesson(path: string, pageUrl: string): Promise<Lesson> {
  const url = resolveLessonUrl(path, pageUrl);
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', redirect: 'error' });
  } catch {
    throw new LessonError('it could not be fetched (network error or redirect)');
  }
  if (!response.ok) throw new LessonError(`the server answered HTTP ${response.status}`);
  // a server that answers unknown paths with its home page (a single-page-app fallback)
  if ((response.headers.get('content-type') ?? '').includes('text/html'))
    throw new LessonError(
      'the server answered with a web page, not a lesson file (is the address right?)',
    );
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_LESSON_BYTES)
    throw new LessonError(`the file is larger than ${MAX_LESSON_BYTES / 1024} KiB`);
  return parseLessonText(await response.text());
}
