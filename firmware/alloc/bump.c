/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bump.c — the bump allocator: the simplest allocator there is.
 *
 * Layout of the region (byte layouts in include/heap_abi.h):
 *
 *   [state][block][block]...[block][ untouched tail ............ ]
 *          ^start                  ^next (the bump pointer)      ^end
 *
 * Every allocation is placed at the bump pointer: a 16-byte header
 * (struct apg_bump_block), optional padding to reach the requested alignment,
 * then the payload, rounded up to 16 bytes so the next header stays aligned.
 * Allocation only ever moves `next` forward, so it is O(1) and needs no search.
 *
 * free() cannot give memory back in the middle: it only marks the block dead.
 * When the last live block dies the whole arena rewinds (next = start), which
 * is what the reference Rust kernel's bump allocator does; apg_bump_reset()
 * rewinds unconditionally.
 *
 * Rules this file follows (the panel and the shell rely on them):
 * - walk() reports every header in [start, next) in order: live blocks as USED
 *   (payload, usable = span - payload_offset), dead blocks as FREE with the
 *   same geometry (their old payload, usable = span - payload_offset) and
 *   requested 0, then the untouched tail [next, end) as one FREE block with
 *   payload = next and usable = the largest request it could still hold.
 * - largest_free is the largest request that succeeds now with the default
 *   alignment: tail - 16 (one header), or 0 when the tail cannot hold a block.
 *   Dead blocks do not count: their memory only comes back on rewind.
 * - validate() answers, in this order: OUTSIDE (not in [start, end)),
 *   MISALIGNED (not 16-aligned), NOT_ALLOCATED (at or beyond next, i.e. not
 *   handed out since the last rewind, or anywhere in a dead block), then OK at
 *   a live payload and INSIDE_BLOCK anywhere else in a live block.
 * - realloc() works in place when the new size fits the block's usable bytes
 *   or when the block is the last one (it then grows or shrinks the span and
 *   moves next); otherwise it allocates, copies and frees.
 * - Finding the block of a pointer walks the headers from start, so free,
 *   realloc, validate and usable_size are O(number of blocks since rewind).
 */
#include "bump.h"

#include "align.h"
#include "allocator.h"
#include "heap_abi.h"
#include "mem.h"
#include "strategy_common.h"

#define BUMP_GRANULE 16u                                /* headers and spans are multiples */
#define BUMP_HEADER_SIZE sizeof(struct apg_bump_block)  /* 16 */
#define BUMP_MIN_SPAN (BUMP_HEADER_SIZE + BUMP_GRANULE) /* header + smallest payload */
#define BUMP_MAX_PAYLOAD_OFFSET (APG_MAX_ALIGN)         /* header + largest padding */
/* span, payload_offset and requested are 32-bit: keep the managed area below 4 GiB */
#define BUMP_MAX_MANAGED ((size_t)UINT32_MAX & ~(size_t)(APG_MAX_ALIGN - 1))

static struct apg_bump_state *bump_state(void *heap)
{
    return heap;
}

static struct apg_bump_block *block_at(uint64_t address)
{
    return (struct apg_bump_block *)(uintptr_t)address;
}

static size_t round_to_granule(size_t n)
{
    return (size_t)apg_align_up(n, BUMP_GRANULE);
}

/* Where the first header goes: right after the state, 16-byte aligned. */
static uintptr_t first_header(const struct apg_bump_state *state)
{
    return (uintptr_t)state + round_to_granule(sizeof *state);
}

static void *bump_init(void *region, size_t size)
{
    uintptr_t base = (uintptr_t)region;
    size_t lead = apg_align_padding(base, BUMP_GRANULE);
    if (size > UINTPTR_MAX - base)
        size = UINTPTR_MAX - base; /* a region cannot wrap around the address space */
    if (size < lead)
        return NULL;
    size_t managed = size - lead;
    if (managed > BUMP_MAX_MANAGED)
        managed = BUMP_MAX_MANAGED; /* the rest is reported as overhead */
    if (managed < round_to_granule(sizeof(struct apg_bump_state)) + BUMP_MIN_SPAN)
        return NULL;

    struct apg_bump_state *state = (struct apg_bump_state *)(base + lead);
    state->magic = APG_BUMP_MAGIC;
    state->live_blocks = 0;
    state->start = first_header(state);
    state->next = state->start;
    state->end = apg_align_down((uintptr_t)state + managed, BUMP_GRANULE);
    state->total_allocations = 0;
    state->region_size = size;
    return state;
}

/* Place a block at the bump pointer. Nothing is written unless it fits. */
static void *bump_alloc(void *heap, size_t size, size_t align)
{
    struct apg_bump_state *state = bump_state(heap);
    if (size == 0 || !apg_is_power_of_two(align) || align > APG_MAX_ALIGN)
        return NULL;
    if (align < APG_DEFAULT_ALIGN)
        align = APG_DEFAULT_ALIGN;

    uintptr_t header = (uintptr_t)state->next;
    size_t room = (size_t)(state->end - state->next); /* a multiple of 16 */
    size_t payload_offset = BUMP_HEADER_SIZE + apg_align_padding(header + BUMP_HEADER_SIZE, align);
    /* compare before adding so that huge sizes cannot overflow */
    if (payload_offset >= room || size > room - payload_offset)
        return NULL;
    size_t span = round_to_granule(payload_offset + size); /* still <= room: room is rounded */

    struct apg_bump_block *block = block_at(header);
    block->span = (uint32_t)span;
    block->flags = APG_BUMP_LIVE;
    block->payload_offset = (uint32_t)payload_offset;
    block->requested = (uint32_t)size;
    state->next = header + span;
    state->live_blocks++;
    state->total_allocations++;
    return (void *)(header + payload_offset);
}

/* A header is believable if its span stays inside [header, next) and its
 * payload offset lies inside the span. Walks stop at the first header that is
 * not, so a corrupted heap can never send them outside the arena or loop. */
static bool header_is_sane(const struct apg_bump_state *state, uintptr_t header)
{
    const struct apg_bump_block *block = block_at(header);
    return block->span >= BUMP_MIN_SPAN && block->span % BUMP_GRANULE == 0 &&
           block->span <= state->next - header && block->payload_offset >= BUMP_HEADER_SIZE &&
           block->payload_offset % BUMP_GRANULE == 0 && block->payload_offset < block->span;
}

/* The header of the block containing address p (start <= p < next), or 0.
 * Only the spans matter for finding it; they are checked just enough to keep
 * every step aligned and inside [start, next). */
static uintptr_t find_block(const struct apg_bump_state *state, uintptr_t p)
{
    uintptr_t header = (uintptr_t)state->start;
    while (header < state->next) {
        uint32_t span = block_at(header)->span;
        if (span < BUMP_MIN_SPAN || span % BUMP_GRANULE != 0 || span > state->next - header)
            return 0;
        if (p < header + span)
            return header_is_sane(state, header) ? header : 0;
        header += span;
    }
    return 0;
}

/* The header of the live block whose payload is ptr, or 0. */
static uintptr_t live_block_of(const struct apg_bump_state *state, const void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    if (p < state->start || p >= state->next)
        return 0;
    uintptr_t header = find_block(state, p);
    if (header == 0)
        return 0;
    const struct apg_bump_block *block = block_at(header);
    if (!(block->flags & APG_BUMP_LIVE) || p != header + block->payload_offset)
        return 0;
    return header;
}

static apg_ptr_status bump_validate(void *heap, const void *ptr)
{
    const struct apg_bump_state *state = bump_state(heap);
    uintptr_t p = (uintptr_t)ptr;
    if (p < state->start || p >= state->end)
        return APG_PTR_OUTSIDE;
    if (p % APG_DEFAULT_ALIGN != 0)
        return APG_PTR_MISALIGNED;
    if (p >= state->next)
        return APG_PTR_NOT_ALLOCATED;
    uintptr_t header = find_block(state, p);
    if (header == 0)
        return APG_PTR_OUTSIDE; /* only on a corrupted heap: the headers do not reach p */
    const struct apg_bump_block *block = block_at(header);
    if (!(block->flags & APG_BUMP_LIVE))
        return APG_PTR_NOT_ALLOCATED;
    return p == header + block->payload_offset ? APG_PTR_OK : APG_PTR_INSIDE_BLOCK;
}

static void bump_free(void *heap, void *ptr)
{
    struct apg_bump_state *state = bump_state(heap);
    uintptr_t header = live_block_of(state, ptr);
    if (header == 0)
        return; /* not a live payload: validate() would have said so */
    struct apg_bump_block *block = block_at(header);
    block->flags &= ~APG_BUMP_LIVE;
    state->live_blocks--;
    if (state->live_blocks == 0)
        state->next = state->start; /* nothing is live: the whole arena is free again */
}

static void *bump_realloc(void *heap, void *ptr, size_t size)
{
    struct apg_bump_state *state = bump_state(heap);
    uintptr_t header = live_block_of(state, ptr);
    if (header == 0 || size == 0)
        return NULL;
    struct apg_bump_block *block = block_at(header);
    size_t payload_offset = block->payload_offset;

    if (header + block->span == state->next) {
        /* the last block can take (or give back) the tail */
        size_t room = (size_t)(state->end - header);
        if (size > room - payload_offset)
            return NULL;
        block->span = (uint32_t)round_to_granule(payload_offset + size);
        block->requested = (uint32_t)size;
        state->next = header + block->span;
        return ptr;
    }
    if (size <= block->span - payload_offset) {
        block->requested = (uint32_t)size; /* shrinking: the span stays */
        return ptr;
    }
    /* a block in the middle cannot grow: move it (requested < size here) */
    return apg_realloc_by_moving(&apg_bump, heap, ptr, size, block->requested);
}

static size_t bump_usable_size(void *heap, const void *ptr)
{
    uintptr_t header = live_block_of(bump_state(heap), ptr);
    if (header == 0)
        return 0;
    const struct apg_bump_block *block = block_at(header);
    return block->span - block->payload_offset;
}

/* The largest request the tail [next, end) can hold with default alignment. */
static size_t tail_capacity(const struct apg_bump_state *state)
{
    size_t tail = (size_t)(state->end - state->next);
    return tail > BUMP_HEADER_SIZE ? tail - BUMP_HEADER_SIZE : 0;
}

static void bump_walk(void *heap, apg_walk_fn fn, void *ctx)
{
    const struct apg_bump_state *state = bump_state(heap);
    uintptr_t header = (uintptr_t)state->start;
    while (header < state->next && header_is_sane(state, header)) {
        const struct apg_bump_block *block = block_at(header);
        bool live = (block->flags & APG_BUMP_LIVE) != 0;
        apg_block report = {
            .start = header,
            .span = block->span,
            .payload = header + block->payload_offset,
            .usable = block->span - block->payload_offset,
            .requested = live ? block->requested : 0,
            .status = live ? APG_BLOCK_USED : APG_BLOCK_FREE,
        };
        if (!fn(&report, ctx))
            return;
        header += block->span;
    }
    if (header != state->next)
        return; /* corrupted: do not report a tail we cannot place */
    if (state->end > state->next) {
        apg_block tail = {
            .start = state->next,
            .span = (size_t)(state->end - state->next),
            .payload = state->next,
            .usable = tail_capacity(state),
            .requested = 0,
            .status = APG_BLOCK_FREE,
        };
        fn(&tail, ctx);
    }
}

static void bump_stats(void *heap, apg_stats *out)
{
    const struct apg_bump_state *state = bump_state(heap);
    apg_totals_by_walking(heap, bump_walk, (size_t)state->region_size, out);
    /* dead blocks come back only on rewind: only the tail can be handed out */
    out->largest_free = tail_capacity(state);
}

static apg_check_result bump_check(void *heap)
{
    const struct apg_bump_state *state = bump_state(heap);
    uintptr_t self = (uintptr_t)state;
    if (state->magic != APG_BUMP_MAGIC)
        return apg_check_failed("bump: bad magic in bump state", self);
    if (state->start != first_header(state))
        return apg_check_failed("bump: start is not right after the state", self);
    if (state->start > state->next || state->next > state->end)
        return apg_check_failed("bump: bump pointer outside [start, end]", (uintptr_t)state->next);
    if (state->next % BUMP_GRANULE != 0 || state->end % BUMP_GRANULE != 0)
        return apg_check_failed("bump: next or end not 16-byte aligned", self);
    if (state->end - self > state->region_size)
        return apg_check_failed("bump: end beyond the region", (uintptr_t)state->end);
    if (state->live_blocks == 0 && state->next != state->start)
        return apg_check_failed("bump: no live block but the arena did not rewind",
                                (uintptr_t)state->next);
    if (state->total_allocations < state->live_blocks)
        return apg_check_failed("bump: more live blocks than allocations", self);

    uint64_t live = 0;
    uintptr_t header = (uintptr_t)state->start;
    while (header < state->next) {
        const struct apg_bump_block *block = block_at(header);
        if (block->span < BUMP_MIN_SPAN || block->span % BUMP_GRANULE != 0)
            return apg_check_failed("bump: block span not a multiple of 16 of at least 32", header);
        if (block->span > state->next - header)
            return apg_check_failed("bump: block runs past the bump pointer", header);
        if (block->payload_offset < BUMP_HEADER_SIZE || block->payload_offset % BUMP_GRANULE != 0 ||
            block->payload_offset > BUMP_MAX_PAYLOAD_OFFSET || block->payload_offset >= block->span)
            return apg_check_failed("bump: bad payload offset", header);
        if ((block->flags & ~APG_BUMP_LIVE) != 0)
            return apg_check_failed("bump: unknown block flags", header);
        if (block->flags & APG_BUMP_LIVE) {
            if (block->requested == 0 || block->requested > block->span - block->payload_offset)
                return apg_check_failed("bump: requested size does not fit the block", header);
            live++;
        }
        header += block->span;
    }
    if (live != state->live_blocks)
        return apg_check_failed("bump: live block count does not match the headers", self);
    return apg_check_passed();
}

void apg_bump_reset(void *heap)
{
    struct apg_bump_state *state = bump_state(heap);
    state->next = state->start;
    state->live_blocks = 0;
}

const apg_allocator apg_bump = {
    .name = "bump",
    .kind = APG_KIND_BUMP,
    .init = bump_init,
    .alloc = bump_alloc,
    .free = bump_free,
    .realloc = bump_realloc,
    .usable_size = bump_usable_size,
    .validate = bump_validate,
    .stats = bump_stats,
    .walk = bump_walk,
    .check = bump_check,
};
