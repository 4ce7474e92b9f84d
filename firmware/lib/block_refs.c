/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "block_refs.h"

void apg_refs_init(apg_block_refs *t)
{
    t->next = 0;
    t->count = 0;
    t->forgotten_up_to = 0;
}

void apg_refs_returned(apg_block_refs *t, uint64_t command, uint64_t address)
{
    apg_block_ref *r = &t->ref[t->next];
    if (t->count == APG_BLOCK_REFS)
        t->forgotten_up_to = r->command; /* the oldest entry makes room */
    else
        t->count++;
    r->command = command;
    r->address = address;
    r->ended_by = 0;
    r->state = APG_REF_LIVE;
    t->next = (t->next + 1) % APG_BLOCK_REFS;
}

/* Ends the life of every live entry at `address` (there is at most one as long
 * as every free goes through the table). */
static void end_live(apg_block_refs *t, uint64_t address, apg_ref_state why, uint64_t command)
{
    for (size_t i = 0; i < t->count; i++) {
        apg_block_ref *r = &t->ref[i];
        if (r->state == APG_REF_LIVE && r->address == address) {
            r->state = why;
            r->ended_by = command;
        }
    }
}

void apg_refs_freed(apg_block_refs *t, uint64_t address, uint64_t command)
{
    end_live(t, address, APG_REF_FREED, command);
}

void apg_refs_resized(apg_block_refs *t, uint64_t old_address, uint64_t command,
                      uint64_t new_address)
{
    end_live(t, old_address, APG_REF_RESIZED, command);
    apg_refs_returned(t, command, new_address);
}

void apg_refs_released(apg_block_refs *t, uint64_t command)
{
    for (size_t i = 0; i < t->count; i++) {
        apg_block_ref *r = &t->ref[i];
        if (r->state == APG_REF_LIVE) {
            r->state = APG_REF_RELEASED;
            r->ended_by = command;
        }
    }
}

apg_ref_lookup apg_refs_find(const apg_block_refs *t, uint64_t n, uint64_t current,
                             const apg_block_ref **out)
{
    if (n >= current)
        return APG_REF_NOT_YET;
    for (size_t i = 0; i < t->count; i++) {
        if (t->ref[i].command == n) {
            *out = &t->ref[i];
            return APG_REF_FOUND;
        }
    }
    return n <= t->forgotten_up_to ? APG_REF_FORGOTTEN : APG_REF_NO_BLOCK;
}
