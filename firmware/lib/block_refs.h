/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `$N` notation: "the block that command N returned", where N is the
 * command's number as `history` shows it (every non-blank line counts, so
 * the same typed session numbers its commands the same way on every
 * allocator, which is what compare mode needs: addresses differ, N does not).
 *
 * The table remembers, for the last APG_BLOCK_REFS commands that returned a
 * block (alloc, calloc, a successful realloc), the address and what ended the
 * block's life: a free, a realloc (the block is then the realloc's own $M, on
 * every allocator, whether it moved or not, as C's realloc invalidates the old
 * pointer) or a re-initialised heap (use, reset). Pure code with no kernel
 * dependencies, so the host tests exercise exactly what the kernel runs.
 */
#ifndef APG_BLOCK_REFS_H
#define APG_BLOCK_REFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap_abi.h"

/* The table's layout is part of the heap ABI (the panel reads it). */
typedef enum apg_ref_state apg_ref_state;
typedef struct apg_block_ref apg_block_ref;
typedef struct apg_block_refs apg_block_refs;

void apg_refs_init(apg_block_refs *t);
/* Command `command` returned the block at `address`. */
void apg_refs_returned(apg_block_refs *t, uint64_t command, uint64_t address);
/* Command `command` freed the block at `address` (however it was named). */
void apg_refs_freed(apg_block_refs *t, uint64_t address, uint64_t command);
/* Command `command` resized the block at `old_address`; it is now at `new_address`. */
void apg_refs_resized(apg_block_refs *t, uint64_t old_address, uint64_t command,
                      uint64_t new_address);
/* Command `command` re-initialised the heap: every live block is gone. */
void apg_refs_released(apg_block_refs *t, uint64_t command);

typedef enum {
    APG_REF_FOUND = 0, /* *out is the entry (its state says whether it is live) */
    APG_REF_NOT_YET,   /* n is this command or a later one */
    APG_REF_FORGOTTEN, /* older than what the table remembers */
    APG_REF_NO_BLOCK,  /* command n returned no block (failed, or not an allocation) */
} apg_ref_lookup;

/* Looks up $n while command `current` runs. */
apg_ref_lookup apg_refs_find(const apg_block_refs *t, uint64_t n, uint64_t current,
                             const apg_block_ref **out);

#endif
