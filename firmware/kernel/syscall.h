/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system calls that use the heap and the console, with their argument
 * checks. Kept apart from process.c so the host tests can run them against
 * a real allocator with stand-ins for the console and the memory map.
 */
#ifndef APG_SYSCALL_H
#define APG_SYSCALL_H

#include <stdint.h>

/* write, malloc, free, realloc; any other number: -APG_ENOSYS */
int64_t syscall_heap_and_io(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2);

#endif
