/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bump.h — what the bump allocator offers beyond the apg_allocator interface.
 *
 * A bump allocator cannot reuse a freed block on its own; reset gives the whole
 * region back at once. The shell's `reset` uses it on the kernel arena and on
 * the user heap when the bump strategy is active.
 */
#ifndef APG_BUMP_H
#define APG_BUMP_H

/* Forget every allocation: the bump pointer goes back to the start. Every
 * pointer handed out before becomes invalid. heap is the handle from init. */
void apg_bump_reset(void *heap);

#endif /* APG_BUMP_H */
