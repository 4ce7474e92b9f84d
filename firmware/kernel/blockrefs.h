/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shell's `$N` block references (lib/block_refs.h holds the rules): the
 * commands report every block they return, free or resize here, and address
 * arguments accept `$N` wherever they accept a number.
 */
#ifndef APG_BLOCKREFS_H
#define APG_BLOCKREFS_H

#include "parse.h"

#include <stdbool.h>
#include <stdint.h>

#include "block_refs.h"

/* The table itself (the heap descriptor gives the panel its address). */
extern apg_block_refs apg_refs_table;

/* The running command returned, freed or resized this block. */
void blockrefs_returned(const void *p);
void blockrefs_freed(const void *p);
void blockrefs_resized(const void *old, const void *p);
/* The running command re-initialised the heap (use, reset). */
void blockrefs_released(void);

/* Parses w->word[index] as an address: a number or `$N` naming a live block.
 * On failure prints one error line naming `what` and returns false. */
bool shell_address_arg(const apg_words *w, size_t index, const char *what, uint64_t *out);

#endif
