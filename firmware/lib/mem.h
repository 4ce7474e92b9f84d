/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Freestanding memory primitives shared by the kernel and the allocators. */
#ifndef APG_MEM_H
#define APG_MEM_H

#include <stddef.h>

void *apg_memset(void *dst, int value, size_t n);
void *apg_memcpy(void *dst, const void *src, size_t n);
void *apg_memmove(void *dst, const void *src, size_t n);
int apg_memcmp(const void *a, const void *b, size_t n);
size_t apg_strlen(const char *s);
int apg_strcmp(const char *a, const char *b);

#endif
