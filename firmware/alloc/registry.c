/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The allocator family in the order the shell lists it. apg_mm is weak: in an
 * image without a student allocator its address is NULL and ends the list. */
#include "allocator.h"

const apg_allocator *const apg_allocators[] = {
    &apg_first_fit, &apg_buddy, &apg_page, &apg_bump, &apg_tlsf, &apg_mm, NULL,
};
