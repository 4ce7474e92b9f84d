/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page.c — the page allocator: memory handed out in whole 4 KiB pages.
 *
 * Layout of the region (byte layouts in include/heap_abi.h):
 *
 *   [state][page map: one uint32 per page][slack][page 0][page 1]...[page n-1][slack]
 *                                                ^pages_start (4 KiB aligned)
 *
 * The page map says what each page is: FREE, the HEAD of an allocated run
 * (with the requested byte count in its upper bits) or a TAIL page of the run
 * that started at the nearest head before it. An allocation of `size` bytes is
 * a run of ceil(size / 4096) contiguous pages, found first-fit by scanning the
 * map, and zeroed before it is returned. Freeing sets the head and its tails
 * back to FREE; there is nothing to coalesce because free pages need no
 * bookkeeping beyond their map entry.
 *
 * Rules this file follows (the panel and the shell rely on them):
 * - The requested size lives in bits 2..31 of the head entry, so requests are
 *   limited to 2^30 - 1 bytes and the managed area to 262143 pages (just under
 *   1 GiB); a larger region is clamped and the rest reported as overhead.
 * - walk() reports each allocated run as one USED block (start = payload =
 *   first page, span = usable = pages * 4096) and each maximal run of free
 *   pages as one FREE block, in address order.
 * - largest_free is the longest free run in bytes: exactly that many bytes
 *   can be allocated, one more cannot.
 * - validate() answers, in this order: OUTSIDE (not in the pages), MISALIGNED
 *   (not 16-aligned), NOT_ALLOCATED (a free page), OK (the first byte of a head
 *   page), INSIDE_BLOCK (anywhere else in a run).
 * - realloc() shrinks in place (freeing the pages it no longer needs), grows
 *   in place when the pages after the run are free, else moves. Whenever a
 *   block grows, the bytes between the old and the new size read as zero, as
 *   they would in a fresh allocation.
 */
#include "align.h"
#include "allocator.h"
#include "heap_abi.h"
#include "mem.h"
#include "strategy_common.h"

#define PAGE_ENTRY_SIZE sizeof(uint32_t)
#define PAGE_REQ_MAX (UINT32_MAX >> APG_PAGE_REQ_SHIFT) /* largest request a head can record */
#define PAGE_MAX_PAGES (PAGE_REQ_MAX / APG_PAGE_SIZE)   /* so that every run's size fits too */

static struct apg_page_state *page_state(void *heap)
{
    return heap;
}

static uint32_t *page_map(const struct apg_page_state *state)
{
    return (uint32_t *)(uintptr_t)state->page_map;
}

static uint32_t entry_kind(uint32_t entry)
{
    return entry & APG_PAGE_STATE_MASK;
}

static uint32_t head_entry(size_t requested)
{
    return APG_PAGE_HEAD | ((uint32_t)requested << APG_PAGE_REQ_SHIFT);
}

static size_t entry_requested(uint32_t entry)
{
    return entry >> APG_PAGE_REQ_SHIFT;
}

static size_t pages_for(size_t bytes)
{
    return bytes / APG_PAGE_SIZE + (bytes % APG_PAGE_SIZE != 0);
}

static uintptr_t page_address(const struct apg_page_state *state, size_t index)
{
    return (uintptr_t)state->pages_start + index * APG_PAGE_SIZE;
}

static void *page_init(void *region, size_t size)
{
    uintptr_t base = (uintptr_t)region;
    size_t lead = apg_align_padding(base, 16);
    if (size > UINTPTR_MAX - base)
        size = UINTPTR_MAX - base; /* a region cannot wrap around the address space */
    if (size < lead + sizeof(struct apg_page_state))
        return NULL;

    struct apg_page_state *state = (struct apg_page_state *)(base + lead);
    uintptr_t map = (uintptr_t)state + sizeof *state;
    /* Pages end on a page boundary at or below the region end. With n pages
     * the map needs 4n bytes and the pages 4096n, and since the page area
     * starts page-aligned right after the map, n pages fit exactly when
     * map + 4n <= pages_end - 4096n. */
    uintptr_t pages_end = apg_align_down(base + size, APG_PAGE_SIZE);
    if (pages_end <= map)
        return NULL;
    size_t count = (size_t)(pages_end - map) / (PAGE_ENTRY_SIZE + APG_PAGE_SIZE);
    if (count > PAGE_MAX_PAGES)
        count = PAGE_MAX_PAGES; /* the rest is reported as overhead */
    if (count == 0)
        return NULL;

    state->magic = APG_PAGE_MAGIC;
    state->page_size = APG_PAGE_SIZE;
    state->page_map = map;
    state->page_count = count;
    state->pages_start = apg_align_up(map + count * PAGE_ENTRY_SIZE, APG_PAGE_SIZE);
    state->used_pages = 0;
    state->region_size = size;
    apg_memset(page_map(state), 0, count * PAGE_ENTRY_SIZE); /* all pages FREE */
    return state;
}

/* First fit: the index of the first run of `needed` free pages, or page_count. */
static size_t find_free_run(const struct apg_page_state *state, size_t needed)
{
    const uint32_t *map = page_map(state);
    size_t run_start = 0, run_pages = 0;
    for (size_t i = 0; i < state->page_count; i++) {
        if (entry_kind(map[i]) != APG_PAGE_FREE) {
            run_pages = 0;
            continue;
        }
        if (run_pages == 0)
            run_start = i;
        if (++run_pages == needed)
            return run_start;
    }
    return (size_t)state->page_count;
}

/* Number of pages of the run whose head is at index `head`. */
static size_t run_length(const struct apg_page_state *state, size_t head)
{
    const uint32_t *map = page_map(state);
    size_t end = head + 1;
    while (end < state->page_count && entry_kind(map[end]) == APG_PAGE_TAIL)
        end++;
    return end - head;
}

static void *page_alloc(void *heap, size_t size, size_t align)
{
    struct apg_page_state *state = page_state(heap);
    /* pages are 4 KiB aligned, which covers every alignment we accept */
    if (size == 0 || size > PAGE_REQ_MAX || !apg_is_power_of_two(align) || align > APG_MAX_ALIGN)
        return NULL;
    size_t needed = pages_for(size);
    size_t first = find_free_run(state, needed);
    if (first == state->page_count)
        return NULL;

    uint32_t *map = page_map(state);
    map[first] = head_entry(size);
    for (size_t i = first + 1; i < first + needed; i++)
        map[i] = APG_PAGE_TAIL;
    state->used_pages += needed;
    void *pages = (void *)page_address(state, first);
    apg_memset(pages, 0, needed * APG_PAGE_SIZE);
    return pages;
}

/* The map index of ptr, or page_count when ptr is not in the page area. */
static size_t page_index(const struct apg_page_state *state, const void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    if (p < state->pages_start || (p - state->pages_start) / APG_PAGE_SIZE >= state->page_count)
        return (size_t)state->page_count;
    return (size_t)((p - state->pages_start) / APG_PAGE_SIZE);
}

static apg_ptr_status page_validate(void *heap, const void *ptr)
{
    const struct apg_page_state *state = page_state(heap);
    size_t index = page_index(state, ptr);
    if (index == state->page_count)
        return APG_PTR_OUTSIDE;
    if ((uintptr_t)ptr % APG_DEFAULT_ALIGN != 0)
        return APG_PTR_MISALIGNED;
    switch (entry_kind(page_map(state)[index])) {
    case APG_PAGE_FREE: return APG_PTR_NOT_ALLOCATED;
    case APG_PAGE_HEAD:
        return (uintptr_t)ptr == page_address(state, index) ? APG_PTR_OK : APG_PTR_INSIDE_BLOCK;
    case APG_PAGE_TAIL: return APG_PTR_INSIDE_BLOCK;
    default: return APG_PTR_OUTSIDE; /* only on a corrupted map */
    }
}

/* The head index of the run starting at ptr, or page_count if ptr is not one. */
static size_t head_of(const struct apg_page_state *state, const void *ptr)
{
    size_t index = page_index(state, ptr);
    if (index == state->page_count || (uintptr_t)ptr != page_address(state, index) ||
        entry_kind(page_map(state)[index]) != APG_PAGE_HEAD)
        return (size_t)state->page_count;
    return index;
}

/* Give the pages [first, first + count) back. */
static void release_pages(struct apg_page_state *state, size_t first, size_t count)
{
    uint32_t *map = page_map(state);
    for (size_t i = first; i < first + count; i++)
        map[i] = APG_PAGE_FREE;
    state->used_pages -= count;
}

static void page_free(void *heap, void *ptr)
{
    struct apg_page_state *state = page_state(heap);
    size_t head = head_of(state, ptr);
    if (head == state->page_count)
        return; /* not an allocation: validate() would have said so */
    release_pages(state, head, run_length(state, head));
}

/* Can the run at `head` of `length` pages take the next `extra` pages? */
static bool following_pages_free(const struct apg_page_state *state, size_t head, size_t length,
                                 size_t extra)
{
    const uint32_t *map = page_map(state);
    if (extra > state->page_count - (head + length))
        return false;
    for (size_t i = head + length; i < head + length + extra; i++) {
        if (entry_kind(map[i]) != APG_PAGE_FREE)
            return false;
    }
    return true;
}

static void *page_realloc(void *heap, void *ptr, size_t size)
{
    struct apg_page_state *state = page_state(heap);
    size_t head = head_of(state, ptr);
    if (head == state->page_count || size == 0 || size > PAGE_REQ_MAX)
        return NULL;
    uint32_t *map = page_map(state);
    size_t old_size = entry_requested(map[head]);
    size_t have = run_length(state, head);
    size_t needed = pages_for(size);

    if (needed > have) {
        /* move: the new run is zeroed, so only the old bytes need copying */
        if (!following_pages_free(state, head, have, needed - have))
            return apg_realloc_by_moving(&apg_page, heap, ptr, size, old_size);
        for (size_t i = head + have; i < head + needed; i++)
            map[i] = APG_PAGE_TAIL;
        state->used_pages += needed - have;
    } else if (needed < have) {
        release_pages(state, head + needed, have - needed);
    }
    if (size > old_size)
        apg_memset((unsigned char *)ptr + old_size, 0, size - old_size);
    map[head] = head_entry(size);
    return ptr;
}

static size_t page_usable_size(void *heap, const void *ptr)
{
    const struct apg_page_state *state = page_state(heap);
    size_t head = head_of(state, ptr);
    if (head == state->page_count)
        return 0;
    return run_length(state, head) * APG_PAGE_SIZE;
}

static void page_walk(void *heap, apg_walk_fn fn, void *ctx)
{
    const struct apg_page_state *state = page_state(heap);
    const uint32_t *map = page_map(state);
    size_t i = 0;
    while (i < state->page_count) {
        uint32_t kind = entry_kind(map[i]);
        size_t end = i + 1;
        apg_block block = {.start = page_address(state, i), .payload = page_address(state, i)};
        if (kind == APG_PAGE_FREE) {
            while (end < state->page_count && entry_kind(map[end]) == APG_PAGE_FREE)
                end++;
            block.status = APG_BLOCK_FREE;
            block.requested = 0;
        } else if (kind == APG_PAGE_HEAD) {
            end = i + run_length(state, i);
            block.status = APG_BLOCK_USED;
            block.requested = entry_requested(map[i]);
        } else {
            return; /* a tail without a head: corrupted, check() says where */
        }
        block.span = (end - i) * APG_PAGE_SIZE;
        block.usable = block.span;
        if (!fn(&block, ctx))
            return;
        i = end;
    }
}

static void page_stats(void *heap, apg_stats *out)
{
    const struct apg_page_state *state = page_state(heap);
    /* free blocks are maximal free runs: the longest one is the largest request */
    out->largest_free = apg_totals_by_walking(heap, page_walk, (size_t)state->region_size, out);
}

static apg_check_result page_check(void *heap)
{
    const struct apg_page_state *state = page_state(heap);
    uintptr_t self = (uintptr_t)state;
    if (state->magic != APG_PAGE_MAGIC)
        return apg_check_failed("page: bad magic in page state", self);
    if (state->page_size != APG_PAGE_SIZE)
        return apg_check_failed("page: page size is not 4096", self);
    if (state->page_map != self + sizeof *state)
        return apg_check_failed("page: page map is not right after the state", self);
    if (state->page_count == 0 || state->page_count > PAGE_MAX_PAGES)
        return apg_check_failed("page: page count out of range", self);
    if (state->pages_start % APG_PAGE_SIZE != 0 ||
        state->pages_start < state->page_map + state->page_count * PAGE_ENTRY_SIZE)
        return apg_check_failed("page: pages overlap the map or are not page aligned",
                                (uintptr_t)state->pages_start);
    /* the region may start up to 15 bytes before the state, never after it */
    if (state->pages_start - self > state->region_size ||
        state->page_count * APG_PAGE_SIZE > state->region_size - (state->pages_start - self))
        return apg_check_failed("page: pages run past the region", (uintptr_t)state->pages_start);

    const uint32_t *map = page_map(state);
    size_t used = 0;
    size_t i = 0;
    while (i < state->page_count) {
        uint32_t entry = map[i];
        uintptr_t where = page_address(state, i);
        if (entry_kind(entry) == APG_PAGE_FREE) {
            if (entry != APG_PAGE_FREE)
                return apg_check_failed("page: free page entry has stray bits", where);
            i++;
            continue;
        }
        if (entry_kind(entry) == APG_PAGE_TAIL)
            return apg_check_failed(
                "page: tail page without a head (or a run longer than its request)", where);
        if (entry_kind(entry) != APG_PAGE_HEAD)
            return apg_check_failed("page: invalid page state", where);
        size_t requested = entry_requested(entry);
        if (requested == 0)
            return apg_check_failed("page: allocated run records 0 requested bytes", where);
        size_t pages = pages_for(requested);
        if (pages > state->page_count - i)
            return apg_check_failed("page: run for the requested size passes the last page", where);
        for (size_t k = i + 1; k < i + pages; k++) {
            if (map[k] != APG_PAGE_TAIL)
                return apg_check_failed("page: run shorter than its requested size",
                                        page_address(state, k));
        }
        used += pages;
        i += pages;
    }
    if (used != state->used_pages)
        return apg_check_failed("page: used page count does not match the map", self);
    return apg_check_passed();
}

const apg_allocator apg_page = {
    .name = "page",
    .kind = APG_KIND_PAGE,
    .init = page_init,
    .alloc = page_alloc,
    .free = page_free,
    .realloc = page_realloc,
    .usable_size = page_usable_size,
    .validate = page_validate,
    .stats = page_stats,
    .walk = page_walk,
    .check = page_check,
};
