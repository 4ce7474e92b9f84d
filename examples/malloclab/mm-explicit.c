/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm-explicit.c: an explicit free list allocator for the malloc lab, written
 * for the Allocator Playground.
 *
 * Layout: 8-byte header and footer words (size | allocated bit), 16-byte
 * aligned payloads, blocks a multiple of 16 bytes. A free block keeps the
 * links of a doubly linked free list in its payload:
 *
 *   free block:  | size|0 | next free | previous free | ... | size|0 |
 *   used block:  | size|1 | payload ...                     | size|1 |
 *
 * The list is LIFO (a freed block goes to the front); malloc takes the first
 * block that fits and splits off the rest; free coalesces with both
 * neighbours through the boundary tags. A prologue and an epilogue (both
 * allocated) bound the heap.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memlib.h"
#include "mm.h"

team_t team = {"playground", "Allocator Playground", "apg", "", ""};

#define WORD 8u
#define ALIGNMENT 16u
#define MIN_BLOCK 32u    /* header, two links, footer */
#define CHUNK (1u << 12) /* grow the heap by at least this much */

typedef struct free_links {
    struct free_links *next, *previous;
} free_links;

static free_links *free_list; /* first free block's payload */
static char *prologue;        /* payload of the prologue */

static size_t *header(void *bp)
{
    return (size_t *)((char *)bp - WORD);
}
static size_t block_size(void *bp)
{
    return *header(bp) & ~(size_t)15;
}
static bool is_allocated(void *bp)
{
    return *header(bp) & 1;
}
static size_t *footer(void *bp)
{
    return (size_t *)((char *)bp + block_size(bp) - 2 * WORD);
}
static void *next_block(void *bp)
{
    return (char *)bp + block_size(bp);
}
static void *previous_block(void *bp)
{
    size_t previous_size = *(size_t *)((char *)bp - 2 * WORD) & ~(size_t)15;
    return (char *)bp - previous_size;
}
static void set_block(void *bp, size_t size, bool allocated)
{
    *header(bp) = size | allocated;
    *footer(bp) = size | allocated;
}

static void list_insert(void *bp)
{
    free_links *links = bp;
    links->previous = NULL;
    links->next = free_list;
    if (free_list != NULL)
        free_list->previous = links;
    free_list = links;
}

static void list_remove(void *bp)
{
    free_links *links = bp;
    if (links->previous != NULL)
        links->previous->next = links->next;
    else
        free_list = links->next;
    if (links->next != NULL)
        links->next->previous = links->previous;
}

/* bp is free and not on the list; merges it with free neighbours and puts the
 * result on the list. */
static void *coalesce(void *bp)
{
    size_t size = block_size(bp);
    void *next = next_block(bp);
    if (!is_allocated(next)) {
        list_remove(next);
        size += block_size(next);
    }
    void *previous = previous_block(bp);
    if (!is_allocated(previous)) {
        list_remove(previous);
        size += block_size(previous);
        bp = previous;
    }
    set_block(bp, size, false);
    list_insert(bp);
    return bp;
}

static void *extend_heap(size_t bytes)
{
    size_t size = (bytes + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    char *bp = mem_sbrk((intptr_t)size);
    if (bp == (void *)-1)
        return NULL;
    set_block(bp, size, false);       /* the old epilogue becomes its header */
    *header(next_block(bp)) = 0 | 1u; /* the new epilogue */
    return coalesce(bp);
}

int mm_init(void)
{
    /* padding, prologue header, prologue footer, epilogue: payloads of the
     * blocks that follow land on 16 bytes */
    char *start = mem_sbrk(4 * WORD);
    if (start == (void *)-1)
        return -1;
    ((size_t *)start)[0] = 0;
    ((size_t *)start)[1] = 16 | 1u;
    ((size_t *)start)[2] = 16 | 1u;
    ((size_t *)start)[3] = 0 | 1u;
    prologue = start + 2 * WORD;
    free_list = NULL;
    return 0;
}

static size_t block_size_for(size_t payload)
{
    size_t size = (payload + 2 * WORD + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    return size < MIN_BLOCK ? MIN_BLOCK : size;
}

/* Marks bp (free, on the list) allocated with size bytes; the rest, if big
 * enough, stays free. */
static void place(void *bp, size_t size)
{
    size_t available = block_size(bp);
    list_remove(bp);
    if (available - size >= MIN_BLOCK) {
        set_block(bp, size, true);
        void *rest = next_block(bp);
        set_block(rest, available - size, false);
        list_insert(rest);
    } else {
        set_block(bp, available, true);
    }
}

void *mm_malloc(size_t payload)
{
    if (payload == 0 || payload > (1u << 30))
        return NULL;
    size_t size = block_size_for(payload);
    for (free_links *f = free_list; f != NULL; f = f->next) {
        if (block_size(f) >= size) {
            place(f, size);
            return f;
        }
    }
    void *bp = extend_heap(size > CHUNK ? size : CHUNK);
    if (bp == NULL)
        return NULL;
    place(bp, size);
    return bp;
}

void mm_free(void *bp)
{
    if (bp == NULL)
        return;
    set_block(bp, block_size(bp), false);
    coalesce(bp);
}

void *mm_realloc(void *bp, size_t payload)
{
    if (bp == NULL)
        return mm_malloc(payload);
    if (payload == 0) {
        mm_free(bp);
        return NULL;
    }
    size_t size = block_size_for(payload), current = block_size(bp);
    if (size <= current)
        return bp; /* keep the slack: a later grow may use it */
    void *next = next_block(bp);
    if (!is_allocated(next) && current + block_size(next) >= size) {
        size_t joined = current + block_size(next);
        list_remove(next);
        set_block(bp, joined, true);
        if (joined - size >= MIN_BLOCK) {
            set_block(bp, size, true);
            void *rest = next_block(bp);
            set_block(rest, joined - size, false);
            list_insert(rest);
        }
        return bp;
    }
    void *moved = mm_malloc(payload);
    if (moved == NULL)
        return NULL;
    memcpy(moved, bp, current - 2 * WORD);
    mm_free(bp);
    return moved;
}
