/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trace_replay.h"

#include "block_checks.h"
#include "board.h"
#include "format.h"
#include "heap.h"
#include "heap_abi.h"
#include "input.h"
#include "timer.h"

/* QEMU -icount shift=7 and emu-glue: 128 ns per instruction at 62.5 MHz */
#define TICKS_PER_INSTRUCTION 8u
#define POLL_EVERY 256u /* requests between checks for Ctrl-C */

/* The kernel's table of live blocks, by trace id: payload 0 = not live
 * (never allocated, freed, or its alloc failed). */
static uintptr_t payloads[TRACE_MAX_IDS];
static uint32_t sizes[TRACE_MAX_IDS];
static uint8_t id_states[TRACE_MAX_IDS];
static uint64_t claimed[APG_BLOCK_BITMAP_WORDS(BOARD_HEAP_SIZE)];

/* In images built with `make mm`: memlib's break, mdriver's heap size. */
extern uintptr_t memlib_break(void) __attribute__((weak));

typedef struct {
    const apg_allocator *a;
    bool student;      /* mm: its calls are checked by mm_checked.c already */
    uint64_t overhead; /* window_overhead() */
    void *heap;
    apg_block_checker checker;
    trace_result *out;
    uint64_t live_payload;
} replay;

uint8_t *trace_id_states(void)
{
    return id_states;
}

static bool error(replay *r, const apg_rep_op *op, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool error(replay *r, const apg_rep_op *op, const char *fmt, ...)
{
    size_t n = 0;
    if (op != NULL)
        n = apg_snformat(r->out->error, sizeof r->out->error, "line %u: ", (unsigned)op->line);
    va_list ap;
    va_start(ap, fmt);
    apg_vsnformat(r->out->error + n, sizeof r->out->error - n, fmt, ap);
    va_end(ap);
    r->out->errors++;
    return false;
}

static uint64_t now(void)
{
    return timer_now();
}

/* Instructions the two counter reads themselves add to every window, taken
 * off so that a window counts the call: its set-up, the allocator, the return. */
static uint64_t window_overhead(void)
{
    uint64_t t0 = now();
    uint64_t t1 = now();
    return (t1 - t0) / TICKS_PER_INSTRUCTION;
}

static void count(replay *r, uint64_t start, uint64_t end)
{
    uint64_t n = (end - start) / TICKS_PER_INSTRUCTION;
    r->out->instructions += n > r->overhead ? n - r->overhead : 0;
}

/* Checks a payload the allocator handed out and takes it into the table. */
static bool accept(replay *r, const apg_rep_op *op, const char *call, uintptr_t p)
{
    apg_block_problem problem = apg_block_claim(&r->checker, p, op->size);
    if (problem != APG_BLOCK_OK)
        return error(r, op, "%s(%u) for id %u returned 0x%lx, which %s", call, (unsigned)op->size,
                     (unsigned)op->id, (unsigned long)p, apg_block_problem_text(problem));
    payloads[op->id] = p;
    sizes[op->id] = op->size;
    r->live_payload += op->size;
    if (r->live_payload > r->out->peak_payload)
        r->out->peak_payload = r->live_payload;
    uint64_t end = p + r->a->usable_size(r->heap, (void *)p) - heap_region_start();
    if (r->student && memlib_break)
        end = memlib_break() - heap_region_start(); /* exactly mdriver's mem_heapsize() */
    if (end > r->out->high_water)
        r->out->high_water = end;
    return true;
}

/* The payload of a live id still holds its pattern. */
static bool intact(replay *r, const apg_rep_op *op, uint32_t id, const char *when)
{
    if (r->student)
        return true; /* mm_checked.c verifies its own pattern in mm's payloads */
    size_t bad = apg_pattern_find_damage((const void *)payloads[id], sizes[id], id);
    if (bad == sizes[id])
        return true;
    return error(r, op, "the payload of id %u at 0x%lx was changed at byte %zu %s", (unsigned)id,
                 (unsigned long)payloads[id], bad, when);
}

static bool replay_alloc(replay *r, const apg_rep_op *op)
{
    heap_begin_mutation();
    uint64_t t0 = now();
    void *p = r->a->alloc(r->heap, op->size, APG_DEFAULT_ALIGN);
    uint64_t t1 = now();
    heap_end_mutation();
    count(r, t0, t1);
    if (p == NULL) {
        r->out->failed++;
        return true;
    }
    if (!accept(r, op, "malloc", (uintptr_t)p))
        return false;
    if (!r->student)
        apg_pattern_fill(p, 0, op->size, op->id);
    return true;
}

static bool replay_free(replay *r, const apg_rep_op *op)
{
    uintptr_t p = payloads[op->id];
    if (p == 0)
        return true; /* its alloc failed: nothing to free */
    if (!intact(r, op, op->id, "before free"))
        return false;
    heap_begin_mutation();
    uint64_t t0 = now();
    r->a->free(r->heap, (void *)p);
    uint64_t t1 = now();
    heap_end_mutation();
    count(r, t0, t1);
    apg_block_release(&r->checker, p, sizes[op->id]);
    r->live_payload -= sizes[op->id];
    payloads[op->id] = 0;
    return true;
}

static bool replay_realloc(replay *r, const apg_rep_op *op)
{
    uintptr_t old = payloads[op->id];
    if (old == 0)
        return true; /* its alloc failed: nothing to resize */
    uint32_t old_size = sizes[op->id];
    if (!intact(r, op, op->id, "before realloc"))
        return false;
    heap_begin_mutation();
    uint64_t t0 = now();
    void *p = r->a->realloc(r->heap, (void *)old, op->size);
    uint64_t t1 = now();
    heap_end_mutation();
    count(r, t0, t1);
    if (p == NULL) {
        r->out->failed++;
        return intact(r, op, op->id, "by a realloc that failed");
    }
    apg_block_release(&r->checker, old, old_size);
    r->live_payload -= old_size;
    payloads[op->id] = 0;
    if (!accept(r, op, "realloc", (uintptr_t)p))
        return false;
    if (r->student)
        return true;
    uint32_t kept = old_size < op->size ? old_size : op->size;
    size_t bad = apg_pattern_find_damage(p, kept, op->id);
    if (bad != kept)
        return error(r, op, "realloc of id %u to %u bytes did not keep its contents (byte %zu)",
                     (unsigned)op->id, (unsigned)op->size, bad);
    apg_pattern_fill(p, kept, op->size, op->id);
    return true;
}

void trace_replay(const char *text, size_t length, trace_result *out)
{
    *out = (trace_result){0};
    replay r = {.a = heap_active(), .heap = heap_handle(), .out = out};
    /* mm promises the handout's 8-byte alignment; ours promise 16 */
    r.student = r.a->kind == APG_KIND_MM;
    r.overhead = window_overhead();
    apg_block_checker_init(&r.checker, heap_region_start(), heap_region_end(),
                           r.student ? 8u : APG_DEFAULT_ALIGN, claimed,
                           sizeof claimed / sizeof claimed[0]);
    apg_rep_reader reader;
    apg_rep_error parse_error;
    apg_rep_op op;
    if (!apg_rep_open(&reader, text, length, &parse_error))
        return; /* validated before: cannot happen */
    for (uint32_t id = 0; id < reader.header.ids && id < TRACE_MAX_IDS; id++)
        payloads[id] = 0;
    bool ok = true;
    while (ok && apg_rep_next(&reader, &op, &parse_error) == 1) {
        if (out->ops % POLL_EVERY == 0 && out->ops > 0 && input_interrupt_requested()) {
            out->interrupted = true;
            break;
        }
        out->ops++;
        ok = op.kind == 'a'   ? replay_alloc(&r, &op)
             : op.kind == 'f' ? replay_free(&r, &op)
                              : replay_realloc(&r, &op);
    }
    /* every block still live must still hold its pattern */
    for (uint32_t id = 0; ok && id < reader.header.ids; id++) {
        if (payloads[id] != 0)
            ok = intact(&r, NULL, id, "by the end of the trace");
    }
    out->check = r.a->check(r.heap);
}
