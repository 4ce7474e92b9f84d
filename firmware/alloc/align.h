/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * align.h — alignment arithmetic shared by the allocators.
 *
 * All alignments here are powers of two, so rounding is a mask operation.
 * The callers make sure the rounded value cannot overflow (they compare
 * against the space left before rounding).
 */
#ifndef APG_ALIGN_H
#define APG_ALIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool apg_is_power_of_two(size_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* round x down to a multiple of align (a power of two) */
static inline uintptr_t apg_align_down(uintptr_t x, size_t align)
{
    return x & ~(uintptr_t)(align - 1);
}

/* round x up to a multiple of align (a power of two); x + align - 1 must not overflow */
static inline uintptr_t apg_align_up(uintptr_t x, size_t align)
{
    return (x + (align - 1)) & ~(uintptr_t)(align - 1);
}

/* bytes to add to x to reach the next multiple of align; never overflows */
static inline size_t apg_align_padding(uintptr_t x, size_t align)
{
    return (size_t)(-x & (uintptr_t)(align - 1));
}

#endif /* APG_ALIGN_H */
