/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The part of <stdlib.h> an mm.c uses. abort() and exit() report and return
 * to the shell prompt; there is no process to end. There is deliberately no
 * malloc here: an allocator cannot be built on the one it replaces. */
#ifndef APG_MALLOCLAB_STDLIB_H
#define APG_MALLOCLAB_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void abort(void) __attribute__((noreturn));
void exit(int status) __attribute__((noreturn));
int abs(int value);
long labs(long value);

#endif
