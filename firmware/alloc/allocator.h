/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * allocator.h — the one interface every allocator strategy implements.
 *
 * An allocator manages exactly one region of memory and keeps all of its
 * metadata inside it (see include/heap_abi.h for the byte layouts). The same
 * sources compile freestanding for the kernel and with the host compiler for
 * unit tests, fuzzing and benchmarks, so nothing here may use libc.
 *
 * Handles: init() returns an opaque heap handle (the address of the state
 * struct inside the region); every other operation takes it.
 */
#ifndef APG_ALLOCATOR_H
#define APG_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APG_DEFAULT_ALIGN 16u /* AArch64 ABI: max_align_t */
#define APG_MAX_ALIGN 4096u   /* largest explicit alignment accepted */

typedef enum {
    APG_BLOCK_FREE = 0,
    APG_BLOCK_USED = 1,
} apg_block_status;

/* One block as reported by walk(): the shell's `info` and the panel's decoder
 * must produce the same sequence, in address order. */
typedef struct {
    uintptr_t start;   /* first byte of the block (its header, if in-band) */
    size_t span;       /* bytes from start to the next block's start */
    uintptr_t payload; /* address alloc returned (used) or first usable byte (free) */
    size_t usable;     /* bytes usable at payload */
    size_t requested;  /* bytes the caller asked for; 0 for free blocks */
    apg_block_status status;
} apg_block;

/* return false to stop the walk early */
typedef bool (*apg_walk_fn)(const apg_block *block, void *ctx);

typedef struct {
    size_t region_size;     /* bytes handed to init */
    size_t used_bytes;      /* sum of span of used blocks */
    size_t requested_bytes; /* sum of requested of used blocks */
    size_t free_bytes;      /* sum of span of free blocks */
    size_t overhead_bytes;  /* region_size - used_bytes - free_bytes (state, tables, slack) */
    size_t largest_free;    /* largest request that would succeed with default alignment */
    size_t used_blocks;
    size_t free_blocks;
} apg_stats;

/* Outcome of validating a pointer before free/realloc. */
typedef enum {
    APG_PTR_OK = 0,        /* start of a live allocation */
    APG_PTR_OUTSIDE,       /* not inside the region's blocks at all */
    APG_PTR_MISALIGNED,    /* not aligned to APG_DEFAULT_ALIGN */
    APG_PTR_INSIDE_BLOCK,  /* inside a block but not at its payload start */
    APG_PTR_NOT_ALLOCATED, /* in free memory: a double free, or never returned */
    APG_PTR_UNSUPPORTED,   /* the strategy cannot free individual blocks */
} apg_ptr_status;

/* Integrity check result: ok, or a static description and the address where
 * the inconsistency was found. */
typedef struct {
    bool ok;
    const char *problem;
    uintptr_t where;
} apg_check_result;

typedef struct apg_allocator {
    const char *name; /* shell name: "first-fit", "buddy", "page", "bump", "tlsf" */
    uint32_t kind;    /* enum apg_heap_kind */
    /* Returns the heap handle, or NULL if the region is too small. */
    void *(*init)(void *region, size_t size);
    /* size > 0; align a power of two in [1, APG_MAX_ALIGN] (values below 16 mean 16).
     * Returns NULL when the request cannot be satisfied; the heap is unchanged. */
    void *(*alloc)(void *heap, size_t size, size_t align);
    /* ptr must have passed validate() with APG_PTR_OK. */
    void (*free)(void *heap, void *ptr);
    /* ptr validated; size > 0. Returns the new pointer, or NULL with the old
     * block untouched when it cannot grow. Contents up to min(old, new) kept. */
    void *(*realloc)(void *heap, void *ptr, size_t size);
    size_t (*usable_size)(void *heap, const void *ptr);
    apg_ptr_status (*validate)(void *heap, const void *ptr);
    void (*stats)(void *heap, apg_stats *out);
    void (*walk)(void *heap, apg_walk_fn fn, void *ctx);
    apg_check_result (*check)(void *heap);
    /* Optional (NULL for most): from now on the caller writes this block's
     * payload itself (calloc's zeroing, a user program). An allocator that
     * verifies payload contents (mm) stops verifying this block. */
    void (*caller_writes)(void *heap, const void *ptr);
    /* Optional: extra lines for the shell's `info` after the blocks (kernel
     * builds only). */
    void (*describe)(void *heap);
} apg_allocator;

extern const apg_allocator apg_first_fit;
extern const apg_allocator apg_buddy;
extern const apg_allocator apg_page;
extern const apg_allocator apg_bump;
extern const apg_allocator apg_tlsf;
/* The student's allocator: defined only in images built with `make mm`. */
extern const apg_allocator apg_mm __attribute__((weak));

/* All strategies in shell order, NULL-terminated (mm last, when present). */
extern const apg_allocator *const apg_allocators[];

#endif /* APG_ALLOCATOR_H */
