/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlsf.c — Two-Level Segregated Fit: alloc and free in O(1).
 *
 * The algorithm is the one of Masmano, Ripoll, Crespo and Real (ECRTS 2004);
 * the byte layouts are ours (include/heap_abi.h, struct apg_tlsf_*):
 *
 *   [pad][state: bitmaps + list heads][block][block] ... [block][slack]
 *                                     ^heap_start               ^heap_end
 *
 * Every block starts with a 16-byte header: the address of the block just
 * before it (prev_phys), the block's whole size with two flags (FREE, and
 * PREV_FREE: the block before is free), and the bytes the caller asked for.
 * A free block keeps its list links in the first 16 bytes of its payload, so
 * the smallest block is 32 bytes.
 *
 * Free blocks are kept in segregated lists. A block size maps to a class
 * (fl, sl): fl is the power of two the size falls in, sl one of 16 equal slices
 * of that power of two. Sizes below 256 all go to fl 0, in 16-byte slices.
 * Two bitmaps record which lists are non-empty, so finding a list with a big
 * enough block is two bit scans (count trailing zeros), never a walk.
 *
 * alloc looks at exactly one block of the request's own class (the list head)
 * and otherwise searches from the next class up, which is the classic TLSF
 * rounding of the request to the next class boundary: every block there is
 * big enough, so the head of the first non-empty list will do ("good fit").
 * The rest of the block is split off and goes back into a list. No list is
 * ever walked, so a fitting block deeper in a list may go unnoticed; that is
 * the price of O(1). free merges the block with
 * both physical neighbours at once (PREV_FREE and prev_phys find the left one,
 * the size finds the right one), so no two free blocks are ever adjacent.
 *
 * Sizes live in 32-bit header fields, so regions of 4 GiB or more are refused.
 * What TLSF shares with first-fit (the layout, aligned payloads, walking the
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

typedef struct apg_tlsf_state tlsf_state;
typedef struct apg_tlsf_block tlsf_block;
typedef struct apg_tlsf_free_links tlsf_links;

#define HEADER_SIZE BTAG_HEADER_SIZE
#define MIN_BLOCK BTAG_MIN_BLOCK
#define GRANULE BTAG_GRANULE
#define SMALL_LIMIT ((size_t)1 << APG_TLSF_FL_SHIFT) /* 256: sizes below are fl 0 */
#define FLAG_BITS (APG_TLSF_FREE | APG_TLSF_PREV_FREE)

/* The list and mapping helpers are forced inline into alloc and free, so that
 * the O(1) paths compile to straight-line code without call overhead. */
#define HOT static inline __attribute__((always_inline))

_Static_assert(sizeof(tlsf_block) == BTAG_HEADER_SIZE, "the ABI fixes the header at 16 bytes");
_Static_assert(HEADER_SIZE + sizeof(tlsf_links) == BTAG_MIN_BLOCK, "the ABI fixes the links at 16");
_Static_assert(GRANULE == (size_t)1 << APG_TLSF_ALIGN_LOG2, "block sizes are multiples of 16");
_Static_assert(APG_TLSF_SL_COUNT <= 32 && APG_TLSF_FL_COUNT <= 32, "bitmaps are 32-bit");
_Static_assert(sizeof(size_t) >= 8, "size arithmetic below assumes a 64-bit size_t");

/* ---- headers ------------------------------------------------------------
 * Blocks are named by the address of their header (a uintptr_t), as in the
 * ABI; block_at() turns such an address into something we can read. */

static tlsf_block *block_at(uintptr_t block)
{
    return (tlsf_block *)block;
}

static tlsf_links *links_of(uintptr_t block)
{
    return (tlsf_links *)(block + HEADER_SIZE);
}

static size_t size_of(uintptr_t block)
{
    return block_at(block)->size_flags & APG_TLSF_SIZE_MASK;
}

static bool is_free(uintptr_t block)
{
    return (block_at(block)->size_flags & APG_TLSF_FREE) != 0;
}

static bool is_used(uintptr_t block)
{
    return !is_free(block);
}

static size_t requested_of(uintptr_t block)
{
    return block_at(block)->requested;
}

static void set_requested(uintptr_t block, size_t requested)
{
    block_at(block)->requested = (uint32_t)requested;
}

static const btag_format tlsf_format = {size_of, is_used, requested_of, set_requested};

static btag_heap view(const tlsf_state *s)
{
    return (btag_heap){s->heap_start, s->heap_end, &tlsf_format};
}

static void write_header(uintptr_t block, uintptr_t prev_phys, size_t size, uint32_t flags,
                         size_t requested)
{
    tlsf_block *b = block_at(block);
    b->prev_phys = prev_phys;
    b->size_flags = (uint32_t)size | flags;
    b->requested = (uint32_t)requested;
}

/* Change a block's size, keeping its flags. */
static void set_size(uintptr_t block, size_t size)
{
    tlsf_block *b = block_at(block);
    b->size_flags = (uint32_t)size | (b->size_flags & FLAG_BITS);
}

/* Sets the link and the flag of the block starting at `next` (if it is not
 * the heap end) that say which block is before it and whether that one is
 * free: prev_phys and PREV_FREE. */
static void set_prev_phys_and_flag(const tlsf_state *s, uintptr_t next, uintptr_t block,
                                   bool block_is_free)
{
    if (next >= s->heap_end)
        return;
    tlsf_block *n = block_at(next);
    n->prev_phys = block;
    if (block_is_free)
        n->size_flags |= APG_TLSF_PREV_FREE;
    else
        n->size_flags &= ~APG_TLSF_PREV_FREE;
}

/* ---- the mapping from sizes to lists ------------------------------------ */

typedef struct {
    unsigned fl; /* first level: which power of two (0 for sizes below 256) */
    unsigned sl; /* second level: which sixteenth of it */
} size_class;

static unsigned floor_log2(uint64_t x)
{
    return 63u - (unsigned)__builtin_clzll(x); /* x > 0 */
}

/* The class whose list a free block of `size` bytes belongs to. */
HOT size_class class_of(size_t size)
{
    size_class c;
    if (size < SMALL_LIMIT) {
        c.fl = 0;
        c.sl = (unsigned)(size >> APG_TLSF_ALIGN_LOG2);
    } else {
        unsigned log2 = floor_log2(size);
        c.fl = log2 - APG_TLSF_FL_SHIFT + 1;
        c.sl = (unsigned)(size >> (log2 - APG_TLSF_SL_LOG2)) - APG_TLSF_SL_COUNT;
    }
    return c;
}

/* The first class all of whose blocks are at least `size` bytes: round size up
 * to the next class boundary. Below 256 every class holds one size, so there
 * is nothing to round. fl may come out as APG_TLSF_FL_COUNT (too big). */
HOT size_class class_for_request(size_t size)
{
    if (size >= SMALL_LIMIT)
        size += ((size_t)1 << (floor_log2(size) - APG_TLSF_SL_LOG2)) - 1;
    return class_of(size);
}

/* ---- the segregated free lists ------------------------------------------ */

/* The list of class c is not empty any more: set its bits. */
HOT void mark_list_nonempty(tlsf_state *s, size_class c)
{
    s->sl_bitmap[c.fl] |= 1u << c.sl;
    s->fl_bitmap |= 1u << c.fl;
}

/* Puts free `block` at the head of the list of class c. */
HOT void insert_free_in(tlsf_state *s, uintptr_t block, size_class c)
{
    uint64_t *head = &s->heads[c.fl][c.sl];
    tlsf_links *links = links_of(block);
    links->next = *head;
    links->prev = 0;
    if (*head != 0)
        links_of(*head)->prev = block;
    else
        mark_list_nonempty(s, c);
    *head = block;
}

HOT void insert_free(tlsf_state *s, uintptr_t block, size_t size)
{
    insert_free_in(s, block, class_of(size));
}

/* The list of class c is empty now: clear its bits. */
HOT void mark_list_empty(tlsf_state *s, size_class c)
{
    s->sl_bitmap[c.fl] &= ~(1u << c.sl);
    if (s->sl_bitmap[c.fl] == 0)
        s->fl_bitmap &= ~(1u << c.fl);
}

HOT void remove_free(tlsf_state *s, uintptr_t block, size_class c)
{
    const tlsf_links *links = links_of(block);
    uintptr_t next = links->next, prev = links->prev;
    if (next != 0)
        links_of(next)->prev = prev;
    if (prev != 0) {
        links_of(prev)->next = next;
    } else {
        s->heads[c.fl][c.sl] = next;
        if (next == 0)
            mark_list_empty(s, c);
    }
}

/* remove_free for the head of list c, which is what alloc always takes. */
HOT void remove_head(tlsf_state *s, uintptr_t block, size_class c)
{
    uintptr_t next = links_of(block)->next;
    s->heads[c.fl][c.sl] = next;
    if (next != 0)
        links_of(next)->prev = 0;
    else
        mark_list_empty(s, c);
}

/* Head of the first non-empty list of class c or above (0 if none); c is
 * updated to the class found. Two bit scans, no loop. c.sl may be
 * APG_TLSF_SL_COUNT, meaning "the first class of the next level". */
HOT uintptr_t find_suitable(const tlsf_state *s, size_class *c)
{
    uint32_t sl_map = s->sl_bitmap[c->fl] & (~0u << c->sl);
    if (sl_map == 0) {
        /* nothing left in this power of two: take the next non-empty one */
        uint32_t fl_map = s->fl_bitmap & (~0u << (c->fl + 1));
        if (fl_map == 0)
            return 0;
        c->fl = (unsigned)__builtin_ctz(fl_map);
        sl_map = s->sl_bitmap[c->fl];
    }
    c->sl = (unsigned)__builtin_ctz(sl_map);
    return s->heads[c->fl][c->sl];
}

/* ---- init --------------------------------------------------------------- */

static void *tlsf_init(void *region, size_t size)
{
    btag_layout layout;
    if (!btag_layout_region(region, size, sizeof(tlsf_state), &layout))
        return NULL;
    tlsf_state *s = (tlsf_state *)layout.state;
    apg_memset(s, 0, sizeof(*s)); /* all lists empty, all bitmap bits clear */
    s->magic = APG_TLSF_MAGIC;
    s->heap_start = layout.heap_start;
    s->heap_end = layout.heap_end;
    s->region_size = size;
    /* The whole heap starts as one free block. */
    size_t heap_bytes = layout.heap_end - layout.heap_start;
    write_header(s->heap_start, 0, heap_bytes, APG_TLSF_FREE, 0);
    insert_free(s, s->heap_start, heap_bytes);
    return s;
}

/* ---- alloc -------------------------------------------------------------- */

/* Marks free `block` used, `size` bytes long. A free block's left neighbour
 * is always used (free merges), so both flags end up clear. Returns its
 * payload. */
HOT void *block_mark_as_used(uintptr_t block, size_t size, size_t requested)
{
    tlsf_block *b = block_at(block);
    b->size_flags = (uint32_t)size;
    b->requested = (uint32_t)requested;
    return (void *)(block + HEADER_SIZE);
}

/* Splits free `block` of `size` bytes after its first `need` bytes: the rest
 * becomes a free block of its own (in no list yet), which the next block
 * learns is before it (its PREV_FREE is already set). Returns the rest. */
HOT uintptr_t split_off_rest(const tlsf_state *s, uintptr_t block, size_t size, size_t need)
{
    uintptr_t rest = block + need, next = block + size;
    write_header(rest, block, size - need, APG_TLSF_FREE, 0);
    if (next < s->heap_end)
        block_at(next)->prev_phys = rest;
    return rest;
}

/* Marks free `block`, `size` bytes long, used as a whole; the next block
 * learns that the block before it is used now. */
HOT void *use_whole_block(tlsf_state *s, uintptr_t block, size_t size, size_t requested)
{
    set_prev_phys_and_flag(s, block + size, block, false);
    return block_mark_as_used(block, size, requested);
}

/* `block` is free, out of its list, and at least `need` bytes: split off the
 * tail if it can be a block of its own, and mark the block used. */
HOT void *use_block(tlsf_state *s, uintptr_t block, size_t need, size_t requested)
{
    size_t size = size_of(block);
    if (size - need < MIN_BLOCK)
        return use_whole_block(s, block, size, requested);
    insert_free(s, split_off_rest(s, block, size, need), size - need);
    return block_mark_as_used(block, need, requested);
}

/* Over-allocate by the largest possible gap, then give the gap back as a free
 * block in front of the aligned one. Rare, so kept out of line: the fast path
 * of tlsf_alloc stays small. */
static __attribute__((noinline)) void *alloc_aligned(tlsf_state *s, size_t need, size_t align,
                                                     size_t requested)
{
    size_class c = class_for_request(need + align + HEADER_SIZE);
    if (c.fl >= APG_TLSF_FL_COUNT)
        return NULL;
    uintptr_t block = find_suitable(s, &c);
    if (block == 0)
        return NULL;
    remove_free(s, block, c);

    uintptr_t aligned = btag_aligned_payload(block, align) - HEADER_SIZE;
    if (aligned != block) {
        size_t size = size_of(block);
        size_t gap = aligned - block;
        /* The gap keeps the header (and prev_phys) of the block it came from;
         * its left neighbour is used, as for every free block. */
        write_header(aligned, block, size - gap, APG_TLSF_FREE, 0);
        set_size(block, gap);
        insert_free(s, block, gap);
        if (block + size < s->heap_end)
            block_at(block + size)->prev_phys = aligned;
    }
    void *payload = use_block(s, aligned, need, requested);
    if (aligned != block) /* unlike a block from a list, this one follows a free block */
        block_at(aligned)->size_flags |= APG_TLSF_PREV_FREE;
    return payload;
}

/* remove_head + use_block for the head of list c, at least `need` bytes.
 * When the remainder of a split belongs to list c again (a big block losing
 * a small piece), it simply takes the block's place as the head: the list
 * never empties, and no bitmap bit changes. */
HOT void *take_head(tlsf_state *s, uintptr_t block, size_class c, size_t need, size_t requested)
{
    size_t size = size_of(block);
    if (size - need < MIN_BLOCK) {
        remove_head(s, block, c);
        return use_whole_block(s, block, size, requested);
    }
    size_class rest_class = class_of(size - need);
    if (rest_class.fl == c.fl && rest_class.sl == c.sl) {
        uintptr_t successor = links_of(block)->next;           /* read before the rest's header */
        uintptr_t rest = split_off_rest(s, block, size, need); /* >= block + 32: links intact */
        links_of(rest)->next = successor;
        links_of(rest)->prev = 0;
        if (successor != 0)
            links_of(successor)->prev = rest;
        s->heads[c.fl][c.sl] = rest;
    } else {
        remove_head(s, block, c);
        insert_free_in(s, split_off_rest(s, block, size, need), rest_class);
    }
    return block_mark_as_used(block, need, requested);
}

static void *tlsf_alloc(void *heap, size_t size, size_t align)
{
    tlsf_state *s = heap;
    /* Rejecting impossible sizes (and 0, which wraps) first keeps every sum
     * below far from overflow; sizes the heap cannot hold fail the search. */
    if (size - 1 >= BTAG_MAX_REQUEST)
        return NULL;
    size_t need = btag_block_size_for(size);
    if (align > GRANULE)
        return alloc_aligned(s, need, align, size);

    /* First look at one block: the head of the request's own list, which
     * often fits and keeps the fit tight. Otherwise search from the next
     * class up, where every block fits: the same as rounding the request up
     * to the next class boundary (class_for_request), one bit scan cheaper. */
    size_class c = class_of(need);
    if (c.fl >= APG_TLSF_FL_COUNT)
        return NULL;
    uintptr_t block = s->heads[c.fl][c.sl];
    if (block == 0 || size_of(block) < need) {
        c.sl++; /* sl 16 is fine: find_suitable then moves on to fl + 1 */
        block = find_suitable(s, &c);
        if (block == 0)
            return NULL;
    }
    return take_head(s, block, c, need, size);
}

/* ---- free --------------------------------------------------------------- */

static void tlsf_free(void *heap, void *ptr)
{
    tlsf_state *s = heap;
    uintptr_t block = (uintptr_t)ptr - HEADER_SIZE;
    uint32_t flags = block_at(block)->size_flags;
    size_t size = flags & APG_TLSF_SIZE_MASK;
    uintptr_t next = block + size;

    if (flags & APG_TLSF_PREV_FREE) { /* merge into the free block on the left */
        uintptr_t prev = block_at(block)->prev_phys;
        size_t prev_size = size_of(prev);
        remove_free(s, prev, class_of(prev_size));
        block = prev;
        size += prev_size;
    }
    if (next < s->heap_end && is_free(next)) { /* swallow the free block on the right */
        size_t next_size = size_of(next);
        remove_free(s, next, class_of(next_size));
        size += next_size;
        next += next_size;
    }
    /* The block on the left of a free block is always used: PREV_FREE clear. */
    tlsf_block *b = block_at(block);
    b->size_flags = (uint32_t)size | APG_TLSF_FREE;
    b->requested = 0;
    insert_free(s, block, size);
    set_prev_phys_and_flag(s, next, block, true);
}

/* ---- realloc ------------------------------------------------------------ */

/* Make used block `block` exactly `need` bytes (or a little more) without
 * moving it, using the next block too when that one is free. Whatever is left
 * over becomes a free block if it can hold one. Returns false, having changed
 * nothing, when the room is not there. */
static bool resize_in_place(void *heap, uintptr_t block, size_t need)
{
    tlsf_state *s = heap;
    size_t size = size_of(block);
    uintptr_t next = block + size;
    bool next_free = next < s->heap_end && is_free(next);
    size_t available = size + (next_free ? size_of(next) : 0);
    if (need > available)
        return false;

    size_t rest = available - need;
    if (rest < MIN_BLOCK && !next_free)
        return true; /* a shrink by less than a block keeps its slack */
    if (next_free)   /* out of its list before a new header can overwrite its links */
        remove_free(s, next, class_of(available - size));

    uintptr_t after = block + available;
    if (rest >= MIN_BLOCK) {
        uintptr_t tail = block + need;
        set_size(block, need);
        write_header(tail, block, rest, APG_TLSF_FREE, 0);
        insert_free(s, tail, rest);
        set_prev_phys_and_flag(s, after, tail, true);
    } else {
        set_size(block, available);
        set_prev_phys_and_flag(s, after, block, false);
    }
    return true;
}

static void *tlsf_realloc(void *heap, void *ptr, size_t size)
{
    return btag_realloc(&apg_tlsf, &tlsf_format, resize_in_place, heap, ptr, size);
}

/* ---- queries ------------------------------------------------------------ */

static size_t tlsf_usable_size(void *heap, const void *ptr)
{
    (void)heap;
    return btag_usable_size(&tlsf_format, ptr);
}

static apg_ptr_status tlsf_validate(void *heap, const void *ptr)
{
    return btag_validate(view(heap), ptr);
}

static void tlsf_walk(void *heap, apg_walk_fn fn, void *ctx)
{
    btag_walk(view(heap), fn, ctx);
}

/* The largest request alloc satisfies right now with the default alignment.
 * Every block in a lower class is smaller than every block in the highest
 * non-empty class, and of that class alloc looks at exactly one block, the
 * head of its list (a bigger request searches the classes above, which are
 * empty). So the answer is the usable size of that head: a request of it
 * succeeds, one byte more fails. O(1), like alloc. */
static size_t largest_request(const tlsf_state *s)
{
    uint32_t fl_map = s->fl_bitmap & ((1u << APG_TLSF_FL_COUNT) - 1);
    if (fl_map == 0)
        return 0;
    unsigned fl = 31u - (unsigned)__builtin_clz(fl_map);
    uint32_t sl_map = s->sl_bitmap[fl] & ((1u << APG_TLSF_SL_COUNT) - 1);
    if (sl_map == 0)
        return 0; /* bitmaps disagree: check() will say so */
    uintptr_t head = s->heads[fl][31u - (unsigned)__builtin_clz(sl_map)];
    if (head < s->heap_start || head >= s->heap_end || head % GRANULE != 0)
        return 0; /* corrupt list head: check() will say so */
    size_t size = size_of(head);
    return size > HEADER_SIZE ? size - HEADER_SIZE : 0;
}

static void tlsf_stats(void *heap, apg_stats *out)
{
    const tlsf_state *s = heap;
    apg_totals_by_walking(heap, tlsf_walk, (size_t)s->region_size, out);
    out->largest_free = largest_request(s);
}

/* ---- check -------------------------------------------------------------- */

/* Order-independent fingerprint of a set of block addresses: the physical walk
 * and the lists must produce the same one. */
static uint64_t fingerprint(uintptr_t block)
{
    uint64_t z = (uint64_t)block * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    return z ^ (z >> 31);
}

/* A list entry passed the range checks: does it look like a real free block
 * of class c, tied into its physical neighbours? */
static const char *free_list_entry_problem(const tlsf_state *s, uintptr_t block, size_class c)
{
    const tlsf_block *b = block_at(block);
    size_t size = size_of(block);
    if (!is_free(block))
        return "tlsf: used block in a free list";
    if (!btag_size_is_sane(s->heap_end, block, size))
        return "tlsf: free list entry has an impossible size";
    size_class actual = class_of(size);
    if (actual.fl != c.fl || actual.sl != c.sl)
        return "tlsf: free block is in the wrong list for its size";
    uintptr_t prev = b->prev_phys;
    if (block == s->heap_start ? prev != 0
                               : prev < s->heap_start || prev >= block || prev % GRANULE != 0 ||
                                     prev + size_of(prev) != block)
        return "tlsf: free list entry is not a block (prev_phys)";
    uintptr_t next = block + size;
    if (next < s->heap_end && block_at(next)->prev_phys != block)
        return "tlsf: free list entry is not a block (next prev_phys)";
    return NULL;
}

/* One walk over the blocks checks every header against its neighbours and
 * counts and fingerprints the free blocks; then every list is followed, at
 * most as many steps as there are free blocks, each entry range-checked
 * before it is read. The lists are right when they hold exactly the free
 * blocks (same count, same fingerprint, no repeats), each in its own class. */
static const btag_messages messages = BTAG_MESSAGES("tlsf: ");

static apg_check_result tlsf_check(void *heap)
{
    const tlsf_state *s = heap;
    uintptr_t state = (uintptr_t)s;
    if (s->magic != APG_TLSF_MAGIC)
        return apg_check_failed("tlsf: bad state magic", state);
    const char *why = btag_check_state_bounds(&messages, state, sizeof(tlsf_state), s->heap_start,
                                              s->heap_end, s->region_size);
    if (why != NULL)
        return apg_check_failed(why, state);

    /* Physical walk. */
    uintptr_t prev = 0;
    bool prev_free = false;
    size_t free_blocks = 0;
    uint64_t free_print = 0;
    for (uintptr_t block = s->heap_start; block < s->heap_end;) {
        const tlsf_block *b = block_at(block);
        size_t size = size_of(block);
        why = btag_check_span(&messages, s->heap_end, block, size,
                              b->size_flags & ~(APG_TLSF_SIZE_MASK | FLAG_BITS));
        if (why != NULL)
            return apg_check_failed(why, block);
        if (b->prev_phys != prev)
            return apg_check_failed("tlsf: prev_phys does not point at the previous block", block);
        if (((b->size_flags & APG_TLSF_PREV_FREE) != 0) != prev_free)
            return apg_check_failed("tlsf: PREV_FREE does not match the previous block", block);
        why = btag_check_contents(&messages, is_used(block), prev_free, b->requested, size);
        if (why != NULL)
            return apg_check_failed(why, block);
        if (is_free(block)) {
            free_blocks++;
            free_print += fingerprint(block);
        }
        prev = block;
        prev_free = is_free(block);
        block += size;
    }

    /* Bitmaps against list heads. */
    if ((s->fl_bitmap >> APG_TLSF_FL_COUNT) != 0)
        return apg_check_failed("tlsf: fl_bitmap has bits beyond the last level", state);
    for (unsigned fl = 0; fl < APG_TLSF_FL_COUNT; fl++) {
        if (((s->fl_bitmap >> fl) & 1u) != (s->sl_bitmap[fl] != 0))
            return apg_check_failed("tlsf: fl_bitmap bit does not match its sl_bitmap", state);
        for (unsigned sl = 0; sl < APG_TLSF_SL_COUNT; sl++) {
            if (((s->sl_bitmap[fl] >> sl) & 1u) != (s->heads[fl][sl] != 0))
                return apg_check_failed("tlsf: sl_bitmap bit does not match its list",
                                        s->heads[fl][sl]);
        }
    }

    /* The lists. */
    size_t listed = 0;
    uint64_t list_print = 0;
    for (unsigned fl = 0; fl < APG_TLSF_FL_COUNT; fl++) {
        for (unsigned sl = 0; sl < APG_TLSF_SL_COUNT; sl++) {
            size_class c = {fl, sl};
            uintptr_t list_prev = 0;
            for (uintptr_t block = s->heads[fl][sl]; block != 0; block = links_of(block)->next) {
                if (block < s->heap_start || block >= s->heap_end || block % GRANULE != 0)
                    return apg_check_failed("tlsf: free list link points outside the heap", block);
                if (++listed > free_blocks)
                    return apg_check_failed("tlsf: more blocks in the lists than free (cycle?)",
                                            block);
                why = free_list_entry_problem(s, block, c);
                if (why != NULL)
                    return apg_check_failed(why, block);
                if (links_of(block)->prev != list_prev)
                    return apg_check_failed("tlsf: free list prev link broken", block);
                list_print += fingerprint(block);
                list_prev = block;
            }
        }
    }
    if (listed != free_blocks || list_print != free_print)
        return apg_check_failed("tlsf: a free block is missing from the lists", state);
    return apg_check_passed();
}

const apg_allocator apg_tlsf = {
    .name = "tlsf",
    .kind = APG_KIND_TLSF,
    .init = tlsf_init,
    .alloc = tlsf_alloc,
    .free = tlsf_free,
    .realloc = tlsf_realloc,
    .usable_size = tlsf_usable_size,
    .validate = tlsf_validate,
    .stats = tlsf_stats,
    .walk = tlsf_walk,
    .check = tlsf_check,
};
