/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MMU: an identity map (virtual = physical) that separates EL0 from EL1.
 * Kernel memory is EL1-only; user programs may execute the user text section,
 * read and write the heap (malloc hands them pointers into it) and their
 * stacks. The kernel may read the trace area but not write it. Everything
 * else faults, which is how a user program that touches
 * the kernel is caught.
 */
#ifndef APG_MMU_H
#define APG_MMU_H

#include "board.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USER_STACK_BASE ((uintptr_t)BOARD_USER_STACK_BASE)
#define USER_STACK_SIZE ((size_t)BOARD_USER_STACK_SIZE) /* the top of it is the initial sp */

void mmu_enable(void);

/* True if [address, address + size) is entirely memory EL0 may read
 * (write = false) or write (write = true). Overflow-safe. */
bool user_range_ok(uintptr_t address, size_t size, bool write);
/* True if address is in the user text section (where EL0 may execute). */
bool user_code_address(uintptr_t address);

#endif
