/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `corrupt <addr>`: a DEMONSTRATION of heap corruption. It overwrites the
 * metadata of one block the way a buffer overflow or a stray pointer would,
 * so students can watch `check` and the heap panel report the damage. The
 * kernel then refuses to touch the heap until `reset` (or `use`) rebuilds it,
 * so nothing that follows can crash it.
 */
#include "blockrefs.h"
#include "commands.h"
#include "console.h"
#include "heap.h"
#include "heap_abi.h"
#include "mem.h"
#include "shell.h"

#define SCRIBBLE 0xA5 /* the byte an overflow "wrote" */

typedef struct {
    uintptr_t address;
    apg_block found;
    bool ok;
} find_block;

static bool match_block(const apg_block *b, void *ctx)
{
    find_block *f = ctx;
    if (f->address >= b->start && f->address < b->start + b->span) {
        f->found = *b;
        f->ok = true;
        return false;
    }
    return true;
}

/* Where this block's metadata lives, and how many bytes of it to scribble. */
static uint8_t *metadata_of(const apg_block *b, size_t *size)
{
    uint32_t kind = heap_active()->kind;
    if (kind == APG_KIND_BUDDY) {
        const struct apg_buddy_state *s = heap_handle();
        uint32_t *table = (uint32_t *)(uintptr_t)s->table;
        *size = sizeof(uint32_t);
        return (uint8_t *)&table[(b->start - s->arena_start) / APG_BUDDY_MIN_BLOCK];
    }
    if (kind == APG_KIND_PAGE) {
        const struct apg_page_state *s = heap_handle();
        uint32_t *map = (uint32_t *)(uintptr_t)s->page_map;
        *size = sizeof(uint32_t);
        return (uint8_t *)&map[(b->start - s->pages_start) / APG_PAGE_SIZE];
    }
    /* first-fit, TLSF, bump: a 16-byte header in front of the payload */
    *size = 16;
    return (uint8_t *)b->start;
}

void cmd_corrupt(const apg_words *w)
{
    uint64_t addr;
    if (!shell_address_arg(w, 1, "address", &addr))
        return;
    if (heap_is_damaged()) {
        shell_error(w, "the heap is already corrupted; 'reset' repairs it");
        return;
    }
    find_block f = {.address = (uintptr_t)addr};
    heap_active()->walk(heap_handle(), match_block, &f);
    if (!f.ok) {
        shell_error(w, "0x%llx is not inside a block of the heap", (unsigned long long)addr);
        return;
    }
    size_t size;
    uint8_t *meta = metadata_of(&f.found, &size);
    heap_begin_mutation();
    apg_memset(meta, SCRIBBLE, size);
    heap_mark_damaged();
    heap_end_mutation();
    kprintf("corrupt: DEMONSTRATION: wrote %zu bytes of 0x%02x over the metadata of the block at "
            "0x%lx (at 0x%lx)\n",
            size, SCRIBBLE, (unsigned long)f.found.payload, (unsigned long)(uintptr_t)meta);
    kprintf("corrupt: run 'check' to see what it broke; 'reset' rebuilds the heap\n");
}
