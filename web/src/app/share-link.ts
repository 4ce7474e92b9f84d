// SPDX-License-Identifier: GPL-2.0-or-later
/** A link that replays the commands typed so far (URL parameter `script`). */

/** Commands whose replay would end the session or do nothing useful in a shared link. */
const NOT_SHARED = new Set(['halt', 'reboot']);

export function shareLink(current: string, commands: readonly string[]): string {
  const url = new URL(current);
  url.searchParams.delete('test');
  url.searchParams.delete('alloc'); // the commands carry their own `use`
  const kept = commands.filter((c) => !NOT_SHARED.has(c.split(' ')[0]!));
  if (kept.length > 0) url.searchParams.set('script', kept.join('\n'));
  else url.searchParams.delete('script');
  return url.toString();
}
