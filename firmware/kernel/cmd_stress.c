/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `stress`: a deterministic random torture test of the active allocator, in
 * the spirit of the reference kernel's 512 B - 8 KiB chunk test. The same seed
 * gives the same operations, so its one-line summary is identical on every
 * host. Blocks are stamped at both ends and verified before they are freed or
 * resized. Everything stress allocated is freed at the end and the heap is
 * checked. Ctrl-C stops it early.
 */
#include "commands.h"
#include "console.h"
#include "heap.h"
#include "input.h"
#include "prng.h"
#include "shell.h"

#define STRESS_MAX_LIVE 64
#define STRESS_MAX_OPS 100000000ull
#define STRESS_POLL_EVERY 256 /* ops between checks for Ctrl-C */

typedef struct {
    unsigned char *ptr;
    size_t size;
    uint8_t tag;
} stress_block;

typedef struct {
    stress_block live[STRESS_MAX_LIVE];
    size_t live_count, peak_live;
    size_t live_bytes, peak_bytes;
    uint64_t allocs, frees, reallocs; /* successful operations */
    uint64_t failures;                /* allocs and reallocs that ran out of memory */
    unsigned char *corrupted;         /* first block found damaged, if any */
} stress_state;

static stress_state st; /* large: keep it off the stack */

static void stamp(stress_block *b)
{
    b->ptr[0] = b->tag;
    b->ptr[b->size - 1] = (uint8_t)~b->tag;
}

static bool stamp_intact(const stress_block *b, size_t size)
{
    return b->ptr[0] == b->tag && b->ptr[size - 1] == (uint8_t)~b->tag;
}

static void note_peak(void)
{
    if (st.live_count > st.peak_live)
        st.peak_live = st.live_count;
    if (st.live_bytes > st.peak_bytes)
        st.peak_bytes = st.live_bytes;
}

static void stress_alloc(apg_prng *rng, uint64_t lo, uint64_t hi)
{
    size_t size = (size_t)apg_prng_range(rng, lo, hi);
    heap_begin_mutation();
    unsigned char *p = heap_active()->alloc(heap_handle(), size, APG_DEFAULT_ALIGN);
    heap_end_mutation();
    if (p == NULL) {
        st.failures++;
        return;
    }
    st.allocs++;
    heap_caller_writes(p); /* stress stamps its blocks itself */
    stress_block *b = &st.live[st.live_count++];
    *b = (stress_block){p, size, (uint8_t)apg_prng_next(rng)};
    stamp(b);
    st.live_bytes += size;
    note_peak();
}

static void stress_free(size_t i)
{
    stress_block *b = &st.live[i];
    if (!stamp_intact(b, b->size) && st.corrupted == NULL)
        st.corrupted = b->ptr;
    heap_begin_mutation();
    heap_active()->free(heap_handle(), b->ptr);
    heap_end_mutation();
    st.frees++;
    st.live_bytes -= b->size;
    *b = st.live[--st.live_count];
}

static void stress_realloc(apg_prng *rng, size_t i, uint64_t lo, uint64_t hi)
{
    stress_block *b = &st.live[i];
    size_t size = (size_t)apg_prng_range(rng, lo, hi);
    heap_begin_mutation();
    unsigned char *p = heap_active()->realloc(heap_handle(), b->ptr, size);
    heap_end_mutation();
    if (p == NULL) {
        st.failures++;
        return;
    }
    st.reallocs++;
    heap_caller_writes(p);
    /* the first byte must survive the move; the end stamp moves with the size */
    if (p[0] != b->tag && st.corrupted == NULL)
        st.corrupted = p;
    st.live_bytes = st.live_bytes - b->size + size;
    b->ptr = p;
    b->size = size;
    stamp(b);
    note_peak();
}

static bool parse_stress_args(const apg_words *w, uint64_t *ops, uint64_t *seed, uint64_t *lo,
                              uint64_t *hi)
{
    if (!shell_number_arg(w, 1, "operation count", ops))
        return false;
    if (*ops == 0 || *ops > STRESS_MAX_OPS) {
        shell_error(w, "operation count must be between 1 and %llu",
                    (unsigned long long)STRESS_MAX_OPS);
        return false;
    }
    *seed = 1;
    if (w->count > 2 && !shell_number_arg(w, 2, "seed", seed))
        return false;
    *lo = 512;
    *hi = 8192;
    if (w->count > 3) {
        apg_num_status s = apg_parse_range(w->word[3], lo, hi);
        if (s != APG_NUM_OK) {
            shell_error(w, "size range '%s' is not <min>-<max> (for example 512-8k)", w->word[3]);
            return false;
        }
        if (*lo == 0 || *lo > *hi || *hi > heap_region_size()) {
            shell_error(w, "size range must satisfy 1 <= min <= max <= %zu", heap_region_size());
            return false;
        }
    }
    return true;
}

void cmd_stress(const apg_words *w)
{
    uint64_t ops, seed, lo, hi;
    if (!parse_stress_args(w, &ops, &seed, &lo, &hi))
        return;
    st = (stress_state){0};
    apg_prng rng;
    apg_prng_seed(&rng, seed);
    uint64_t done = 0;
    bool interrupted = false;
    for (; done < ops && st.corrupted == NULL; done++) {
        if (done % STRESS_POLL_EVERY == 0 && done > 0 && input_interrupt_requested()) {
            interrupted = true;
            break;
        }
        uint64_t r = apg_prng_range(&rng, 0, 99);
        if (st.live_count == 0 || (r < 50 && st.live_count < STRESS_MAX_LIVE))
            stress_alloc(&rng, lo, hi);
        else if (r < 85 || st.live_count == STRESS_MAX_LIVE)
            stress_free((size_t)apg_prng_range(&rng, 0, st.live_count - 1));
        else
            stress_realloc(&rng, (size_t)apg_prng_range(&rng, 0, st.live_count - 1), lo, hi);
    }
    while (st.live_count > 0)
        stress_free(st.live_count - 1);

    apg_check_result r = heap_active()->check(heap_handle());
    kprintf("stress: %llu ops%s (seed %llu, %llu-%llu bytes): %llu allocs, %llu frees, %llu "
            "reallocs, %llu out of memory; peak %zu blocks / %zu bytes; ",
            (unsigned long long)done, interrupted ? " (interrupted)" : "", (unsigned long long)seed,
            (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)st.allocs,
            (unsigned long long)st.frees, (unsigned long long)st.reallocs,
            (unsigned long long)st.failures, st.peak_live, st.peak_bytes);
    if (st.corrupted != NULL)
        kprintf("DATA CORRUPTED at %p; ", (void *)st.corrupted);
    if (r.ok)
        kprintf("check OK\n");
    else
        kprintf("check FAILED: %s at 0x%lx\n", r.problem, (unsigned long)r.where);
}
