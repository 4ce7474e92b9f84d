/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user heap under study and the kernel's own arena.
 *
 * The user heap is the region between the linker symbols __heap_start and
 * __heap_end (BOARD_HEAP_BASE and BOARD_HEAP_SIZE in board.h), managed by
 * whichever strategy `use` selected. Every mutation is bracketed by
 * heap_begin_mutation()/heap_end_mutation(), which make the descriptor's
 * generation odd while the heap may be inconsistent, so the panel never draws
 * a half-updated heap.
 */
#ifndef APG_HEAP_H
#define APG_HEAP_H

#include "allocator.h"

#include <stdint.h>

void heap_setup(void);

const apg_allocator *heap_active(void);
void *heap_handle(void);
uintptr_t heap_region_start(void);
uintptr_t heap_region_end(void);
size_t heap_region_size(void);

/* Finds a strategy by its shell name; NULL if unknown. */
const apg_allocator *heap_find(const char *name);
/* Re-initialises the region with strategy a (releasing every block). */
void heap_use(const apg_allocator *a);

/* The caller writes ptr's payload itself from now on (see allocator.h). */
void heap_caller_writes(const void *ptr);

/* The lock around every heap change: interrupts are masked from begin to end,
 * so no interrupt handler can observe a half-updated heap. */
void heap_begin_mutation(void);
void heap_end_mutation(void);
/* After a fault inside a command: leaves the generation even again.
 * Returns true if the fault interrupted a heap mutation. */
bool heap_recover_after_fault(void);
void heap_count_command(void);

/* Set by the `corrupt` demonstration; cleared when the heap is rebuilt. While
 * set, commands must not let the allocator walk or change the heap. */
void heap_mark_damaged(void);
bool heap_is_damaged(void);

/* For the panel: which user program runs (pid 0 and NULL when none). */
void heap_set_user_program(uint32_t pid, const char *name);

/* The kernel arena (bump allocator) that holds shell history. */
void *arena_handle(void);
uintptr_t arena_start(void);
uintptr_t arena_end(void);

#endif
