/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell history, stored in the kernel's own arena through the bump allocator
 * (as the reference Rust kernel does), so it never disturbs the heap under study.
 */
#ifndef APG_HISTORY_H
#define APG_HISTORY_H

#include <stddef.h>
#include <stdint.h>

void history_add(const char *line);
/* The number `history` shows for the newest command (the one running): 1 for
 * the first command since boot, 0 before any. */
uint64_t history_last_number(void);
/* Number of entries currently kept. */
size_t history_count(void);
/* back = 0 is the newest entry; NULL when out of range. */
const char *history_get(size_t back);
void history_print(void);

#endif
