/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the bump allocator (firmware/alloc/bump.c). */
#include "allocator.h"
#include "bump.h"
#include "heap_abi.h"
#include "unit.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER sizeof(struct apg_bump_block)

/* ---- helpers ---- */

/* A heap in its own malloc block, so ASan catches any access past its end.
 * `misalign` shifts the region off the 16-byte grid. */
typedef struct {
    unsigned char *block;
    unsigned char *region;
    size_t size;
    struct apg_bump_state *state;
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
    memset(h.region, 0xA5, size);
    h.state = apg_bump.init(h.region, size);
    return h;
}

static void heap_delete(heap *h)
{
    free(h->block);
}

static struct apg_bump_block *header_of(const void *payload, size_t payload_offset)
{
    return (struct apg_bump_block *)((uintptr_t)payload - payload_offset);
}

static bool check_ok(const heap *h)
{
    apg_check_result r = apg_bump.check(h->state);
    if (!r.ok)
        fprintf(stderr, "  check: %s at %#lx\n", r.problem, (unsigned long)r.where);
    return r.ok;
}

static apg_stats stats_of(const heap *h)
{
    apg_stats s;
    apg_bump.stats(h->state, &s);
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

static uintptr_t tail_bytes(const heap *h)
{
    return h->state->end - h->state->next;
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
    size_t sizes[] = {100, 4096, 65536 + 7};
    size_t misaligns[] = {0, 5, 16, 48};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizeof misaligns / sizeof misaligns[0]; j++) {
            heap h = heap_new(sizes[i], misaligns[j]);
            struct apg_bump_state *s = h.state;
            uintptr_t region = (uintptr_t)h.region, end = region + h.size;
            EXPECT(s != NULL);
            if (s == NULL)
                continue;
            EXPECT_EQ((uintptr_t)s, (region + 15) & ~(uintptr_t)15);
            EXPECT_EQ(s->magic, APG_BUMP_MAGIC);
            EXPECT_EQ(s->start, (uintptr_t)s + ((sizeof *s + 15) & ~(size_t)15));
            EXPECT_EQ(s->next, s->start);
            EXPECT_EQ(s->end, end & ~(uintptr_t)15);
            EXPECT_EQ(s->live_blocks, 0);
            EXPECT_EQ(s->total_allocations, 0);
            EXPECT_EQ(s->region_size, h.size);
            EXPECT(check_ok(&h));
            apg_stats st = stats_of(&h);
            EXPECT_EQ(st.region_size, h.size);
            EXPECT_EQ(st.used_bytes + st.used_blocks + st.requested_bytes, 0);
            EXPECT_EQ(st.free_blocks, 1);
            EXPECT_EQ(st.free_bytes, s->end - s->start);
            EXPECT_EQ(st.largest_free, s->end - s->start - HEADER);
            EXPECT_EQ(st.overhead_bytes, h.size - (s->end - s->start));
            heap_delete(&h);
        }
    }
}

static void test_init_too_small(void)
{
    unsigned char *block = malloc(256);
    size_t state = (sizeof(struct apg_bump_state) + 15) & ~(size_t)15;
    EXPECT(apg_bump.init(block, 0) == NULL);
    EXPECT(apg_bump.init(block, state) == NULL);
    EXPECT(apg_bump.init(block, state + 31) == NULL); /* no room for header + 16 bytes */
    EXPECT(apg_bump.init(block + 1, state + 32) == NULL);
    struct apg_bump_state *s = apg_bump.init(block, state + 32);
    EXPECT(s != NULL);
    EXPECT(apg_bump.alloc(s, 16, 16) != NULL);
    EXPECT(apg_bump.alloc(s, 1, 16) == NULL);
    free(block);
}

/* ---- alloc ---- */

static void test_alloc_layout(void)
{
    heap h = heap_new(4096, 0);
    uintptr_t header = h.state->start;
    size_t sizes[] = {1, 16, 17, 100, 32};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = apg_bump.alloc(h.state, sizes[i], 16);
        EXPECT_EQ((uintptr_t)p, header + HEADER);
        struct apg_bump_block *b = header_of(p, HEADER);
        size_t span = (HEADER + sizes[i] + 15) & ~(size_t)15;
        EXPECT_EQ(b->span, span);
        EXPECT_EQ(b->flags, APG_BUMP_LIVE);
        EXPECT_EQ(b->payload_offset, HEADER);
        EXPECT_EQ(b->requested, sizes[i]);
        EXPECT_EQ(apg_bump.usable_size(h.state, p), span - HEADER);
        header += span;
        EXPECT_EQ(h.state->next, header);
        memset(p, 0x5A, sizes[i]);
    }
    EXPECT_EQ(h.state->live_blocks, 5);
    EXPECT_EQ(h.state->total_allocations, 5);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_alloc_alignment(void)
{
    heap h = heap_new(65536, 48);
    for (size_t align = 1; align <= 4096; align *= 2) {
        uintptr_t header = h.state->next;
        unsigned char *p = apg_bump.alloc(h.state, 24, align);
        size_t effective = align < 16 ? 16 : align;
        EXPECT(p != NULL && (uintptr_t)p % effective == 0);
        struct apg_bump_block *b = (struct apg_bump_block *)header;
        EXPECT_EQ(header + b->payload_offset, (uintptr_t)p);
        EXPECT(b->payload_offset >= HEADER && b->payload_offset < HEADER + effective);
        EXPECT_EQ(b->span, ((uintptr_t)p + 24 + 15 - header) & ~(uintptr_t)15);
        EXPECT_EQ(apg_bump.validate(h.state, p), APG_PTR_OK);
    }
    EXPECT(check_ok(&h));
    unsigned char *before = snapshot(&h);
    EXPECT(apg_bump.alloc(h.state, 16, 0) == NULL);
    EXPECT(apg_bump.alloc(h.state, 16, 24) == NULL);
    EXPECT(apg_bump.alloc(h.state, 16, 8192) == NULL);
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

static void test_alloc_until_full(void)
{
    heap h = heap_new(4096, 0);
    size_t largest = stats_of(&h).largest_free;
    unsigned char *before = snapshot(&h);
    EXPECT(apg_bump.alloc(h.state, largest + 1, 16) == NULL);
    EXPECT(unchanged(&h, before));
    unsigned char *p = apg_bump.alloc(h.state, largest, 16);
    EXPECT(p != NULL);
    EXPECT_EQ(h.state->next, h.state->end); /* exactly full */
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.largest_free, 0);
    EXPECT_EQ(s.free_blocks, 0);
    EXPECT_EQ(s.free_bytes, 0);
    EXPECT(apg_bump.alloc(h.state, 1, 16) == NULL);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_alloc_overflow(void)
{
    heap h = heap_new(65536, 16);
    apg_bump.alloc(h.state, 100, 16);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_bump.alloc(h.state, 0, 16) == NULL);
    EXPECT(apg_bump.alloc(h.state, SIZE_MAX, 16) == NULL);
    EXPECT(apg_bump.alloc(h.state, SIZE_MAX, 4096) == NULL);
    EXPECT(apg_bump.alloc(h.state, SIZE_MAX - 15, 16) == NULL);
    EXPECT(apg_bump.alloc(h.state, (size_t)UINT32_MAX + 1, 16) == NULL);
    EXPECT(apg_bump.alloc(h.state, h.size + 1, 16) == NULL);
    EXPECT(apg_bump.alloc(h.state, tail_bytes(&h) - HEADER + 1, 16) == NULL);
    EXPECT(apg_bump.alloc(h.state, tail_bytes(&h) - HEADER, 4096) == NULL); /* padding won't fit */
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

/* ---- free and rewind ---- */

static void test_free_marks_dead_then_rewinds(void)
{
    heap h = heap_new(4096, 0);
    apg_stats empty = stats_of(&h);
    unsigned char *a = apg_bump.alloc(h.state, 40, 16);
    unsigned char *b = apg_bump.alloc(h.state, 40, 16);
    unsigned char *c = apg_bump.alloc(h.state, 40, 16);
    uintptr_t next = h.state->next;
    apg_bump.free(h.state, b);
    EXPECT_EQ(header_of(b, HEADER)->flags, 0);
    EXPECT_EQ(h.state->live_blocks, 2);
    EXPECT_EQ(h.state->next, next); /* a dead block in the middle stays where it is */
    apg_bump.free(h.state, c);
    EXPECT_EQ(h.state->next, next); /* no partial rewind: only when nothing is live */
    EXPECT(check_ok(&h));
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.used_blocks, 1);
    EXPECT_EQ(s.free_blocks, 3); /* two dead blocks and the tail */
    apg_bump.free(h.state, a);
    EXPECT_EQ(h.state->live_blocks, 0);
    EXPECT_EQ(h.state->next, h.state->start);
    s = stats_of(&h);
    EXPECT_EQ(s.free_bytes, empty.free_bytes);
    EXPECT_EQ(s.largest_free, empty.largest_free);
    EXPECT_EQ(s.free_blocks, 1);
    EXPECT_EQ(h.state->total_allocations, 3);
    /* the next allocation reuses the start */
    EXPECT(apg_bump.alloc(h.state, 8, 16) == a);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_reset(void)
{
    heap h = heap_new(4096, 16);
    apg_stats empty = stats_of(&h);
    unsigned char *a = apg_bump.alloc(h.state, 40, 16);
    apg_bump.alloc(h.state, 400, 64);
    apg_bump_reset(h.state);
    EXPECT_EQ(h.state->next, h.state->start);
    EXPECT_EQ(h.state->live_blocks, 0);
    EXPECT_EQ(apg_bump.validate(h.state, a), APG_PTR_NOT_ALLOCATED);
    apg_stats s = stats_of(&h);
    EXPECT_EQ(s.free_bytes, empty.free_bytes);
    EXPECT_EQ(s.largest_free, empty.largest_free);
    EXPECT_EQ(s.used_blocks, 0);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

/* Two bump heaps (the kernel arena and a user heap) never share state. */
static void test_two_heaps_are_independent(void)
{
    heap user = heap_new(4096, 0);
    heap arena = heap_new(2048, 32);
    unsigned char *u = apg_bump.alloc(user.state, 100, 16);
    unsigned char *k = apg_bump.alloc(arena.state, 50, 16);
    EXPECT_EQ(apg_bump.validate(user.state, k), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_bump.validate(arena.state, u), APG_PTR_OUTSIDE);
    apg_bump_reset(arena.state);
    EXPECT_EQ(apg_bump.validate(user.state, u), APG_PTR_OK);
    EXPECT_EQ(user.state->live_blocks, 1);
    EXPECT(check_ok(&user) && check_ok(&arena));
    heap_delete(&user);
    heap_delete(&arena);
}

/* ---- validate ---- */

static void test_validate(void)
{
    heap h = heap_new(4096, 48);
    void *s = h.state;
    unsigned char *a = apg_bump.alloc(s, 100, 16);
    unsigned char *b = apg_bump.alloc(s, 10, 256); /* padded */
    unsigned char *c = apg_bump.alloc(s, 10, 16);
    EXPECT_EQ(apg_bump.validate(s, a), APG_PTR_OK);
    EXPECT_EQ(apg_bump.validate(s, b), APG_PTR_OK);
    EXPECT_EQ(apg_bump.validate(s, a - HEADER), APG_PTR_INSIDE_BLOCK); /* the header */
    EXPECT_EQ(apg_bump.validate(s, a + 16), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(apg_bump.validate(s, a + 96), APG_PTR_INSIDE_BLOCK);
    EXPECT_EQ(apg_bump.validate(s, b - 16), APG_PTR_INSIDE_BLOCK); /* padding */
    EXPECT_EQ(apg_bump.validate(s, a + 1), APG_PTR_MISALIGNED);
    EXPECT_EQ(apg_bump.validate(s, (void *)(uintptr_t)h.state->next), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_bump.validate(s, (void *)(uintptr_t)(h.state->end - 16)), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(apg_bump.validate(s, (void *)(uintptr_t)h.state->end), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_bump.validate(s, h.state), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_bump.validate(s, NULL), APG_PTR_OUTSIDE);
    EXPECT_EQ(apg_bump.validate(s, (void *)UINTPTR_MAX), APG_PTR_OUTSIDE);
    apg_bump.free(s, b);
    EXPECT_EQ(apg_bump.validate(s, b), APG_PTR_NOT_ALLOCATED);      /* double free */
    EXPECT_EQ(apg_bump.validate(s, b - 16), APG_PTR_NOT_ALLOCATED); /* its padding */
    EXPECT_EQ(apg_bump.usable_size(s, b), 0);
    EXPECT_EQ(apg_bump.usable_size(s, a + 16), 0);
    /* a free that validate() would reject is ignored */
    unsigned char *before = snapshot(&h);
    apg_bump.free(s, b);
    apg_bump.free(s, a + 16);
    apg_bump.validate(s, c);
    EXPECT(unchanged(&h, before));
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

/* ---- realloc ---- */

static void test_realloc_last_block_in_place(void)
{
    heap h = heap_new(4096, 0);
    apg_bump.alloc(h.state, 30, 16);
    unsigned char *p = apg_bump.alloc(h.state, 20, 16);
    memset(p, 0x11, 20);
    unsigned char *q = apg_bump.realloc(h.state, p, 500);
    EXPECT(q == p);
    EXPECT_EQ(header_of(p, HEADER)->span, (HEADER + 500 + 15) & ~(size_t)15);
    EXPECT_EQ(h.state->next, (uintptr_t)p + 500 + 12); /* 500 rounds up to 512 */
    EXPECT(p[19] == 0x11);
    q = apg_bump.realloc(h.state, p, 8); /* shrinking gives the tail back */
    EXPECT(q == p);
    EXPECT_EQ(h.state->next, (uintptr_t)p + 16);
    EXPECT_EQ(header_of(p, HEADER)->requested, 8);
    size_t room = tail_bytes(&h) + 16;
    EXPECT(apg_bump.realloc(h.state, p, room) == p); /* up to the very end */
    EXPECT_EQ(h.state->next, h.state->end);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_middle_block(void)
{
    heap h = heap_new(4096, 0);
    unsigned char *p = apg_bump.alloc(h.state, 100, 16);
    apg_bump.alloc(h.state, 10, 16);
    for (int i = 0; i < 100; i++)
        p[i] = (unsigned char)i;
    uintptr_t next = h.state->next;
    /* shrinking (or growing within the span) stays in place */
    EXPECT(apg_bump.realloc(h.state, p, 40) == p);
    EXPECT(apg_bump.realloc(h.state, p, 112) == p);
    EXPECT_EQ(h.state->next, next);
    EXPECT_EQ(header_of(p, HEADER)->requested, 112);
    /* growing past the span moves it to the end */
    unsigned char *q = apg_bump.realloc(h.state, p, 300);
    EXPECT_EQ((uintptr_t)q, next + HEADER);
    for (int i = 0; i < 100; i++)
        EXPECT_EQ(q[i], i);
    EXPECT_EQ(apg_bump.validate(h.state, p), APG_PTR_NOT_ALLOCATED);
    EXPECT_EQ(h.state->live_blocks, 2);
    EXPECT(check_ok(&h));
    heap_delete(&h);
}

static void test_realloc_failure_changes_nothing(void)
{
    heap h = heap_new(1024, 0);
    unsigned char *a = apg_bump.alloc(h.state, 100, 16);
    unsigned char *b = apg_bump.alloc(h.state, 100, 16);
    unsigned char *before = snapshot(&h);
    EXPECT(apg_bump.realloc(h.state, a, 2000) == NULL); /* middle block, no room to move */
    EXPECT(apg_bump.realloc(h.state, b, 2000) == NULL); /* last block, no room to grow */
    EXPECT(apg_bump.realloc(h.state, b, SIZE_MAX) == NULL);
    EXPECT(apg_bump.realloc(h.state, a, SIZE_MAX) == NULL);
    EXPECT(apg_bump.realloc(h.state, b, tail_bytes(&h) + 112 + 1) == NULL);
    EXPECT(unchanged(&h, before));
    heap_delete(&h);
}

/* ---- walk and stats ---- */

static void test_walk_and_stats(void)
{
    heap h = heap_new(4096, 0);
    unsigned char *a = apg_bump.alloc(h.state, 10, 16);
    unsigned char *b = apg_bump.alloc(h.state, 40, 64);
    unsigned char *c = apg_bump.alloc(h.state, 33, 16);
    apg_bump.free(h.state, b);
    recorder *r = calloc(1, sizeof *r);
    apg_bump.walk(h.state, record, r);
    EXPECT_EQ(r->count, 4);
    uintptr_t b_header = h.state->start + 32; /* a's span is 32 */
    uintptr_t c_header = (uintptr_t)c - HEADER;
    apg_block expect[] = {
        {h.state->start, 32, (uintptr_t)a, 16, 10, APG_BLOCK_USED},
        {b_header, c_header - b_header, (uintptr_t)b, c_header - (uintptr_t)b, 0, APG_BLOCK_FREE},
        {c_header, 64, (uintptr_t)c, 48, 33, APG_BLOCK_USED},
        {c_header + 64, h.state->end - c_header - 64, c_header + 64,
         h.state->end - c_header - 64 - HEADER, 0, APG_BLOCK_FREE},
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
    EXPECT_EQ(s.used_bytes, 32 + 64);
    EXPECT_EQ(s.requested_bytes, 43);
    EXPECT_EQ(s.free_bytes, expect[1].span + expect[3].span);
    EXPECT_EQ(s.largest_free, expect[3].usable); /* dead blocks do not count */
    EXPECT_EQ(s.used_bytes + s.free_bytes + s.overhead_bytes, s.region_size);
    memset(r, 0, sizeof *r);
    r->stop_after = 2;
    apg_bump.walk(h.state, record, r);
    EXPECT_EQ(r->count, 2);
    free(r);
    heap_delete(&h);
}

static void test_walk_without_tail(void)
{
    heap h = heap_new(1024, 0);
    apg_bump.alloc(h.state, stats_of(&h).largest_free, 16);
    recorder *r = calloc(1, sizeof *r);
    apg_bump.walk(h.state, record, r);
    EXPECT_EQ(r->count, 1);
    free(r);
    /* a 16-byte tail is reported but can hold nothing */
    heap g = heap_new(1024, 0);
    apg_bump.alloc(g.state, stats_of(&g).largest_free - 16, 16);
    EXPECT_EQ(tail_bytes(&g), 16);
    EXPECT_EQ(stats_of(&g).largest_free, 0);
    EXPECT_EQ(stats_of(&g).free_blocks, 1);
    EXPECT(apg_bump.alloc(g.state, 1, 16) == NULL);
    heap_delete(&h);
    heap_delete(&g);
}

/* ---- check ---- */

static void test_check_detects_corruption(void)
{
    for (int kind = 0; kind < 14; kind++) {
        heap h = heap_new(4096, 0);
        unsigned char *a = apg_bump.alloc(h.state, 40, 16);
        unsigned char *b = apg_bump.alloc(h.state, 40, 16);
        EXPECT(check_ok(&h));
        struct apg_bump_block *ha = header_of(a, HEADER), *hb = header_of(b, HEADER);
        switch (kind) {
        case 0: h.state->magic = 0; break;
        case 1: ha->span = 0; break;   /* would loop forever without the checks */
        case 2: ha->span += 8; break;  /* misaligned */
        case 3: hb->span += 16; break; /* past next */
        case 4: ha->flags = 0; break;  /* live count mismatch */
        case 5: ha->flags |= 4; break;
        case 6: ha->payload_offset = 8; break;
        case 7: ha->payload_offset = ha->span; break;
        case 8: ha->requested = 0; break;
        case 9: ha->requested = 1000; break;
        case 10: h.state->next = h.state->end + 16; break;
        case 11: h.state->start += 16; break;
        case 12: h.state->live_blocks = 0; break;
        case 13: h.state->next += 8; break;
        }
        apg_check_result r = apg_bump.check(h.state);
        if (r.ok)
            fprintf(stderr, "  corruption %d not detected\n", kind);
        EXPECT(!r.ok && r.problem != NULL);
        /* walk and validate stay inside the heap on a corrupted heap too */
        recorder *rec = calloc(1, sizeof *rec);
        apg_bump.walk(h.state, record, rec);
        free(rec);
        heap_delete(&h);
    }
}

static void test_check_survives_random_corruption(void)
{
    uint64_t rng = 4242;
    size_t detected = 0, trials = 3000;
    for (size_t t = 0; t < trials; t++) {
        heap h = heap_new(4096, 16);
        /* flip bits of the state and of the headers, not of payloads */
        unsigned char *targets[11];
        unsigned char *p[10];
        for (int i = 0; i < 10; i++) {
            targets[i] = (unsigned char *)(uintptr_t)h.state->next;
            p[i] = apg_bump.alloc(h.state, (size_t)(1 + 37 * i), (size_t)16 << (i % 3));
        }
        targets[10] = (unsigned char *)h.state;
        apg_bump.free(h.state, p[4]);
        for (int flips = 0; flips < 1 + (int)(t % 3); flips++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            size_t which = (rng >> 8) % 11;
            size_t bytes = which == 10 ? sizeof(struct apg_bump_state) : HEADER;
            targets[which][(rng >> 20) % bytes] ^= (unsigned char)(1u << ((rng >> 40) % 8));
        }
        if (!apg_bump.check(h.state).ok)
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
    struct apg_bump_state *s = apg_bump.init(region, size);
    EXPECT(s != NULL);
    if (s != NULL) {
        EXPECT(s->end - (uintptr_t)region <= UINT32_MAX);
        apg_stats st;
        apg_bump.stats(s, &st);
        EXPECT_EQ(st.region_size, size);
        EXPECT_EQ(st.used_bytes + st.free_bytes + st.overhead_bytes, size);
        EXPECT(st.largest_free < ((size_t)1 << 32));
        EXPECT(apg_bump.alloc(s, (size_t)1 << 32, 16) == NULL);
        void *big = apg_bump.alloc(s, st.largest_free, 16); /* writes only the header */
        EXPECT(big != NULL);
        EXPECT_EQ(apg_bump.usable_size(s, big), st.largest_free);
        EXPECT(apg_bump.check(s).ok);
    }
    munmap(region, size);
}

int main(void)
{
    RUN(test_init_layout);
    RUN(test_init_too_small);
    RUN(test_alloc_layout);
    RUN(test_alloc_alignment);
    RUN(test_alloc_until_full);
    RUN(test_alloc_overflow);
    RUN(test_free_marks_dead_then_rewinds);
    RUN(test_reset);
    RUN(test_two_heaps_are_independent);
    RUN(test_validate);
    RUN(test_realloc_last_block_in_place);
    RUN(test_realloc_middle_block);
    RUN(test_realloc_failure_changes_nothing);
    RUN(test_walk_and_stats);
    RUN(test_walk_without_tail);
    RUN(test_check_detects_corruption);
    RUN(test_check_survives_random_corruption);
    RUN(test_huge_region_is_clamped);
    return UNIT_EXIT();
}
