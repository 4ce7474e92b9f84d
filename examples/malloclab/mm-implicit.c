/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm-implicit.c: an implicit free list allocator for the malloc lab,
 * written for the Allocator Playground as a readable reference point.
 *
 * Layout: the heap is a sequence of blocks, each with a 4-byte header and a
 * 4-byte footer (boundary tags) holding the block size (a multiple of 8)
 * with the allocated flag in bit 0. A prologue block (8 bytes, allocated)
 * and an epilogue header (size 0, allocated) bound the list so coalescing
 * never needs edge cases:
 *
 *   | pad | prologue hdr | prologue ftr | hdr | payload ... | ftr | ... | epilogue hdr |
 *
 * malloc: first fit over all blocks; split when the rest could hold a block.
 * free: clear the flag and coalesce with both neighbours at once.
 * realloc: shrink in place, grow into a free next block, else move.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "memlib.h"
#include "mm.h"

team_t team = {"playground", "Allocator Playground", "apg", "", ""};

#define WORD 4u          /* header and footer size */
#define ALIGNMENT 8u     /* payload alignment */
#define MIN_BLOCK 16u    /* header + 8 payload bytes + footer, rounded */
#define CHUNK (1u << 12) /* extend the heap by at least this much */

#define PACK(size, allocated) ((uint32_t)(size) | (uint32_t)(allocated))
#define GET(p) (*(uint32_t *)(p))
#define PUT(p, value) (*(uint32_t *)(p) = (value))
#define SIZE_AT(p) (GET(p) & ~7u)
#define ALLOCATED_AT(p) (GET(p) & 1u)

/* bp points at a payload */
#define HEADER(bp) ((char *)(bp)-WORD)
#define FOOTER(bp) ((char *)(bp) + SIZE_AT(HEADER(bp)) - 2 * WORD)
#define NEXT(bp) ((char *)(bp) + SIZE_AT(HEADER(bp)))
#define PREVIOUS(bp) ((char *)(bp)-SIZE_AT((char *)(bp)-2 * WORD))

static char *first_block; /* payload of the prologue */

static size_t block_size_for(size_t payload)
{
    size_t size = payload + 2 * WORD;
    size = (size + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    return size < MIN_BLOCK ? MIN_BLOCK : size;
}

static void *coalesce(char *bp)
{
    size_t previous_used = ALLOCATED_AT(FOOTER(PREVIOUS(bp)));
    size_t next_used = ALLOCATED_AT(HEADER(NEXT(bp)));
    size_t size = SIZE_AT(HEADER(bp));
    if (!next_used)
        size += SIZE_AT(HEADER(NEXT(bp)));
    if (!previous_used) {
        bp = PREVIOUS(bp);
        size += SIZE_AT(HEADER(bp));
    }
    PUT(HEADER(bp), PACK(size, 0));
    PUT(FOOTER(bp), PACK(size, 0));
    return bp;
}

/* Grows the heap by at least bytes; returns the (coalesced) new free block. */
static void *extend_heap(size_t bytes)
{
    size_t size = (bytes + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    char *bp = mem_sbrk((intptr_t)size);
    if (bp == (void *)-1)
        return NULL;
    /* the old epilogue header becomes this block's header */
    PUT(HEADER(bp), PACK(size, 0));
    PUT(FOOTER(bp), PACK(size, 0));
    PUT(HEADER(NEXT(bp)), PACK(0, 1)); /* new epilogue */
    return coalesce(bp);
}

int mm_init(void)
{
    char *start = mem_sbrk(4 * WORD);
    if (start == (void *)-1)
        return -1;
    PUT(start, 0);                            /* padding: payloads land on 8 bytes */
    PUT(start + 1 * WORD, PACK(2 * WORD, 1)); /* prologue header */
    PUT(start + 2 * WORD, PACK(2 * WORD, 1)); /* prologue footer */
    PUT(start + 3 * WORD, PACK(0, 1));        /* epilogue header */
    first_block = start + 2 * WORD;
    return 0;
}

static void place(char *bp, size_t size)
{
    size_t available = SIZE_AT(HEADER(bp));
    if (available - size >= MIN_BLOCK) {
        PUT(HEADER(bp), PACK(size, 1));
        PUT(FOOTER(bp), PACK(size, 1));
        char *rest = NEXT(bp);
        PUT(HEADER(rest), PACK(available - size, 0));
        PUT(FOOTER(rest), PACK(available - size, 0));
    } else {
        PUT(HEADER(bp), PACK(available, 1));
        PUT(FOOTER(bp), PACK(available, 1));
    }
}

static void *find_fit(size_t size)
{
    for (char *bp = NEXT(first_block); SIZE_AT(HEADER(bp)) > 0; bp = NEXT(bp)) {
        if (!ALLOCATED_AT(HEADER(bp)) && SIZE_AT(HEADER(bp)) >= size)
            return bp;
    }
    return NULL;
}

void *mm_malloc(size_t payload)
{
    if (payload == 0 || payload > (1u << 30))
        return NULL;
    size_t size = block_size_for(payload);
    char *bp = find_fit(size);
    if (bp == NULL) {
        bp = extend_heap(size > CHUNK ? size : CHUNK);
        if (bp == NULL)
            return NULL;
    }
    place(bp, size);
    return bp;
}

void mm_free(void *ptr)
{
    if (ptr == NULL)
        return;
    char *bp = ptr;
    size_t size = SIZE_AT(HEADER(bp));
    PUT(HEADER(bp), PACK(size, 0));
    PUT(FOOTER(bp), PACK(size, 0));
    coalesce(bp);
}

void *mm_realloc(void *ptr, size_t payload)
{
    if (ptr == NULL)
        return mm_malloc(payload);
    if (payload == 0) {
        mm_free(ptr);
        return NULL;
    }
    char *bp = ptr;
    size_t size = block_size_for(payload), current = SIZE_AT(HEADER(bp));
    if (size <= current) {
        place(bp, size); /* shrink in place, splitting off the rest */
        /* only a split leaves a free remainder to merge with what follows;
         * without one, the next block may be allocated */
        if (SIZE_AT(HEADER(bp)) < current)
            coalesce(NEXT(bp));
        return bp;
    }
    char *next = NEXT(bp);
    if (!ALLOCATED_AT(HEADER(next)) && current + SIZE_AT(HEADER(next)) >= size) {
        size_t joined = current + SIZE_AT(HEADER(next));
        PUT(HEADER(bp), PACK(joined, 0));
        PUT(FOOTER(bp), PACK(joined, 0));
        place(bp, size);
        return bp;
    }
    void *moved = mm_malloc(payload);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, current - 2 * WORD);
    mm_free(ptr);
    return moved;
}

/* Walks the heap and reports the first inconsistency; returns 1 when the heap
 * is consistent, 0 otherwise. verbose != 0 also lists every block. */
int mm_checkheap(int verbose)
{
    int ok = 1, previous_free = 0;
    char *bp = first_block;
    if (GET(HEADER(bp)) != PACK(2 * WORD, 1)) {
        printf("mm_checkheap: bad prologue header\n");
        return 0;
    }
    for (bp = NEXT(bp); SIZE_AT(HEADER(bp)) > 0; bp = NEXT(bp)) {
        if (verbose)
            printf("mm_checkheap: %p %u %s\n", (void *)bp, SIZE_AT(HEADER(bp)),
                   ALLOCATED_AT(HEADER(bp)) ? "allocated" : "free");
        if ((uintptr_t)bp % ALIGNMENT != 0 || GET(HEADER(bp)) != GET(FOOTER(bp))) {
            printf("mm_checkheap: block %p: misaligned or header != footer\n", (void *)bp);
            ok = 0;
        }
        int is_free = !ALLOCATED_AT(HEADER(bp));
        if (is_free && previous_free) {
            printf("mm_checkheap: blocks before %p escaped coalescing\n", (void *)bp);
            ok = 0;
        }
        previous_free = is_free;
    }
    return ok;
}
