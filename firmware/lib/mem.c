/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Freestanding memory primitives. Built with -fno-tree-loop-distribute-patterns
 * so the compiler cannot turn these loops back into calls to memset/memcpy.
 * Word-sized fast paths only when both sides are 8-byte aligned: with the MMU
 * off every access is Device memory and unaligned accesses fault.
 */
#include "mem.h"

#include <stdint.h>

void *apg_memset(void *dst, int value, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)value;
    while (n > 0 && ((uintptr_t)d & 7u) != 0) {
        *d++ = byte;
        n--;
    }
    uint64_t word = byte * 0x0101010101010101ull;
    while (n >= 8) {
        *(uint64_t *)(void *)d = word;
        d += 8;
        n -= 8;
    }
    while (n > 0) {
        *d++ = byte;
        n--;
    }
    return dst;
}

void *apg_memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7u) == 0) {
        while (n >= 8) {
            *(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
            d += 8;
            s += 8;
            n -= 8;
        }
    }
    while (n > 0) {
        *d++ = *s++;
        n--;
    }
    return dst;
}

void *apg_memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return apg_memcpy(dst, src, n);
    /* overlapping with dst above src: copy backwards */
    while (n > 0) {
        n--;
        d[n] = s[n];
    }
    return dst;
}

int apg_memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t apg_strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

int apg_strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}
