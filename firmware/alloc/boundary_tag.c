/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "boundary_tag.h"

bool btag_layout_region(void *region, size_t size, size_t state_size, btag_layout *out)
{
    uintptr_t start = (uintptr_t)region;
    if (region == NULL || size > BTAG_MAX_REGION || size < state_size + BTAG_MIN_BLOCK)
        return false; /* too big for 32-bit sizes, or cannot hold the state and one block */
    if (start > UINTPTR_MAX - size - 2 * BTAG_GRANULE)
        return false; /* keeps the rounding below from wrapping around */

    out->state = apg_align_up(start, BTAG_GRANULE);
    out->heap_start = apg_align_up(out->state + state_size, BTAG_GRANULE);
    out->heap_end = apg_align_down(start + size, BTAG_GRANULE);
    return out->heap_end >= out->heap_start + BTAG_MIN_BLOCK;
}

const char *btag_check_state_bounds(const btag_messages *m, uintptr_t state, size_t state_size,
                                    uintptr_t heap_start, uintptr_t heap_end, uint64_t region_size)
{
    if (heap_start % BTAG_GRANULE != 0 || heap_end % BTAG_GRANULE != 0 ||
        heap_start < state + state_size || heap_end < heap_start ||
        heap_end - heap_start < BTAG_MIN_BLOCK || region_size > BTAG_MAX_REGION ||
        heap_end - state > region_size)
        return m->bounds;
    return NULL;
}

const char *btag_check_span(const btag_messages *m, uintptr_t heap_end, uintptr_t block,
                            size_t size, uint64_t stray_flags)
{
    if (stray_flags != 0)
        return m->unknown_flags;
    if (size < BTAG_MIN_BLOCK)
        return m->too_small;
    if (size > heap_end - block)
        return m->past_end;
    return NULL;
}

const char *btag_check_contents(const btag_messages *m, bool used, bool prev_free, size_t requested,
                                size_t size)
{
    if (used)
        return requested == 0 || requested > size - BTAG_HEADER_SIZE ? m->used_requested : NULL;
    if (requested != 0)
        return m->free_requested;
    if (prev_free)
        return m->adjacent_free;
    return NULL;
}
