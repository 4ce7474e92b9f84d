/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apg_mm: the student's mm.c as the sixth strategy of the shell, behind the
 * same interface as the others. Everything goes through mm_checked.c; the
 * blocks the shell and the panel see come from the kernel's own table (live
 * blocks, the gaps between them, the space above the break), never from the
 * student's data structures. A violation has been reported in one line by
 * then; the command is abandoned without a second one.
 */
#include "allocator.h"
#include "console.h"
#include "exceptions.h"
#include "heap_abi.h"
#include "memlib_region.h"
#include "mm_checked.h"

#include <memlib.h>

/* The handle (the descriptor's heap_state) is the kernel's table as
 * heap_abi.h describes it, in kernel memory, not in the student's heap. */
static void *mm_adapter_init(void *region, size_t size)
{
    (void)mm_checked_reset(region, size); /* a failure is reported; use and reset go on */
    return (void *)mm_checked_state();
}

static void give_up(void) __attribute__((noreturn));
static void give_up(void)
{
    exceptions_abandon_command();
}

static void *mm_adapter_alloc(void *heap, size_t size, size_t align)
{
    (void)heap;
    if (align > APG_DEFAULT_ALIGN) {
        kprintf("mm: mm_malloc has no alignment argument: alignment %zu is not available\n", align);
        give_up();
    }
    void *p = NULL;
    switch (mm_checked_malloc(size, &p)) {
    case MM_OK: return p;
    case MM_OUT_OF_MEMORY: return NULL;
    default: give_up();
    }
}

static void mm_adapter_free(void *heap, void *ptr)
{
    (void)heap;
    if (mm_checked_free(ptr) != MM_OK)
        give_up();
}

static void *mm_adapter_realloc(void *heap, void *ptr, size_t size)
{
    (void)heap;
    void *q = NULL;
    switch (mm_checked_realloc(ptr, size, &q)) {
    case MM_OK: return q;
    case MM_OUT_OF_MEMORY: return NULL;
    default: give_up();
    }
}

static size_t mm_adapter_usable_size(void *heap, const void *ptr)
{
    (void)heap;
    const mm_block *b = mm_checked_find(ptr);
    return b != NULL ? b->requested : 0;
}

static apg_ptr_status mm_adapter_validate(void *heap, const void *ptr)
{
    (void)heap;
    if (mm_checked_find(ptr) != NULL)
        return APG_PTR_OK;
    if (mm_checked_containing(ptr) != NULL)
        return APG_PTR_INSIDE_BLOCK;
    return APG_PTR_NOT_ALLOCATED;
}

/* Live blocks from the table, the gaps between them below the break, and the
 * space above the break that mem_sbrk can still give, in address order. */
static void mm_adapter_walk(void *heap, apg_walk_fn fn, void *ctx)
{
    (void)heap;
    uintptr_t at = (uintptr_t)mem_heap_lo(), brk = memlib_break(), limit = memlib_limit();
    for (size_t i = 0; i < mm_checked_count(); i++) {
        const mm_block *b = mm_checked_block(i);
        apg_block gap = {at, b->address - at, at, b->address - at, 0, APG_BLOCK_FREE};
        if (b->address > at && !fn(&gap, ctx))
            return;
        apg_block used = {b->address,   b->requested, b->address,
                          b->requested, b->requested, APG_BLOCK_USED};
        if (!fn(&used, ctx))
            return;
        at = b->address + b->requested;
    }
    apg_block below_break = {at, brk - at, at, brk - at, 0, APG_BLOCK_FREE};
    if (brk > at && !fn(&below_break, ctx))
        return;
    if (brk > at)
        at = brk;
    apg_block above_break = {at, limit - at, at, limit - at, 0, APG_BLOCK_FREE};
    if (limit > at)
        (void)fn(&above_break, ctx);
}

static bool add_to_stats(const apg_block *b, void *ctx)
{
    apg_stats *s = ctx;
    if (b->status == APG_BLOCK_USED) {
        s->used_blocks++;
        s->used_bytes += b->span;
        s->requested_bytes += b->requested;
    } else {
        s->free_blocks++;
        s->free_bytes += b->span;
        if (b->span > s->largest_free)
            s->largest_free = b->span;
    }
    return true;
}

static void mm_adapter_stats(void *heap, apg_stats *out)
{
    *out = (apg_stats){.region_size = memlib_limit() - (uintptr_t)mem_heap_lo()};
    mm_adapter_walk(heap, add_to_stats, out);
    out->overhead_bytes = out->region_size - out->used_bytes - out->free_bytes;
}

static apg_check_result mm_adapter_check(void *heap)
{
    (void)heap;
    return mm_checked_check();
}

static void mm_adapter_caller_writes(void *heap, const void *ptr)
{
    (void)heap;
    mm_checked_caller_writes(ptr);
}

static void mm_adapter_describe(void *heap)
{
    (void)heap;
    kprintf("break: 0x%lx (mem_heapsize %zu bytes; mem_sbrk can give %lu more)%s\n",
            (unsigned long)memlib_break(), mem_heapsize(),
            (unsigned long)(memlib_limit() - memlib_break()),
            mm_checked_ready() ? "" : "; mm_init failed");
}

#ifndef APG_MM_SOURCE
#define APG_MM_SOURCE "mm.c"
#endif

void mm_announce(void);
void mm_announce(void)
{
    kprintf("student allocator: mm, from %s ('use mm'; every call is checked)\n", APG_MM_SOURCE);
}

const apg_allocator apg_mm = {
    .name = "mm",
    .kind = APG_KIND_MM,
    .init = mm_adapter_init,
    .alloc = mm_adapter_alloc,
    .free = mm_adapter_free,
    .realloc = mm_adapter_realloc,
    .usable_size = mm_adapter_usable_size,
    .validate = mm_adapter_validate,
    .stats = mm_adapter_stats,
    .walk = mm_adapter_walk,
    .check = mm_adapter_check,
    .caller_writes = mm_adapter_caller_writes,
    .describe = mm_adapter_describe,
};
