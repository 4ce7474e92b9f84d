/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers every strategy shares: the totals of a heap computed from its own
 * walk() (so `info`, stats() and the panel always agree), and the result type
 * of check().
 */
#ifndef APG_HEAP_TOTALS_H
#define APG_HEAP_TOTALS_H

#include "allocator.h"

/* Fills everything in *out from the walk except largest_free, which each
 * strategy defines for itself; returns the span of the largest free block. */
size_t apg_totals_by_walking(void *heap, void (*walk)(void *heap, apg_walk_fn fn, void *ctx),
                             size_t region_size, apg_stats *out);

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
