/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference model behind the model-based test and the allocator fuzzer.
 *
 * A reference model tracks the live blocks. After every operation:
 *   - the allocator's own check() passes;
 *   - walk() reports blocks in address order that tile the managed space
 *     without overlap, and its used blocks are exactly the model's live blocks
 *     (same payload address and requested size);
 *   - every live pointer is aligned as requested and lies inside the region;
 *   - stats() agrees with the walk.
 * Each live block is filled with a pattern derived from its id; the pattern is
 * verified when the block is freed or reallocated and for all blocks
 * periodically, so writes that leak into other blocks are caught.
 * Failed allocations and rejected frees must leave the heap unchanged.
 *
 */
#include "model.h"

#include "heap_abi.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIVE 512

typedef struct {
    unsigned char *ptr;
    size_t size;
    size_t align;
    uint64_t id;
} live_block;

struct model {
    const apg_allocator *a;
    void *heap;
    unsigned char *region;
    size_t region_size;
    live_block live[MAX_LIVE];
    size_t live_count;
    uint64_t next_id;
    uint64_t step;
    uint64_t fingerprint; /* of the layout at the last check_heap() */
    model_entropy entropy;
    void *entropy_ctx;
    apg_stats empty; /* stats right after init */
    /* counters for the summary */
    uint64_t allocs, alloc_failures, frees, reallocs, bad_frees;
};

/* A value in [lo, hi] from the entropy source (a PRNG or fuzzer bytes). */
static uint64_t draw(model *m, uint64_t lo, uint64_t hi)
{
    return lo + m->entropy(m->entropy_ctx) % (hi - lo + 1);
}

static void fail(const model *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL [%s step %" PRIu64 "]: ", m->a->name, m->step);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort(); /* a crash report for the fuzzer, a failure for the test */
}

static unsigned char pattern_byte(uint64_t id, size_t i)
{
    return (unsigned char)((id * 131u + i * 7u) ^ (id >> 3));
}

static void fill(unsigned char *p, size_t n, uint64_t id)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pattern_byte(id, i);
}

static void verify(const model *m, const live_block *b)
{
    for (size_t i = 0; i < b->size; i++) {
        if (b->ptr[i] != pattern_byte(b->id, i))
            fail(m, "block %p (id %" PRIu64 ") byte %zu corrupted", (void *)b->ptr, b->id, i);
    }
}

/* ---- walk checking ---- */

typedef struct {
    const model *m;
    uintptr_t last_end;
    size_t used, free_count, used_bytes, free_bytes, requested_bytes;
    uint64_t fingerprint;
    bool first;
    const live_block *sorted; /* the model's live blocks in address order */
} walk_state;

static int find_live(const model *m, uintptr_t p)
{
    for (size_t i = 0; i < m->live_count; i++) {
        if ((uintptr_t)m->live[i].ptr == p)
            return (int)i;
    }
    return -1;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h;
}

static bool walk_block(const apg_block *b, void *ctx)
{
    walk_state *w = ctx;
    const model *m = w->m;
    uintptr_t lo = (uintptr_t)m->region, hi = lo + m->region_size;
    if (b->span == 0)
        fail(m, "walk: block at %#" PRIxPTR " has span 0", b->start);
    if (b->start < lo || b->start + b->span > hi)
        fail(m, "walk: block %#" PRIxPTR "+%zu outside region", b->start, b->span);
    if (!w->first && b->start < w->last_end)
        fail(m,
             "walk: block %#" PRIxPTR " overlaps or is out of order (previous ended %#" PRIxPTR ")",
             b->start, w->last_end);
    if (b->payload < b->start || b->payload + b->usable > b->start + b->span)
        fail(m, "walk: payload of block %#" PRIxPTR " outside the block", b->start);
    w->first = false;
    w->last_end = b->start + b->span;
    w->fingerprint = mix(mix(mix(mix(w->fingerprint, b->start), b->span), b->requested), b->status);
    if (b->status == APG_BLOCK_USED) {
        /* used blocks in address order must be exactly the model's live blocks */
        if (w->used >= m->live_count || (uintptr_t)w->sorted[w->used].ptr != b->payload)
            fail(m, "walk: used block with payload %#" PRIxPTR " is not live in the model",
                 b->payload);
        if (w->sorted[w->used].size != b->requested)
            fail(m, "walk: block %#" PRIxPTR " requested %zu, model says %zu", b->payload,
                 b->requested, w->sorted[w->used].size);
        if (b->usable < b->requested)
            fail(m, "walk: block %#" PRIxPTR " usable %zu < requested %zu", b->payload, b->usable,
                 b->requested);
        w->used++;
        w->used_bytes += b->span;
        w->requested_bytes += b->requested;
    } else {
        if (b->requested != 0)
            fail(m, "walk: free block %#" PRIxPTR " reports requested %zu", b->start, b->requested);
        w->free_count++;
        w->free_bytes += b->span;
    }
    return true;
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const live_block *)a)->ptr;
    uintptr_t y = (uintptr_t)((const live_block *)b)->ptr;
    return x < y ? -1 : x > y;
}

/* Runs every per-step invariant; returns a fingerprint of the block layout so
 * callers can prove an operation changed nothing. */
static uint64_t check_heap(model *m)
{
    apg_check_result r = m->a->check(m->heap);
    if (!r.ok)
        fail(m, "check: %s at %#" PRIxPTR, r.problem, r.where);

    static live_block sorted[MAX_LIVE];
    memcpy(sorted, m->live, m->live_count * sizeof sorted[0]);
    qsort(sorted, m->live_count, sizeof sorted[0], by_address);
    walk_state w = {.m = m, .first = true, .sorted = sorted};
    m->a->walk(m->heap, walk_block, &w);
    if (w.used != m->live_count)
        fail(m, "walk found %zu used blocks, model has %zu", w.used, m->live_count);

    apg_stats s;
    m->a->stats(m->heap, &s);
    if (s.region_size != m->region_size)
        fail(m, "stats: region_size %zu != %zu", s.region_size, m->region_size);
    if (s.used_blocks != w.used || s.free_blocks != w.free_count)
        fail(m, "stats: blocks used/free %zu/%zu, walk %zu/%zu", s.used_blocks, s.free_blocks,
             w.used, w.free_count);
    if (s.used_bytes != w.used_bytes || s.free_bytes != w.free_bytes ||
        s.requested_bytes != w.requested_bytes)
        fail(m, "stats: bytes used/free/requested %zu/%zu/%zu, walk %zu/%zu/%zu", s.used_bytes,
             s.free_bytes, s.requested_bytes, w.used_bytes, w.free_bytes, w.requested_bytes);
    if (s.used_bytes + s.free_bytes + s.overhead_bytes != s.region_size)
        fail(m, "stats: used+free+overhead != region size");
    if (s.largest_free > s.free_bytes)
        fail(m, "stats: largest_free %zu > free_bytes %zu", s.largest_free, s.free_bytes);

    m->fingerprint = w.fingerprint;
    return w.fingerprint;
}

/* Alignment, bounds, validate() and usable_size() of every live block
 * (periodic: validate may walk the heap). */
static void check_live_blocks(const model *m)
{
    for (size_t i = 0; i < m->live_count; i++) {
        const live_block *b = &m->live[i];
        uintptr_t p = (uintptr_t)b->ptr;
        if (p % b->align != 0 || p % APG_DEFAULT_ALIGN != 0)
            fail(m, "live block %p not aligned to %zu", (void *)b->ptr, b->align);
        if (p < (uintptr_t)m->region || p + b->size > (uintptr_t)m->region + m->region_size)
            fail(m, "live block %p outside region", (void *)b->ptr);
        if (m->a->validate(m->heap, b->ptr) != APG_PTR_OK)
            fail(m, "validate rejects live block %p", (void *)b->ptr);
        if (m->a->usable_size(m->heap, b->ptr) < b->size)
            fail(m, "usable_size(%p) < %zu", (void *)b->ptr, b->size);
    }
}

/* ---- operations ---- */

static size_t random_size(model *m)
{
    uint64_t r = draw(m, 0, 99);
    if (r < 45)
        return (size_t)draw(m, 1, 64);
    if (r < 80)
        return (size_t)draw(m, 65, 1024);
    if (r < 97)
        return (size_t)draw(m, 1025, 16384);
    return (size_t)draw(m, 16385, m->region_size / 4 + 1);
}

static size_t random_align(model *m)
{
    if (draw(m, 0, 9) != 0)
        return APG_DEFAULT_ALIGN;
    return (size_t)1 << draw(m, 0, 12);
}

static void do_alloc(model *m)
{
    if (m->live_count == MAX_LIVE)
        return;
    size_t size = random_size(m);
    size_t align = random_align(m);
    uint64_t before = m->fingerprint;
    unsigned char *p = m->a->alloc(m->heap, size, align);
    m->allocs++;
    if (p == NULL) {
        m->alloc_failures++;
        if (check_heap(m) != before)
            fail(m, "failed alloc(%zu, %zu) changed the heap", size, align);
        return;
    }
    size_t eff_align = align < APG_DEFAULT_ALIGN ? APG_DEFAULT_ALIGN : align;
    live_block *b = &m->live[m->live_count++];
    *b = (live_block){.ptr = p, .size = size, .align = eff_align, .id = m->next_id++};
    if (m->a->kind == APG_KIND_PAGE) {
        for (size_t i = 0; i < size; i++) {
            if (p[i] != 0)
                fail(m, "page allocation %p not zeroed at %zu", (void *)p, i);
        }
    }
    fill(p, size, b->id);
}

static void remove_live(model *m, size_t i)
{
    m->live[i] = m->live[--m->live_count];
}

static void do_free(model *m)
{
    if (m->live_count == 0)
        return;
    size_t i = (size_t)draw(m, 0, m->live_count - 1);
    verify(m, &m->live[i]);
    m->a->free(m->heap, m->live[i].ptr);
    m->frees++;
    remove_live(m, i);
}

static void do_realloc(model *m)
{
    if (m->live_count == 0)
        return;
    size_t i = (size_t)draw(m, 0, m->live_count - 1);
    live_block *b = &m->live[i];
    verify(m, b);
    size_t size = draw(m, 0, 1) ? random_size(m) : b->size / 2 + 1;
    uint64_t before = m->fingerprint;
    unsigned char *p = m->a->realloc(m->heap, b->ptr, size);
    m->reallocs++;
    if (p == NULL) {
        if (check_heap(m) != before)
            fail(m, "failed realloc(%p, %zu) changed the heap", (void *)b->ptr, size);
        verify(m, b);
        return;
    }
    size_t keep = size < b->size ? size : b->size;
    for (size_t k = 0; k < keep; k++) {
        if (p[k] != pattern_byte(b->id, k))
            fail(m, "realloc %p -> %p lost byte %zu", (void *)b->ptr, (void *)p, k);
    }
    b->ptr = p;
    b->size = size;
    b->align = APG_DEFAULT_ALIGN;
    b->id = m->next_id++;
    fill(p, size, b->id);
}

/* Invalid frees must be rejected by validate() and change nothing. */
static void do_bad_free(model *m)
{
    unsigned char *p;
    uint64_t kind = draw(m, 0, 3);
    if (kind == 0 || m->live_count == 0) {
        p = m->region + draw(m, 0, m->region_size - 1);
        if (find_live(m, (uintptr_t)p) >= 0)
            return;
    } else if (kind == 1) {
        p = (unsigned char *)(uintptr_t)m->entropy(m->entropy_ctx);
        if (find_live(m, (uintptr_t)p) >= 0)
            return;
    } else if (kind == 2) {
        live_block *b = &m->live[draw(m, 0, m->live_count - 1)];
        p = b->ptr + draw(m, 1, b->size + 15);
        if (find_live(m, (uintptr_t)p) >= 0)
            return;
    } else {
        /* double free: free a live block through the model, then free it again */
        size_t i = (size_t)draw(m, 0, m->live_count - 1);
        p = m->live[i].ptr;
        verify(m, &m->live[i]);
        m->a->free(m->heap, p);
        m->frees++;
        remove_live(m, i);
        check_heap(m);
    }
    uint64_t before = m->fingerprint;
    apg_ptr_status st = m->a->validate(m->heap, p);
    if (st == APG_PTR_OK) {
        /* bump may hand out the same address again after a rewind; only a
         * live-model address may validate */
        fail(m, "validate accepted %p which is not live", (void *)p);
    }
    m->bad_frees++;
    if (check_heap(m) != before)
        fail(m, "validate(%p) changed the heap", (void *)p);
}

/* stats().largest_free must be a request that succeeds, and (where the
 * strategy has no size-class rounding) one byte more must fail. Allocating and
 * freeing it must leave the heap exactly as it was. */
static void probe_largest_free(model *m)
{
    if (m->a->kind == APG_KIND_BUMP)
        return; /* a bump free does not give memory back */
    apg_stats s;
    m->a->stats(m->heap, &s);
    if (s.largest_free == 0)
        return;
    uint64_t before = check_heap(m);
    void *p = m->a->alloc(m->heap, s.largest_free, APG_DEFAULT_ALIGN);
    if (p == NULL)
        fail(m, "alloc(largest_free = %zu) failed", s.largest_free);
    m->a->free(m->heap, p);
    if (check_heap(m) != before)
        fail(m, "alloc+free of largest_free did not restore the heap");
    if (m->a->kind != APG_KIND_TLSF) {
        p = m->a->alloc(m->heap, s.largest_free + 1, APG_DEFAULT_ALIGN);
        if (p != NULL)
            fail(m, "alloc(largest_free + 1 = %zu) succeeded", s.largest_free + 1);
    }
}

static void free_all(model *m)
{
    while (m->live_count > 0) {
        verify(m, &m->live[m->live_count - 1]);
        m->a->free(m->heap, m->live[m->live_count - 1].ptr);
        m->live_count--;
        m->frees++;
    }
}

model *model_create(const apg_allocator *a, size_t heap_bytes, model_entropy entropy, void *ctx)
{
    model *m = calloc(1, sizeof *m);
    m->a = a;
    m->region_size = heap_bytes;
    m->entropy = entropy;
    m->entropy_ctx = ctx;
    /* aligned_alloc wants a size that is a multiple of the alignment */
    m->region = aligned_alloc(4096, (heap_bytes + 4096 + 4095) / 4096 * 4096);
    /* an odd offset proves init copes with a region that is not page aligned */
    m->region += 48;
    m->heap = a->init(m->region, m->region_size);
    if (m->heap == NULL) {
        free(m->region - 48);
        free(m);
        return NULL;
    }
    check_heap(m);
    a->stats(m->heap, &m->empty);
    return m;
}

void model_step(model *m)
{
    uint64_t r = draw(m, 0, 99);
    if (r < 48)
        do_alloc(m);
    else if (r < 88)
        do_free(m);
    else if (r < 96)
        do_realloc(m);
    else
        do_bad_free(m);
    if (m->step % 50000 == 49999)
        free_all(m);
    if (m->step % 997 == 0)
        probe_largest_free(m);
    if (m->step % 1000 == 0) {
        for (size_t i = 0; i < m->live_count; i++)
            verify(m, &m->live[i]);
        check_live_blocks(m);
    }
    check_heap(m);
    m->step++;
}

void model_finish(model *m)
{
    free_all(m);
    check_heap(m);
    /* everything freed: the heap must be back to one piece (bump rewinds) */
    apg_stats end;
    m->a->stats(m->heap, &end);
    if (end.free_bytes != m->empty.free_bytes || end.largest_free != m->empty.largest_free)
        fail(m, "after freeing everything: free %zu largest %zu, at init %zu / %zu", end.free_bytes,
             end.largest_free, m->empty.free_bytes, m->empty.largest_free);
}

void model_print_summary(const model *m, uint64_t seed)
{
    printf("%-9s ok: %" PRIu64 " ops on %zu bytes (seed %" PRIu64 "): %" PRIu64 " allocs (%" PRIu64
           " failed), %" PRIu64 " frees, %" PRIu64 " reallocs, %" PRIu64 " rejected frees\n",
           m->a->name, m->step, m->region_size, seed, m->allocs, m->alloc_failures, m->frees,
           m->reallocs, m->bad_frees);
}

void model_destroy(model *m)
{
    free(m->region - 48);
    free(m);
}
