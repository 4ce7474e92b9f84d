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
 */
#include "align.h"
#include "allocator.h"
#include "heap_abi.h"
#include "heap_totals.h"
#include "mem.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct apg_tlsf_state tlsf_state;
typedef struct apg_tlsf_block tlsf_block;
typedef struct apg_tlsf_free_links tlsf_links;

#define HEADER_SIZE ((size_t)sizeof(tlsf_block))             /* 16 */
#define MIN_BLOCK (HEADER_SIZE + (size_t)sizeof(tlsf_links)) /* 32: header + links */
#define GRANULE ((size_t)1 << APG_TLSF_ALIGN_LOG2)           /* 16: block sizes are multiples */
#define SMALL_LIMIT ((size_t)1 << APG_TLSF_FL_SHIFT)         /* 256: sizes below are fl 0 */
#define MAX_REGION ((size_t)UINT32_MAX)                      /* sizes are 32-bit */
#define MAX_REQUEST (MAX_REGION - HEADER_SIZE)               /* no block can be bigger */
#define FLAG_BITS (APG_TLSF_FREE | APG_TLSF_PREV_FREE)

/* The list and mapping helpers are forced inline into alloc and free, so that
 * the O(1) paths compile to straight-line code without call overhead. */
#define HOT static inline __attribute__((always_inline))

_Static_assert(sizeof(tlsf_block) == 16, "the ABI fixes the header at 16 bytes");
_Static_assert(sizeof(tlsf_links) == 16, "the ABI fixes the links at 16 bytes");
_Static_assert(GRANULE == APG_DEFAULT_ALIGN, "payloads must get the default alignment");
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

/* The block starting at `next` (if it is not the heap end) learns who is
 * before it now and whether that block is free. */
static void set_prev(const tlsf_state *s, uintptr_t next, uintptr_t block, bool block_is_free)
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

/* A size read from a header we are about to step over: anything else would
 * make a walk leave the heap or never finish. */
static bool size_is_sane(const tlsf_state *s, uintptr_t block, size_t size)
{
    return size >= MIN_BLOCK && size <= s->heap_end - block;
}

/* Whole block size for a request: header plus payload, rounded up to 16, and
 * never smaller than a free block needs. Callers reject size > MAX_REQUEST
 * first, so this cannot overflow (and stays below 4 GiB). */
static size_t block_size_for(size_t size)
{
    size_t total = apg_align_up(size + HEADER_SIZE, GRANULE);
    return total < MIN_BLOCK ? MIN_BLOCK : total;
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

HOT void insert_free(tlsf_state *s, uintptr_t block, size_t size)
{
    size_class c = class_of(size);
    uint64_t *head = &s->heads[c.fl][c.sl];
    tlsf_links *links = links_of(block);
    links->next = *head;
    links->prev = 0;
    if (*head != 0) {
        links_of(*head)->prev = block;
    } else { /* the list was empty: set its bits */
        s->sl_bitmap[c.fl] |= 1u << c.sl;
        s->fl_bitmap |= 1u << c.fl;
    }
    *head = block;
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
    uintptr_t start = (uintptr_t)region;
    if (region == NULL || size > MAX_REGION || size < sizeof(tlsf_state) + MIN_BLOCK)
        return NULL; /* too big for 32-bit sizes, or cannot hold the state and one block */
    if (start > UINTPTR_MAX - size - 2 * GRANULE)
        return NULL; /* keeps the rounding below from wrapping around */

    uintptr_t state = apg_align_up(start, GRANULE);
    uintptr_t heap_start = apg_align_up(state + sizeof(tlsf_state), GRANULE);
    uintptr_t heap_end = apg_align_down(start + size, GRANULE);
    if (heap_end < heap_start + MIN_BLOCK)
        return NULL;

    tlsf_state *s = (tlsf_state *)state;
    apg_memset(s, 0, sizeof(*s)); /* all lists empty, all bitmap bits clear */
    s->magic = APG_TLSF_MAGIC;
    s->heap_start = heap_start;
    s->heap_end = heap_end;
    s->region_size = size;
    /* The whole heap starts as one free block. */
    write_header(heap_start, 0, heap_end - heap_start, APG_TLSF_FREE, 0);
    insert_free(s, heap_start, heap_end - heap_start);
    return s;
}

/* ---- alloc -------------------------------------------------------------- */

/* `block` is free, out of its list, and at least `need` bytes: split off the
 * tail if it can be a block of its own, and mark the block used. A free block
 * always has a used left neighbour, so PREV_FREE ends up clear. */
HOT void *use_block(tlsf_state *s, uintptr_t block, size_t need, size_t requested)
{
    size_t size = size_of(block);
    uintptr_t next = block + size;
    if (size - need >= MIN_BLOCK) {
        uintptr_t rest = block + need;
        write_header(rest, block, size - need, APG_TLSF_FREE, 0);
        insert_free(s, rest, size - need);
        if (next < s->heap_end)
            block_at(next)->prev_phys = rest; /* its PREV_FREE is already set */
        size = need;
    } else {
        set_prev(s, next, block, false);
    }
    tlsf_block *b = block_at(block);
    b->size_flags = (uint32_t)size; /* used, and so is the block before it */
    b->requested = (uint32_t)requested;
    return (void *)(block + HEADER_SIZE);
}

/* First payload address inside `block` aligned to `align` whose leading gap
 * (from the block start to the new header) is either empty or large enough to
 * stay behind as a free block of its own. The gap is at most align + 16. */
static uintptr_t aligned_payload(uintptr_t block, size_t align)
{
    uintptr_t payload = apg_align_up(block + HEADER_SIZE, align);
    size_t gap = payload - HEADER_SIZE - block;
    if (gap != 0 && gap < MIN_BLOCK)
        payload += align; /* gap was 16 and becomes align + 16 >= 48 */
    return payload;
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

    uintptr_t aligned = aligned_payload(block, align) - HEADER_SIZE;
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
 * The remainder of a split becomes the head of its own list; when that is
 * list c again (a big block losing a small piece), it simply takes the
 * block's place: the list never empties, and no bitmap bit changes. */
HOT void *take_head(tlsf_state *s, uintptr_t block, size_class c, size_t need, size_t requested)
{
    size_t size = size_of(block);
    uintptr_t next = block + size;
    uintptr_t successor = links_of(block)->next;
    if (size - need < MIN_BLOCK) {
        remove_head(s, block, c);
        set_prev(s, next, block, false);
    } else {
        uintptr_t rest = block + need; /* >= block + 32: the links read above stay intact */
        size_t rest_size = size - need;
        size_class rest_class = class_of(rest_size);
        if (rest_class.fl != c.fl || rest_class.sl != c.sl) {
            remove_head(s, block, c);
            c = rest_class;
            successor = s->heads[c.fl][c.sl];
            if (successor == 0) { /* the list was empty: set its bits */
                s->sl_bitmap[c.fl] |= 1u << c.sl;
                s->fl_bitmap |= 1u << c.fl;
            }
        }
        if (successor != 0)
            links_of(successor)->prev = rest;
        write_header(rest, block, rest_size, APG_TLSF_FREE, 0);
        links_of(rest)->next = successor;
        links_of(rest)->prev = 0;
        s->heads[c.fl][c.sl] = rest;
        if (next < s->heap_end)
            block_at(next)->prev_phys = rest; /* its PREV_FREE is already set */
        size = need;
    }
    tlsf_block *b = block_at(block);
    b->size_flags = (uint32_t)size; /* used, and so is the block before it */
    b->requested = (uint32_t)requested;
    return (void *)(block + HEADER_SIZE);
}

static void *tlsf_alloc(void *heap, size_t size, size_t align)
{
    tlsf_state *s = heap;
    /* Rejecting impossible sizes (and 0, which wraps) first keeps every sum
     * below far from overflow; sizes the heap cannot hold fail the search. */
    if (size - 1 >= MAX_REQUEST)
        return NULL;
    size_t need = block_size_for(size);
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
    set_prev(s, next, block, true);
}

/* ---- realloc ------------------------------------------------------------ */

/* Make used block `block` exactly `need` bytes (or a little more) without
 * moving it, using the next block too when that one is free. Whatever is left
 * over becomes a free block if it can hold one. Returns false, having changed
 * nothing, when the room is not there. */
static bool resize_in_place(tlsf_state *s, uintptr_t block, size_t need)
{
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
        set_prev(s, after, tail, true);
    } else {
        set_size(block, available);
        set_prev(s, after, block, false);
    }
    return true;
}

static void *tlsf_realloc(void *heap, void *ptr, size_t size)
{
    tlsf_state *s = heap;
    if (size - 1 >= MAX_REQUEST)
        return NULL;
    uintptr_t block = (uintptr_t)ptr - HEADER_SIZE;
    if (resize_in_place(s, block, block_size_for(size))) {
        block_at(block)->requested = (uint32_t)size;
        return ptr;
    }

    /* Moving: the new block has the default alignment. */
    void *moved = tlsf_alloc(heap, size, APG_DEFAULT_ALIGN);
    if (moved == NULL)
        return NULL;
    size_t old_usable = size_of(block) - HEADER_SIZE;
    apg_memcpy(moved, ptr, old_usable < size ? old_usable : size);
    tlsf_free(heap, ptr);
    return moved;
}

/* ---- queries ------------------------------------------------------------ */

static size_t tlsf_usable_size(void *heap, const void *ptr)
{
    (void)heap;
    return size_of((uintptr_t)ptr - HEADER_SIZE) - HEADER_SIZE;
}

/* Exact: walks the blocks to the one containing ptr, so only the payload
 * start of a used block is accepted (O(blocks); free() itself never walks).
 * A pointer that was freed lies in a free block (its own, or the neighbour it
 * merged into): NOT_ALLOCATED. */
static apg_ptr_status tlsf_validate(void *heap, const void *ptr)
{
    const tlsf_state *s = heap;
    uintptr_t p = (uintptr_t)ptr;
    if (p < s->heap_start || p >= s->heap_end)
        return APG_PTR_OUTSIDE;
    if (p % APG_DEFAULT_ALIGN != 0)
        return APG_PTR_MISALIGNED;

    for (uintptr_t block = s->heap_start; block < s->heap_end;) {
        size_t size = size_of(block);
        if (!size_is_sane(s, block, size))
            break; /* corrupt heap: refuse rather than guess */
        if (p < block + size) {
            if (is_free(block))
                return APG_PTR_NOT_ALLOCATED;
            return p == block + HEADER_SIZE ? APG_PTR_OK : APG_PTR_INSIDE_BLOCK;
        }
        block += size;
    }
    return APG_PTR_OUTSIDE;
}

static void tlsf_walk(void *heap, apg_walk_fn fn, void *ctx)
{
    const tlsf_state *s = heap;
    for (uintptr_t block = s->heap_start; block < s->heap_end;) {
        size_t size = size_of(block);
        if (!size_is_sane(s, block, size))
            return;
        bool used = !is_free(block);
        apg_block info;
        info.start = block;
        info.span = size;
        info.payload = block + HEADER_SIZE;
        info.usable = size - HEADER_SIZE;
        info.requested = used ? block_at(block)->requested : 0;
        info.status = used ? APG_BLOCK_USED : APG_BLOCK_FREE;
        if (!fn(&info, ctx))
            return;
        block += size;
    }
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
static const char *list_entry_apg_check_failed(const tlsf_state *s, uintptr_t block, size_class c)
{
    const tlsf_block *b = block_at(block);
    size_t size = size_of(block);
    if (!is_free(block))
        return "tlsf: used block in a free list";
    if (!size_is_sane(s, block, size))
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
static apg_check_result tlsf_check(void *heap)
{
    const tlsf_state *s = heap;
    uintptr_t state = (uintptr_t)s;
    if (s->magic != APG_TLSF_MAGIC)
        return apg_check_failed("tlsf: bad state magic", state);
    if (s->heap_start % GRANULE != 0 || s->heap_end % GRANULE != 0 ||
        s->heap_start < state + sizeof(tlsf_state) || s->heap_end < s->heap_start ||
        s->heap_end - s->heap_start < MIN_BLOCK || s->region_size > MAX_REGION ||
        s->heap_end - state > s->region_size)
        return apg_check_failed("tlsf: heap bounds in the state are inconsistent", state);

    /* Physical walk. */
    uintptr_t prev = 0;
    bool prev_free = false;
    size_t free_blocks = 0;
    uint64_t free_print = 0;
    for (uintptr_t block = s->heap_start; block < s->heap_end;) {
        const tlsf_block *b = block_at(block);
        size_t size = size_of(block);
        if ((b->size_flags & ~(APG_TLSF_SIZE_MASK | FLAG_BITS)) != 0)
            return apg_check_failed("tlsf: unknown flag bits in a block header", block);
        if (size < MIN_BLOCK)
            return apg_check_failed("tlsf: block smaller than the 32-byte minimum", block);
        if (size > s->heap_end - block)
            return apg_check_failed("tlsf: block runs past the heap end", block);
        if (b->prev_phys != prev)
            return apg_check_failed("tlsf: prev_phys does not point at the previous block", block);
        if (((b->size_flags & APG_TLSF_PREV_FREE) != 0) != prev_free)
            return apg_check_failed("tlsf: PREV_FREE does not match the previous block", block);
        if (is_free(block)) {
            if (b->requested != 0)
                return apg_check_failed("tlsf: free block has a requested size", block);
            if (prev_free)
                return apg_check_failed("tlsf: two adjacent free blocks (missed coalesce)", block);
            free_blocks++;
            free_print += fingerprint(block);
        } else if (b->requested == 0 || b->requested > size - HEADER_SIZE) {
            return apg_check_failed("tlsf: used block's requested size does not fit it", block);
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
                const char *why = list_entry_apg_check_failed(s, block, c);
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
