/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Equality and zero tests over byte runs, eight bytes at a time. Checkpoints
 * compare every page and CPU chunk a command may have changed; in the
 * WebAssembly build libc's memcmp is musl's byte loop, which made a
 * checkpoint cost more than a tenth of a short command's time once the
 * emulator got faster.
 */
#ifndef APG_BYTE_COMPARE_H
#define APG_BYTE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t bytes_word(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w); /* unaligned-safe; one 64-bit load */
    return w;
}

/* a[0..n) == b[0..n) */
static inline bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        if (bytes_word(a + i) != bytes_word(b + i))
            return false;
    }
    for (; i < n; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

/* every byte of p[0..n) is zero */
static inline bool bytes_zero(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        if (bytes_word(p + i) != 0)
            return false;
    }
    for (; i < n; i++) {
        if (p[i] != 0)
            return false;
    }
    return true;
}

#endif
