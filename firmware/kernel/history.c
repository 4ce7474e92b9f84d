/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "history.h"

#include "bump.h"
#include "console.h"
#include "heap.h"
#include "mem.h"

#include <stdint.h>

typedef struct history_entry {
    struct history_entry *older;
    struct history_entry *newer;
    uint64_t number; /* 1 for the first command since boot */
    char text[];
} history_entry;

static history_entry *newest, *oldest;
static size_t kept;
static uint64_t next_number = 1;

void history_add(const char *line)
{
    size_t len = apg_strlen(line);
    size_t bytes = sizeof(history_entry) + len + 1;
    uint64_t number = next_number++; /* counted even if it cannot be kept: $N stays true */
    history_entry *e = apg_bump.alloc(arena_handle(), bytes, APG_DEFAULT_ALIGN);
    if (e == NULL) {
        /* The arena is full: a bump allocator only frees by reset, so start
         * the history over (numbering continues). */
        apg_bump_reset(arena_handle());
        newest = oldest = NULL;
        kept = 0;
        e = apg_bump.alloc(arena_handle(), bytes, APG_DEFAULT_ALIGN);
        if (e == NULL)
            return;
    }
    e->older = newest;
    e->newer = NULL;
    if (newest != NULL)
        newest->newer = e;
    else
        oldest = e;
    e->number = number;
    apg_memcpy(e->text, line, len + 1);
    newest = e;
    kept++;
}

uint64_t history_last_number(void)
{
    return next_number - 1;
}

size_t history_count(void)
{
    return kept;
}

const char *history_get(size_t back)
{
    history_entry *e = newest;
    for (size_t i = 0; e != NULL && i < back; i++)
        e = e->older;
    return e == NULL ? NULL : e->text;
}

void history_print(void)
{
    for (const history_entry *e = oldest; e != NULL; e = e->newer)
        kprintf("%5u  %s\n", (unsigned)e->number, e->text);
}
