/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the TLSF allocator (alloc/tlsf.c).
 *
 * The tests drive the allocator through its ops table and inspect the heap
 * through the byte layouts of include/heap_abi.h, exactly as the web panel
 * does: list heads, bitmaps, prev_phys and the flags. Regions are 4 KiB
 * aligned unless a test says otherwise.
 */
#include "allocator.h"
#include "heap_abi.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const apg_allocator *const tl = &apg_tlsf;

#define HDR 16u
/* sizeof(struct apg_tlsf_state) rounded up to 16 */
#define STATE_BYTES ((sizeof(struct apg_tlsf_state) + 15u) & ~(size_t)15u)
#define HEAP_1M ((size_t)1 << 20)

/* ---- fixture ---- */

typedef struct {
    unsigned char *mem; /* what aligned_alloc returned */
    unsigned char *region;
    size_t size;
    void *heap;
    struct apg_tlsf_state *st;
} fixture;

static fixture make_heap_at(size_t size, size_t offset)
{
    fixture f;
    size_t bytes = (size + offset + 4095) & ~(size_t)4095;
    f.mem = aligned_alloc(4096, bytes);
    memset(f.mem, 0xA5, bytes);
    f.region = f.mem + offset;
    f.size = size;
    f.heap = tl->init(f.region, size);
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

static struct apg_tlsf_block *hdr(uintptr_t block)
{
    return (struct apg_tlsf_block *)block;
}

static uintptr_t block_of(const void *payload)
{
    return (uintptr_t)payload - HDR;
}

static size_t bsize(uintptr_t block)
{
    return hdr(block)->size_flags & APG_TLSF_SIZE_MASK;
}

static bool bfree(uintptr_t block)
{
    return (hdr(block)->size_flags & APG_TLSF_FREE) != 0;
}

static bool bprev_free(uintptr_t block)
{
    return (hdr(block)->size_flags & APG_TLSF_PREV_FREE) != 0;
}

static struct apg_tlsf_free_links *links(uintptr_t block)
{
    return (struct apg_tlsf_free_links *)(block + HDR);
}

static uintptr_t heap_start(const fixture *f)
{
    return (uintptr_t)f->st->heap_start;
}

static apg_stats stats_of(const fixture *f)
{
    apg_stats s;
    tl->stats(f->heap, &s);
    return s;
}

/* number of set bits over all sl bitmaps */
static int sl_bits(const fixture *f)
{
    int n = 0;
    for (unsigned fl = 0; fl < APG_TLSF_FL_COUNT; fl++)
        n += __builtin_popcount(f->st->sl_bitmap[fl]);
    return n;
}

#define EXPECT_CHECK_OK(f)                                                                         \
    do {                                                                                           \
        apg_check_result r_ = tl->check((f).heap);                                                 \
        EXPECT(r_.ok);                                                                             \
        if (!r_.ok)                                                                                \
            fprintf(stderr, "    check: %s at %#lx\n", r_.problem, (unsigned long)r_.where);       \
    } while (0)

/* check() must fail, name the problem (a word of it) and say where. */
#define EXPECT_PROBLEM(f, word, at)                                                                \
    do {                                                                                           \
        apg_check_result r_ = tl->check((f).heap);                                                 \
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
    unsigned char *mem = aligned_alloc(4096, 8192);
    EXPECT(tl->init(NULL, 8192) == NULL);
    EXPECT(tl->init(mem, 0) == NULL);
    EXPECT(tl->init(mem, 100) == NULL);
    EXPECT(tl->init(mem, STATE_BYTES + 31) == NULL);
    EXPECT(tl->init(mem, STATE_BYTES + 32) != NULL);
    EXPECT(tl->init(mem + 4, 4 + STATE_BYTES + 31) == NULL);
    EXPECT(tl->init(mem + 4, 12 + STATE_BYTES + 32) != NULL);
    memset(mem, 0x5A, 8192);
    EXPECT(tl->init(mem, (size_t)1 << 32) == NULL);
    EXPECT(tl->init(mem, SIZE_MAX) == NULL);
    EXPECT(mem[0] == 0x5A && mem[5000] == 0x5A);
    free(mem);
}

static void test_init_layout(void)
{
    fixture f = make_heap(HEAP_1M);
    EXPECT(f.heap == (void *)f.region);
    EXPECT_EQ(f.st->magic, APG_TLSF_MAGIC);
    EXPECT_EQ(f.st->heap_start, (uintptr_t)f.region + STATE_BYTES);
    EXPECT_EQ(f.st->heap_end, (uintptr_t)f.region + HEAP_1M);
    EXPECT_EQ(f.st->region_size, HEAP_1M);
    uintptr_t b = heap_start(&f);
    size_t size = HEAP_1M - STATE_BYTES; /* 1044656: log2 19, fl 12, sixteenths of 32 KiB */
    EXPECT_EQ(hdr(b)->size_flags, size | APG_TLSF_FREE);
    EXPECT_EQ(hdr(b)->prev_phys, 0);
    EXPECT_EQ(hdr(b)->requested, 0);
    unsigned sl = (unsigned)((size - (1u << 19)) / (1u << 15));
    EXPECT_EQ(f.st->fl_bitmap, 1u << 12);
    EXPECT_EQ(f.st->sl_bitmap[12], 1u << sl);
    EXPECT_EQ(sl_bits(&f), 1);
    EXPECT_EQ(f.st->heads[12][sl], b);
    EXPECT_EQ(links(b)->next, 0);
    EXPECT_EQ(links(b)->prev, 0);
    apg_stats s = stats_of(&f);
    EXPECT_EQ(s.region_size, HEAP_1M);
    EXPECT_EQ(s.free_bytes, size);
    EXPECT_EQ(s.overhead_bytes, STATE_BYTES);
    EXPECT_EQ(s.free_blocks, 1);
    EXPECT_EQ(s.largest_free, size - HDR);
    EXPECT_CHECK_OK(f);
    drop(&f);

    f = make_heap_at(10000, 8);
    EXPECT(f.heap == (void *)(f.region + 8));
    EXPECT_EQ(f.st->heap_start, (uintptr_t)f.region + 8 + STATE_BYTES);
    EXPECT_EQ(f.st->heap_end, (uintptr_t)f.region + 10000 - 8); /* 10008 & ~15 = 10000 from mem */
    s = stats_of(&f);
    EXPECT_EQ(s.used_bytes + s.free_bytes + s.overhead_bytes, 10000);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* ---- the mapping function and the bitmaps ---- */

/* A free block of exactly `size` bytes with used neighbours, in a 1 MiB heap
 * whose big free tail sits in a much higher class. */
static void *isolated_free_block(fixture *f, size_t size)
{
    void *p = tl->alloc(f->heap, size - HDR, 16);
    tl->alloc(f->heap, 16, 16); /* guard */
    tl->free(f->heap, p);
    return p;
}

static void test_mapping_values(void)
{
    static const struct {
        size_t size;
        unsigned fl, sl;
    } table[] = {
        {32, 0, 2},   {48, 0, 3},   {240, 0, 15},  {256, 1, 0},    {272, 1, 1},     {496, 1, 15},
        {512, 2, 0},  {528, 2, 0},  {544, 2, 1},   {1008, 2, 15},  {1024, 3, 0},    {1088, 3, 1},
        {4096, 5, 0}, {6000, 5, 7}, {65536, 9, 0}, {100000, 9, 8}, {131056, 9, 15},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        fixture f = make_heap(HEAP_1M);
        uintptr_t b = block_of(isolated_free_block(&f, table[i].size));
        unsigned fl = table[i].fl, sl = table[i].sl;
        EXPECT_EQ(bsize(b), table[i].size);
        EXPECT_EQ(f.st->heads[fl][sl], b);
        EXPECT(f.st->fl_bitmap & (1u << fl));
        EXPECT_EQ(f.st->sl_bitmap[fl], 1u << sl);
        EXPECT_EQ(sl_bits(&f), 2); /* this block's list and the tail's */
        if (f.st->heads[fl][sl] != b)
            fprintf(stderr, "    size %zu is not in list (%u, %u)\n", table[i].size, fl, sl);
        EXPECT_CHECK_OK(f);
        drop(&f);
    }
}

static void test_bitmaps_follow_lists(void)
{
    fixture f = make_heap(HEAP_1M);
    void *a = tl->alloc(f.heap, 48, 16); /* 64: class (0, 4) */
    void *g1 = tl->alloc(f.heap, 16, 16);
    void *b = tl->alloc(f.heap, 48, 16); /* another 64 */
    void *g2 = tl->alloc(f.heap, 16, 16);
    EXPECT_EQ(f.st->sl_bitmap[0], 0);
    tl->free(f.heap, a);
    EXPECT_EQ(f.st->sl_bitmap[0], 1u << 4);
    EXPECT(f.st->fl_bitmap & 1u);
    tl->free(f.heap, b); /* LIFO: b is the new head */
    EXPECT_EQ(f.st->heads[0][4], block_of(b));
    EXPECT_EQ(links(block_of(b))->next, block_of(a));
    EXPECT_EQ(links(block_of(a))->prev, block_of(b));
    EXPECT_EQ(links(block_of(b))->prev, 0);
    EXPECT_EQ(links(block_of(a))->next, 0);
    /* taking both back empties the list and clears both bits */
    EXPECT(tl->alloc(f.heap, 48, 16) == b);
    EXPECT_EQ(f.st->heads[0][4], block_of(a));
    EXPECT_EQ(f.st->sl_bitmap[0], 1u << 4);
    EXPECT(tl->alloc(f.heap, 48, 16) == a);
    EXPECT_EQ(f.st->heads[0][4], 0);
    EXPECT_EQ(f.st->sl_bitmap[0], 0);
    EXPECT_EQ(f.st->fl_bitmap & 1u, 0);
    EXPECT_CHECK_OK(f);
    (void)g1;
    (void)g2;
    drop(&f);

    /* the whole heap allocated: no bits at all */
    f = make_heap(STATE_BYTES + 4096);
    void *all = tl->alloc(f.heap, stats_of(&f).largest_free, 16);
    EXPECT(all != NULL);
    EXPECT_EQ(f.st->fl_bitmap, 0);
    EXPECT_EQ(sl_bits(&f), 0);
    EXPECT_EQ(stats_of(&f).largest_free, 0);
    if (all != NULL)
        tl->free(f.heap, all);
    EXPECT_EQ(sl_bits(&f), 1);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* A heap whose only free block is `size` bytes (size < 256 + a little). */
static fixture heap_with_only_free_block(size_t size, void **block)
{
    fixture f = make_heap(STATE_BYTES + size + 32);
    *block = tl->alloc(f.heap, size - HDR, 16);
    EXPECT(tl->alloc(f.heap, 16, 16) != NULL); /* the remaining 32 bytes */
    tl->free(f.heap, *block);
    EXPECT_EQ(stats_of(&f).free_blocks, 1);
    return f;
}

static void test_search_rounds_up(void)
{
    /* 560 is in class (2, 1) = [544, 576). */
    void *p;
    fixture f = heap_with_only_free_block(560, &p);
    EXPECT_EQ(f.st->heads[2][1], block_of(p));
    EXPECT_EQ(stats_of(&f).largest_free, 544);
    /* the head of the request's own list is looked at, and fits */
    void *q = tl->alloc(f.heap, 544, 16);
    EXPECT(q == p);
    EXPECT_EQ(bsize(block_of(q)), 560);
    tl->free(f.heap, q);
    /* a request 16 bigger is in the next class, which is empty */
    unsigned char *snapshot = malloc(f.size);
    memcpy(snapshot, f.region, f.size);
    EXPECT(tl->alloc(f.heap, 545, 16) == NULL);
    EXPECT(memcmp(snapshot, f.region, f.size) == 0);
    EXPECT_CHECK_OK(f);
    free(snapshot);
    drop(&f);

    /* Two blocks in (2, 1): 560, and 544 freed later, so 544 is the head. A
     * request needing 560 sees only the head, which is too small, and then
     * searches from (2, 2) up: it fails although the 560 block would fit,
     * because TLSF never walks a list. */
    f = make_heap(STATE_BYTES + 560 + 32 + 544 + 32);
    void *big = tl->alloc(f.heap, 544, 16);
    tl->alloc(f.heap, 16, 16);
    void *small = tl->alloc(f.heap, 528, 16);
    EXPECT(tl->alloc(f.heap, 16, 16) != NULL);
    tl->free(f.heap, big);
    tl->free(f.heap, small);
    EXPECT_EQ(f.st->heads[2][1], block_of(small));
    EXPECT_EQ(links(block_of(small))->next, block_of(big));
    EXPECT_EQ(stats_of(&f).largest_free, 528);
    EXPECT(tl->alloc(f.heap, 529, 16) == NULL);
    EXPECT(tl->alloc(f.heap, 528, 16) == small);
    EXPECT_EQ(stats_of(&f).largest_free, 544); /* now big is the head */
    EXPECT(tl->alloc(f.heap, 529, 16) == big);
    EXPECT_CHECK_OK(f);
    drop(&f);

    /* below 256 every class holds one size: exact fit, nothing to round */
    f = heap_with_only_free_block(240, &p);
    EXPECT_EQ(stats_of(&f).largest_free, 224);
    EXPECT(tl->alloc(f.heap, 225, 16) == NULL);
    EXPECT(tl->alloc(f.heap, 224, 16) == p);
    drop(&f);
}

static void test_good_fit_takes_smallest_suitable_class(void)
{
    fixture f = make_heap(HEAP_1M);
    void *small = tl->alloc(f.heap, 560 - HDR, 16); /* will be free in (2, 1) */
    tl->alloc(f.heap, 16, 16);
    void *mid = tl->alloc(f.heap, 1024 - HDR, 16); /* (3, 0) */
    tl->alloc(f.heap, 16, 16);
    void *big = tl->alloc(f.heap, 4096 - HDR, 16); /* (5, 0) */
    tl->alloc(f.heap, 16, 16);
    tl->free(f.heap, small);
    tl->free(f.heap, mid);
    tl->free(f.heap, big);
    /* needs 576, class (2, 2): empty. The smallest non-empty class above is
     * (3, 0), so mid is taken (not big) and split. */
    void *p = tl->alloc(f.heap, 545, 16);
    EXPECT(p == mid);
    EXPECT_EQ(bsize(block_of(p)), 576);
    uintptr_t rest = block_of(p) + 576;
    EXPECT(bfree(rest));
    EXPECT_EQ(bsize(rest), 448); /* split off and listed in (1, 12) */
    EXPECT_EQ(f.st->heads[1][12], rest);
    EXPECT_EQ(hdr(rest)->prev_phys, block_of(p));
    /* needs 32: the lowest non-empty list is (1, 12), 448 bytes */
    void *q = tl->alloc(f.heap, 16, 16);
    EXPECT(q == (void *)(rest + HDR));
    EXPECT_EQ(f.st->heads[2][1], block_of(small));
    EXPECT_EQ(f.st->heads[5][0], block_of(big));
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* ---- alloc, split, free, coalesce ---- */

static void test_alloc_one_byte(void)
{
    fixture f = make_heap(HEAP_1M);
    unsigned char *p = tl->alloc(f.heap, 1, 16);
    uintptr_t b = heap_start(&f);
    EXPECT(p == (unsigned char *)(b + HDR));
    EXPECT_EQ(hdr(b)->size_flags, 32); /* used, previous (none) not free */
    EXPECT_EQ(hdr(b)->requested, 1);
    EXPECT_EQ(tl->usable_size(f.heap, p), 16);
    uintptr_t rest = b + 32;
    EXPECT(bfree(rest));
    EXPECT(!bprev_free(rest));
    EXPECT_EQ(hdr(rest)->prev_phys, b);
    EXPECT_EQ(bsize(rest), HEAP_1M - STATE_BYTES - 32);
    EXPECT(tl->alloc(f.heap, 1, 1) == p + 32); /* alignment below 16 means 16 */
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_no_split_small_remainder(void)
{
    fixture f = make_heap(HEAP_1M);
    void *a = isolated_free_block(&f, 64);
    uintptr_t guard = block_of(a) + 64;
    EXPECT(bprev_free(guard));
    void *p = tl->alloc(f.heap, 32, 16); /* needs 48, 16 left: no split */
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 64);
    EXPECT(!bprev_free(guard));
    EXPECT_EQ(hdr(guard)->prev_phys, block_of(p));
    tl->free(f.heap, p);
    p = tl->alloc(f.heap, 16, 16); /* needs 32, 32 left: split */
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 32);
    uintptr_t rest = block_of(p) + 32;
    EXPECT(bfree(rest));
    EXPECT_EQ(bsize(rest), 32);
    EXPECT_EQ(f.st->heads[0][2], rest);
    EXPECT(bprev_free(guard));
    EXPECT_EQ(hdr(guard)->prev_phys, rest);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_coalesce(void)
{
    fixture f = make_heap(HEAP_1M);
    void *a = tl->alloc(f.heap, 48, 16); /* 64 each */
    void *b = tl->alloc(f.heap, 48, 16);
    void *c = tl->alloc(f.heap, 48, 16);
    void *guard = tl->alloc(f.heap, 16, 16);
    uintptr_t g = block_of(guard);
    /* with the next one */
    tl->free(f.heap, c);
    EXPECT(bprev_free(g));
    tl->free(f.heap, b);
    EXPECT_EQ(bsize(block_of(b)), 128);
    EXPECT_EQ(hdr(g)->prev_phys, block_of(b));
    EXPECT_EQ(f.st->heads[0][8], block_of(b));
    EXPECT_EQ(f.st->heads[0][4], 0);
    EXPECT_CHECK_OK(f);
    /* with the previous one */
    b = tl->alloc(f.heap, 112, 16); /* takes the 128 back */
    tl->free(f.heap, a);
    tl->free(f.heap, b);
    EXPECT_EQ(bsize(block_of(a)), 192);
    EXPECT_EQ(hdr(g)->prev_phys, block_of(a));
    EXPECT(bprev_free(g));
    EXPECT_EQ(f.st->heads[0][12], block_of(a));
    EXPECT_EQ(f.st->heads[0][8], 0);
    EXPECT_CHECK_OK(f);
    /* with both: a | b | c, free a and c, then b */
    a = tl->alloc(f.heap, 48, 16);
    b = tl->alloc(f.heap, 48, 16);
    c = tl->alloc(f.heap, 48, 16);
    tl->free(f.heap, a);
    tl->free(f.heap, c);
    EXPECT(bprev_free(block_of(b)));
    EXPECT_EQ(hdr(block_of(b))->prev_phys, block_of(a));
    tl->free(f.heap, b);
    EXPECT_EQ(bsize(block_of(a)), 192);
    EXPECT_EQ(hdr(g)->prev_phys, block_of(a));
    EXPECT_EQ(f.st->sl_bitmap[0], 1u << 12);
    EXPECT_CHECK_OK(f);
    /* the guard merges with both sides: one block again */
    tl->free(f.heap, guard);
    apg_stats s = stats_of(&f);
    EXPECT_EQ(s.free_blocks, 1);
    EXPECT_EQ(s.free_bytes, HEAP_1M - STATE_BYTES);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_free_everything_restores_init(void)
{
    fixture f = make_heap(HEAP_1M);
    apg_stats before = stats_of(&f);
    void *p[60];
    for (int i = 0; i < 60; i++)
        p[i] = tl->alloc(f.heap, (size_t)(i * 97 % 3000) + 1, (size_t)1 << (i % 13));
    for (int i = 0; i < 60; i += 3)
        tl->free(f.heap, p[i]);
    EXPECT_CHECK_OK(f);
    for (int i = 59; i >= 0; i--) {
        if (i % 3 != 0)
            tl->free(f.heap, p[i]);
    }
    apg_stats after = stats_of(&f);
    EXPECT_EQ(after.free_bytes, before.free_bytes);
    EXPECT_EQ(after.largest_free, before.largest_free);
    EXPECT_EQ(after.free_blocks, 1);
    EXPECT_EQ(sl_bits(&f), 1);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_largest_free_is_exact(void)
{
    fixture f = make_heap(HEAP_1M);
    void *p[30];
    for (int i = 0; i < 30; i++)
        p[i] = tl->alloc(f.heap, (size_t)(i * 1237 % 20000) + 1, 16);
    for (int i = 0; i < 30; i += 2)
        tl->free(f.heap, p[i]);
    for (int round = 0; round < 3; round++) {
        size_t largest = stats_of(&f).largest_free;
        EXPECT(largest > 0);
        EXPECT(tl->alloc(f.heap, largest + 1, 16) == NULL);
        void *q = tl->alloc(f.heap, largest, 16);
        EXPECT(q != NULL);
        EXPECT_CHECK_OK(f);
        (void)q; /* keep it: the next round sees a different heap */
    }
    drop(&f);
}

/* ---- alignment ---- */

static void test_alignment_all_powers(void)
{
    for (size_t align = 1; align <= 4096; align *= 2) {
        fixture f = make_heap(HEAP_1M);
        void *first = tl->alloc(f.heap, 1, 16);
        void *p = tl->alloc(f.heap, 24, align);
        size_t want = align < 16 ? 16 : align;
        EXPECT(p != NULL);
        EXPECT_EQ((uintptr_t)p % want, 0);
        uintptr_t b = block_of(p), gap = block_of(first) + 32;
        if (b != gap) { /* the leading gap is a free block of its own, listed */
            EXPECT(bfree(gap));
            EXPECT(bsize(gap) >= 32);
            EXPECT_EQ(gap + bsize(gap), b);
            EXPECT(bprev_free(b));
            EXPECT_EQ(hdr(b)->prev_phys, gap);
            EXPECT_EQ(stats_of(&f).free_blocks, 2); /* the gap and the tail */
        } else {
            EXPECT(!bprev_free(b));
        }
        EXPECT_EQ(bsize(b), 48); /* the tail was split off */
        EXPECT(bfree(b + 48));
        EXPECT_EQ(hdr(b + 48)->prev_phys, b);
        EXPECT_EQ(tl->validate(f.heap, p), APG_PTR_OK);
        EXPECT_CHECK_OK(f);
        tl->free(f.heap, p);
        tl->free(f.heap, first);
        EXPECT_EQ(stats_of(&f).free_blocks, 1);
        EXPECT_CHECK_OK(f);
        drop(&f);
    }
}

static void test_alignment_gap_of_16_moves_on(void)
{
    /* heap_start is 16 mod 32 after the state (3344 = 104 * 32 + 16); one
     * 32-byte block later the free block starts at 0 mod 32 and its natural
     * 32-aligned payload would leave a 16-byte gap: too small, so the payload
     * moves one more step and the gap is 48. */
    fixture f = make_heap(HEAP_1M);
    void *first = tl->alloc(f.heap, 32, 16); /* 48 */
    uintptr_t free_block = block_of(first) + 48;
    EXPECT_EQ(free_block % 32, 0);
    void *p = tl->alloc(f.heap, 16, 32);
    EXPECT_EQ((uintptr_t)p, free_block + 64);
    EXPECT(bfree(free_block));
    EXPECT_EQ(bsize(free_block), 48);
    EXPECT_EQ(f.st->heads[0][3], free_block);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_aligned_search_allows_for_the_gap(void)
{
    /* A free 544-byte block at 0 mod 32, whose payload is 16 mod 32: a
     * 32-aligned request needing 512 would need a 48-byte gap in it, 560 in
     * all. The aligned search asks for need + align + 16 = 560, class (2, 1),
     * rounded up past (2, 1): the 544 block is not even considered. */
    fixture f = make_heap(HEAP_1M);
    tl->alloc(f.heap, 32, 16); /* 48: the next block starts at 0 mod 32 */
    void *hole = tl->alloc(f.heap, 528, 16);
    tl->alloc(f.heap, 16, 16);
    tl->free(f.heap, hole);
    uintptr_t h = block_of(hole);
    EXPECT_EQ(h % 32, 0);
    EXPECT_EQ(f.st->heads[2][1], h);
    void *p = tl->alloc(f.heap, 496, 32);
    EXPECT(p != NULL);
    EXPECT_EQ((uintptr_t)p % 32, 0);
    EXPECT((uintptr_t)p > h + 544); /* taken from the big free block */
    EXPECT(bfree(h));
    EXPECT_EQ(bsize(h), 544);
    EXPECT_EQ(f.st->heads[2][1], h);
    EXPECT_CHECK_OK(f);
    drop(&f);
}

/* ---- impossible requests change nothing ---- */

static void test_impossible_requests(void)
{
    fixture f = make_heap(65536);
    void *a = tl->alloc(f.heap, 300, 16);
    tl->alloc(f.heap, 20, 16);
    tl->free(f.heap, a);
    unsigned char *snapshot = malloc(f.size);
    memcpy(snapshot, f.region, f.size);
    size_t largest = stats_of(&f).largest_free;
    size_t heap_bytes = f.st->heap_end - f.st->heap_start;
    EXPECT(tl->alloc(f.heap, SIZE_MAX, 16) == NULL);
    EXPECT(tl->alloc(f.heap, SIZE_MAX, 4096) == NULL);
    EXPECT(tl->alloc(f.heap, SIZE_MAX - 4095, 4096) == NULL);
    EXPECT(tl->alloc(f.heap, SIZE_MAX - 15, 16) == NULL);
    EXPECT(tl->alloc(f.heap, (size_t)1 << 32, 16) == NULL);
    EXPECT(tl->alloc(f.heap, ((size_t)1 << 32) - 16, 4096) == NULL);
    EXPECT(tl->alloc(f.heap, f.size + 1, 16) == NULL);
    EXPECT(tl->alloc(f.heap, heap_bytes, 16) == NULL);
    EXPECT(tl->alloc(f.heap, largest + 1, 16) == NULL);
    EXPECT(tl->alloc(f.heap, largest, 4096) == NULL);
    EXPECT(tl->alloc(f.heap, 0, 16) == NULL);
    EXPECT(memcmp(snapshot, f.region, f.size) == 0);
    EXPECT(tl->alloc(f.heap, largest, 16) != NULL);
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
    fixture f = make_heap(HEAP_1M);
    void *a = tl->alloc(f.heap, 48, 16);  /* 64 */
    void *b = tl->alloc(f.heap, 200, 16); /* 224 */
    void *guard = tl->alloc(f.heap, 16, 16);
    uintptr_t g = block_of(guard);
    fill(a, 48, 1);
    tl->free(f.heap, b);
    void *p = tl->realloc(f.heap, a, 150); /* 176 of 288, 112 stay free */
    EXPECT(p == a);
    EXPECT(same(p, 48, 1));
    EXPECT_EQ(bsize(block_of(p)), 176);
    EXPECT_EQ(hdr(block_of(p))->requested, 150);
    uintptr_t tail = block_of(p) + 176;
    EXPECT(bfree(tail));
    EXPECT_EQ(bsize(tail), 112);
    EXPECT_EQ(hdr(tail)->prev_phys, block_of(p));
    EXPECT_EQ(hdr(g)->prev_phys, tail);
    EXPECT(bprev_free(g));
    EXPECT_EQ(f.st->heads[0][7], tail);
    EXPECT_EQ(f.st->heads[0][14], 0);
    EXPECT_CHECK_OK(f);
    /* grow into all of it: less than 32 would be left, so it takes it whole */
    p = tl->realloc(f.heap, p, 252);
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 288);
    EXPECT_EQ(hdr(g)->prev_phys, block_of(p));
    EXPECT(!bprev_free(g));
    EXPECT_EQ(f.st->sl_bitmap[0], 0);
    EXPECT(same(p, 48, 1));
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_realloc_grow_by_moving(void)
{
    fixture f = make_heap(HEAP_1M);
    void *a = tl->alloc(f.heap, 100, 16);
    void *b = tl->alloc(f.heap, 100, 16);
    fill(a, 100, 3);
    void *p = tl->realloc(f.heap, a, 1000);
    EXPECT(p != NULL && p != a);
    EXPECT(same(p, 100, 3));
    EXPECT_EQ(hdr(block_of(p))->requested, 1000);
    EXPECT_EQ(tl->validate(f.heap, a), APG_PTR_NOT_ALLOCATED);
    EXPECT(bprev_free(block_of(b)));
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_realloc_shrink_in_place(void)
{
    fixture f = make_heap(HEAP_1M);
    void *a = tl->alloc(f.heap, 1000, 16); /* 1024 */
    void *guard = tl->alloc(f.heap, 16, 16);
    uintptr_t g = block_of(guard);
    fill(a, 1000, 5);
    void *p = tl->realloc(f.heap, a, 990); /* 1008 would leave 16: keep the slack */
    EXPECT(p == a);
    EXPECT_EQ(bsize(block_of(p)), 1024);
    EXPECT_EQ(hdr(block_of(p))->requested, 990);
    p = tl->realloc(f.heap, a, 100); /* 128 + a free 896 */
    EXPECT(p == a);
    EXPECT(same(p, 100, 5));
    EXPECT_EQ(bsize(block_of(p)), 128);
    uintptr_t tail = block_of(p) + 128;
    EXPECT(bfree(tail));
    EXPECT_EQ(bsize(tail), 896);
    EXPECT_EQ(hdr(g)->prev_phys, tail);
    EXPECT(bprev_free(g));
    EXPECT_EQ(f.st->heads[2][12], tail); /* 896 = 512 + 12 * 32 */
    EXPECT_CHECK_OK(f);
    /* shrinking next to a free block: the slack joins it, even 16 bytes */
    p = tl->realloc(f.heap, p, 100 - 16); /* 112: the free block grows to 912 */
    EXPECT_EQ(bsize(block_of(p)), 112);
    EXPECT_EQ(bsize(block_of(p) + 112), 912);
    EXPECT_EQ(hdr(g)->prev_phys, block_of(p) + 112);
    EXPECT_EQ(f.st->heads[2][12], block_of(p) + 112);
    EXPECT(same(p, 84, 5));
    EXPECT_CHECK_OK(f);
    drop(&f);
}

static void test_realloc_failure_changes_nothing(void)
{
    fixture f = make_heap(STATE_BYTES + 4096);
    void *a = tl->alloc(f.heap, 1000, 16);
    void *b = tl->alloc(f.heap, 1000, 16);
    fill(a, 1000, 9);
    unsigned char *snapshot = malloc(f.size);
    memcpy(snapshot, f.region, f.size);
    EXPECT(tl->realloc(f.heap, a, 3000) == NULL);
    EXPECT(tl->realloc(f.heap, a, SIZE_MAX) == NULL);
    EXPECT(tl->realloc(f.heap, a, SIZE_MAX - 15) == NULL);
    EXPECT(tl->realloc(f.heap, a, 0) == NULL);
    EXPECT(memcmp(snapshot, f.region, f.size) == 0);
    EXPECT(same(a, 1000, 9));
    EXPECT_EQ(tl->validate(f.heap, a), APG_PTR_OK);
    EXPECT_CHECK_OK(f);
    free(snapshot);
    (void)b;
    drop(&f);
}

/* ---- validate ---- */

static void test_validate(void)
{
    fixture f = make_heap(HEAP_1M);
    unsigned char *a = tl->alloc(f.heap, 100, 16);
    unsigned char *b = tl->alloc(f.heap, 100, 16);
    unsigned char *c = tl->alloc(f.heap, 100, 16);
    EXPECT_EQ(tl->validate(f.heap, a), APG_PTR_OK);
    EXPECT_EQ(tl->validate(f.heap, f.region), APG_PTR_OUTSIDE);
    EXPECT_EQ(tl->validate(f.heap, (void *)((uintptr_t)f.region - 4096)), APG_PTR_OUTSIDE);
    EXPECT_EQ(tl->validate(f.heap, f.region + HEAP_1M), APG_PTR_OUTSIDE);
    EXPECT_EQ(tl->validate(f.heap, NULL), APG_PTR_OUTSIDE);
    EXPECT_EQ(tl->validate(f.heap, a + 1), APG_PTR_MISALIGNED);
    EXPECT_EQ(tl->validate(f.heap, a + 8), APG_PTR_MISALIGNED);
    EXPECT_EQ(tl->validate(f.heap, a - 16), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(tl->validate(f.heap, a + 16), APG_PTR_INSIDE_BLOCK);
    struct apg_tlsf_block fake = {block_of(a), 64, 10};
    memcpy(a + 16, &fake, sizeof fake);
    EXPECT_EQ(tl->validate(f.heap, a + 32), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(tl->validate(f.heap, c + 128), APG_PTR_NOT_ALLOCATED);
    tl->free(f.heap, b);
    EXPECT_EQ(tl->validate(f.heap, b), APG_PTR_NOT_ALLOCATED); /* double free */
    tl->free(f.heap, a);
    EXPECT_EQ(tl->validate(f.heap, b), APG_PTR_NOT_ALLOCATED); /* merged into a */
    EXPECT_EQ(tl->validate(f.heap, a), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(tl->validate(f.heap, c), APG_PTR_OK);
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
    s.f = make_heap(HEAP_1M);
    s.a = tl->alloc(s.f.heap, 48, 16);
    s.b = tl->alloc(s.f.heap, 48, 16);
    s.c = tl->alloc(s.f.heap, 48, 16);
    s.d = tl->alloc(s.f.heap, 48, 16);
    memset(s.a, 0, 48);
    memset(s.c, 0, 48);
    memset(s.d, 0, 48);
    tl->free(s.f.heap, s.b);
    return s;
}

static bool count_block(const apg_block *b, void *ctx)
{
    (void)b;
    return ++*(size_t *)ctx < 100000;
}

/* A broken heap must not crash or hang the read-only operations either. */
static void survive(const fixture *f, const void *p)
{
    apg_stats s;
    tl->stats(f->heap, &s);
    size_t n = 0;
    tl->walk(f->heap, count_block, &n);
    (void)tl->validate(f->heap, p);
    EXPECT(n < 100000);
}

static void test_check_state(void)
{
    scene s = make_scene();
    s.f.st->magic ^= 1;
    EXPECT_PROBLEM(s.f, "magic", (uintptr_t)s.f.heap);
    s.f.st->magic ^= 1;
    s.f.st->heap_end += 16;
    EXPECT_PROBLEM(s.f, "bounds", (uintptr_t)s.f.heap);
    s.f.st->heap_end -= 16;
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

static void test_check_scribbled_size(void)
{
    scene s = make_scene();
    uintptr_t c = block_of(s.c);
    uint32_t saved = hdr(c)->size_flags;
    hdr(c)->size_flags = 0x41414140u;
    EXPECT_PROBLEM(s.f, "past the heap end", c);
    survive(&s.f, s.d);
    hdr(c)->size_flags = saved + 16; /* next header lands in d's zeroed payload */
    EXPECT_PROBLEM(s.f, "minimum", block_of(s.d) + 16);
    survive(&s.f, s.d);
    hdr(c)->size_flags = 0;
    EXPECT_PROBLEM(s.f, "minimum", c);
    survive(&s.f, s.d);
    hdr(c)->size_flags = saved | 0x8;
    EXPECT_PROBLEM(s.f, "flag", c);
    hdr(c)->size_flags = saved;
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

static void test_check_flags(void)
{
    scene s = make_scene();
    uintptr_t b = block_of(s.b), c = block_of(s.c), a = block_of(s.a);
    /* a used block marked free ("USED bit cleared") */
    hdr(a)->size_flags |= APG_TLSF_FREE;
    EXPECT_PROBLEM(s.f, "requested", a);
    hdr(a)->requested = 0;
    EXPECT_PROBLEM(s.f, "PREV_FREE", b); /* b's left neighbour now looks free */
    hdr(a)->size_flags &= ~APG_TLSF_FREE;
    hdr(a)->requested = 48;
    /* PREV_FREE missing after a free block */
    hdr(c)->size_flags &= ~APG_TLSF_PREV_FREE;
    EXPECT_PROBLEM(s.f, "PREV_FREE", c);
    hdr(c)->size_flags |= APG_TLSF_PREV_FREE;
    /* a free block marked used */
    hdr(b)->size_flags &= ~APG_TLSF_FREE;
    EXPECT_PROBLEM(s.f, "requested", b);
    hdr(b)->size_flags |= APG_TLSF_FREE;
    /* requested larger than the payload */
    hdr(a)->requested = 49;
    EXPECT_PROBLEM(s.f, "requested", a);
    hdr(a)->requested = 48;
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

static void test_check_prev_phys(void)
{
    scene s = make_scene();
    uintptr_t c = block_of(s.c), first = heap_start(&s.f);
    hdr(c)->prev_phys = block_of(s.a);
    EXPECT_PROBLEM(s.f, "prev_phys", c);
    hdr(c)->prev_phys = block_of(s.b);
    hdr(first)->prev_phys = 16;
    EXPECT_PROBLEM(s.f, "prev_phys", first);
    hdr(first)->prev_phys = 0;
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

static void test_check_free_lists(void)
{
    scene s = make_scene();
    uintptr_t b = block_of(s.b), c = block_of(s.c);
    EXPECT_EQ(s.f.st->heads[0][4], b);
    /* a link to a used block */
    links(b)->next = c;
    EXPECT_PROBLEM(s.f, "used block", c);
    survive(&s.f, s.d);
    /* a link out of the heap */
    links(b)->next = 0x10;
    EXPECT_PROBLEM(s.f, "outside", 0x10);
    /* a cycle: found without looping (a cycle always breaks a prev link) */
    links(b)->next = b;
    EXPECT_PROBLEM(s.f, "prev link", b);
    links(b)->prev = b;
    EXPECT_PROBLEM(s.f, "prev link", b);
    links(b)->prev = 0;
    links(b)->next = 0;
    /* a broken prev link */
    links(b)->prev = c;
    EXPECT_PROBLEM(s.f, "prev link", b);
    links(b)->prev = 0;
    EXPECT_CHECK_OK(s.f);
    /* the list lost its block: the bitmap no longer matches */
    s.f.st->heads[0][4] = 0;
    EXPECT_PROBLEM(s.f, "bitmap", 0);
    /* ...and with the bits cleared too, the block is simply missing */
    s.f.st->sl_bitmap[0] = 0;
    s.f.st->fl_bitmap &= ~1u;
    EXPECT_PROBLEM(s.f, "missing", (uintptr_t)s.f.heap);
    /* in the wrong list */
    s.f.st->heads[0][5] = b;
    s.f.st->sl_bitmap[0] = 1u << 5;
    s.f.st->fl_bitmap |= 1u;
    EXPECT_PROBLEM(s.f, "wrong list", b);
    s.f.st->heads[0][5] = 0;
    s.f.st->heads[0][4] = b;
    s.f.st->sl_bitmap[0] = 1u << 4;
    EXPECT_CHECK_OK(s.f);
    /* an fl bit with nothing behind it */
    s.f.st->fl_bitmap |= 1u << 3;
    EXPECT_PROBLEM(s.f, "fl_bitmap", (uintptr_t)s.f.heap);
    s.f.st->fl_bitmap &= ~(1u << 3);
    s.f.st->fl_bitmap |= 1u << 30;
    EXPECT_PROBLEM(s.f, "fl_bitmap", (uintptr_t)s.f.heap);
    s.f.st->fl_bitmap &= ~(1u << 30);
    EXPECT_CHECK_OK(s.f);
    drop(&s.f);
}

/* ---- O(1): the cost of alloc and free does not grow with the heap ---- */

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A heap of `size` bytes holding `holes` free 32-byte blocks (in one list)
 * before a big free tail; returns the best time per alloc+free of a block the
 * holes cannot serve. A strategy that walks the free blocks would take `holes`
 * steps per alloc; a round stops early once it has taken a second. */
static double time_alloc_free(size_t size, size_t holes)
{
    fixture f = make_heap(size);
    uintptr_t first = (uintptr_t)tl->alloc(f.heap, 16, 16);
    for (size_t i = 1; i < 2 * holes; i++)
        tl->alloc(f.heap, 16, 16);
    for (size_t i = 0; i < holes; i++) /* every other 32-byte block */
        tl->free(f.heap, (void *)(first + 64 * i));
    EXPECT_EQ(stats_of(&f).free_blocks, holes + 1);
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = seconds(), t = 0;
        int done = 0;
        while (done < 100000 && t < 1.0) {
            for (int i = 0; i < 1000; i++) {
                void *p = tl->alloc(f.heap, 2000, 16);
                tl->free(f.heap, p);
            }
            done += 1000;
            t = seconds() - t0;
        }
        if (t / done < best)
            best = t / done;
    }
    drop(&f);
    return best;
}

static void test_constant_time(void)
{
    double small = time_alloc_free((size_t)64 << 10, 100);
    double large = time_alloc_free((size_t)64 << 20, 200000);
    printf(
        "     alloc+free: %.0f ns with 100 free blocks in 64 KiB, %.0f ns with 200000 in 64 MiB\n",
        small * 1e9, large * 1e9);
    EXPECT(large < small * 3.0 + 50e-9);
}

/* ---- misc ---- */

static void test_two_heaps_are_independent(void)
{
    fixture f = make_heap(16384), g = make_heap(16384);
    void *p = tl->alloc(f.heap, 100, 16);
    void *q = tl->alloc(g.heap, 200, 16);
    EXPECT((unsigned char *)p >= f.region && (unsigned char *)p < f.region + 16384);
    EXPECT((unsigned char *)q >= g.region && (unsigned char *)q < g.region + 16384);
    EXPECT_EQ(tl->validate(f.heap, q), APG_PTR_OUTSIDE);
    tl->free(f.heap, p);
    EXPECT_EQ(stats_of(&g).used_blocks, 1);
    EXPECT_EQ(stats_of(&g).requested_bytes, 200);
    EXPECT_CHECK_OK(f);
    EXPECT_CHECK_OK(g);
    drop(&f);
    drop(&g);
}

int main(void)
{
    RUN(test_init_too_small);
    RUN(test_init_layout);
    RUN(test_mapping_values);
    RUN(test_bitmaps_follow_lists);
    RUN(test_search_rounds_up);
    RUN(test_good_fit_takes_smallest_suitable_class);
    RUN(test_alloc_one_byte);
    RUN(test_no_split_small_remainder);
    RUN(test_coalesce);
    RUN(test_free_everything_restores_init);
    RUN(test_largest_free_is_exact);
    RUN(test_alignment_all_powers);
    RUN(test_alignment_gap_of_16_moves_on);
    RUN(test_aligned_search_allows_for_the_gap);
    RUN(test_impossible_requests);
    RUN(test_realloc_grow_in_place);
    RUN(test_realloc_grow_by_moving);
    RUN(test_realloc_shrink_in_place);
    RUN(test_realloc_failure_changes_nothing);
    RUN(test_validate);
    RUN(test_check_state);
    RUN(test_check_scribbled_size);
    RUN(test_check_flags);
    RUN(test_check_prev_phys);
    RUN(test_check_free_lists);
    RUN(test_two_heaps_are_independent);
    RUN(test_constant_time);
    return UNIT_EXIT();
}
