/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <unistd.h> for an mm.c: the types and the page size. sbrk itself is
 * mem_sbrk in memlib.h. */
#ifndef APG_MALLOCLAB_UNISTD_H
#define APG_MALLOCLAB_UNISTD_H

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef int64_t off_t;

int getpagesize(void);

#endif
