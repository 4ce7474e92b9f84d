/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the strategies share: the totals of a heap computed from its own
 * walk() (so `info`, stats() and the panel always agree), realloc by moving,
 * and the result type of check().
 */
#ifndef APG_STRATEGY_COMMON_H
#define APG_STRATEGY_COMMON_H

#include "allocator.h"
#include "mem.h"

/* Fills everything in *out from the walk except largest_free, which each
 * strategy defines for itself; returns the span of the largest free block. */
size_t apg_totals_by_walking(void *heap, void (*walk)(void *heap, apg_walk_fn fn, void *ctx),
                             size_t region_size, apg_stats *out);

/* The last resort of realloc(): a new block from self->alloc, the first
 * min(old_bytes, size) bytes copied, the old block freed. NULL (and nothing
 * changed) when there is no room. Inline, so that a strategy passing its own
 * table calls its alloc and free directly. */
static inline void *apg_realloc_by_moving(const apg_allocator *self, void *heap, void *ptr,
                                          size_t size, size_t old_bytes)
{
    void *moved = self->alloc(heap, size, APG_DEFAULT_ALIGN);
    if (moved == NULL)
        return NULL;
    apg_memcpy(moved, ptr, old_bytes < size ? old_bytes : size);
    self->free(heap, ptr);
    return moved;
}

static inline apg_check_result apg_check_failed(const char *what, uintptr_t where)
{
    apg_check_result result = {false, what, where};
    return result;
}

static inline apg_check_result apg_check_passed(void)
{
    apg_check_result result = {true, 0, 0};
    return result;
}

#endif
