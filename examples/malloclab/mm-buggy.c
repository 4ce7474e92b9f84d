/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm-buggy.c: a deliberately broken malloc-lab allocator that makes every one
 * of the kernel's checks fire, one request size per bug, so a class can see
 * what each report looks like and that the shell survives it.
 *
 * Underneath it is the simplest correct allocator: every mm_malloc takes
 * fresh memory from mem_sbrk (8-byte aligned, a size word in front), mm_free
 * does nothing, mm_realloc copies. The bugs, by request size:
 *
 *   alloc 1    returns a pointer that is not 8-byte aligned      (alignment)
 *   alloc 2    returns a pointer past mem_heap_hi                 (bounds)
 *   alloc 3    returns the previous block again                   (overlap)
 *   alloc 4    scribbles over the previous block's payload        (payload, at free or check)
 *   realloc p 5  moves the block without copying it               (payload, realloc)
 *   alloc 6    dereferences NULL                                  (data abort)
 *   alloc 7    never returns                                      (watchdog)
 *   alloc 8    executes an undefined instruction                  (undefined instruction)
 *   alloc 9    fails an assert                                    (assert)
 *   alloc 10   calls abort()                                      (abort)
 *   alloc 11   calls exit(3)                                      (exit)
 *
 * Freeing an address mm_malloc never returned is refused by the kernel before
 * mm_free runs; mm_checkheap prints what it sees.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memlib.h"
#include "mm.h"

team_t team = {"buggy", "Every check fires", "apg", "", ""};

#define HEADER 8u
#define ROUND8(n) (((n) + 7u) & ~(size_t)7u)

static char *previous; /* the last block mm_malloc returned */

int mm_init(void)
{
    previous = NULL;
    return 0;
}

static void *fresh_block(size_t size)
{
    char *p = mem_sbrk((intptr_t)(HEADER + ROUND8(size)));
    if (p == (void *)-1)
        return NULL;
    *(size_t *)p = size;
    return p + HEADER;
}

void *mm_malloc(size_t size)
{
    switch (size) {
    case 1: return (char *)fresh_block(16) + 4;
    case 2: return (char *)mem_heap_hi() + 1 + 64; /* aligned, but past the break */
    case 3:
        if (previous != NULL)
            return previous;
        break;
    case 4:
        if (previous != NULL)
            memset(previous, 0, 4);
        break;
    case 6: return (void *)(uintptr_t)(*(volatile size_t *)0);
    case 7:
        for (;;)
            ;
    case 8: __asm__ volatile("udf #0"); break;
    case 9: assert(size != 9); break;
    case 10: abort();
    case 11: exit(3);
    default: break;
    }
    char *p = fresh_block(size);
    if (p != NULL)
        previous = p;
    return p;
}

void mm_free(void *ptr)
{
    (void)ptr; /* never reused: simple and (apart from the bugs above) correct */
}

void *mm_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return mm_malloc(size);
    char *moved = fresh_block(size);
    if (moved == NULL)
        return NULL;
    if (size != 5) { /* the bug: size 5 forgets to copy */
        size_t old = *(size_t *)((char *)ptr - HEADER);
        memcpy(moved, ptr, old < size ? old : size);
    }
    return moved;
}

int mm_checkheap(int verbose)
{
    printf("mm_checkheap(%d): heap %p-%p, %zu bytes from mem_sbrk\n", verbose, mem_heap_lo(),
           mem_heap_hi(), mem_heapsize());
    return 1;
}
