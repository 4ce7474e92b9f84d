/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The student's allocator, called only through checks (what mdriver checks).
 * The kernel keeps its own table of live blocks (address, size) outside the
 * student's heap and never trusts mm code:
 *   - free/realloc of an address not in the table is refused before mm runs;
 *   - every block returned is 8-byte aligned (the handout's ALIGNMENT), lies
 *     inside [mem_heap_lo, mem_heap_hi], and overlaps no live block;
 *   - payloads survive: each is filled with a pattern derived from its block
 *     and verified at free and realloc time and by mm_checked_check.
 * A violation prints one line, "mm: <what> ...", naming the check, the call
 * and the addresses; the table is left as it was. Every call into mm code
 * runs under the guard (kernel/guard.h): a fault or a call that never returns
 * is reported with the function and abandons the command.
 *
 * The shell reaches this through apg_mm (mm_allocator.c); the trace player
 * may call it directly.
 */
#ifndef APG_MM_CHECKED_H
#define APG_MM_CHECKED_H

#include "allocator.h"
#include "heap_abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    MM_OK = 0,
    MM_OUT_OF_MEMORY, /* mm_malloc/mm_realloc returned NULL (nothing changed) */
    MM_REFUSED,       /* not called: bad argument, table full, mm_init failed (reported) */
    MM_VIOLATION,     /* mm broke a rule (reported); the table is unchanged */
} mm_outcome;

#define MM_TABLE_CAPACITY 8192u
#define MM_ALIGNMENT 8u /* the handout's ALIGNMENT */

/* One live block in the kernel's table (address, size requested, flags). */
typedef struct apg_mm_block mm_block;

/* The table as the panel reads it (heap_abi.h): the descriptor's heap_state. */
const struct apg_mm_state *mm_checked_state(void);

/* Gives mm the region (memlib), empties the table and calls mm_init. */
mm_outcome mm_checked_reset(void *region, size_t size);
mm_outcome mm_checked_malloc(size_t size, void **out);
mm_outcome mm_checked_free(void *ptr);
/* ptr must be live; size > 0 (realloc(p, 0) and realloc(NULL, n) are the
 * caller's to map onto free and malloc). */
mm_outcome mm_checked_realloc(void *ptr, size_t size, void **out);
/* The table, the payload patterns, then mm_checkheap(0) if mm.c defines it. */
apg_check_result mm_checked_check(void);
/* The caller writes ptr's payload from now on: stop verifying its contents. */
void mm_checked_caller_writes(const void *ptr);

/* The live block that starts at ptr, or NULL. */
const mm_block *mm_checked_find(const void *ptr);
/* The live block whose payload contains ptr, or NULL. */
const mm_block *mm_checked_containing(const void *ptr);
/* The table in address order. */
size_t mm_checked_count(void);
const mm_block *mm_checked_block(size_t index);
bool mm_checked_ready(void); /* mm_init succeeded */

#endif
