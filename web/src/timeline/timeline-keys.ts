// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The timeline's keys: Alt+Left / Alt+Right go to the previous / next
 * checkpoint, Alt+Home / Alt+End to the first / last. Only Alt: with Ctrl,
 * Shift or Meta as well they are someone else's (the window manager's, the
 * browser's, the line editor's).
 */

export function timelineKey(event: KeyboardEvent): -1 | 1 | 'first' | 'last' | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  switch (event.key) {
    case 'ArrowLeft':
      return -1;
    case 'ArrowRight':
      return 1;
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    default:
      return null;
  }
}
