/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's side of memlib: which region it manages, and its break. */
#ifndef APG_MEMLIB_REGION_H
#define APG_MEMLIB_REGION_H

#include <stddef.h>
#include <stdint.h>

/* The region mem_sbrk hands out; the break starts at its first byte. */
void memlib_attach(void *region, size_t size);
uintptr_t memlib_break(void); /* one past the last byte mem_sbrk gave */
uintptr_t memlib_limit(void); /* one past the region's end */

#endif
