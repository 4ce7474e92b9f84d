/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the buddy allocator (firmware/alloc/buddy.c). */
#include "allocator.h"
#include "heap_abi.h"
#include "unit.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* ---- helpers ---- */

/* A heap in its own malloc block, so ASan catches any access past its end.
 * `misalign` shifts the region off the page (and 16-byte) grid. */
typedef struct {
    unsigned char *block;
    unsigned char *region;
    size_t size;
    struct apg_buddy_state *state;
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
    memset(h.region, 0xA5, size); /* the allocator must not rely on zeroed memory */
    h.state = apg_buddy.init(h.region, size);
    return h;
}

/* A heap whose arena is exactly 2^log2_units units, so that the first
 * allocations split the single top block from its start. */
static heap heap_pow2(unsigned log2_units, size_t misalign)
{
    size_t units = (size_t)1 << log2_units;
    size_t table_end = misalign + sizeof(struct apg_buddy_state) + units * 4;
    size_t arena = (table_end + 4095) & ~(size_t)4095;
    heap h = heap_new(arena - misalign + units * 32, misalign);
    if (h.state == NULL || h.state->unit_count != units || h.state->max_order != log2_units)
        abort();
    return h;
}

static bool is_power_of_two(size_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static void heap_delete(heap *h)
{
    free(h->block);
}

static uint32_t *table_of(const heap *h)
{
    return (uint32_t *)(uintptr_t)h->state->table;
}

static size_t unit_index(const heap *h, const void *p)
{
    return ((uintptr_t)p - h->state->arena_start) / APG_BUDDY_MIN_BLOCK;
}

static uint32_t entry_of(const heap *h, const void *p)
{
    return table_of(h)[unit_index(h, p)];
}

static unsigned order_of(uint32_t entry)
{
    return entry & APG_BUDDY_ORDER_MASK;
}

static unsigned state_of(uint32_t entry)
{
    return (entry >> APG_BUDDY_STATE_SHIFT) & APG_BUDDY_STATE_MASK;
}

static size_t requested_of(uint32_t entry)
{
    return entry >> APG_BUDDY_REQ_SHIFT;
}

static bool check_ok(const heap *h)
{
    apg_check_result r = apg_buddy.check(h->state);
    if (!r.ok)
        fprintf(stderr, "  check: %s at %#lx\n", r.problem, (unsigned long)r.where);
    return r.ok;
}

static const char *check_problem(const heap *h)
{
    apg_check_result r = apg_buddy.check(h->state);
    return r.ok ? NULL : r.problem;
}

static apg_stats stats_of(const heap *h)
{
    apg_stats s;
    apg_buddy.stats(h->state, &s);
    return s;
}

/* A copy of the whole region, to prove an operation changed nothing. */
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

static int popcount(uint64_t x)
{
    int n = 0;
    for (; x != 0; x &= x - 1)
        n++;
    return n;
}

/* walk recorder */
#define MAX_BLOCKS 4096
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

static recorder *walk_of(const heap *h)
{
    recorder *r = calloc(1, sizeof *r);
    apg_buddy.walk(h->state, record, r);
    return r;
}

/* ---- init ---- */

static void test_init_layout(void)
{
    size_t sizes[] = {8192, 65536, 100000, 1 << 20};
    size_t misaligns[] = {0, 5, 16, 48};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizeof misaligns / sizeof misaligns[0]; j++) {
            heap h = heap_new(sizes[i], misaligns[j]);
            struct apg_buddy_state *s = h.state;
            uintptr_t region = (uintptr_t)h.region, end = region + h.size;
            EXPECT(s != NULL);
            if (s == NULL)
                continue;
            EXPECT_EQ((uintptr_t)s, (region + 15) & ~(uintptr_t)15);
            EXPECT_EQ(s->magic, APG_BUDDY_MAGIC);
            EXPECT_EQ(s->table, (uintptr_t)s + sizeof *s);
            EXPECT_EQ(s->arena_start % 4096, 0);
            EXPECT(s->arena_start >= s->table + s->unit_count * 4);
            EXPECT(s->arena_start - (s->table + s->unit_count * 4) < 4096);
            EXPECT(s->arena_start + s->arena_size <= end);
            EXPECT_EQ(s->arena_size, s->unit_count * 32);
            EXPECT_EQ(s->region_size, h.size);
            EXPECT((32ull << s->max_order) <= s->arena_size);
            EXPECT((32ull << (s->max_order + 1)) > s->arena_size);
            /* the table and the arena use the region well: less than a page
             * plus one table-and-unit's worth is left over */
            EXPECT(end - (s->arena_start + s->arena_size) < 4096 + 36);
            EXPECT(check_ok(&h));
            apg_stats st = stats_of(&h);
            EXPECT_EQ(st.region_size, h.size);
            EXPECT_EQ(st.used_bytes, 0);
            EXPECT_EQ(st.used_blocks, 0);
            EXPECT_EQ(st.requested_bytes, 0);
            EXPECT_EQ(st.free_bytes, s->arena_size);
            EXPECT_EQ(st.overhead_bytes, h.size - s->arena_size);
            EXPECT_EQ(st.largest_free, 32ull << s->max_order);
            /* the arena is covered by its maximal blocks: one per set bit */
            EXPECT_EQ(st.free_blocks, (size_t)popcount(s->unit_count));
            heap_delete(&h);
        }
    }
}

static void test_init_too_small(void)
{
    void *block = NULL;
    if (posix_memalign(&block, 4096, 8192) != 0)
        abort();
    unsigned char *page = block;
    EXPECT(apg_buddy.init(page, 0) == NULL);
    EXPECT(apg_buddy.init(page, 100) == NULL);
    EXPECT(apg_buddy.init(page, sizeof(struct apg_buddy_state)) == NULL);
    /* the arena starts on a page boundary: 16 bytes past it are too few */
    EXPECT(apg_buddy.init(page + 16, 4096) == NULL);
    EXPECT(apg_buddy.init(page + 1, 4096 + 30) == NULL);
    free(block);
    /* just enough for the table and one unit on the next page */
    heap h = heap_new(4096 + 32, 0);
    EXPECT(h.state != NULL);
    if (h.state != NULL) {
        EXPECT_EQ(h.state->unit_count, 1);
        EXPECT_EQ(h.state->max_order, 0);
        EXPECT(check_ok(&h));
        void *p = apg_buddy.alloc(h.state, 32, 16);
        EXPECT(p != NULL);
        EXPECT(apg_buddy.alloc(h.state, 1, 16) == NULL);
        apg_buddy.free(h.state, p);
        EXPECT(check_ok(&h));
    }
    heap_delete(&h);
}

/* A non-power-of-two arena starts as maximal blocks, largest first, none of
 * which has a buddy inside the arena. */
static void test_init_top_blocks(void)
{
    heap h = heap_new(4096 + 4096 + 7 * 32 * 36, 0); /* some units over one page */
    struct apg_buddy_state *s = h.state;
    recorder *r = walk_of(&h);
    EXPECT_EQ(r->count, (size_t)popcount(s->unit_count));
    uintptr_t expect_start = s->arena_start;
    for (size_t i = 0; i < r->count; i++) {
        EXPECT_EQ(r->blocks[i].start, expect_start);
        EXPECT_EQ(r->blocks[i].status, APG_BLOCK_FREE);
        if (i > 0)
            EXPECT(r->blocks[i].span < r->blocks[i - 1].span);
        expect_start += r->blocks[i].span;
    }
    EXPECT_EQ(expect_start, s->arena_start + s->arena_size);
    free(r);
    heap_delete(&h);
}

/* A block whose buddy would stick out of the arena has no buddy: the
 * allocator must not even look at the table entries past the arena's units.
 * Decoy FREE entries right after the table catch it if it does. */
static void test_no_buddy_past_the_arena(void)
{
    heap h = heap_new(4096 + 3 * 32, 0); /* 3 units: blocks of 64 and 32 bytes */
    EXPECT_EQ(h.state->unit_count, 3);
    uint32_t *table = table_of(&h);
    EXPECT((uintptr_t)&table[8] <= h.state->arena_start);
    for (unsigned u = 3; u < 8; u++)
        table[u] = (APG_BUDDY_STATE_FREE << APG_BUDDY_STATE_SHIFT) | (u == 3 ? 0 : 1);
    EXPECT(check_ok(&h));
    apg_stats empty = stats_of(&h);
    unsigned char *small = apg_buddy.alloc(h.state, 32, 16);
    unsigned char *large = apg_buddy.alloc(h.state, 64, 16);
    EXPECT(small != NULL && large != NULL);
    EXPECT(apg_buddy.alloc(h.state, 1, 16) == NULL);
    apg_buddy.free(h.state, small);
    apg_buddy.free(h.state, large);
    EXPECT(check_ok(&h));
    apg_stats after = stats_of(&h);
    EXPECT_EQ(after.free_blocks, 2);
    EXPECT_EQ(after.largest_free, empty.largest_free);
    EXPECT_EQ(table[3], APG_BUDDY_STATE_FREE << APG_BUDDY_STATE_SHIFT); /* decoys untouched */
    heap_delete(&h);
}

/* ---- alloc ---- */

static void test_alloc_orders(void)
{
    heap h = heap_pow2(15, 48);
    struct {
        size_t size;
        size_t block;
    } cases[] = {{1, 32},      {16, 32},     {32, 32},     {33, 64},     {64, 64},    {65, 128},
                 {1000, 1024}, {1024, 1024}, {1025, 2048}, {4096, 4096}, {5000, 8192}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *p = apg_buddy.alloc(h.state, cases[i].size, 16);
        EXPECT(p != NULL);
        if (p == NULL)
            continue;
        uint32_t e = entry_of(&h, p);
        EXPECT_EQ(state_of(e), APG_BUDDY_STATE_USED);
        EXPECT_EQ(32u << order_of(e), cases[i].block);
        EXPECT_EQ(requested_of(e), cases[i].size);
        EXPECT_EQ(apg_buddy.usable_size(h.state, p), cases[i].block);
        EXPECT_EQ(((uintptr_t)p - h.state->arena_start) % cases[i].block, 0);
        memset(p, 0x5A, cases[i].size);
        EXPECT(check_ok(&h));
    }
    heap_delete(&h);
}

static void test_alloc_alignment(void)
{
    heap h = heap_new(1 << 20, 5);
    for (size_t align = 1; align <= 4096; align *= 2) {
        unsigned char *p = apg_buddy.alloc(h.state, 1, align);
        EXPECT(p != NULL);
        size_t effective = align < 16 ? 16 : align;
        EXPECT_EQ((uintptr_t)p % effective, 0);
        EXPECT(apg_buddy.usable_size(h.state, p) >= effective || align < 32);
        EXPECT_EQ(requested_of(entry_of(&h, p)), 1); /* the request, not the block */
    }
    EXPECT(check_ok(&h));
    /* invalid alignments are refused and change nothing */
    unsigned char *before = snapshot(&h);
    EXPECT(apg_buddy.alloc(h.state, 16, 0) == NULL);
    EXPECT(apg_buddy.alloc(h.state, 16, 3) == NULL);
    EXPECT(apg_buddy.alloc(h.state, 16, 48) == NULL);
    EXPECT(apg_buddy.alloc(h.state, 16, 8192) == NULL);
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

static void test_alloc_splits_lowest_half(void)
{
    heap h = heap_pow2(15, 48);
    apg_stats empty = stats_of(&h);
    unsigned char *a = apg_buddy.alloc(h.state, 32, 16);
    /* the largest block was split all the way down: one free block per order */
    apg_stats one = stats_of(&h);
    EXPECT_EQ((uintptr_t)a, h.state->arena_start);
    EXPECT_EQ(one.free_blocks, empty.free_blocks - 1 + h.state->max_order);
    for (unsigned k = 0; k < h.state->max_order; k++) {
        EXPECT_EQ(h.state->free_heads[k], h.state->arena_start + (32ull << k));
    }
    /* the next small block is a's buddy */
    unsigned char *b = apg_buddy.alloc(h.state, 20, 16);
    EXPECT(b == a + 32);
    EXPECT_EQ(h.state->free_heads[0], 0);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_alloc_overflow(void)
{
    heap h = heap_new(1 << 20, 48);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_buddy.alloc(h.state, 0, 16) == NULL);
    EXPECT(apg_buddy.alloc(h.state, SIZE_MAX, 16) == NULL);
    EXPECT(apg_buddy.alloc(h.state, SIZE_MAX, 4096) == NULL);
    EXPECT(apg_buddy.alloc(h.state, SIZE_MAX - 4095, 4096) == NULL);
    EXPECT(apg_buddy.alloc(h.state, h.size + 1, 16) == NULL);
    EXPECT(apg_buddy.alloc(h.state, h.state->arena_size, 16) == NULL); /* not a power of two */
    EXPECT(apg_buddy.alloc(h.state, (32ull << h.state->max_order) + 1, 16) == NULL);
    EXPECT(apg_buddy.alloc(h.state, (size_t)1 << 40, 16) == NULL);
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

static void test_largest_free_is_exact(void)
{
    heap h = heap_new(300000, 16);
    unsigned char *p[8];
    p[0] = apg_buddy.alloc(h.state, 5000, 16);
    p[1] = apg_buddy.alloc(h.state, 70000, 16);
    p[2] = apg_buddy.alloc(h.state, 100, 16);
    for (int round = 0; round < 6; round++) {
        apg_stats s = stats_of(&h);
        if (s.largest_free == 0)
            break;
        unsigned char *before = snapshot(&h);
        EXPECT(apg_buddy.alloc(h.state, s.largest_free + 1, 16) == NULL);
        EXPECT(unchanged(&h, before));
        p[3 + round % 5] = apg_buddy.alloc(h.state, s.largest_free, 16);
        EXPECT(p[3 + round % 5] != NULL);
    }
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_exhaustion_and_full_merge(void)
{
    heap h = heap_new(65536 + 100, 48);
    apg_stats empty = stats_of(&h);
    unsigned char *before = snapshot(&h);
    /* fill with the smallest blocks, free them in a scrambled order */
    size_t n = 0, cap = h.state->unit_count;
    unsigned char **ptrs = calloc(cap + 1, sizeof *ptrs);
    while ((ptrs[n] = apg_buddy.alloc(h.state, 1 + n % 32, 16)) != NULL)
        n++;
    EXPECT_EQ(n, cap);
    apg_stats full = stats_of(&h);
    EXPECT_EQ(full.free_bytes, 0);
    EXPECT_EQ(full.largest_free, 0);
    EXPECT_EQ(full.used_blocks, cap);
    EXPECT(check_ok(&h));
    for (size_t i = 0; i < n; i++) {
        size_t j = (i * 7919) % n; /* 7919 is prime: visits every index once */
        apg_buddy.free(h.state, ptrs[j]);
    }
    EXPECT(check_ok(&h));
    apg_stats after = stats_of(&h);
    EXPECT_EQ(after.free_blocks, empty.free_blocks);
    EXPECT_EQ(after.largest_free, empty.largest_free);
    EXPECT_EQ(after.free_bytes, empty.free_bytes);
    /* the metadata (state and table) is exactly as after init */
    EXPECT(memcmp(before, h.region, h.state->arena_start - (uintptr_t)h.region) == 0);
    free(before);
    free(ptrs);
    heap_delete(&h);
}

/* ---- free ---- */

static void test_free_merges_repeatedly(void)
{
    heap h = heap_pow2(15, 48);
    unsigned char *meta = snapshot(&h);
    size_t meta_bytes = h.state->arena_start - (uintptr_t)h.region;
    unsigned char *a = apg_buddy.alloc(h.state, 32, 16); /* unit 0 */
    unsigned char *b = apg_buddy.alloc(h.state, 32, 16); /* unit 1 */
    unsigned char *c = apg_buddy.alloc(h.state, 64, 16); /* units 2-3 */
    EXPECT(b == a + 32 && c == a + 64);
    apg_buddy.free(h.state, a);
    EXPECT_EQ(state_of(entry_of(&h, a)), APG_BUDDY_STATE_FREE); /* b is used: no merge */
    EXPECT_EQ(order_of(entry_of(&h, a)), 0);
    apg_buddy.free(h.state, c);
    EXPECT_EQ(state_of(entry_of(&h, c)), APG_BUDDY_STATE_FREE); /* its buddy a+b is split */
    EXPECT(check_ok(&h));
    apg_buddy.free(h.state, b); /* b+a -> 64, +c -> 128, ... all the way up */
    EXPECT_EQ(entry_of(&h, b), 0);
    EXPECT_EQ(entry_of(&h, c), 0);
    EXPECT_EQ(order_of(entry_of(&h, a)), h.state->max_order);
    EXPECT(memcmp(meta, h.region, meta_bytes) == 0);
    EXPECT(check_ok(&h));
    free(meta);
    heap_delete(&h);
}

/* ---- validate ---- */

static void test_validate(void)
{
    heap h = heap_pow2(15, 48);
    unsigned char *a = apg_buddy.alloc(h.state, 100, 16);  /* 128-byte block */
    unsigned char *b = apg_buddy.alloc(h.state, 5000, 16); /* 8 KiB block */
    unsigned char *c = apg_buddy.alloc(h.state, 40, 16);
    void *s = h.state;
    EXPECT_EQ(apg_buddy.validate(s, a), APG_PTR_OK);
    EXPECT_EQ(apg_buddy.validate(s, b), APG_PTR_OK);
    EXPECT_EQ(apg_buddy.validate(s, a + 16), APG_PTR_INSIDE_BLOCK); /* same unit as the head */
    EXPECT_EQ(apg_buddy.validate(s, a + 32), APG_PTR_INSIDE_BLOCK); /* a non-head unit */
    EXPECT_EQ(apg_buddy.validate(s, a + 96), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(apg_buddy.validate(s, b + 4096), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(apg_buddy.validate(s, b + 8192 - 16), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(apg_buddy.validate(s, a + 1), APG_PTR_MISALIGNED);
    EXPECT_EQ(apg_buddy.validate(s, a + 8), APG_PTR_MISALIGNED);
    EXPECT_EQ(apg_buddy.validate(s, NULL), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_buddy.validate(s, h.region), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_buddy.validate(s, (void *)(uintptr_t)h.state->table), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_buddy.validate(s, (void *)(uintptr_t)(h.state->arena_start - 16)),
              APG_PTR_OUTSIDE);
    EXPECT_EQ(
        apg_buddy.validate(s, (void *)(uintptr_t)(h.state->arena_start + h.state->arena_size)),
        APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_buddy.validate(s, (void *)UINTPTR_MAX), APG_PTR_OUTSIDE);
    /* free memory: the head of a free block and any unit inside one */
    uintptr_t last_unit = h.state->arena_start + h.state->arena_size - 32;
    EXPECT_EQ(apg_buddy.validate(s, (void *)last_unit), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_buddy.validate(s, (void *)(uintptr_t)h.state->free_heads[h.state->max_order - 1]),
              APG_PTR_NOT_ALLOCATED);
    apg_buddy.free(s, c);
    EXPECT_EQ(apg_buddy.validate(s, c), APG_PTR_NOT_ALLOCATED); /* double free */
    apg_buddy.free(s, a);
    EXPECT_EQ(apg_buddy.validate(s, a), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_buddy.validate(s, a + 64), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_buddy.usable_size(s, a), 0);
    EXPECT_EQ(apg_buddy.usable_size(s, b + 32), 0);
    /* validate changes nothing */
    unsigned char *before = snapshot(&h);
    apg_buddy.validate(s, b);
    apg_buddy.validate(s, a);
    apg_buddy.validate(s, b + 48);
    EXPECT(unchanged(&h, before));
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

/* ---- realloc ---- */

static void test_realloc_shrink_in_place(void)
{
    heap h = heap_pow2(15, 48);
    unsigned char *p = apg_buddy.alloc(h.state, 4000, 16);
    memset(p, 0x11, 4000);
    apg_stats before = stats_of(&h);
    unsigned char *q = apg_buddy.realloc(h.state, p, 100);
    EXPECT(q == p);
    EXPECT_EQ(apg_buddy.usable_size(h.state, q), 128);
    EXPECT_EQ(requested_of(entry_of(&h, q)), 100);
    apg_stats after = stats_of(&h);
    EXPECT_EQ(after.used_bytes, 128);
    EXPECT_EQ(after.free_bytes, before.free_bytes + 4096 - 128);
    EXPECT(q[0] == 0x11 && q[99] == 0x11);
    /* same order: only the request changes */
    EXPECT(apg_buddy.realloc(h.state, q, 128) == q);
    EXPECT_EQ(requested_of(entry_of(&h, q)), 128);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_grow_in_place(void)
{
    heap h = heap_pow2(15, 48);
    unsigned char *p = apg_buddy.alloc(h.state, 32, 16); /* unit 0: its buddies above are free */
    memset(p, 0x22, 32);
    unsigned char *q = apg_buddy.realloc(h.state, p, 3000);
    EXPECT(q == p);
    EXPECT_EQ(apg_buddy.usable_size(h.state, q), 4096);
    EXPECT(q[0] == 0x22 && q[31] == 0x22);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_moves(void)
{
    heap h = heap_pow2(15, 48);
    unsigned char *p = apg_buddy.alloc(h.state, 32, 16);
    unsigned char *blocker = apg_buddy.alloc(h.state, 32, 16); /* p's buddy is now used */
    for (int i = 0; i < 32; i++)
        p[i] = (unsigned char)i;
    unsigned char *q = apg_buddy.realloc(h.state, p, 200);
    EXPECT(q != NULL && q != p);
    for (int i = 0; i < 32; i++)
        EXPECT_EQ(q[i], i);
    EXPECT_EQ(apg_buddy.validate(h.state, p), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_buddy.validate(h.state, q), APG_PTR_OK);
    EXPECT_EQ(requested_of(entry_of(&h, q)), 200);
    /* the upper buddy cannot grow in place even when the space above is free */
    unsigned char *r = apg_buddy.realloc(h.state, blocker, 64);
    EXPECT(r != blocker);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_failure_changes_nothing(void)
{
    heap h = heap_pow2(11, 48);
    unsigned char *p = apg_buddy.alloc(h.state, 1000, 16);
    unsigned char *q = apg_buddy.alloc(h.state, 1000, 16);
    memset(p, 0x33, 1000);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_buddy.realloc(h.state, p, SIZE_MAX) == NULL);
    EXPECT(apg_buddy.realloc(h.state, p, h.state->arena_size) == NULL);
    EXPECT(apg_buddy.realloc(h.state, p, 32ull << h.state->max_order) == NULL); /* no room */
    EXPECT(unchanged(&h, before));
    EXPECT(q != NULL);
    heap_delete(&h);
}

/* Requests are stored saturating at APG_BUDDY_REQ_MAX (32 MiB - 1). */
static void test_requested_saturates(void)
{
    heap h = heap_new((size_t)160 << 20, 0);
    unsigned char *exact = apg_buddy.alloc(h.state, APG_BUDDY_REQ_MAX, 16);
    unsigned char *big = apg_buddy.alloc(h.state, (size_t)40 << 20, 16);
    EXPECT(exact != NULL && big != NULL);
    EXPECT_EQ(requested_of(entry_of(&h, exact)), APG_BUDDY_REQ_MAX);
    EXPECT_EQ(requested_of(entry_of(&h, big)), APG_BUDDY_REQ_MAX);
    EXPECT_EQ(apg_buddy.usable_size(h.state, big), (size_t)64 << 20);
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.requested_bytes, 2 * (size_t)APG_BUDDY_REQ_MAX);
    EXPECT(check_ok(&h));
    apg_buddy.free(h.state, big);
    apg_buddy.free(h.state, exact);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

/* ---- walk and stats ---- */

static void test_walk_and_stats(void)
{
    heap h = heap_new(1 << 20, 48);
    unsigned char *a = apg_buddy.alloc(h.state, 10, 16);
    unsigned char *b = apg_buddy.alloc(h.state, 300, 16);
    unsigned char *c = apg_buddy.alloc(h.state, 2000, 1024);
    recorder *r = walk_of(&h);
    size_t used = 0, free_bytes = 0, used_bytes = 0, requested = 0;
    uintptr_t next = h.state->arena_start;
    for (size_t i = 0; i < r->count; i++) {
        const apg_block *blk = &r->blocks[i];
        EXPECT_EQ(blk->start, next);
        EXPECT_EQ(blk->payload, blk->start);
        EXPECT_EQ(blk->usable, blk->span);
        EXPECT(is_power_of_two(blk->span));
        next = blk->start + blk->span;
        if (blk->status == APG_BLOCK_USED) {
            used++;
            used_bytes += blk->span;
            requested += blk->requested;
        } else {
            EXPECT_EQ(blk->requested, 0);
            free_bytes += blk->span;
        }
    }
    EXPECT_EQ(next, h.state->arena_start + h.state->arena_size);
    EXPECT_EQ(used, 3);
    EXPECT_EQ(requested, 10 + 300 + 2000);
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.used_blocks, 3);
    EXPECT_EQ(s.free_blocks, r->count - 3);
    EXPECT_EQ(s.used_bytes, used_bytes);
    EXPECT_EQ(s.used_bytes, 32 + 512 + 2048);
    EXPECT_EQ(s.free_bytes, free_bytes);
    EXPECT_EQ(s.requested_bytes, requested);
    EXPECT_EQ(s.used_bytes + s.free_bytes + s.overhead_bytes, s.region_size);
    free(r);
    /* the walk stops when the callback says so */
    recorder *two = calloc(1, sizeof *two);
    two->stop_after = 2;
    apg_buddy.walk(h.state, record, two);
    EXPECT_EQ(two->count, 2);
    free(two);
    (void)a, (void)b, (void)c;
    heap_delete(&h);
}

/* ---- check ---- */

typedef void (*corruption)(heap *h, unsigned char *a, unsigned char *b);

static void corrupt_magic(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    h->state->magic ^= 1;
}
static void corrupt_nonhead_entry(heap *h, unsigned char *a, unsigned char *b)
{
    (void)b;
    table_of(h)[unit_index(h, a) + 1] = 1; /* inside a's 64-byte block */
}
static void corrupt_missing_head(heap *h, unsigned char *a, unsigned char *b)
{
    (void)b;
    table_of(h)[unit_index(h, a)] = 0;
}
static void corrupt_order_too_big(heap *h, unsigned char *a, unsigned char *b)
{
    (void)b;
    table_of(h)[unit_index(h, a)] |= APG_BUDDY_ORDER_MASK;
}
static void corrupt_used_requested_zero(heap *h, unsigned char *a, unsigned char *b)
{
    (void)b;
    table_of(h)[unit_index(h, a)] &= (1u << APG_BUDDY_REQ_SHIFT) - 1;
}
static void corrupt_requested_too_big(heap *h, unsigned char *a, unsigned char *b)
{
    (void)b;
    table_of(h)[unit_index(h, a)] |= 100u << APG_BUDDY_REQ_SHIFT;
}
static void corrupt_state_bits(heap *h, unsigned char *a, unsigned char *b)
{
    (void)b;
    table_of(h)[unit_index(h, a)] |= APG_BUDDY_STATE_MASK << APG_BUDDY_STATE_SHIFT;
}
static void corrupt_list_outside(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    h->state->free_heads[3] = h->state->arena_start + h->state->arena_size;
}
static void corrupt_list_self_cycle(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    struct apg_buddy_free_links *l = (void *)(uintptr_t)h->state->free_heads[4];
    l->next = h->state->free_heads[4];
}
static void corrupt_list_back_link(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    struct apg_buddy_free_links *l = (void *)(uintptr_t)h->state->free_heads[5];
    l->prev = h->state->arena_start;
}
static void corrupt_list_dropped(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    h->state->free_heads[6] = 0;
}
static void corrupt_list_wrong_order(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    uint64_t t = h->state->free_heads[6];
    h->state->free_heads[6] = h->state->free_heads[7];
    h->state->free_heads[7] = t;
}
static void corrupt_list_points_at_used(heap *h, unsigned char *a, unsigned char *b)
{
    (void)b;
    h->state->free_heads[1] = (uintptr_t)a;
}
static void corrupt_unmerged_buddies(heap *h, unsigned char *a, unsigned char *b)
{
    /* b (32 bytes, after a's 64) and its buddy: mark both free, unmerged */
    (void)a;
    apg_buddy.free(h->state, b);
    table_of(h)[unit_index(h, b) + 1] = APG_BUDDY_STATE_FREE << APG_BUDDY_STATE_SHIFT;
}
static void corrupt_arena_size(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    h->state->arena_size += 32;
}
static void corrupt_table_address(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    h->state->table += 4;
}
static void corrupt_arena_start(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    h->state->arena_start += 4096;
}
static void corrupt_max_order(heap *h, unsigned char *a, unsigned char *b)
{
    (void)a, (void)b;
    h->state->max_order--;
}

static void test_check_detects_corruption(void)
{
    struct {
        corruption corrupt;
        const char *name;
    } cases[] = {
        {corrupt_magic, "magic"},
        {corrupt_nonhead_entry, "non-head entry"},
        {corrupt_missing_head, "missing head"},
        {corrupt_order_too_big, "order"},
        {corrupt_used_requested_zero, "requested 0"},
        {corrupt_requested_too_big, "requested too big"},
        {corrupt_state_bits, "state bits"},
        {corrupt_list_outside, "list outside"},
        {corrupt_list_self_cycle, "list cycle"},
        {corrupt_list_back_link, "back link"},
        {corrupt_list_dropped, "list dropped"},
        {corrupt_list_wrong_order, "list wrong order"},
        {corrupt_list_points_at_used, "list at used block"},
        {corrupt_unmerged_buddies, "unmerged buddies"},
        {corrupt_arena_size, "arena size"},
        {corrupt_table_address, "table address"},
        {corrupt_arena_start, "arena start"},
        {corrupt_max_order, "max order"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        heap h = heap_pow2(15, 48);
        unsigned char *a = apg_buddy.alloc(h.state, 50, 16); /* units 0-1 */
        unsigned char *b = apg_buddy.alloc(h.state, 20, 16); /* unit 2 */
        unsigned char *c = apg_buddy.alloc(h.state, 20, 16); /* unit 3 */
        EXPECT(c != NULL && check_ok(&h));
        cases[i].corrupt(&h, a, b);
        const char *found = check_problem(&h);
        if (found == NULL)
            fprintf(stderr, "  corruption '%s' not detected\n", cases[i].name);
        EXPECT(found != NULL);
        heap_delete(&h);
    }
}

/* Flip random bytes of the metadata and of free blocks' links: check() must
 * return (ASan and the time limit catch a crash or an endless loop) and must
 * notice most of them. */
static void test_check_survives_random_corruption(void)
{
    uint64_t rng = 12345;
    size_t detected = 0, trials = 3000;
    for (size_t t = 0; t < trials; t++) {
        heap h = heap_new(65536, 48);
        unsigned char *p[16];
        for (int i = 0; i < 16; i++)
            p[i] = apg_buddy.alloc(h.state, (size_t)(16 + 97 * i), 16);
        for (int i = 0; i < 16; i += 3)
            apg_buddy.free(h.state, p[i]);
        size_t meta = h.state->table + h.state->unit_count * 4 - (uintptr_t)h.region;
        /* where free blocks keep their links, before anything is flipped */
        size_t links[APG_BUDDY_MAX_ORDERS], link_count = 0;
        for (unsigned k = 0; k < APG_BUDDY_MAX_ORDERS; k++) {
            if (h.state->free_heads[k] != 0)
                links[link_count++] = h.state->free_heads[k] - (uintptr_t)h.region;
        }
        for (int flips = 0; flips < 1 + (int)(t % 3); flips++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            size_t at;
            if ((rng >> 60) < 12)
                at = (size_t)(rng >> 16) % meta; /* state or table */
            else
                at = links[(rng >> 8) % link_count] + (size_t)((rng >> 20) % 16);
            h.region[at] ^= (unsigned char)(1u << ((rng >> 40) % 8));
        }
        if (check_problem(&h) != NULL)
            detected++;
        heap_delete(&h);
    }
    printf("       (random corruption: %zu of %zu detected)\n", detected, trials);
    EXPECT(detected > trials / 2);
}

/* ---- regions of 4 GiB and more ---- */

static void test_huge_region_is_clamped(void)
{
    size_t size = (size_t)5 << 30;
    unsigned char *region = mmap(NULL, size, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED) {
        printf("       (skipped: cannot map 5 GiB)\n");
        return;
    }
    struct apg_buddy_state *s = apg_buddy.init(region, size);
    EXPECT(s != NULL);
    if (s != NULL) {
        EXPECT(s->arena_start + s->arena_size - (uintptr_t)region < (size_t)4 << 30);
        EXPECT_EQ(s->max_order, 26);
        apg_stats st;
        apg_buddy.stats(s, &st);
        EXPECT_EQ(st.region_size, size);
        EXPECT_EQ(st.used_bytes + st.free_bytes + st.overhead_bytes, size);
        EXPECT_EQ(st.largest_free, (size_t)2 << 30);
        void *big = apg_buddy.alloc(s, (size_t)1 << 31, 4096);
        EXPECT(big != NULL);
        EXPECT(apg_buddy.alloc(s, ((size_t)1 << 31) + 1, 16) == NULL);
        EXPECT(apg_buddy.alloc(s, (size_t)3 << 30, 16) == NULL);
        apg_buddy.free(s, big);
        EXPECT(apg_buddy.check(s).ok);
    }
    munmap(region, size);
}

int main(void)
{
    /* first, while ASan's quarantine of freed test heaps is still empty: the
     * clamped region's table alone is close to 480 MiB */
    RUN(test_huge_region_is_clamped);
    RUN(test_init_layout);
    RUN(test_init_too_small);
    RUN(test_init_top_blocks);
    RUN(test_no_buddy_past_the_arena);
    RUN(test_alloc_orders);
    RUN(test_alloc_alignment);
    RUN(test_alloc_splits_lowest_half);
    RUN(test_alloc_overflow);
    RUN(test_largest_free_is_exact);
    RUN(test_exhaustion_and_full_merge);
    RUN(test_free_merges_repeatedly);
    RUN(test_validate);
    RUN(test_realloc_shrink_in_place);
    RUN(test_realloc_grow_in_place);
    RUN(test_realloc_moves);
    RUN(test_realloc_failure_changes_nothing);
    RUN(test_requested_saturates);
    RUN(test_walk_and_stats);
    RUN(test_check_detects_corruption);
    RUN(test_check_survives_random_corruption);
    return UNIT_EXIT();
}
