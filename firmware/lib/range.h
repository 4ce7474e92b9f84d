/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address-range arithmetic that cannot overflow (used to check user pointers). */
#ifndef APG_RANGE_H
#define APG_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True if [address, address + size) lies within [start, end). */
static inline bool apg_range_inside(uintptr_t address, size_t size, uintptr_t start, uintptr_t end)
{
    return start <= end && address >= start && address <= end && size <= end - address;
}

#endif
