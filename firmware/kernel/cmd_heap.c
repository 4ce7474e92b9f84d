/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Commands that act on the user heap. Every request is validated completely
 * before the allocator is called, so bad input prints one error line and
 * leaves the heap exactly as it was.
 */
#include "blockrefs.h"
#include "bump.h"
#include "commands.h"
#include "console.h"
#include "format.h"
#include "heap.h"
#include "mem.h"
#include "shell.h"

static const char *status_name(apg_block_status s)
{
    return s == APG_BLOCK_USED ? "USED" : "FREE";
}

/* Size argument: at least 1 byte and no larger than the whole heap. */
static bool size_arg(const apg_words *w, size_t index, uint64_t *out)
{
    if (!shell_number_arg(w, index, "size", out))
        return false;
    if (*out == 0) {
        shell_error(w, "size must be at least 1 byte");
        return false;
    }
    if (*out > heap_region_size()) {
        shell_error(w, "%llu bytes is larger than the heap (%zu bytes)", (unsigned long long)*out,
                    heap_region_size());
        return false;
    }
    return true;
}

/* Address argument (a number or $N) that must be the start of a live block;
 * explains why not. */
static bool block_arg(const apg_words *w, size_t index, void **out)
{
    uint64_t addr;
    if (!shell_address_arg(w, index, "address", &addr))
        return false;
    if (addr < heap_region_start() || addr >= heap_region_end()) {
        shell_error(w, "0x%llx is not in the heap (0x%lx-0x%lx)", (unsigned long long)addr,
                    (unsigned long)heap_region_start(), (unsigned long)heap_region_end());
        return false;
    }
    void *p = (void *)(uintptr_t)addr;
    switch (heap_active()->validate(heap_handle(), p)) {
    case APG_PTR_OK: *out = p; return true;
    case APG_PTR_OUTSIDE:
        shell_error(w, "0x%llx is not inside any block (allocator metadata)",
                    (unsigned long long)addr);
        return false;
    case APG_PTR_MISALIGNED:
        shell_error(w, "0x%llx is misaligned: blocks start on 16-byte boundaries",
                    (unsigned long long)addr);
        return false;
    case APG_PTR_INSIDE_BLOCK:
        shell_error(w, "0x%llx points inside a block, not at its start", (unsigned long long)addr);
        return false;
    case APG_PTR_NOT_ALLOCATED:
        if (apg_strcmp(w->word[0], "free") == 0)
            shell_error(w, "double free detected: 0x%llx is not allocated",
                        (unsigned long long)addr);
        else
            shell_error(w, "0x%llx is not allocated (already freed, or never returned)",
                        (unsigned long long)addr);
        return false;
    default:
        shell_error(w, "%s cannot free single blocks (use reset)", heap_active()->name);
        return false;
    }
}

static void explain_out_of_memory(const apg_words *w, uint64_t size)
{
    apg_stats s;
    heap_active()->stats(heap_handle(), &s);
    shell_error(w, "out of memory: no room for %llu bytes (largest possible: %zu)",
                (unsigned long long)size, s.largest_free);
}

void cmd_alloc(const apg_words *w)
{
    uint64_t size, align = APG_DEFAULT_ALIGN;
    if (!size_arg(w, 1, &size))
        return;
    if (w->count > 2) {
        if (!shell_number_arg(w, 2, "alignment", &align))
            return;
        if (align == 0 || (align & (align - 1)) != 0) {
            shell_error(w, "alignment %llu is not a power of two", (unsigned long long)align);
            return;
        }
        if (align > APG_MAX_ALIGN) {
            shell_error(w, "alignment %llu is larger than %u", (unsigned long long)align,
                        APG_MAX_ALIGN);
            return;
        }
    }
    heap_begin_mutation();
    void *p = heap_active()->alloc(heap_handle(), (size_t)size, (size_t)align);
    heap_end_mutation();
    if (p == NULL) {
        explain_out_of_memory(w, size);
        return;
    }
    blockrefs_returned(p);
    kprintf("allocated %llu bytes at %p (usable %zu)\n", (unsigned long long)size, p,
            heap_active()->usable_size(heap_handle(), p));
}

void cmd_free(const apg_words *w)
{
    void *p;
    if (!block_arg(w, 1, &p))
        return;
    size_t usable = heap_active()->usable_size(heap_handle(), p);
    heap_begin_mutation();
    heap_active()->free(heap_handle(), p);
    heap_end_mutation();
    blockrefs_freed(p);
    kprintf("freed %p (%zu usable bytes)\n", p, usable);
}

void cmd_realloc(const apg_words *w)
{
    void *p;
    uint64_t size;
    if (!block_arg(w, 1, &p) || !size_arg(w, 2, &size))
        return;
    heap_begin_mutation();
    void *q = heap_active()->realloc(heap_handle(), p, (size_t)size);
    heap_end_mutation();
    if (q == NULL) {
        shell_error(w, "out of memory: cannot resize %p to %llu bytes; the block is unchanged", p,
                    (unsigned long long)size);
        return;
    }
    blockrefs_resized(p, q);
    kprintf("reallocated %p -> %p (%llu bytes, %s)\n", p, q, (unsigned long long)size,
            p == q ? "in place" : "moved");
}

void cmd_calloc(const apg_words *w)
{
    uint64_t count, size;
    if (!shell_number_arg(w, 1, "count", &count) || !shell_number_arg(w, 2, "size", &size))
        return;
    if (count == 0 || size == 0) {
        shell_error(w, "count and size must both be at least 1");
        return;
    }
    if (count > heap_region_size() / size) {
        shell_error(w, "%llu x %llu bytes is larger than the heap (%zu bytes)",
                    (unsigned long long)count, (unsigned long long)size, heap_region_size());
        return;
    }
    uint64_t total = count * size;
    heap_begin_mutation();
    void *p = heap_active()->alloc(heap_handle(), (size_t)total, APG_DEFAULT_ALIGN);
    if (p != NULL) {
        apg_memset(p, 0, (size_t)total);
        heap_caller_writes(p);
    }
    heap_end_mutation();
    if (p == NULL) {
        explain_out_of_memory(w, total);
        return;
    }
    blockrefs_returned(p);
    kprintf("allocated %llu x %llu = %llu zeroed bytes at %p\n", (unsigned long long)count,
            (unsigned long long)size, (unsigned long long)total, p);
}

typedef struct {
    size_t index;
} info_walk;

static bool print_block(const apg_block *b, void *ctx)
{
    info_walk *iw = ctx;
    size_t size = b->status == APG_BLOCK_USED ? b->requested : b->usable;
    kprintf("Block %zu: Address=0x%lx, Size=%zu, Status=%s\n", iw->index++,
            (unsigned long)b->payload, size, status_name(b->status));
    return true;
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

void cmd_info(const apg_words *w)
{
    (void)w;
    apg_stats s;
    heap_active()->stats(heap_handle(), &s);
    kprintf("heap: %s, 0x%lx-0x%lx, %zu bytes\n", heap_active()->name,
            (unsigned long)heap_region_start(), (unsigned long)heap_region_end(), s.region_size);
    kprintf("used: %zu block%s, %zu bytes (%zu requested); free: %zu block%s, %zu bytes, "
            "largest %zu; overhead %zu bytes\n",
            s.used_blocks, plural(s.used_blocks), s.used_bytes, s.requested_bytes, s.free_blocks,
            plural(s.free_blocks), s.free_bytes, s.largest_free, s.overhead_bytes);
    info_walk iw = {0};
    heap_active()->walk(heap_handle(), print_block, &iw);
    if (heap_active()->describe != NULL)
        heap_active()->describe(heap_handle());
}

/* "first-fit, buddy, page, bump or tlsf" from the registry */
static void list_allocators(char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; apg_allocators[i] != NULL; i++) {
        const char *separator = i == 0 ? "" : apg_allocators[i + 1] == NULL ? " or " : ", ";
        used += apg_snformat(out + used, size - used, "%s%s", separator, apg_allocators[i]->name);
        if (used >= size)
            break;
    }
}

void cmd_use(const apg_words *w)
{
    const apg_allocator *a = heap_find(w->word[1]);
    if (a == NULL) {
        char choices[96];
        list_allocators(choices, sizeof choices);
        shell_error(w, "unknown allocator '%s' (choose %s)", w->word[1], choices);
        return;
    }
    heap_use(a);
    kprintf("now using %s: heap re-initialised, every block released\n", a->name);
}

void cmd_check(const apg_words *w)
{
    (void)w;
    apg_check_result r = heap_active()->check(heap_handle());
    if (!r.ok) {
        kprintf("check: FAILED: %s at 0x%lx\n", r.problem, (unsigned long)r.where);
        return;
    }
    apg_stats s;
    heap_active()->stats(heap_handle(), &s);
    kprintf("check: OK (%zu used, %zu free blocks)\n", s.used_blocks, s.free_blocks);
}

void cmd_reset(const apg_words *w)
{
    (void)w;
    heap_use(heap_active());
    kprintf("heap reset: %s re-initialised, every block released\n", heap_active()->name);
}

void cmd_meminfo(const apg_words *w)
{
    (void)w;
    apg_stats heap, arena;
    heap_active()->stats(heap_handle(), &heap);
    apg_bump.stats(arena_handle(), &arena);
    kprintf("heap: size=%zu used=%zu free=%zu | kernel arena: size=%zu used=%zu free=%zu\n",
            heap.region_size, heap.used_bytes, heap.free_bytes, arena.region_size, arena.used_bytes,
            arena.free_bytes);
}
