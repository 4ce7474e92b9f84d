/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "symbols.h"

#include <stddef.h>

/* Sorted by address; defined only in images that carry a symbol table. */
extern const apg_symbol apg_symbol_table[] __attribute__((weak));
extern const uint32_t apg_symbol_count __attribute__((weak));

bool symbol_lookup(uintptr_t address, const char **name, uintptr_t *offset)
{
    if (apg_symbol_table == NULL || &apg_symbol_count == NULL)
        return false;
    size_t low = 0, high = apg_symbol_count;
    while (low < high) { /* first symbol that starts after address */
        size_t middle = low + (high - low) / 2;
        if (apg_symbol_table[middle].address <= address)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0)
        return false;
    const apg_symbol *s = &apg_symbol_table[low - 1];
    if (address - s->address >= s->size)
        return false;
    *name = s->name;
    *offset = address - s->address;
    return true;
}
