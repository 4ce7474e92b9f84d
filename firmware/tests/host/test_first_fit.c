/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the first-fit allocator (alloc/first_fit.c).
 *
 * The tests drive the allocator through its ops table and inspect the heap
 * through the byte layouts of include/heap_abi.h, exactly as the web panel
 * does. Regions are 4 KiB aligned unless a test says otherwise, so the state
 * sits at the region start and the first block right after it.
 */
#include "allocator.h"
#include "heap_abi.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const apg_allocator *const ff = &apg_first_fit;

#define HDR 16u
#define STATE_BYTES 48u /* sizeof(struct apg_ff_state) rounded up to 16 */
#define HEAP_64K 65536u

/* ---- fixture ---- */

typedef struct {
    unsigned char *mem; /* what aligned_alloc returned */
    unsigned char *region;
    size_t size;
    void *heap;
    struct apg_ff_state *st;
} fixture;

static fixture make_heap_at(size_t size, size_t offset)
{
    fixture f;
    size_t bytes = (size + offset + 4095) & ~(size_t)4095;
    f.mem = aligned_alloc(4096, bytes);
    memset(f.mem, 0xA5, bytes);
    f.region = f.mem + offset;
    f.size = size;
    f.heap = ff->init(f.region, size);
    f.st = f.heap;
    return f;
}

static fixture make_heap(size_t size)
{
    return make_heap_at(size, 0);
}

static void drop(fixture *f)
{
    free(f->mem);
}

static struct apg_ff_block *hdr(uintptr_t block)
{
    return (struct apg_ff_block *)block;
}

static uintptr_t block_of(const void *payload)
{
    return (uintptr_t)payload - HDR;
}

static size_t bsize(uintptr_t block)
{
    return (size_t)(hdr(block)->size_flags & APG_FF_SIZE_MASK);
}

static bool bused(uintptr_t block)
{
    return (hdr(block)->size_flags & APG_FF_USED) != 0;
}

static struct apg_ff_free_links *links(uintptr_t block)
{
    return (struct apg_ff_free_links *)(block + HDR);
}

static uintptr_t heap_start(const fixture *f)
{
    return (uintptr_t)f->st->heap_start;
}

static uintptr_t heap_end(const fixture *f)
{
    return (uintptr_t)f->st->heap_end;
}

/* The free list as an array of header addresses (at most max entries). */
static size_t free_list(const fixture *f, uintptr_t *out, size_t max)
{
    size_t n = 0;
    for (uintptr_t b = (uintptr_t)f->st->free_head; b != 0 && n < max; b = links(b)->next)
        out[n++] = b;
    return n;
}

typedef struct {
    apg_block blocks[64];
    size_t count;
} walk_log;

static bool log_block(const apg_block *b, void *ctx)
{
    walk_log *w = ctx;
    if (w->count < 64)
        w->blocks[w->count] = *b;
    w->count++;
    return true;
}

static walk_log walk_of(const fixture *f)
{
    walk_log w;
    w.count = 0;
    ff->walk(f->heap, log_block, &w);
    return w;
}

static apg_stats stats_of(const fixture *f)
{
    apg_stats s;
    ff->stats(f->heap, &s);
    return s;
}

#define EXPECT_CHECK_OK(f)                                                                         \
    do {                                                                                           \
        apg_check_result r_ = ff->check((f).heap);                                                 \
        EXPECT(r_.ok);                                                                             \
        if (!r_.ok)                                                                                \
            fprintf(stderr, "    check: %s at %#lx\n", r_.problem, (unsigned long)r_.where);       \
    } while (0)

/* check() must fail, name the problem (a word of it) and say where. */
#define EXPECT_PROBLEM(f, word, at)                                                                \
    do {                                                                                           \
        apg_check_result r_ = ff->check((f).heap);                                                 \
        EXPECT(!r_.ok);                                                                            \
        if (!r_.ok) {                                                                              \
            EXPECT(strstr(r_.problem, word) != NULL);                                              \
            EXPECT_EQ(r_.where, at);                                                               \
            if (strstr(r_.problem, word) == NULL)                                                  \
                fprintf(stderr, "    problem was: %s\n", r_.problem);                              \
        }                                                                                          \
    } while (0)

/* ---- init ---- */

static void test_init_too_small(void)
{
    unsigned char *mem = aligned_alloc(4096, 4096);
    EXPECT(ff->init(NULL, 4096) == NULL);
    EXPECT(ff->init(mem, 0) == NULL);
    EXPECT(ff->init(mem, 1) == NULL);
    /* state (48 with rounding) + one 32-byte block is the minimum */
    EXPECT(ff->init(mem, STATE_BYTES + 31) == NULL);
    EXPECT(ff->init(mem, STATE_BYTES + 32) != NULL);
    /* a region that starts 8 bytes off a 16-byte boundary loses those 8 */
    EXPECT(ff->init(mem + 8, 8 + STATE_BYTES + 31) == NULL);
    EXPECT(ff->init(mem + 8, 8 + STATE_BYTES + 32) != NULL);
    /* 4 GiB and more cannot be described by 32-bit sizes: refused, untouched */
    memset(mem, 0x5A, 4096);
    EXPECT(ff->init(mem, (size_t)1 << 32) == NULL);
    EXPECT(ff->init(mem, SIZE_MAX) == NULL);
    EXPECT(mem[0] == 0x5A && mem[100] == 0x5A);
    free(mem);
}

static void test_init_layout(void)
{
    fixture f = make_heap(HEAP_64K);
    EXPECT(f.heap == (void *)f.region);
    EXPECT_EQ(f.st->magic, APG_FF_MAGIC);
    EXPECT_EQ(f.st->heap_start, (uintptr_t)f.region + STATE_BYTES);
    EXPECT_EQ(f.st->heap_end, (uintptr_t)f.region + HEAP_64K);
    EXPECT_EQ(f.st->region_size, HEAP_64K);
    EXPECT_EQ(f.st->free_head, f.st->heap_start);
    uintptr_t b = heap_start(&f);
    EXPECT_EQ(hdr(b)->size_flags, HEAP_64K - STATE_BYTES); /* one free block */
    EXPECT_EQ(hdr(b)->prev_size, 0);
    EXPECT_EQ(hdr(b)->requested, 0);
    EXPECT_EQ(links(b)->next, 0);
    EXPECT_EQ(links(b)->prev, 0);
    apg_stats s = stats_of(&f);
    EXPECT_EQ(s.region_size, HEAP_64K);
    EXPECT_EQ(s.free_bytes, HEAP_64K - STATE_BYTES);
    EXPECT_EQ(s.overhead_bytes, STATE_BYTES);
    EXPECT_EQ(s.largest_free, HEAP_64K - STATE_BYTES - HDR);
    EXPECT_EQ(s.free_blocks, 1);
    EXPECT_EQ(s.used_blocks, 0);
    EXPECT_CHECK_OK(f);
    drop(&f);

    /* unaligned start and odd size: state at the next 16, the tail slack is overhead */
    f = make_heap_at(1000, 8);
    EXPECT(f.heap == (void *)(f.region + 8));
    EXPECT_EQ(f.st->heap_start, (uintptr_t)f.region + 8 + STATE_BYTES);
    EXPECT_EQ(f.st->heap_end, (uintptr_t)f.region + 1000); /* 1008 rounded down to 16 */
    s = stats_of(&f);
    EXPECT_EQ(s.region_size, 1000);
    EXPECT_EQ(s.used_bytes + s.free_bytes + s.overhead_bytes, 1000);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* ---- alloc ---- */

static void test_alloc_one_byte(void)
{
    fixture f = make_heap(HEAP_64K);
    unsigned char *p = ff->alloc(f.heap, 1, 16);
    uintptr_t b = heap_start(&f);
    EXPECT(p == (unsigned char *)(b + HDR));
    EXPECT_EQ(hdr(b)->size_flags, 32 | APG_FF_USED); /* the minimum block */
    EXPECT_EQ(hdr(b)->requested, 1);
    EXPECT_EQ(ff->usable_size(f.heap, p), 16);
    EXPECT_EQ(f.st->free_head, b + 32);
    EXPECT_EQ(hdr(b + 32)->prev_size, 32);
    EXPECT_EQ(bsize(b + 32), HEAP_64K - STATE_BYTES - 32);
    apg_stats s = stats_of(&f);
    EXPECT_EQ(s.used_blocks, 1);
    EXPECT_EQ(s.used_bytes, 32);
    EXPECT_EQ(s.requested_bytes, 1);
    EXPECT_CHECK_OK(f);
    /* alignment below 16 means 16 */
    unsigned char *q = ff->alloc(f.heap, 1, 1);
    EXPECT(q == p + 32);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_split(void)
{
    fixture f = make_heap(HEAP_64K);
    void *p = ff->alloc(f.heap, 100, 16); /* 100 + 16 -> 128 */
    uintptr_t b = block_of(p);
    EXPECT_EQ(bsize(b), 128);
    EXPECT(bused(b));
    uintptr_t rest = b + 128;
    EXPECT(!bused(rest));
    EXPECT_EQ(bsize(rest), HEAP_64K - STATE_BYTES - 128);
    EXPECT_EQ(hdr(rest)->prev_size, 128);
    EXPECT_EQ(f.st->free_head, rest);
    walk_log w = walk_of(&f);
    EXPECT_EQ(w.count, 2);
    EXPECT_EQ(w.blocks[0].start, b);
    EXPECT_EQ(w.blocks[0].span, 128);
    EXPECT_EQ(w.blocks[0].payload, (uintptr_t)p);
    EXPECT_EQ(w.blocks[0].usable, 112);
    EXPECT_EQ(w.blocks[0].requested, 100);
    EXPECT_EQ(w.blocks[0].status, APG_BLOCK_USED);
    EXPECT_EQ(w.blocks[1].start, rest);
    EXPECT_EQ(w.blocks[1].requested, 0);
    EXPECT_EQ(w.blocks[1].status, APG_BLOCK_FREE);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_exact_fit(void)
{
    /* the whole heap in one request */
    fixture f = make_heap(HEAP_64K);
    size_t largest = stats_of(&f).largest_free;
    void *all = ff->alloc(f.heap, largest, 16);
    EXPECT(all != NULL);
    EXPECT_EQ(bsize(block_of(all)), HEAP_64K - STATE_BYTES);
    EXPECT_EQ(f.st->free_head, 0);
    EXPECT_EQ(stats_of(&f).free_blocks, 0);
    EXPECT_EQ(stats_of(&f).largest_free, 0);
    EXPECT(ff->alloc(f.heap, 1, 16) == NULL);
    EXPECT_CHECK_OK(f);
    ff->free(f.heap, all);
    EXPECT_EQ(stats_of(&f).largest_free, largest);
    drop(&f);

    /* a hole between two used blocks, filled exactly */
    f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 16, 16);
    void *hole = ff->alloc(f.heap, 200, 16); /* 224-byte block */
    void *c = ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, hole);
    void *again = ff->alloc(f.heap, 208, 16); /* 208 + 16 = 224: exact */
    EXPECT(again == hole);
    EXPECT_EQ(bsize(block_of(again)), 224);
    EXPECT_EQ(f.st->free_head, block_of(c) + 32); /* only the tail is free */
    EXPECT_CHECK_OK(f);
    (void)a;
    drop(&f);
}

static void test_no_split_small_remainder(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 48, 16); /* 64-byte block */
    void *guard = ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, a);
    /* 32 + 16 = 48 leaves 16: too small for a free block, so the block keeps it */
    void *p = ff->alloc(f.heap, 32, 16);
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 64);
    EXPECT_EQ(hdr(block_of(p))->requested, 32);
    EXPECT_EQ(ff->usable_size(f.heap, p), 48);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 64);
    EXPECT_CHECK_OK(f);
    ff->free(f.heap, p);
    /* 16 + 16 = 32 leaves 32: exactly a minimum free block, so it splits */
    p = ff->alloc(f.heap, 16, 16);
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 32);
    EXPECT(!bused(block_of(p) + 32));
    EXPECT_EQ(bsize(block_of(p) + 32), 32);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 32);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_first_fit_order(void)
{
    /* two holes that both fit: the lower one wins even though it is bigger */
    fixture f = make_heap(HEAP_64K);
    void *big = ff->alloc(f.heap, 400, 16);
    void *g1 = ff->alloc(f.heap, 16, 16);
    void *small = ff->alloc(f.heap, 100, 16);
    void *g2 = ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, big);
    ff->free(f.heap, small);
    EXPECT(ff->alloc(f.heap, 100, 16) == big);
    /* what is left of the first hole (288) still comes first when it fits... */
    EXPECT(ff->alloc(f.heap, 250, 16) == (void *)(block_of(big) + 128 + HDR));
    /* ...and a request no hole can hold goes past both to the tail */
    EXPECT(ff->alloc(f.heap, 300, 16) == (void *)(block_of(g2) + 32 + HDR));
    EXPECT_EQ(f.st->free_head, block_of(small));
    EXPECT_CHECK_OK(f);
    (void)g1;
    drop(&f);
}

/* ---- free and coalescing ---- */

static void test_coalesce_prev(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 48, 16);
    void *b = ff->alloc(f.heap, 48, 16);
    void *guard = ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, a);
    ff->free(f.heap, b); /* b merges into a */
    uintptr_t ab = block_of(a);
    EXPECT(!bused(ab));
    EXPECT_EQ(bsize(ab), 128);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 128);
    uintptr_t list[8];
    EXPECT_EQ(free_list(&f, list, 8), 2);
    EXPECT_EQ(list[0], ab);
    EXPECT_EQ(ff->validate(f.heap, b), APG_PTR_NOT_ALLOCATED);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_coalesce_next(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 48, 16);
    void *b = ff->alloc(f.heap, 48, 16);
    void *guard = ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, b);
    ff->free(f.heap, a); /* a swallows b and takes its place in the list */
    uintptr_t ab = block_of(a);
    EXPECT(!bused(ab));
    EXPECT_EQ(bsize(ab), 128);
    EXPECT_EQ(hdr(ab)->requested, 0);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 128);
    uintptr_t list[8];
    EXPECT_EQ(free_list(&f, list, 8), 2);
    EXPECT_EQ(list[0], ab);
    EXPECT_EQ(links(list[1])->prev, ab);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_coalesce_both(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 48, 16);
    void *b = ff->alloc(f.heap, 48, 16);
    void *c = ff->alloc(f.heap, 48, 16);
    void *guard = ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, a);
    ff->free(f.heap, c);
    uintptr_t list[8];
    EXPECT_EQ(free_list(&f, list, 8), 3);
    ff->free(f.heap, b); /* a + b + c */
    EXPECT_EQ(free_list(&f, list, 8), 2);
    EXPECT_EQ(list[0], block_of(a));
    EXPECT_EQ(bsize(block_of(a)), 192);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 192);
    EXPECT_EQ(links(list[1])->prev, block_of(a));
    EXPECT_CHECK_OK(f);
    /* and the last block merges with the big free tail: back to one block */
    ff->free(f.heap, guard);
    EXPECT_EQ(free_list(&f, list, 8), 1);
    EXPECT_EQ(bsize(heap_start(&f)), HEAP_64K - STATE_BYTES);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_free_list_order(void)
{
    fixture f = make_heap(HEAP_64K);
    void *p[8];
    for (int i = 0; i < 8; i++) {
        p[i] = ff->alloc(f.heap, 32, 16);
        ff->alloc(f.heap, 16, 16); /* a used guard after each: no coalescing */
    }
    int order[] = {5, 1, 7, 3, 0};
    for (int i = 0; i < 5; i++)
        ff->free(f.heap, p[order[i]]);
    uintptr_t list[16];
    size_t n = free_list(&f, list, 16);
    EXPECT_EQ(n, 6); /* five holes and the tail */
    uintptr_t want[] = {block_of(p[0]), block_of(p[1]), block_of(p[3]), block_of(p[5]),
                        block_of(p[7])};
    for (size_t i = 0; i < 5 && i < n; i++)
        EXPECT_EQ(list[i], want[i]);
    for (size_t i = 1; i < n; i++) {
        EXPECT(list[i] > list[i - 1]);
        EXPECT_EQ(links(list[i])->prev, list[i - 1]);
    }
    EXPECT_EQ(links(list[0])->prev, 0);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_free_everything_restores_init(void)
{
    fixture f = make_heap(HEAP_64K);
    apg_stats before = stats_of(&f);
    void *p[40];
    for (int i = 0; i < 40; i++)
        p[i] = ff->alloc(f.heap, (size_t)(i * 37 % 300) + 1, (size_t)1 << (i % 8));
    for (int i = 0; i < 40; i += 2)
        ff->free(f.heap, p[i]);
    for (int i = 39; i > 0; i -= 2)
        ff->free(f.heap, p[i]);
    apg_stats after = stats_of(&f);
    EXPECT_EQ(after.free_bytes, before.free_bytes);
    EXPECT_EQ(after.largest_free, before.largest_free);
    EXPECT_EQ(after.free_blocks, 1);
    EXPECT_EQ(after.used_blocks, 0);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* ---- alignment ---- */

static void test_alignment_all_powers(void)
{
    for (size_t align = 1; align <= 4096; align *= 2) {
        fixture f = make_heap(HEAP_64K);
        void *first = ff->alloc(f.heap, 1, 16); /* shift the free block off any boundary */
        void *p = ff->alloc(f.heap, 24, align);
        size_t want = align < 16 ? 16 : align;
        EXPECT(p != NULL);
        EXPECT_EQ((uintptr_t)p % want, 0);
        uintptr_t b = block_of(p);
        uintptr_t gap_start = block_of(first) + 32;
        if (b != gap_start) { /* a leading gap must be a free block of its own */
            EXPECT(!bused(gap_start));
            EXPECT(bsize(gap_start) >= 32);
            EXPECT_EQ(gap_start + bsize(gap_start), b);
            EXPECT_EQ(hdr(b)->prev_size, bsize(gap_start));
        }
        EXPECT_EQ(bsize(b), 48); /* the tail was split off as usual */
        EXPECT(ff->validate(f.heap, p) == APG_PTR_OK);
        EXPECT_CHECK_OK(f);
        ff->free(f.heap, p);
        ff->free(f.heap, first);
        EXPECT_EQ(stats_of(&f).free_blocks, 1);
        EXPECT_CHECK_OK(f);
        drop(&f);
    }
}

static void test_alignment_gap_too_small_moves_on(void)
{
    /* heap_start = region + 48; a 48-byte block makes the free block start at
     * region + 96, a multiple of 32 whose payload (+16) is not: the natural gap
     * would be 16 bytes, too small for a free block, so the payload moves one
     * more alignment step and leaves a 48-byte free gap. */
    fixture f = make_heap(HEAP_64K);
    void *first = ff->alloc(f.heap, 32, 16);
    uintptr_t free_block = block_of(first) + 48;
    EXPECT_EQ(free_block, (uintptr_t)f.region + 96);
    void *p = ff->alloc(f.heap, 16, 32);
    EXPECT(p == (void *)(f.region + 160));
    EXPECT(!bused(free_block));
    EXPECT_EQ(bsize(free_block), 48);
    EXPECT_EQ(hdr(block_of(p))->prev_size, 48);
    EXPECT_EQ(f.st->free_head, free_block);
    EXPECT_EQ(links(free_block)->next, block_of(p) + 32);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_alignment_skips_block_without_room(void)
{
    /* a 64-byte hole cannot host a 4096-aligned payload: it goes further up */
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 48, 16);
    ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, a);
    void *p = ff->alloc(f.heap, 16, 4096);
    EXPECT(p != NULL);
    EXPECT_EQ((uintptr_t)p % 4096, 0);
    EXPECT((uintptr_t)p > (uintptr_t)a + 64);
    EXPECT_EQ(f.st->free_head, block_of(a)); /* the hole is untouched */
    EXPECT_EQ(bsize(block_of(a)), 64);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* ---- impossible requests change nothing ---- */

static void test_impossible_requests(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 300, 16);
    ff->alloc(f.heap, 20, 16);
    ff->free(f.heap, a);
    unsigned char *snapshot = malloc(f.size);
    memcpy(snapshot, f.region, f.size);
    size_t largest = stats_of(&f).largest_free;
    size_t heap_bytes = heap_end(&f) - heap_start(&f);
    EXPECT(ff->alloc(f.heap, SIZE_MAX, 16) == NULL);
    EXPECT(ff->alloc(f.heap, SIZE_MAX, 4096) == NULL);
    EXPECT(ff->alloc(f.heap, SIZE_MAX - 4095, 4096) == NULL);
    EXPECT(ff->alloc(f.heap, SIZE_MAX - 15, 16) == NULL);
    EXPECT(ff->alloc(f.heap, (size_t)1 << 32, 16) == NULL);
    EXPECT(ff->alloc(f.heap, f.size + 1, 16) == NULL);
    EXPECT(ff->alloc(f.heap, heap_bytes, 16) == NULL);
    EXPECT(ff->alloc(f.heap, largest + 1, 16) == NULL);
    EXPECT(ff->alloc(f.heap, largest - 100, 4096) == NULL);
    EXPECT(ff->alloc(f.heap, 0, 16) == NULL);
    EXPECT(memcmp(snapshot, f.region, f.size) == 0);
    /* and the largest request does succeed */
    EXPECT(ff->alloc(f.heap, largest, 16) != NULL);
    EXPECT_CHECK_OK(f);
    free(snapshot);
    drop(&f);
}

/* ---- realloc ---- */

static void fill(void *p, size_t n, unsigned char seed)
{
    unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        c[i] = (unsigned char)(seed + i * 7);
}

static bool same(const void *p, size_t n, unsigned char seed)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        if (c[i] != (unsigned char)(seed + i * 7))
            return false;
    }
    return true;
}

static void test_realloc_grow_in_place(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 48, 16);     /* 64 */
    void *b = ff->alloc(f.heap, 200, 16);    /* 224 */
    void *guard = ff->alloc(f.heap, 16, 16); /* 32 */
    fill(a, 48, 1);
    ff->free(f.heap, b);
    /* 64 + 224 available; 150 + 16 -> 176 leaves 112 as a free block */
    void *p = ff->realloc(f.heap, a, 150);
    EXPECT(p == a);
    EXPECT(same(p, 48, 1));
    EXPECT_EQ(bsize(block_of(p)), 176);
    EXPECT_EQ(hdr(block_of(p))->requested, 150);
    uintptr_t tail = block_of(p) + 176;
    EXPECT(!bused(tail));
    EXPECT_EQ(bsize(tail), 112);
    EXPECT_EQ(hdr(tail)->prev_size, 176);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 112);
    EXPECT_EQ(f.st->free_head, tail);
    EXPECT_CHECK_OK(f);
    /* growing by all of the neighbour but less than 32 short: takes it whole */
    p = ff->realloc(f.heap, p, 176 + 112 - 16 - 20);
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 288);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 288);
    EXPECT(f.st->free_head > block_of(guard));
    EXPECT(same(p, 48, 1));
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_realloc_grow_by_moving(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 100, 16);
    void *b = ff->alloc(f.heap, 100, 16);
    fill(a, 100, 3);
    void *p = ff->realloc(f.heap, a, 1000);
    EXPECT(p != NULL && p != a);
    EXPECT(same(p, 100, 3));
    EXPECT_EQ(hdr(block_of(p))->requested, 1000);
    EXPECT_EQ(ff->validate(f.heap, a), APG_PTR_NOT_ALLOCATED); /* the old block is free */
    EXPECT(!bused(block_of(a)));
    EXPECT_CHECK_OK(f);
    (void)b;
    drop(&f);
}

static void test_realloc_shrink_in_place(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 1000, 16); /* 1024 */
    void *guard = ff->alloc(f.heap, 16, 16);
    fill(a, 1000, 5);
    /* shrinking by less than a minimum block (next is used) keeps the slack */
    void *p = ff->realloc(f.heap, a, 990);
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 1024);
    EXPECT_EQ(hdr(block_of(p))->requested, 990);
    EXPECT_EQ(ff->usable_size(f.heap, p), 1008);
    p = ff->realloc(f.heap, a, 100); /* 128, tail of 896 split off */
    EXPECT(p == a);
    EXPECT(same(p, 100, 5));
    EXPECT_EQ(bsize(block_of(p)), 128);
    uintptr_t tail = block_of(p) + 128;
    EXPECT(!bused(tail));
    EXPECT_EQ(bsize(tail), 896);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 896);
    EXPECT_EQ(f.st->free_head, tail);
    EXPECT_CHECK_OK(f);
    /* the split-off tail merges with a free neighbour: shrink again */
    p = ff->realloc(f.heap, p, 40); /* 64: tail 64 + the free 896 */
    EXPECT_EQ(bsize(block_of(p)), 64);
    EXPECT_EQ(bsize(block_of(p) + 64), 960);
    EXPECT_EQ(hdr(block_of(guard))->prev_size, 960);
    EXPECT(same(p, 40, 5));
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_realloc_shrink_gives_slack_to_free_neighbour(void)
{
    fixture f = make_heap(HEAP_64K);
    void *a = ff->alloc(f.heap, 48, 16); /* 64 */
    void *b = ff->alloc(f.heap, 48, 16); /* 64 */
    ff->alloc(f.heap, 16, 16);
    ff->free(f.heap, b);
    /* 64 -> 48 frees only 16 bytes, but the free neighbour takes them */
    void *p = ff->realloc(f.heap, a, 20);
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 48);
    EXPECT_EQ(bsize(block_of(p) + 48), 80);
    EXPECT_EQ(f.st->free_head, block_of(p) + 48);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_realloc_failure_changes_nothing(void)
{
    fixture f = make_heap(4096);
    void *a = ff->alloc(f.heap, 1000, 16);
    void *b = ff->alloc(f.heap, 1000, 16);
    fill(a, 1000, 9);
    unsigned char *snapshot = malloc(f.size);
    memcpy(snapshot, f.region, f.size);
    EXPECT(ff->realloc(f.heap, a, 3000) == NULL); /* no room anywhere */
    EXPECT(ff->realloc(f.heap, a, SIZE_MAX) == NULL);
    EXPECT(ff->realloc(f.heap, a, SIZE_MAX - 15) == NULL);
    EXPECT(ff->realloc(f.heap, a, 0) == NULL);
    EXPECT(memcmp(snapshot, f.region, f.size) == 0);
    EXPECT(same(a, 1000, 9));
    EXPECT_EQ(ff->validate(f.heap, a), APG_PTR_OK);
    EXPECT_CHECK_OK(f);
    free(snapshot);
    (void)b;
    drop(&f);
}

/* ---- validate ---- */

static void test_validate(void)
{
    fixture f = make_heap(HEAP_64K);
    unsigned char *a = ff->alloc(f.heap, 100, 16);
    unsigned char *b = ff->alloc(f.heap, 100, 16);
    unsigned char *c = ff->alloc(f.heap, 100, 16);
    EXPECT_EQ(ff->validate(f.heap, a), APG_PTR_OK);
    EXPECT_EQ(ff->validate(f.heap, b), APG_PTR_OK);
    /* outside the blocks: the state, before the region, past the end, NULL */
    EXPECT_EQ(ff->validate(f.heap, f.region), APG_PTR_OUTSIDE);
    EXPECT_EQ(ff->validate(f.heap, (void *)((uintptr_t)f.region - 4096)), APG_PTR_OUTSIDE);
    EXPECT_EQ(ff->validate(f.heap, f.region + HEAP_64K), APG_PTR_OUTSIDE);
    EXPECT_EQ(ff->validate(f.heap, NULL), APG_PTR_OUTSIDE);
    /* misaligned */
    EXPECT_EQ(ff->validate(f.heap, a + 1), APG_PTR_MISALIGNED);
    EXPECT_EQ(ff->validate(f.heap, a + 8), APG_PTR_MISALIGNED);
    /* inside a used block: its header, its payload */
    EXPECT_EQ(ff->validate(f.heap, a - 16), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(ff->validate(f.heap, a + 16), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(ff->validate(f.heap, a + 96), APG_PTR_INSIDE_BLOCK);
    /* a fake header inside a payload does not fool it */
    struct apg_ff_block fake = {64 | APG_FF_USED, 0, 10};
    memcpy(a + 16, &fake, sizeof fake);
    EXPECT_EQ(ff->validate(f.heap, a + 32), APG_PTR_INSIDE_BLOCK);
    /* in free memory: never allocated, the free tail */
    EXPECT_EQ(ff->validate(f.heap, c + 128), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(ff->validate(f.heap, c + 4096), APG_PTR_NOT_ALLOCATED);
    /* double free: the block is free now */
    ff->free(f.heap, b);
    EXPECT_EQ(ff->validate(f.heap, b), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(ff->validate(f.heap, b + 32), APG_PTR_NOT_ALLOCATED);
    /* ...and after it merged into its neighbour */
    ff->free(f.heap, a);
    EXPECT_EQ(ff->validate(f.heap, b), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(ff->validate(f.heap, a), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(ff->validate(f.heap, c), APG_PTR_OK);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* ---- check finds corruption ---- */

typedef struct {
    fixture f;
    unsigned char *a, *b, *c, *d; /* used: a, c, d; free: b (and the tail) */
} scene;

static scene make_scene(void)
{
    scene s;
    s.f = make_heap(HEAP_64K);
    s.a = ff->alloc(s.f.heap, 48, 16);
    s.b = ff->alloc(s.f.heap, 48, 16);
    s.c = ff->alloc(s.f.heap, 48, 16);
    s.d = ff->alloc(s.f.heap, 48, 16);
    memset(s.a, 0, 48);
    memset(s.c, 0, 48);
    memset(s.d, 0, 48);
    ff->free(s.f.heap, s.b);
    return s;
}

/* A broken heap must not crash or hang the read-only operations either. */
static void survive(const fixture *f, const void *p)
{
    apg_stats s;
    ff->stats(f->heap, &s);
    walk_log w = walk_of(f);
    (void)ff->validate(f->heap, p);
    EXPECT(w.count < 5000);
}

static void test_check_bad_magic(void)
{
    scene s = make_scene();
    s.f.st->magic ^= 1;
    EXPECT_PROBLEM(s.f, "magic", (uintptr_t)s.f.heap);
    s.f.st->magic ^= 1;
    EXPECT_CHECK_OK(s.f);
    s.f.st->heap_end += 16;
    EXPECT_PROBLEM(s.f, "bounds", (uintptr_t)s.f.heap);
    drop(&s.f);
}

static void test_check_scribbled_size(void)
{
    scene s = make_scene();
    uintptr_t c = block_of(s.c);
    uint64_t saved = hdr(c)->size_flags;
    /* an overflow from b's payload writes text over c's size */
    hdr(c)->size_flags = 0x4141414141414141ull;
    EXPECT_PROBLEM(s.f, "past the heap end", c);
    survive(&s.f, s.d);
    /* a size 16 too big makes the next header land in d's (zeroed) payload */
    hdr(c)->size_flags = saved + 16;
    EXPECT_PROBLEM(s.f, "minimum", block_of(s.d) + 16);
    survive(&s.f, s.d);
    hdr(c)->size_flags = 0 | APG_FF_USED;
    EXPECT_PROBLEM(s.f, "minimum", c);
    survive(&s.f, s.d);
    hdr(c)->size_flags = saved | 0x4;
    EXPECT_PROBLEM(s.f, "flag", c);
    hdr(c)->size_flags = saved;
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

static void test_check_broken_free_links(void)
{
    scene s = make_scene();
    uintptr_t b = block_of(s.b), tail = block_of(s.d) + 64;
    EXPECT_EQ(links(b)->next, tail);
    /* next points at a used block */
    links(b)->next = block_of(s.c);
    EXPECT_PROBLEM(s.f, "not a free block", block_of(s.c));
    survive(&s.f, s.d);
    /* next points back at itself: a cycle, found without looping */
    links(b)->next = b;
    EXPECT_PROBLEM(s.f, "order", b);
    /* next skips the tail: the tail is missing from the list */
    links(b)->next = 0;
    EXPECT_PROBLEM(s.f, "missing", tail);
    links(b)->next = tail;
    /* a wrong prev link */
    links(tail)->prev = block_of(s.a);
    EXPECT_PROBLEM(s.f, "prev link", tail);
    links(tail)->prev = b;
    /* the head does not point at the first free block */
    s.f.st->free_head = tail;
    EXPECT_PROBLEM(s.f, "missing", b);
    s.f.st->free_head = b;
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

static void test_check_cleared_used_bit(void)
{
    scene s = make_scene();
    uintptr_t c = block_of(s.c);
    hdr(c)->size_flags &= ~(uint64_t)APG_FF_USED;
    EXPECT_PROBLEM(s.f, "requested", c);
    hdr(c)->requested = 0; /* now it looks free, but it is b's neighbour and not listed */
    EXPECT_PROBLEM(s.f, "adjacent", c);
    /* a used block marked free with used neighbours: missing from the list */
    uintptr_t a = block_of(s.a);
    hdr(c)->size_flags |= APG_FF_USED;
    hdr(c)->requested = 48;
    hdr(a)->size_flags &= ~(uint64_t)APG_FF_USED;
    hdr(a)->requested = 0;
    EXPECT_PROBLEM(s.f, "missing", a);
    hdr(a)->size_flags |= APG_FF_USED;
    hdr(a)->requested = 48;
    EXPECT_CHECK_OK(s.f);
    /* requested larger than the payload */
    hdr(a)->requested = 49;
    EXPECT_PROBLEM(s.f, "requested", a);
    hdr(a)->requested = 48;
    drop(&s.f);
}

static void test_check_broken_prev_size(void)
{
    scene s = make_scene();
    uintptr_t c = block_of(s.c);
    hdr(c)->prev_size = 32;
    EXPECT_PROBLEM(s.f, "prev_size", c);
    hdr(c)->prev_size = 64;
    hdr(heap_start(&s.f))->prev_size = 64;
    EXPECT_PROBLEM(s.f, "prev_size", heap_start(&s.f));
    hdr(heap_start(&s.f))->prev_size = 0;
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

/* ---- misc ---- */

static void test_two_heaps_are_independent(void)
{
    fixture f = make_heap(8192), g = make_heap(8192);
    void *p = ff->alloc(f.heap, 100, 16);
    void *q = ff->alloc(g.heap, 200, 16);
    EXPECT((unsigned char *)p >= f.region && (unsigned char *)p < f.region + 8192);
    EXPECT((unsigned char *)q >= g.region && (unsigned char *)q < g.region + 8192);
    EXPECT_EQ(ff->validate(f.heap, q), APG_PTR_OUTSIDE);
    EXPECT_EQ(stats_of(&f).requested_bytes, 100);
    EXPECT_EQ(stats_of(&g).requested_bytes, 200);
    ff->free(f.heap, p);
    EXPECT_EQ(stats_of(&g).used_blocks, 1);
    EXPECT_CHECK_OK(f);
    EXPECT_CHECK_OK(g);
    drop(&f);
    drop(&g);
}

static bool stop_after_two(const apg_block *b, void *ctx)
{
    (void)b;
    return ++*(int *)ctx < 2;
}

static void test_walk_stops_early(void)
{
    fixture f = make_heap(HEAP_64K);
    for (int i = 0; i < 5; i++)
        ff->alloc(f.heap, 10, 16);
    int seen = 0;
    ff->walk(f.heap, stop_after_two, &seen);
    EXPECT_EQ(seen, 2);
    drop(&f);
}

int main(void)
{
    RUN(test_init_too_small);
    RUN(test_init_layout);
    RUN(test_alloc_one_byte);
    RUN(test_split);
    RUN(test_exact_fit);
    RUN(test_no_split_small_remainder);
    RUN(test_first_fit_order);
    RUN(test_coalesce_prev);
    RUN(test_coalesce_next);
    RUN(test_coalesce_both);
    RUN(test_free_list_order);
    RUN(test_free_everything_restores_init);
    RUN(test_alignment_all_powers);
    RUN(test_alignment_gap_too_small_moves_on);
    RUN(test_alignment_skips_block_without_room);
    RUN(test_impossible_requests);
    RUN(test_realloc_grow_in_place);
    RUN(test_realloc_grow_by_moving);
    RUN(test_realloc_shrink_in_place);
    RUN(test_realloc_shrink_gives_slack_to_free_neighbour);
    RUN(test_realloc_failure_changes_nothing);
    RUN(test_validate);
    RUN(test_check_bad_magic);
    RUN(test_check_scribbled_size);
    RUN(test_check_broken_free_links);
    RUN(test_check_cleared_used_bit);
    RUN(test_check_broken_prev_size);
    RUN(test_two_heaps_are_independent);
    RUN(test_walk_stops_early);
    return UNIT_EXIT();
}
