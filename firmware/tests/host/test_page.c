/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the page allocator (firmware/alloc/page.c). */
#include "allocator.h"
#include "heap_abi.h"
#include "unit.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE APG_PAGE_SIZE
#define REQ_MAX (UINT32_MAX >> APG_PAGE_REQ_SHIFT)

/* ---- helpers ---- */

/* A heap in its own malloc block, so ASan catches any access past its end.
 * `misalign` shifts the region off the page (and 16-byte) grid. */
typedef struct {
    unsigned char *block;
    unsigned char *region;
    size_t size;
    struct apg_page_state *state;
} heap;

static heap heap_new(size_t size, size_t misalign)
{
    heap h = {0};
    void *block = NULL;
    if (posix_memalign(&block, 4096, size + misalign) != 0)
        abort();
    h.block = block;
    h.region = h.block + misalign;
    h.size = size;
    memset(h.region, 0xA5, size); /* garbage: allocations must come back zeroed */
    h.state = apg_page.init(h.region, size);
    return h;
}

/* A heap with exactly `pages` pages (region page aligned). */
static heap heap_pages(size_t pages)
{
    size_t map_end = sizeof(struct apg_page_state) + pages * 4;
    size_t start = (map_end + PAGE - 1) & ~(size_t)(PAGE - 1);
    heap h = heap_new(start + pages * PAGE, 0);
    if (h.state == NULL || h.state->page_count != pages)
        abort();
    return h;
}

static void heap_delete(heap *h)
{
    free(h->block);
}

static uint32_t *map_of(const heap *h)
{
    return (uint32_t *)(uintptr_t)h->state->page_map;
}

static unsigned char *page_at(const heap *h, size_t index)
{
    return (unsigned char *)(uintptr_t)(h->state->pages_start + index * PAGE);
}

static bool check_ok(const heap *h)
{
    apg_check_result r = apg_page.check(h->state);
    if (!r.ok)
        fprintf(stderr, "  check: %s at %#lx\n", r.problem, (unsigned long)r.where);
    return r.ok;
}

static apg_stats stats_of(const heap *h)
{
    apg_stats s;
    apg_page.stats(h->state, &s);
    return s;
}

static unsigned char *snapshot(const heap *h)
{
    unsigned char *copy = malloc(h->size);
    memcpy(copy, h->region, h->size);
    return copy;
}

static bool unchanged(const heap *h, unsigned char *copy)
{
    bool same = memcmp(copy, h->region, h->size) == 0;
    free(copy);
    return same;
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0)
            return false;
    }
    return true;
}

#define MAX_BLOCKS 1024
typedef struct {
    apg_block blocks[MAX_BLOCKS];
    size_t count;
    size_t stop_after;
} recorder;

static bool record(const apg_block *b, void *ctx)
{
    recorder *r = ctx;
    if (r->count < MAX_BLOCKS)
        r->blocks[r->count] = *b;
    r->count++;
    return r->stop_after == 0 || r->count < r->stop_after;
}

/* ---- init ---- */

static void test_init_layout(void)
{
    size_t sizes[] = {8192, 65536, 100000, 1 << 20};
    size_t misaligns[] = {0, 5, 16, 48};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizeof misaligns / sizeof misaligns[0]; j++) {
            heap h = heap_new(sizes[i], misaligns[j]);
            struct apg_page_state *s = h.state;
            uintptr_t region = (uintptr_t)h.region, end = region + h.size;
            EXPECT(s != NULL);
            if (s == NULL)
                continue;
            EXPECT_EQ((uintptr_t)s, (region + 15) & ~(uintptr_t)15);
            EXPECT_EQ(s->magic, APG_PAGE_MAGIC);
            EXPECT_EQ(s->page_size, PAGE);
            EXPECT_EQ(s->page_map, (uintptr_t)s + sizeof *s);
            EXPECT_EQ(s->pages_start % PAGE, 0);
            EXPECT(s->pages_start >= s->page_map + s->page_count * 4);
            EXPECT(s->pages_start - (s->page_map + s->page_count * 4) < PAGE);
            EXPECT(s->pages_start + s->page_count * PAGE <= end);
            /* as many pages as fit: one more would not */
            uint64_t more_start =
                (s->page_map + (s->page_count + 1) * 4 + PAGE - 1) & ~(uint64_t)(PAGE - 1);
            EXPECT(more_start + (s->page_count + 1) * PAGE > end);
            EXPECT_EQ(s->used_pages, 0);
            EXPECT_EQ(s->region_size, h.size);
            EXPECT(all_zero((const unsigned char *)map_of(&h), s->page_count * 4));
            EXPECT(check_ok(&h));
            apg_stats st = stats_of(&h);
            EXPECT_EQ(st.region_size, h.size);
            EXPECT_EQ(st.used_bytes + st.used_blocks + st.requested_bytes, 0);
            EXPECT_EQ(st.free_bytes, s->page_count * PAGE);
            EXPECT_EQ(st.free_blocks, 1);
            EXPECT_EQ(st.largest_free, s->page_count * PAGE);
            EXPECT_EQ(st.overhead_bytes, h.size - s->page_count * PAGE);
            heap_delete(&h);
        }
    }
}

static void test_init_too_small(void)
{
    void *block = NULL;
    if (posix_memalign(&block, 4096, 3 * PAGE) != 0)
        abort();
    unsigned char *page = block;
    EXPECT(apg_page.init(page, 0) == NULL);
    EXPECT(apg_page.init(page, 40) == NULL);
    EXPECT(apg_page.init(page, PAGE) == NULL);              /* state + map leave no whole page */
    EXPECT(apg_page.init(page + 8, 2 * PAGE - 16) == NULL); /* the page would end past the region */
    struct apg_page_state *s = apg_page.init(page, 2 * PAGE);
    EXPECT(s != NULL && s->page_count == 1);
    free(block);
}

/* ---- alloc ---- */

static void test_alloc_runs_and_zeroing(void)
{
    heap h = heap_pages(16);
    struct {
        size_t size;
        size_t pages;
    } cases[] = {{1, 1}, {4096, 1}, {4097, 2}, {3 * PAGE, 3}, {100, 1}};
    size_t next = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *p = apg_page.alloc(h.state, cases[i].size, 16);
        EXPECT(p == page_at(&h, next));
        EXPECT(all_zero(p, cases[i].pages * PAGE)); /* whole pages, not just the request */
        EXPECT_EQ(map_of(&h)[next], APG_PAGE_HEAD | (uint32_t)cases[i].size << APG_PAGE_REQ_SHIFT);
        for (size_t k = 1; k < cases[i].pages; k++)
            EXPECT_EQ(map_of(&h)[next + k], APG_PAGE_TAIL);
        EXPECT_EQ(apg_page.usable_size(h.state, p), cases[i].pages * PAGE);
        memset(p, 0xEE, cases[i].size);
        next += cases[i].pages;
        EXPECT_EQ(h.state->used_pages, next);
    }
    EXPECT_EQ(map_of(&h)[next], APG_PAGE_FREE);
    /* a freed and reused page is zeroed again */
    unsigned char *first = page_at(&h, 0);
    apg_page.free(h.state, first);
    unsigned char *again = apg_page.alloc(h.state, 10, 16);
    EXPECT(again == first);
    EXPECT(all_zero(again, PAGE));
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_alloc_alignment(void)
{
    heap h = heap_pages(16);
    for (size_t align = 1; align <= 4096; align *= 2) {
        unsigned char *p = apg_page.alloc(h.state, 1, align);
        EXPECT(p != NULL && (uintptr_t)p % 4096 == 0);
    }
    unsigned char *before = snapshot(&h);
    EXPECT(apg_page.alloc(h.state, 1, 0) == NULL);
    EXPECT(apg_page.alloc(h.state, 1, 3) == NULL);
    EXPECT(apg_page.alloc(h.state, 1, 8192) == NULL);
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

static void test_first_fit(void)
{
    heap h = heap_pages(16);
    unsigned char *a = apg_page.alloc(h.state, PAGE, 16);
    unsigned char *b = apg_page.alloc(h.state, 3 * PAGE, 16);
    unsigned char *c = apg_page.alloc(h.state, PAGE, 16);
    apg_page.free(h.state, b);                                       /* a 3-page hole at page 1 */
    EXPECT(apg_page.alloc(h.state, 2 * PAGE, 16) == page_at(&h, 1)); /* first fit: the hole */
    EXPECT(apg_page.alloc(h.state, 2 * PAGE, 16) == page_at(&h, 5)); /* 1 page left: too small */
    EXPECT(apg_page.alloc(h.state, 10, 16) == page_at(&h, 3));       /* fills the hole */
    EXPECT(a == page_at(&h, 0) && c == page_at(&h, 4));
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_out_of_memory(void)
{
    heap h = heap_pages(8);
    size_t n = 0;
    while (apg_page.alloc(h.state, 1 + n * 100, 16) != NULL)
        n++;
    EXPECT_EQ(n, 8);
    EXPECT_EQ(h.state->used_pages, 8);
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.free_bytes, 0);
    EXPECT_EQ(s.free_blocks, 0);
    EXPECT_EQ(s.largest_free, 0);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_page.alloc(h.state, 1, 16) == NULL);
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

static void test_alloc_overflow(void)
{
    heap h = heap_pages(8);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_page.alloc(h.state, 0, 16) == NULL);
    EXPECT(apg_page.alloc(h.state, SIZE_MAX, 16) == NULL);
    EXPECT(apg_page.alloc(h.state, SIZE_MAX, 4096) == NULL);
    EXPECT(apg_page.alloc(h.state, SIZE_MAX - 4094, 16) == NULL); /* rounding would wrap */
    EXPECT(apg_page.alloc(h.state, REQ_MAX + 1, 16) == NULL);
    EXPECT(apg_page.alloc(h.state, 8 * PAGE + 1, 16) == NULL);
    EXPECT(apg_page.alloc(h.state, h.size + 1, 16) == NULL);
    EXPECT(unchanged(&h, before));
    EXPECT(apg_page.alloc(h.state, 8 * PAGE, 16) != NULL);
    heap_delete(&h);
}

static void test_largest_free_is_exact(void)
{
    heap h = heap_pages(15);
    unsigned char *p[5];
    for (int i = 0; i < 5; i++)
        p[i] = apg_page.alloc(h.state, (size_t)(i + 1) * PAGE - 7, 16); /* 1+2+3+4+5 pages */
    EXPECT(p[4] != NULL);
    apg_page.free(h.state, p[1]); /* a 2-page hole */
    apg_page.free(h.state, p[3]); /* a 4-page hole */
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.largest_free, 4 * PAGE);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_page.alloc(h.state, s.largest_free + 1, 16) == NULL);
    EXPECT(unchanged(&h, before));
    EXPECT(apg_page.alloc(h.state, s.largest_free, 16) == (void *)p[3]);
    EXPECT_EQ(stats_of(&h).largest_free, 2 * PAGE);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

/* ---- free ---- */

static void test_free_returns_every_page(void)
{
    heap h = heap_pages(16);
    apg_stats empty = stats_of(&h);
    unsigned char *meta = snapshot(&h);
    size_t meta_bytes = h.state->pages_start - (uintptr_t)h.region;
    unsigned char *a = apg_page.alloc(h.state, 3 * PAGE, 16);
    unsigned char *b = apg_page.alloc(h.state, 1, 16);
    unsigned char *c = apg_page.alloc(h.state, 5 * PAGE - 1, 16);
    apg_page.free(h.state, b);
    EXPECT_EQ(map_of(&h)[3], APG_PAGE_FREE);
    EXPECT_EQ(h.state->used_pages, 8);
    apg_page.free(h.state, a);
    apg_page.free(h.state, c);
    EXPECT_EQ(h.state->used_pages, 0);
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.free_blocks, 1);
    EXPECT_EQ(s.free_bytes, empty.free_bytes);
    EXPECT_EQ(s.largest_free, empty.largest_free);
    EXPECT(memcmp(meta, h.region, meta_bytes) == 0);
    EXPECT(check_ok(&h));
    free(meta);
    heap_delete(&h);
}

/* ---- validate ---- */

static void test_validate(void)
{
    heap h = heap_pages(16);
    void *s = h.state;
    unsigned char *a = apg_page.alloc(s, 3 * PAGE, 16);
    unsigned char *b = apg_page.alloc(s, 100, 16);
    EXPECT_EQ(apg_page.validate(s, a), APG_PTR_OK);
    EXPECT_EQ(apg_page.validate(s, b), APG_PTR_OK);
    EXPECT_EQ(apg_page.validate(s, a + 16), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(apg_page.validate(s, a + PAGE), APG_PTR_INSIDE_BLOCK); /* a tail page */
    EXPECT_EQ(apg_page.validate(s, a + 2 * PAGE + 2048), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(apg_page.validate(s, a + 8), APG_PTR_MISALIGNED);
    EXPECT_EQ(apg_page.validate(s, a + PAGE + 1), APG_PTR_MISALIGNED);
    EXPECT_EQ(apg_page.validate(s, page_at(&h, 10)), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_page.validate(s, page_at(&h, 10) + 32), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_page.validate(s, NULL), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_page.validate(s, h.state), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_page.validate(s, map_of(&h)), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_page.validate(s, page_at(&h, 0) - 16), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_page.validate(s, page_at(&h, 16)), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_page.validate(s, (void *)UINTPTR_MAX), APG_PTR_OUTSIDE);
    apg_page.free(s, b);
    EXPECT_EQ(apg_page.validate(s, b), APG_PTR_NOT_ALLOCATED); /* double free */
    EXPECT_EQ(apg_page.usable_size(s, b), 0);
    EXPECT_EQ(apg_page.usable_size(s, a + PAGE), 0);
    unsigned char *before = snapshot(&h);
    apg_page.validate(s, a);
    apg_page.validate(s, a + PAGE);
    apg_page.validate(s, b);
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

/* ---- realloc ---- */

static void test_realloc_shrink_frees_tail_pages(void)
{
    heap h = heap_pages(16);
    unsigned char *p = apg_page.alloc(h.state, 4 * PAGE, 16);
    memset(p, 0x11, 4 * PAGE);
    unsigned char *q = apg_page.realloc(h.state, p, PAGE + 1);
    EXPECT(q == p);
    EXPECT_EQ(h.state->used_pages, 2);
    EXPECT_EQ(map_of(&h)[2], APG_PAGE_FREE);
    EXPECT_EQ(map_of(&h)[3], APG_PAGE_FREE);
    EXPECT_EQ(map_of(&h)[0] >> APG_PAGE_REQ_SHIFT, PAGE + 1);
    EXPECT(q[0] == 0x11 && q[PAGE] == 0x11);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_grow_in_place_zeroes(void)
{
    heap h = heap_pages(16);
    unsigned char *p = apg_page.alloc(h.state, 4000, 16);
    memset(p, 0x22, 4000);
    /* shrink, then grow again inside the same page: the bytes given back and
     * handed out again read as zero, as in a fresh allocation */
    EXPECT(apg_page.realloc(h.state, p, 100) == p);
    EXPECT(apg_page.realloc(h.state, p, 3000) == p);
    EXPECT(p[99] == 0x22);
    EXPECT(all_zero(p + 100, 2900));
    /* grow into the next (free, dirty) pages */
    memset(page_at(&h, 1), 0x77, 2 * PAGE);
    unsigned char *q = apg_page.realloc(h.state, p, 2 * PAGE + 10);
    EXPECT(q == p);
    EXPECT_EQ(h.state->used_pages, 3);
    EXPECT(p[0] == 0x22 && p[99] == 0x22);
    EXPECT(all_zero(p + 3000, 2 * PAGE + 10 - 3000));
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_moves(void)
{
    heap h = heap_pages(16);
    unsigned char *p = apg_page.alloc(h.state, 100, 16);
    unsigned char *blocker = apg_page.alloc(h.state, 1, 16);
    for (int i = 0; i < 100; i++)
        p[i] = (unsigned char)i;
    unsigned char *q = apg_page.realloc(h.state, p, 3 * PAGE);
    EXPECT(q == page_at(&h, 2));
    for (int i = 0; i < 100; i++)
        EXPECT_EQ(q[i], i);
    EXPECT(all_zero(q + 100, 3 * PAGE - 100));
    EXPECT_EQ(apg_page.validate(h.state, p), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(h.state->used_pages, 4);
    EXPECT(blocker != NULL && check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_failure_changes_nothing(void)
{
    heap h = heap_pages(8);
    unsigned char *p = apg_page.alloc(h.state, 2 * PAGE, 16);
    unsigned char *q = apg_page.alloc(h.state, 3 * PAGE, 16);
    memset(p, 0x33, 2 * PAGE);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_page.realloc(h.state, p, 4 * PAGE) == NULL); /* 3 pages free, not after p */
    EXPECT(apg_page.realloc(h.state, p, SIZE_MAX) == NULL);
    EXPECT(apg_page.realloc(h.state, p, REQ_MAX + 1) == NULL);
    EXPECT(apg_page.realloc(h.state, q, 7 * PAGE) == NULL);
    EXPECT(unchanged(&h, before));
    /* but q can take the 3 free pages after it */
    EXPECT(apg_page.realloc(h.state, q, 6 * PAGE) == q);
    heap_delete(&h);
}

/* ---- walk and stats ---- */

static void test_walk_and_stats(void)
{
    heap h = heap_pages(16);
    unsigned char *a = apg_page.alloc(h.state, 10, 16);
    unsigned char *b = apg_page.alloc(h.state, 2 * PAGE, 16);
    unsigned char *c = apg_page.alloc(h.state, 3 * PAGE - 5, 16);
    unsigned char *d = apg_page.alloc(h.state, 1, 16);
    apg_page.free(h.state, b);
    apg_page.free(h.state, c); /* pages 1-5 free: one FREE block, not two */
    recorder *r = calloc(1, sizeof *r);
    apg_page.walk(h.state, record, r);
    EXPECT_EQ(r->count, 4);
    apg_block expect[] = {
        {(uintptr_t)a, PAGE, (uintptr_t)a, PAGE, 10, APG_BLOCK_USED},
        {(uintptr_t)page_at(&h, 1), 5 * PAGE, (uintptr_t)page_at(&h, 1), 5 * PAGE, 0,
         APG_BLOCK_FREE},
        {(uintptr_t)d, PAGE, (uintptr_t)d, PAGE, 1, APG_BLOCK_USED},
        {(uintptr_t)page_at(&h, 7), 9 * PAGE, (uintptr_t)page_at(&h, 7), 9 * PAGE, 0,
         APG_BLOCK_FREE},
    };
    for (size_t i = 0; i < 4 && i < r->count; i++) {
        EXPECT_EQ(r->blocks[i].start, expect[i].start);
        EXPECT_EQ(r->blocks[i].span, expect[i].span);
        EXPECT_EQ(r->blocks[i].payload, expect[i].payload);
        EXPECT_EQ(r->blocks[i].usable, expect[i].usable);
        EXPECT_EQ(r->blocks[i].requested, expect[i].requested);
        EXPECT_EQ(r->blocks[i].status, expect[i].status);
    }
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.used_blocks, 2);
    EXPECT_EQ(s.free_blocks, 2);
    EXPECT_EQ(s.used_bytes, 2 * PAGE);
    EXPECT_EQ(s.free_bytes, 14 * PAGE);
    EXPECT_EQ(s.requested_bytes, 11);
    EXPECT_EQ(s.largest_free, 9 * PAGE);
    EXPECT_EQ(s.used_bytes + s.free_bytes + s.overhead_bytes, s.region_size);
    memset(r, 0, sizeof *r);
    r->stop_after = 1;
    apg_page.walk(h.state, record, r);
    EXPECT_EQ(r->count, 1);
    free(r);
    heap_delete(&h);
}

/* ---- check ---- */

static void test_check_detects_corruption(void)
{
    for (int kind = 0; kind < 12; kind++) {
        heap h = heap_pages(16);
        unsigned char *a = apg_page.alloc(h.state, 2 * PAGE, 16); /* pages 0-1 */
        unsigned char *b = apg_page.alloc(h.state, 100, 16);      /* page 2 */
        EXPECT(a != NULL && b != NULL && check_ok(&h));
        uint32_t *map = map_of(&h);
        switch (kind) {
        case 0: h.state->magic++; break;
        case 1: map[1] = APG_PAGE_FREE; break; /* run too short */
        case 2: map[3] = APG_PAGE_TAIL; break; /* run too long */
        case 3: map[0] = APG_PAGE_TAIL; break; /* tail without head */
        case 4: map[5] = 3; break;             /* invalid state */
        case 5: map[6] = 4; break;             /* free with stray bits */
        case 6: map[2] = APG_PAGE_HEAD; break; /* requested 0 */
        case 7: h.state->used_pages++; break;
        case 8: h.state->page_count = 0; break;
        case 9: h.state->pages_start += 16; break;
        case 10: h.state->page_map += 4; break;
        case 11: map[15] = APG_PAGE_HEAD | (2 * PAGE) << APG_PAGE_REQ_SHIFT; break; /* past end */
        }
        apg_check_result r = apg_page.check(h.state);
        if (r.ok)
            fprintf(stderr, "  corruption %d not detected\n", kind);
        EXPECT(!r.ok && r.problem != NULL);
        heap_delete(&h);
    }
}

static void test_check_survives_random_corruption(void)
{
    uint64_t rng = 777;
    size_t detected = 0, trials = 3000;
    for (size_t t = 0; t < trials; t++) {
        heap h = heap_pages(32);
        for (int i = 0; i < 8; i++)
            apg_page.alloc(h.state, (size_t)(1 + 1500 * i), 16);
        apg_page.free(h.state, page_at(&h, 1));
        size_t meta = h.state->page_map + 32 * 4 - (uintptr_t)h.region;
        for (int flips = 0; flips < 1 + (int)(t % 3); flips++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            h.region[(rng >> 16) % meta] ^= (unsigned char)(1u << ((rng >> 40) % 8));
        }
        if (!apg_page.check(h.state).ok)
            detected++;
        heap_delete(&h);
    }
    printf("       (random corruption: %zu of %zu detected)\n", detected, trials);
    EXPECT(detected > trials / 2);
}

/* ---- big regions ---- */

static void test_big_regions_are_clamped(void)
{
    size_t sizes[] = {(size_t)3 << 29, (size_t)5 << 30}; /* 1.5 GiB, 5 GiB */
    for (size_t i = 0; i < 2; i++) {
        size_t size = sizes[i];
        unsigned char *region = mmap(NULL, size, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (region == MAP_FAILED) {
            printf("       (skipped: cannot map %zu bytes)\n", size);
            continue;
        }
        struct apg_page_state *s = apg_page.init(region, size);
        EXPECT(s != NULL);
        if (s == NULL)
            continue;
        EXPECT_EQ(s->page_count, REQ_MAX / PAGE); /* every run's size fits the head entry */
        apg_stats st;
        apg_page.stats(s, &st);
        EXPECT_EQ(st.region_size, size);
        EXPECT_EQ(st.largest_free, s->page_count * PAGE);
        EXPECT(st.largest_free <= REQ_MAX);
        EXPECT_EQ(st.used_bytes + st.free_bytes + st.overhead_bytes, size);
        EXPECT(apg_page.alloc(s, st.largest_free + 1, 16) == NULL);
        void *p = apg_page.alloc(s, 5 * PAGE, 16);
        EXPECT(p != NULL);
        apg_page.free(s, p);
        EXPECT(apg_page.check(s).ok);
        munmap(region, size);
    }
}

int main(void)
{
    RUN(test_init_layout);
    RUN(test_init_too_small);
    RUN(test_alloc_runs_and_zeroing);
    RUN(test_alloc_alignment);
    RUN(test_first_fit);
    RUN(test_out_of_memory);
    RUN(test_alloc_overflow);
    RUN(test_largest_free_is_exact);
    RUN(test_free_returns_every_page);
    RUN(test_validate);
    RUN(test_realloc_shrink_frees_tail_pages);
    RUN(test_realloc_grow_in_place_zeroes);
    RUN(test_realloc_moves);
    RUN(test_realloc_failure_changes_nothing);
    RUN(test_walk_and_stats);
    RUN(test_check_detects_corruption);
    RUN(test_check_survives_random_corruption);
    RUN(test_big_regions_are_clamped);
    return UNIT_EXIT();
}
