/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boundary_tag.h — what the two boundary-tag allocators, first_fit.c and
 * tlsf.c, share, so that each of them holds only its policy (how free blocks
 * are found, split and merged).
 *
 * Both tile their heap with blocks that start with a 16-byte header (the
 * size, with flags in its low four bits, a tag that finds the block before,
 * and the requested size) and keep a free block's two list links in the first
 * 16 bytes of its payload, so a block is at least 32 bytes, a multiple of 16.
 * Their headers differ (include/heap_abi.h: struct apg_ff_block and
 * struct apg_tlsf_block), so each describes its own with a btag_format and
 * this module reads blocks only through it.
 *
 * Here: the region layout, block sizes for requests, aligned payloads, the
 * walk over the blocks in address order (walk, validate) and the parts of
 * check() worded alike.
 */
#ifndef APG_BOUNDARY_TAG_H
#define APG_BOUNDARY_TAG_H

#include "align.h"
#include "allocator.h"
#include "strategy_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BTAG_HEADER_SIZE ((size_t)16)                         /* every header */
#define BTAG_MIN_BLOCK ((size_t)32)                           /* header + free-list links */
#define BTAG_GRANULE ((size_t)APG_DEFAULT_ALIGN)              /* block sizes are multiples */
#define BTAG_MAX_REGION ((size_t)UINT32_MAX)                  /* sizes live in 32-bit fields */
#define BTAG_MAX_REQUEST (BTAG_MAX_REGION - BTAG_HEADER_SIZE) /* no block can be bigger */

/* How an allocator's header says what this module needs to know. The
 * functions below that read blocks are inline: given a strategy's constant
 * format they compile to its own direct header reads, as before the split. */
typedef struct {
    size_t (*size_of)(uintptr_t block);
    bool (*is_used)(uintptr_t block);
    size_t (*requested_of)(uintptr_t block);
    void (*set_requested)(uintptr_t block, size_t requested);
} btag_format;

/* A heap as the walk sees it: its blocks tile [heap_start, heap_end). */
typedef struct {
    uintptr_t heap_start, heap_end;
    const btag_format *format;
} btag_heap;

/* The allocator's own part of realloc: make used `block` `need` bytes (or a
 * little more) where it is, or return false having changed nothing. */
typedef bool (*btag_resize_fn)(void *heap, uintptr_t block, size_t need);

/* Where init puts things in a region: the state struct at the first 16-byte
 * boundary, the first block right after it, the heap ending at the last
 * 16-byte boundary of the region. */
typedef struct {
    uintptr_t state, heap_start, heap_end;
} btag_layout;

/* False if the region is NULL, 4 GiB or more (sizes are 32-bit), or cannot
 * hold the state and one block. */
bool btag_layout_region(void *region, size_t size, size_t state_size, btag_layout *out);

/* Whole block size for a request: header plus payload, rounded up to 16, and
 * never smaller than a free block needs. size <= BTAG_MAX_REQUEST, so this
 * cannot overflow (and stays below 4 GiB). */
static inline size_t btag_block_size_for(size_t size)
{
    size_t total = apg_align_up(size + BTAG_HEADER_SIZE, BTAG_GRANULE);
    return total < BTAG_MIN_BLOCK ? BTAG_MIN_BLOCK : total;
}

/* First payload address inside free block `block` aligned to `align` whose
 * leading gap (from the block start to the new header) is either empty or
 * large enough to stay behind as a free block of its own. The gap is at most
 * align + 16. */
static inline uintptr_t btag_aligned_payload(uintptr_t block, size_t align)
{
    uintptr_t payload = apg_align_up(block + BTAG_HEADER_SIZE, align);
    size_t gap = payload - BTAG_HEADER_SIZE - block;
    if (gap != 0 && gap < BTAG_MIN_BLOCK)
        payload += align; /* gap was 16 and becomes align + 16 >= 48 */
    return payload;
}

/* A size read from a header we are about to step over: anything else would
 * make a walk leave the heap or never finish. */
static inline bool btag_size_is_sane(uintptr_t heap_end, uintptr_t block, size_t size)
{
    return size >= BTAG_MIN_BLOCK && size <= heap_end - block;
}

/* realloc() of the allocator interface: resize in place if the allocator
 * can, else move (self->alloc, copy, self->free). NULL, and nothing changed,
 * when neither works. */
/* usable_size() of the allocator interface. */
static inline size_t btag_usable_size(const btag_format *f, const void *ptr)
{
    return f->size_of((uintptr_t)ptr - BTAG_HEADER_SIZE) - BTAG_HEADER_SIZE;
}

static inline void *btag_realloc(const apg_allocator *self, const btag_format *f,
                                 btag_resize_fn resize_in_place, void *heap, void *ptr, size_t size)
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

/* walk() of the allocator interface: every block in address order, stopping
 * at a header whose size would leave the heap. */
static inline void btag_walk(btag_heap h, apg_walk_fn fn, void *ctx)
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

/* validate() of the allocator interface. Exact: walks the blocks to the one
 * containing ptr, so only the payload start of a used block is accepted
 * (O(blocks)). A pointer that was freed lies in a free block (its own, or the
 * neighbour it merged into): NOT_ALLOCATED. */
static inline apg_ptr_status btag_validate(btag_heap h, const void *ptr)
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

/* ---- check() ----
 * The messages both allocators word alike, each with its allocator's prefix:
 * BTAG_MESSAGES("tlsf: ") builds them at compile time. */
typedef struct {
    const char *bounds, *unknown_flags, *too_small, *past_end, *used_requested, *free_requested,
        *adjacent_free;
} btag_messages;

#define BTAG_MESSAGES(prefix)                                                                      \
    {                                                                                              \
        .bounds = prefix "heap bounds in the state are inconsistent",                              \
        .unknown_flags = prefix "unknown flag bits in a block header",                             \
        .too_small = prefix "block smaller than the 32-byte minimum",                              \
        .past_end = prefix "block runs past the heap end",                                         \
        .used_requested = prefix "used block's requested size does not fit it",                    \
        .free_requested = prefix "free block has a requested size",                                \
        .adjacent_free = prefix "two adjacent free blocks (missed coalesce)",                      \
    }

/* Are the heap bounds a state struct records possible for a region laid out
 * by btag_layout_region()? NULL if so, else the message. */
const char *btag_check_state_bounds(const btag_messages *m, uintptr_t state, size_t state_size,
                                    uintptr_t heap_start, uintptr_t heap_end, uint64_t region_size);

/* The header of `block` (of `size` bytes, with `stray_flags` set outside its
 * known flag bits) can be stepped over: NULL, else the message. */
const char *btag_check_span(const btag_messages *m, uintptr_t heap_end, uintptr_t block,
                            size_t size, uint64_t stray_flags);

/* The requested size fits a used block and is 0 in a free one, and no free
 * block follows a free block: NULL, else the message. */
const char *btag_check_contents(const btag_messages *m, bool used, bool prev_free, size_t requested,
                                size_t size);

#endif
