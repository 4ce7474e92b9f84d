/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The malloc lab's simulated heap (memlib.h) over the kernel's user-heap
 * region: the break starts at the region's first byte and grows with
 * mem_sbrk up to the region's end.
 */
#include "memlib.h"

#include "memlib_region.h"

static char *heap_lo;  /* first byte of the region */
static char *heap_brk; /* one past the last byte handed out */
static char *heap_max; /* one past the region's last byte */

void memlib_attach(void *region, size_t size)
{
    heap_lo = region;
    heap_brk = region;
    heap_max = heap_lo + size;
}

uintptr_t memlib_break(void)
{
    return (uintptr_t)heap_brk;
}

uintptr_t memlib_limit(void)
{
    return (uintptr_t)heap_max;
}

void mem_init(void)
{
    heap_brk = heap_lo;
}

void mem_deinit(void)
{
}

void mem_reset_brk(void)
{
    heap_brk = heap_lo;
}

void *mem_sbrk(intptr_t incr)
{
    if (incr < 0 || (uintptr_t)incr > (uintptr_t)(heap_max - heap_brk))
        return (void *)-1; /* as the handout's memlib: no shrinking, no room */
    char *old = heap_brk;
    heap_brk += incr;
    return old;
}

void *mem_heap_lo(void)
{
    return heap_lo;
}

void *mem_heap_hi(void)
{
    return heap_brk - 1;
}

size_t mem_heapsize(void)
{
    return (size_t)(heap_brk - heap_lo);
}

size_t mem_pagesize(void)
{
    return 4096;
}
