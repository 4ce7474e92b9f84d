/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strategy_common.h"

#include "mem.h"

typedef struct {
    apg_stats *out;
    size_t largest_free_span;
} totals;

static bool add_block(const apg_block *block, void *ctx)
{
    totals *t = ctx;
    if (block->status == APG_BLOCK_USED) {
        t->out->used_bytes += block->span;
        t->out->requested_bytes += block->requested;
        t->out->used_blocks++;
    } else {
        t->out->free_bytes += block->span;
        t->out->free_blocks++;
        if (block->span > t->largest_free_span)
            t->largest_free_span = block->span;
    }
    return true;
}

size_t apg_totals_by_walking(void *heap, void (*walk)(void *heap, apg_walk_fn fn, void *ctx),
                             size_t region_size, apg_stats *out)
{
    apg_memset(out, 0, sizeof *out);
    out->region_size = region_size;
    totals t = {out, 0};
    walk(heap, add_block, &t);
    out->overhead_bytes = region_size - out->used_bytes - out->free_bytes;
    return t.largest_free_span;
}
