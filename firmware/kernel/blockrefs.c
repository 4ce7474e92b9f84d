/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "blockrefs.h"

#include "block_refs.h"
#include "history.h"
#include "mem.h"
#include "shell.h"

/* zeroed .bss is an empty table; not static: the heap descriptor names it */
apg_block_refs apg_refs_table;

void blockrefs_returned(const void *p)
{
    apg_refs_returned(&apg_refs_table, history_last_number(), (uint64_t)(uintptr_t)p);
}

void blockrefs_freed(const void *p)
{
    apg_refs_freed(&apg_refs_table, (uint64_t)(uintptr_t)p, history_last_number());
}

void blockrefs_resized(const void *old, const void *p)
{
    apg_refs_resized(&apg_refs_table, (uint64_t)(uintptr_t)old, history_last_number(),
                     (uint64_t)(uintptr_t)p);
}

void blockrefs_released(void)
{
    apg_refs_released(&apg_refs_table, history_last_number());
}

static bool explain_ended(const apg_words *w, const apg_block_ref *r)
{
    unsigned long long n = r->command, by = r->ended_by;
    switch (r->state) {
    case APG_REF_FREED:
        if (apg_strcmp(w->word[0], "free") == 0)
            shell_error(w, "double free detected: $%llu was freed by command %llu", n, by);
        else
            shell_error(w, "$%llu was freed by command %llu", n, by);
        return false;
    case APG_REF_RESIZED:
        shell_error(w, "$%llu was resized by command %llu (realloc): that block is $%llu now", n,
                    by, by);
        return false;
    case APG_REF_RELEASED:
        shell_error(w, "$%llu was released when command %llu re-initialised the heap", n, by);
        return false;
    default: return true;
    }
}

static bool block_ref_arg(const apg_words *w, size_t index, uint64_t *out)
{
    const char *text = w->word[index];
    uint64_t n;
    switch (apg_parse_block_ref(text, &n)) {
    case APG_NUM_OK: break;
    case APG_NUM_OVERFLOW: shell_error(w, "block reference '%s' is too large", text); return false;
    default:
        shell_error(w, "'%s' is not a block reference ($N: the block command N returned)", text);
        return false;
    }
    uint64_t current = history_last_number();
    const apg_block_ref *r = NULL;
    switch (apg_refs_find(&apg_refs_table, n, current, &r)) {
    case APG_REF_FOUND:
        if (!explain_ended(w, r))
            return false;
        *out = r->address;
        return true;
    case APG_REF_NOT_YET:
        shell_error(w, "$%llu: there is no command %llu before this one (this is command %llu)",
                    (unsigned long long)n, (unsigned long long)n, (unsigned long long)current);
        return false;
    case APG_REF_FORGOTTEN:
        shell_error(w, "$%llu: command %llu is too old (the last %u blocks are remembered)",
                    (unsigned long long)n, (unsigned long long)n, (unsigned)APG_BLOCK_REFS);
        return false;
    default:
        shell_error(w, "$%llu: command %llu returned no block", (unsigned long long)n,
                    (unsigned long long)n);
        return false;
    }
}

bool shell_address_arg(const apg_words *w, size_t index, const char *what, uint64_t *out)
{
    if (apg_is_block_ref(w->word[index]))
        return block_ref_arg(w, index, out);
    return shell_number_arg(w, index, what, out);
}
