/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * first_fit.c — the classic first-fit free-list allocator.
 *
 * Layout of the region (byte layouts in include/heap_abi.h, struct apg_ff_*):
 *
 *   [pad][state][block][block][block] ... [block][slack]
 *               ^heap_start                      ^heap_end
 *
 * Every block starts with a 16-byte header: the block's whole size with the
 * USED flag in bit 0, the size of the block just before it, and the number of
 * bytes the caller asked for. The payload follows the header.
 *
 * A free block keeps its free-list links in the first 16 bytes of its payload,
 * so the smallest block is 32 bytes (header + links). The free list is doubly
 * linked and sorted by address; alloc takes the first block that fits.
 *
 * Because every header also records the size of the block before it (a
 * boundary tag), free() finds both neighbours in O(1) and merges with them.
 * That keeps the invariants check() verifies:
 *   - the blocks tile [heap_start, heap_end) exactly;
 *   - prev_size of every block is the size of the block before it;
 *   - no two free blocks are adjacent (free always coalesces);
 *   - the free list holds every free block exactly once, in address order.
 *
 * Sizes live in 32-bit header fields, so regions of 4 GiB or more are refused.
 * What first-fit shares with TLSF (the layout, aligned payloads, walking the
 * blocks, part of check) is in boundary_tag.c; this file is the policy.
 */
#include "align.h"
#include "allocator.h"
#include "boundary_tag.h"
#include "heap_abi.h"
#include "mem.h"
#include "strategy_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct apg_ff_state ff_state;
typedef struct apg_ff_block ff_block;
typedef struct apg_ff_free_links ff_links;

#define HEADER_SIZE BTAG_HEADER_SIZE
#define MIN_BLOCK BTAG_MIN_BLOCK
#define GRANULE BTAG_GRANULE

_Static_assert(sizeof(ff_block) == BTAG_HEADER_SIZE, "the ABI fixes the header at 16 bytes");
_Static_assert(HEADER_SIZE + sizeof(ff_links) == BTAG_MIN_BLOCK, "the ABI fixes the links at 16");
_Static_assert(sizeof(size_t) >= 8, "size arithmetic below assumes a 64-bit size_t");

/* ---- headers ------------------------------------------------------------
 * Blocks are named by the address of their header (a uintptr_t), as in the
 * ABI; block_at() turns such an address into something we can read. */

static ff_block *block_at(uintptr_t block)
{
    return (ff_block *)block;
}

static ff_links *links_of(uintptr_t block)
{
    return (ff_links *)(block + HEADER_SIZE);
}

static size_t size_of(uintptr_t block)
{
    return (size_t)(block_at(block)->size_flags & APG_FF_SIZE_MASK);
}

static bool is_used(uintptr_t block)
{
    return (block_at(block)->size_flags & APG_FF_USED) != 0;
}

static size_t requested_of(uintptr_t block)
{
    return block_at(block)->requested;
}

static void set_requested(uintptr_t block, size_t requested)
{
    block_at(block)->requested = (uint32_t)requested;
}

static const btag_format ff_format = {size_of, is_used, requested_of, set_requested};

static btag_heap view(const ff_state *s)
{
    return (btag_heap){s->heap_start, s->heap_end, &ff_format};
}

static void write_header(uintptr_t block, size_t size, bool used, size_t prev_size,
                         size_t requested)
{
    ff_block *b = block_at(block);
    b->size_flags = (uint64_t)size | (used ? APG_FF_USED : 0);
    b->prev_size = (uint32_t)prev_size;
    b->requested = (uint32_t)requested;
}

/* The block starting at `block` (if it is not the heap end) learns that the
 * block before it is now `size` bytes long. */
static void set_prev_size(const ff_state *s, uintptr_t block, size_t size)
{
    if (block < s->heap_end)
        block_at(block)->prev_size = (uint32_t)size;
}

static size_t heap_bytes(const ff_state *s)
{
    return (size_t)(s->heap_end - s->heap_start);
}

/* ---- the free list (sorted by address) ---------------------------------- */

/* Link free block `block` between `prev` and `next` (0 = none). */
static void list_link(ff_state *s, uintptr_t block, uintptr_t prev, uintptr_t next)
{
    ff_links *links = links_of(block);
    links->prev = prev;
    links->next = next;
    if (prev != 0)
        links_of(prev)->next = block;
    else
        s->free_head = block;
    if (next != 0)
        links_of(next)->prev = block;
}

static void list_unlink(ff_state *s, uintptr_t block)
{
    const ff_links *links = links_of(block);
    uintptr_t prev = links->prev, next = links->next;
    if (prev != 0)
        links_of(prev)->next = next;
    else
        s->free_head = next;
    if (next != 0)
        links_of(next)->prev = prev;
}

/* A free block with no free neighbour has to find its place in the sorted
 * list by walking it: the one O(free blocks) step of free(). */
static void list_insert_sorted(ff_state *s, uintptr_t block)
{
    uintptr_t prev = 0, next = s->free_head;
    while (next != 0 && next < block) {
        prev = next;
        next = links_of(next)->next;
    }
    list_link(s, block, prev, next);
}

/* ---- init --------------------------------------------------------------- */

static void *ff_init(void *region, size_t size)
{
    btag_layout layout;
    if (!btag_layout_region(region, size, sizeof(ff_state), &layout))
        return NULL;
    ff_state *s = (ff_state *)layout.state;
    s->magic = APG_FF_MAGIC;
    s->reserved = 0;
    s->heap_start = layout.heap_start;
    s->heap_end = layout.heap_end;
    s->region_size = size;
    s->free_head = 0;
    /* The whole heap starts as one free block. */
    write_header(s->heap_start, heap_bytes(s), false, 0, 0);
    list_link(s, s->heap_start, 0, 0);
    return s;
}

/* ---- alloc -------------------------------------------------------------- */

/* Turn [start, start + need) inside free block `block` into a used block.
 * The leading gap, if any, keeps the free block's header and its place in the
 * list; a tail of at least MIN_BLOCK becomes a free block right after it in
 * the list; a smaller tail is given to the new block (it could not be a block
 * of its own). */
static void *carve(ff_state *s, uintptr_t block, uintptr_t start, size_t need, size_t requested)
{
    size_t size = size_of(block);
    uintptr_t end = block + size;
    size_t prev_size = block_at(block)->prev_size;
    uintptr_t list_prev = links_of(block)->prev;
    uintptr_t list_next = links_of(block)->next;
    size_t gap = start - block;
    size_t tail = end - (start + need);
    if (tail < MIN_BLOCK) {
        need += tail;
        tail = 0;
    }

    if (gap != 0) {
        write_header(block, gap, false, prev_size, 0); /* links stay where they are */
        list_prev = block;
        prev_size = gap;
    } else {
        list_unlink(s, block);
    }
    write_header(start, need, true, prev_size, requested);
    if (tail != 0) {
        uintptr_t tail_block = start + need;
        write_header(tail_block, tail, false, need, 0);
        list_link(s, tail_block, list_prev, list_next);
        set_prev_size(s, end, tail);
    } else {
        set_prev_size(s, end, need);
    }
    return (void *)(start + HEADER_SIZE);
}

static void *ff_alloc(void *heap, size_t size, size_t align)
{
    ff_state *s = heap;
    if (align < GRANULE)
        align = GRANULE;
    /* Rejecting impossible sizes first keeps every sum below far from overflow. */
    if (size == 0 || size > heap_bytes(s))
        return NULL;
    size_t need = btag_block_size_for(size);

    for (uintptr_t block = s->free_head; block != 0; block = links_of(block)->next) {
        uintptr_t start = btag_aligned_payload(block, align) - HEADER_SIZE;
        if (start + need <= block + size_of(block))
            return carve(s, block, start, need, size);
    }
    return NULL;
}

/* ---- free --------------------------------------------------------------- */

static void ff_free(void *heap, void *ptr)
{
    ff_state *s = heap;
    uintptr_t block = (uintptr_t)ptr - HEADER_SIZE;
    size_t size = size_of(block);
    size_t prev_size = block_at(block)->prev_size;
    uintptr_t next = block + size;
    /* The boundary tags make both neighbours one subtraction or addition away. */
    bool prev_free = prev_size != 0 && !is_used(block - prev_size);
    bool next_free = next < s->heap_end && !is_used(next);

    if (prev_free) {
        /* Grow the previous block over this one; it keeps its list position,
         * and the next block (if free) is its list successor, so drop it. */
        if (next_free) {
            size += size_of(next);
            list_unlink(s, next);
        }
        block -= prev_size;
        size += prev_size;
        block_at(block)->size_flags = size;
    } else if (next_free) {
        /* This block swallows the next one and takes its list position. */
        uintptr_t list_prev = links_of(next)->prev;
        uintptr_t list_next = links_of(next)->next;
        size += size_of(next);
        write_header(block, size, false, prev_size, 0);
        list_link(s, block, list_prev, list_next);
    } else {
        write_header(block, size, false, prev_size, 0);
        list_insert_sorted(s, block);
    }
    set_prev_size(s, block + size, size);
}

/* ---- realloc ------------------------------------------------------------ */

/* Make used block `block` exactly `need` bytes (or a little more) without
 * moving it, using the next block too when that one is free. Whatever is left
 * over becomes a free block if it can hold one. Returns false, having changed
 * nothing, when the room is not there. */
static bool resize_in_place(void *heap, uintptr_t block, size_t need)
{
    ff_state *s = heap;
    size_t size = size_of(block);
    uintptr_t next = block + size;
    bool next_free = next < s->heap_end && !is_used(next);
    size_t available = size + (next_free ? size_of(next) : 0);
    if (need > available)
        return false;

    size_t rest = available - need;
    if (rest < MIN_BLOCK) {
        if (next_free) { /* swallow the whole free neighbour */
            list_unlink(s, next);
            block_at(block)->size_flags = (uint64_t)available | APG_FF_USED;
            set_prev_size(s, block + available, available);
        }
        return true; /* a shrink by less than a block keeps its slack */
    }

    /* Read the neighbour's links before the new tail header can overwrite them. */
    uintptr_t list_prev = next_free ? links_of(next)->prev : 0;
    uintptr_t list_next = next_free ? links_of(next)->next : 0;
    uintptr_t tail = block + need;
    block_at(block)->size_flags = (uint64_t)need | APG_FF_USED;
    write_header(tail, rest, false, need, 0);
    if (next_free)
        list_link(s, tail, list_prev, list_next);
    else
        list_insert_sorted(s, tail);
    set_prev_size(s, block + available, rest);
    return true;
}

static void *ff_realloc(void *heap, void *ptr, size_t size)
{
    return btag_realloc(&apg_first_fit, &ff_format, resize_in_place, heap, ptr, size);
}

/* ---- queries ------------------------------------------------------------ */

static size_t ff_usable_size(void *heap, const void *ptr)
{
    (void)heap;
    return btag_usable_size(&ff_format, ptr);
}

static apg_ptr_status ff_validate(void *heap, const void *ptr)
{
    return btag_validate(view(heap), ptr);
}

static void ff_walk(void *heap, apg_walk_fn fn, void *ctx)
{
    btag_walk(view(heap), fn, ctx);
}

static void ff_stats(void *heap, apg_stats *out)
{
    const ff_state *s = heap;
    size_t largest = apg_totals_by_walking(heap, ff_walk, (size_t)s->region_size, out);
    /* A request of exactly the usable bytes of the largest free block fits it
     * with nothing to spare; one byte more needs 16 more. */
    out->largest_free = largest != 0 ? largest - HEADER_SIZE : 0;
}

/* ---- check -------------------------------------------------------------- */

/* Walks the blocks once, checking each header against its neighbours, and
 * follows the free list in step: both are sorted by address, so the k-th free
 * block met in the walk must be the k-th entry of the list. Every pointer read
 * from the heap is only compared, never followed, until the walk has proved it
 * names a real block, so a corrupt heap cannot make this crash or loop. */
static const btag_messages messages = BTAG_MESSAGES("first-fit: ");

static apg_check_result ff_check(void *heap)
{
    const ff_state *s = heap;
    uintptr_t state = (uintptr_t)s;
    if (s->magic != APG_FF_MAGIC)
        return apg_check_failed("first-fit: bad state magic", state);
    const char *why = btag_check_state_bounds(&messages, state, sizeof(ff_state), s->heap_start,
                                              s->heap_end, s->region_size);
    if (why != NULL)
        return apg_check_failed(why, state);

    size_t prev_size = 0;
    bool prev_free = false;
    uintptr_t list_expected = s->free_head; /* next free block the list promises */
    uintptr_t list_prev = 0;
    for (uintptr_t block = s->heap_start; block < s->heap_end;) {
        const ff_block *b = block_at(block);
        size_t size = size_of(block);
        why = btag_check_span(&messages, s->heap_end, block, size,
                              b->size_flags & ~(APG_FF_SIZE_MASK | APG_FF_USED));
        if (why != NULL)
            return apg_check_failed(why, block);
        if (b->prev_size != prev_size)
            return apg_check_failed("first-fit: prev_size does not match the previous block",
                                    block);
        why = btag_check_contents(&messages, is_used(block), prev_free, b->requested, size);
        if (why != NULL)
            return apg_check_failed(why, block);

        if (is_used(block)) {
            prev_free = false;
        } else {
            if (list_expected == 0 || list_expected > block)
                return apg_check_failed("first-fit: free block missing from the free list", block);
            if (list_expected < block)
                return apg_check_failed("first-fit: free list entry is not a free block",
                                        list_expected);
            const ff_links *links = links_of(block);
            if (links->prev != list_prev)
                return apg_check_failed("first-fit: free list prev link broken", block);
            if (links->next != 0 && links->next <= block)
                return apg_check_failed("first-fit: free list not in address order", block);
            list_prev = block;
            list_expected = links->next;
            prev_free = true;
        }
        prev_size = size;
        block += size;
    }
    if (list_expected != 0)
        return apg_check_failed("first-fit: free list entry is not a free block", list_expected);
    return apg_check_passed();
}

const apg_allocator apg_first_fit = {
    .name = "first-fit",
    .kind = APG_KIND_FIRST_FIT,
    .init = ff_init,
    .alloc = ff_alloc,
    .free = ff_free,
    .realloc = ff_realloc,
    .usable_size = ff_usable_size,
    .validate = ff_validate,
    .stats = ff_stats,
    .walk = ff_walk,
    .check = ff_check,
};
