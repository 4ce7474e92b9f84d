/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "boundary_tag.h"

#include "strategy_common.h"

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

void *btag_realloc(const apg_allocator *self, const btag_format *f, btag_resize_fn resize_in_place,
                   void *heap, void *ptr, size_t size)
{
    /* Rejecting impossible sizes (and 0, which wraps) first keeps every sum
     * far from overflow; sizes the heap cannot hold fail in alloc. */
    if (size - 1 >= BTAG_MAX_REQUEST)
        return NULL;
    uintptr_t block = (uintptr_t)ptr - BTAG_HEADER_SIZE;
    if (resize_in_place(heap, block, btag_block_size_for(size))) {
        f->set_requested(block, size);
        return ptr;
    }
    return apg_realloc_by_moving(self, heap, ptr, size, btag_usable_size(f, ptr));
}

void btag_walk(btag_heap h, apg_walk_fn fn, void *ctx)
{
    const btag_format *f = h.format;
    for (uintptr_t block = h.heap_start; block < h.heap_end;) {
        size_t size = f->size_of(block);
        if (!btag_size_is_sane(h.heap_end, block, size))
            return;
        bool used = f->is_used(block);
        apg_block info;
        info.start = block;
        info.span = size;
        info.payload = block + BTAG_HEADER_SIZE;
        info.usable = size - BTAG_HEADER_SIZE;
        info.requested = used ? f->requested_of(block) : 0;
        info.status = used ? APG_BLOCK_USED : APG_BLOCK_FREE;
        if (!fn(&info, ctx))
            return;
        block += size;
    }
}

apg_ptr_status btag_validate(btag_heap h, const void *ptr)
{
    const btag_format *f = h.format;
    uintptr_t p = (uintptr_t)ptr;
    if (p < h.heap_start || p >= h.heap_end)
        return APG_PTR_OUTSIDE;
    if (p % APG_DEFAULT_ALIGN != 0)
        return APG_PTR_MISALIGNED;

    for (uintptr_t block = h.heap_start; block < h.heap_end;) {
        size_t size = f->size_of(block);
        if (!btag_size_is_sane(h.heap_end, block, size))
            break; /* corrupt heap: refuse rather than guess */
        if (p < block + size) {
            if (!f->is_used(block))
                return APG_PTR_NOT_ALLOCATED;
            return p == block + BTAG_HEADER_SIZE ? APG_PTR_OK : APG_PTR_INSIDE_BLOCK;
        }
        block += size;
    }
    return APG_PTR_OUTSIDE;
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
