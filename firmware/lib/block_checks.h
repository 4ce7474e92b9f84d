/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The checks CS:APP's mdriver makes on an allocator it does not trust, for
 * code that keeps its own table of live blocks (the `trace` command; the
 * student allocator `mm`):
 *
 *   - a payload is aligned and lies inside the heap,
 *   - it overlaps no live payload (a bitmap with one bit per 8 bytes),
 *   - its contents survive: a pattern written into every payload is
 *     verified when it is freed or resized and at the end.
 *
 * The caller owns the table and the bitmap's storage; nothing here trusts
 * the allocator's metadata. Freestanding, host-tested.
 */
#ifndef APG_BLOCK_CHECKS_H
#define APG_BLOCK_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APG_BLOCK_GRANULE 8u /* bytes per bitmap bit; alignments are at least this */

/* Bitmap words needed for a heap of `bytes` bytes. */
#define APG_BLOCK_BITMAP_WORDS(bytes) (((bytes) / APG_BLOCK_GRANULE + 63u) / 64u)

typedef struct {
    uintptr_t start, end; /* payloads must lie in [start, end) */
    size_t align;         /* a power of two, at least APG_BLOCK_GRANULE */
    uint64_t *claimed;    /* one bit per granule of [start, end): part of a live payload */
    size_t words;
} apg_block_checker;

typedef enum {
    APG_BLOCK_OK = 0,
    APG_BLOCK_MISALIGNED, /* not a multiple of the alignment */
    APG_BLOCK_OUTSIDE,    /* not entirely inside [start, end) */
    APG_BLOCK_OVERLAPS,   /* shares bytes with a live payload */
} apg_block_problem;

/* storage: `words` >= APG_BLOCK_BITMAP_WORDS(end - start); cleared here.
 * start must be a multiple of APG_BLOCK_GRANULE. */
void apg_block_checker_init(apg_block_checker *c, uintptr_t start, uintptr_t end, size_t align,
                            uint64_t *storage, size_t words);

/* Checks a payload an allocator returned; on APG_BLOCK_OK marks it live. */
apg_block_problem apg_block_claim(apg_block_checker *c, uintptr_t payload, size_t size);
/* Forgets a payload that apg_block_claim accepted. */
void apg_block_release(apg_block_checker *c, uintptr_t payload, size_t size);

/* "is misaligned", "is not inside the heap", "overlaps a live block" */
const char *apg_block_problem_text(apg_block_problem p);

/* The pattern: byte i of a payload with key k is a function of (k, i), so
 * after realloc the kept prefix still matches and the rest is filled anew.
 * payload must be APG_BLOCK_GRANULE-aligned. */
void apg_pattern_fill(void *payload, size_t from, size_t to, uint32_t key);
/* Offset of the first byte in [0, size) that does not match; size if none. */
size_t apg_pattern_find_damage(const void *payload, size_t size, uint32_t key);

#endif
