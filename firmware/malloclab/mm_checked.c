/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checks around every call into the student's mm.c (see mm_checked.h). */
#include "mm_checked.h"

#include "console.h"
#include "format.h"
#include "guard.h"
#include "mem.h"
#include "memlib_region.h"

#include <memlib.h>
#include <mm.h>

/* Optional in mm.c; handouts disagree on its return type, which is why the
 * result is not interpreted (what it prints is what the student sees). */
extern int mm_checkheap(int) __attribute__((weak));

static mm_block table[MM_TABLE_CAPACITY]; /* address order */
static size_t count;
static bool ready;
/* What the panel reads (heap_abi.h); refreshed after every change. */
static struct apg_mm_state published = {.magic = APG_MM_MAGIC, .capacity = MM_TABLE_CAPACITY};

static void publish(void)
{
    published.count = (uint32_t)count;
    published.ready = ready;
    published.heap_lo = (uint64_t)(uintptr_t)mem_heap_lo();
    published.brk = memlib_break();
    published.limit = memlib_limit();
    published.table = (uint64_t)(uintptr_t)table;
}

const struct apg_mm_state *mm_checked_state(void)
{
    return &published;
}

/* ---- calls into mm code, each under the guard ---- */

static char call[64];

static void *call_malloc(size_t size)
{
    apg_snformat(call, sizeof call, "mm_malloc(%zu)", size);
    guard_enter(call);
    void *p = mm_malloc(size);
    guard_leave();
    publish(); /* the break may have moved */
    return p;
}

static void call_free(void *ptr)
{
    apg_snformat(call, sizeof call, "mm_free(%p)", ptr);
    guard_enter(call);
    mm_free(ptr);
    guard_leave();
    publish();
}

static void *call_realloc(void *ptr, size_t size)
{
    apg_snformat(call, sizeof call, "mm_realloc(%p, %zu)", ptr, size);
    guard_enter(call);
    void *p = mm_realloc(ptr, size);
    guard_leave();
    publish();
    return p;
}

/* ---- payload patterns: a function of the block's address and the offset ---- */

static uint64_t pattern_word(uintptr_t block, size_t word)
{
    return ((uint64_t)block * 0x9e3779b97f4a7c15ull) ^
           ((uint64_t)(word + 1) * 0xbf58476d1ce4e5b9ull);
}

static uint8_t pattern_byte(uintptr_t block, size_t offset)
{
    return (uint8_t)(pattern_word(block, offset / 8) >> (8 * (offset % 8)));
}

/* Payloads are 8-byte aligned (checked before any fill). */
static void fill_pattern(uintptr_t block, size_t size)
{
    uint64_t *words = (uint64_t *)block;
    size_t n = size / 8;
    for (size_t k = 0; k < n; k++)
        words[k] = pattern_word(block, k);
    for (size_t i = n * 8; i < size; i++)
        ((uint8_t *)block)[i] = pattern_byte(block, i);
}

/* Offset of the first byte of [at, at+size) that differs from the pattern of
 * the block at `block`, or size if none does; at is 8-byte aligned. */
static size_t first_difference(uintptr_t block, uintptr_t at, size_t size)
{
    const uint64_t *words = (const uint64_t *)at;
    size_t k = 0;
    while (k < size / 8 && words[k] == pattern_word(block, k))
        k++;
    for (size_t i = k * 8; i < size; i++) {
        if (((const uint8_t *)at)[i] != pattern_byte(block, i))
            return i;
    }
    return size;
}

/* ---- the table ---- */

/* Index of the first entry at or above address. */
static size_t lower_bound(uintptr_t address)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (table[middle].address < address)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

const mm_block *mm_checked_find(const void *ptr)
{
    size_t i = lower_bound((uintptr_t)ptr);
    return i < count && table[i].address == (uintptr_t)ptr ? &table[i] : NULL;
}

const mm_block *mm_checked_containing(const void *ptr)
{
    size_t i = lower_bound((uintptr_t)ptr + 1);
    if (i == 0)
        return NULL;
    const mm_block *b = &table[i - 1];
    return (uintptr_t)ptr - b->address < b->requested ? b : NULL;
}

size_t mm_checked_count(void)
{
    return count;
}

const mm_block *mm_checked_block(size_t index)
{
    return index < count ? &table[index] : NULL;
}

bool mm_checked_ready(void)
{
    return ready;
}

static void remove_at(size_t i)
{
    apg_memmove(&table[i], &table[i + 1], (count - i - 1) * sizeof table[0]);
    count--;
    publish();
}

static void insert(mm_block b)
{
    size_t i = lower_bound(b.address);
    apg_memmove(&table[i + 1], &table[i], (count - i) * sizeof table[0]);
    table[i] = b;
    count++;
    publish();
}

/* ---- the checks on a returned block ---- */

/* The block mm returned for `what` breaks no rule; `ignore` is a live block
 * that may overlap it (realloc's old block), or NULL. Reports and returns
 * false otherwise. */
static bool block_acceptable(const char *what, uintptr_t p, size_t size, const mm_block *ignore)
{
    if (p % MM_ALIGNMENT != 0) {
        kprintf("mm: alignment: %s returned 0x%lx, which is not %u-byte aligned\n", what,
                (unsigned long)p, MM_ALIGNMENT);
        return false;
    }
    uintptr_t lo = (uintptr_t)mem_heap_lo(), brk = memlib_break();
    if (p < lo || p >= brk || size > brk - p) {
        kprintf("mm: bounds: %s returned 0x%lx (%zu bytes), outside the heap [mem_heap_lo "
                "0x%lx, mem_heap_hi 0x%lx]\n",
                what, (unsigned long)p, size, (unsigned long)lo, (unsigned long)(brk - 1));
        return false;
    }
    size_t i = lower_bound(p);
    const mm_block *before = i > 0 ? &table[i - 1] : NULL;
    if (before == ignore && i > 1)
        before = &table[i - 2];
    const mm_block *after = i < count ? &table[i] : NULL;
    if (after == ignore)
        after = i + 1 < count ? &table[i + 1] : NULL;
    const mm_block *hit = NULL;
    if (before != NULL && before != ignore && p - before->address < before->requested)
        hit = before;
    else if (after != NULL && after->address - p < size)
        hit = after;
    if (hit != NULL) {
        kprintf("mm: overlap: %s returned 0x%lx, overlapping the block at 0x%lx (%zu bytes)\n",
                what, (unsigned long)p, (unsigned long)hit->address, hit->requested);
        return false;
    }
    return true;
}

/* The block's payload still holds its pattern; reports and returns false if not. */
static bool payload_intact(const mm_block *b, const char *when)
{
    if (b->flags & APG_MM_CALLER_WRITES)
        return true;
    size_t at = first_difference(b->address, b->address, b->requested);
    if (at == b->requested)
        return true;
    kprintf("mm: payload: the block at 0x%lx (%zu bytes) changed %s: byte %zu is 0x%02x, "
            "expected 0x%02x\n",
            (unsigned long)b->address, b->requested, when, at, ((const uint8_t *)b->address)[at],
            pattern_byte(b->address, at));
    return false;
}

/* ---- the operations ---- */

mm_outcome mm_checked_reset(void *region, size_t size)
{
    count = 0;
    ready = false;
    memlib_attach(region, size);
    mem_reset_brk();
    publish();
    guard_enter("mm_init()");
    int result = mm_init();
    guard_leave();
    publish();
    if (result != 0) {
        kprintf("mm: mm_init() returned %d; mm_malloc is not called until 'reset' succeeds\n",
                result);
        return MM_VIOLATION;
    }
    ready = true;
    publish();
    return MM_OK;
}

static bool usable(const char *what)
{
    if (!ready) {
        kprintf("mm: %s refused: mm_init failed ('reset' calls it again)\n", what);
        return false;
    }
    return true;
}

mm_outcome mm_checked_malloc(size_t size, void **out)
{
    char what[48];
    apg_snformat(what, sizeof what, "mm_malloc(%zu)", size);
    if (!usable(what))
        return MM_REFUSED;
    if (count == MM_TABLE_CAPACITY) {
        kprintf("mm: %s refused: the kernel's table of live blocks is full (%u blocks)\n", what,
                MM_TABLE_CAPACITY);
        return MM_REFUSED;
    }
    void *p = call_malloc(size);
    if (p == NULL)
        return MM_OUT_OF_MEMORY;
    if (!block_acceptable(what, (uintptr_t)p, size, NULL))
        return MM_VIOLATION;
    fill_pattern((uintptr_t)p, size);
    insert((mm_block){.address = (uintptr_t)p, .requested = size});
    *out = p;
    return MM_OK;
}

mm_outcome mm_checked_free(void *ptr)
{
    char what[48], when[64];
    apg_snformat(what, sizeof what, "mm_free(%p)", ptr);
    apg_snformat(when, sizeof when, "before %s", what);
    const mm_block *b = mm_checked_find(ptr);
    if (b == NULL) {
        kprintf("mm: mm_free(%p) refused: not a live block (never returned, or already freed)\n",
                ptr);
        return MM_REFUSED;
    }
    if (!usable(what))
        return MM_REFUSED;
    if (!payload_intact(b, when))
        return MM_VIOLATION;
    size_t i = (size_t)(b - table);
    call_free(ptr);
    remove_at(i);
    return MM_OK;
}

mm_outcome mm_checked_realloc(void *ptr, size_t size, void **out)
{
    char what[64], when[80];
    const mm_block *b = mm_checked_find(ptr);
    if (b == NULL) {
        kprintf("mm: mm_realloc(%p, %zu) refused: not a live block (never returned, or already "
                "freed)\n",
                ptr, size);
        return MM_REFUSED;
    }
    apg_snformat(what, sizeof what, "mm_realloc(%p, %zu)", ptr, size);
    apg_snformat(when, sizeof when, "before %s", what);
    if (!usable(what) || size == 0)
        return MM_REFUSED;
    if (!payload_intact(b, when))
        return MM_VIOLATION;
    mm_block old = *b;
    void *q = call_realloc(ptr, size);
    if (q == NULL) {
        if (!payload_intact(b, "when mm_realloc returned NULL"))
            return MM_VIOLATION;
        return MM_OUT_OF_MEMORY;
    }
    if (!block_acceptable(what, (uintptr_t)q, size, b))
        return MM_VIOLATION;
    size_t kept = old.requested < size ? old.requested : size;
    if (!(old.flags & APG_MM_CALLER_WRITES)) {
        size_t at = first_difference(old.address, (uintptr_t)q, kept);
        if (at != kept) {
            kprintf("mm: payload: %s returned 0x%lx without the old contents: byte %zu is 0x%02x, "
                    "expected 0x%02x\n",
                    what, (unsigned long)q, at, ((const uint8_t *)q)[at],
                    pattern_byte(old.address, at));
            return MM_VIOLATION;
        }
        fill_pattern((uintptr_t)q, size);
    }
    remove_at((size_t)(b - table));
    insert((mm_block){.address = (uintptr_t)q, .requested = size, .flags = old.flags});
    *out = q;
    return MM_OK;
}

void mm_checked_caller_writes(const void *ptr)
{
    size_t i = lower_bound((uintptr_t)ptr);
    if (i < count && table[i].address == (uintptr_t)ptr)
        table[i].flags |= APG_MM_CALLER_WRITES;
}

static apg_check_result problem(const char *what, uintptr_t where)
{
    return (apg_check_result){.ok = false, .problem = what, .where = where};
}

apg_check_result mm_checked_check(void)
{
    uintptr_t lo = (uintptr_t)mem_heap_lo(), brk = memlib_break(), end = lo;
    for (size_t i = 0; i < count; i++) {
        const mm_block *b = &table[i];
        if (b->address < end || b->address >= brk || b->requested > brk - b->address)
            return problem("the kernel's table of mm blocks is damaged (overlap or out of heap)",
                           b->address);
        end = b->address + b->requested;
        if (!(b->flags & APG_MM_CALLER_WRITES)) {
            size_t at = first_difference(b->address, b->address, b->requested);
            if (at != b->requested)
                return problem("payload of a live mm block changed (mm code wrote into it)",
                               b->address + at);
        }
    }
    if (mm_checkheap != NULL && ready) {
        guard_enter("mm_checkheap(0)");
        (void)mm_checkheap(0);
        guard_leave();
    }
    return (apg_check_result){.ok = true};
}
