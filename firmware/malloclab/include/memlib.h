/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated heap of the malloc lab (the handout's memlib.h), backed by
 * the kernel's user-heap region. mem_sbrk takes an intptr_t: code written for
 * the older `int incr` signature passes an int, which converts exactly. A
 * negative increment, or one past the end of the region, fails and returns
 * (void *)-1, as in the handout.
 */
#ifndef MEMLIB_H
#define MEMLIB_H

#include <stddef.h>
#include <stdint.h>

void mem_init(void);
void mem_deinit(void);
void *mem_sbrk(intptr_t incr);
void mem_reset_brk(void);
void *mem_heap_lo(void);
void *mem_heap_hi(void);
size_t mem_heapsize(void);
size_t mem_pagesize(void);

#endif
