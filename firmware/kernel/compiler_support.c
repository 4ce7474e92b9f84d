/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GCC may emit calls to memset/memcpy/memmove/memcmp even in freestanding code
 * (struct initialisation and copies), so the kernel must define them.
 */
#include "mem.h"

void *memset(void *dst, int value, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memset(void *dst, int value, size_t n)
{
    return apg_memset(dst, value, n);
}

void *memcpy(void *dst, const void *src, size_t n)
{
    return apg_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
    return apg_memmove(dst, src, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
    return apg_memcmp(a, b, n);
}
