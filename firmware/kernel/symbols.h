/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Function names for code addresses, so a fault report can say "in
 * mm_malloc+0x24". Only images built with `make mm` carry a table (generated
 * from the linked image by scripts/gen-symbols.sh); elsewhere it is empty and
 * reports stay as they were.
 */
#ifndef APG_SYMBOLS_H
#define APG_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uintptr_t address; /* first instruction */
    uint32_t size;     /* bytes of code */
    const char *name;
} apg_symbol;

/* The function that holds address: its name and the offset into it. */
bool symbol_lookup(uintptr_t address, const char **name, uintptr_t *offset);

#endif
