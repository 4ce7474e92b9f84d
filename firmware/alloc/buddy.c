/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buddy.c — the binary buddy allocator.
 *
 * Every block is 32 << order bytes and starts at an offset from arena_start
 * that is a multiple of its size. Splitting a block of order k gives two
 * "buddies" of order k - 1; a block's buddy is found by flipping one bit of
 * its offset (offset ^ size). Freeing a block merges it with its buddy, again
 * and again, as long as the buddy is free and whole. Both directions are
 * O(number of orders).
 *
 * Layout of the region (byte layouts in include/heap_abi.h):
 *
 *   [state][table: one uint32 per 32-byte unit][slack][arena ............][slack]
 *                                                     ^arena_start (4 KiB aligned)
 *
 * The block state lives in the table, not in the blocks: the entry of a
 * block's first unit (its head) holds its order, FREE or USED and the bytes
 * requested; every other entry is 0. Because the arena is 4 KiB aligned, a
 * block of 4 KiB or more is 4 KiB aligned in memory too, so an alignment
 * request is just a minimum block size. Free blocks of each order sit on a
 * doubly linked list whose links are kept in the first 16 bytes of the free
 * block itself (that memory is unused while the block is free).
 *
 * The arena need not be a power of two long. It starts out covered by the
 * largest blocks that fit, left to right, and a block has a buddy only if the
 * buddy lies completely inside the arena, so those first blocks never merge.
 *
 * Rules this file follows (the panel and the shell rely on them):
 * - The requested size is stored saturating at APG_BUDDY_REQ_MAX
 *   (32 MiB - 1). walk() reports the stored value: exact for every request
 *   below 32 MiB, and "at least 32 MiB - 1" for larger ones.
 * - walk() reports each block: start = payload = its address, span = usable =
 *   its size, in address order.
 * - largest_free is the size of the largest free block: a request of exactly
 *   that size succeeds, one byte more needs a block twice as big.
 * - validate() answers, in this order: OUTSIDE (not in the arena), MISALIGNED
 *   (not 16-aligned), NOT_ALLOCATED (anywhere in a free block), OK (the first
 *   byte of a used block), INSIDE_BLOCK (anywhere else in a used block).
 *   It reads at most one table entry per order, so it is O(1) in the heap size.
 * - realloc() shrinks in place by splitting off the upper halves, grows in
 *   place when the block is the lower buddy and the buddies above it are free
 *   and whole, and otherwise moves.
 * - Regions of 4 GiB or more are clamped just below 4 GiB; the rest is
 *   reported as overhead.
 */
#include "align.h"
#include "allocator.h"
#include "heap_abi.h"
#include "mem.h"
#include "strategy_common.h"

#define BUDDY_UNIT APG_BUDDY_MIN_BLOCK              /* 32 bytes: order 0 */
#define BUDDY_TOP_ORDER (APG_BUDDY_MAX_ORDERS - 1u) /* 26: 2 GiB */
#define BUDDY_ARENA_ALIGN 4096u
#define BUDDY_ENTRY_SIZE sizeof(uint32_t)
#define BUDDY_MAX_MANAGED ((size_t)UINT32_MAX & ~(size_t)(BUDDY_ARENA_ALIGN - 1))

static struct apg_buddy_state *buddy_state(void *heap)
{
    return heap;
}

static uint32_t *buddy_table(const struct apg_buddy_state *state)
{
    return (uint32_t *)(uintptr_t)state->table;
}

/* ---- sizes and orders ---- */

static size_t block_size(unsigned order)
{
    return (size_t)BUDDY_UNIT << order;
}

static size_t units_in(unsigned order)
{
    return (size_t)1 << order;
}

/* The smallest order whose blocks hold `bytes` (bytes <= 2 GiB). */
static unsigned order_for(size_t bytes)
{
    unsigned order = 0;
    while (block_size(order) < bytes)
        order++;
    return order;
}

/* The largest order whose block fits in arena_size bytes. */
static unsigned top_order_for(uint64_t arena_size)
{
    unsigned order = 0;
    while (order < BUDDY_TOP_ORDER && block_size(order + 1) <= arena_size)
        order++;
    return order;
}

/* ---- table entries ---- */

static uint32_t make_entry(uint32_t block_state, unsigned order, size_t requested)
{
    if (requested > APG_BUDDY_REQ_MAX)
        requested = APG_BUDDY_REQ_MAX;
    return order | (block_state << APG_BUDDY_STATE_SHIFT) |
           ((uint32_t)requested << APG_BUDDY_REQ_SHIFT);
}

static unsigned entry_order(uint32_t entry)
{
    return entry & APG_BUDDY_ORDER_MASK;
}

static uint32_t entry_state(uint32_t entry)
{
    return (entry >> APG_BUDDY_STATE_SHIFT) & APG_BUDDY_STATE_MASK;
}

static size_t entry_requested(uint32_t entry)
{
    return entry >> APG_BUDDY_REQ_SHIFT;
}

static uintptr_t unit_address(const struct apg_buddy_state *state, size_t unit)
{
    return (uintptr_t)state->arena_start + unit * BUDDY_UNIT;
}

static size_t unit_of(const struct apg_buddy_state *state, uintptr_t address)
{
    return (size_t)((address - state->arena_start) / BUDDY_UNIT);
}

/* The unit of this block's buddy, or unit_count if it has none (the buddy
 * would stick out of the arena, or the block is already the largest order). */
static size_t buddy_of(const struct apg_buddy_state *state, size_t unit, unsigned order)
{
    size_t buddy = unit ^ units_in(order);
    if (order >= state->max_order || buddy > state->unit_count - units_in(order))
        return (size_t)state->unit_count;
    return buddy;
}

/* ---- free lists ---- */

static struct apg_buddy_free_links *links_at(uint64_t address)
{
    return (struct apg_buddy_free_links *)(uintptr_t)address;
}

static void push_free(struct apg_buddy_state *state, size_t unit, unsigned order)
{
    uint64_t address = unit_address(state, unit);
    struct apg_buddy_free_links *links = links_at(address);
    links->next = state->free_heads[order];
    links->prev = 0;
    if (links->next != 0)
        links_at(links->next)->prev = address;
    state->free_heads[order] = address;
    buddy_table(state)[unit] = make_entry(APG_BUDDY_STATE_FREE, order, 0);
}

/* Take a free block off its list; the caller rewrites its table entry. */
static void unlink_free(struct apg_buddy_state *state, size_t unit, unsigned order)
{
    const struct apg_buddy_free_links *links = links_at(unit_address(state, unit));
    if (links->prev != 0)
        links_at(links->prev)->next = links->next;
    else
        state->free_heads[order] = links->next;
    if (links->next != 0)
        links_at(links->next)->prev = links->prev;
}

/* ---- init ---- */

/* Units that fit if the arena starts at `arena` (table at `table`, region
 * ends at `end`): limited by the room after the arena and by the table room. */
static size_t units_fitting(uintptr_t table, uintptr_t arena, uintptr_t end)
{
    if (arena < table || arena >= end)
        return 0;
    size_t by_arena = (size_t)(end - arena) / BUDDY_UNIT;
    size_t by_table = (size_t)(arena - table) / BUDDY_ENTRY_SIZE;
    return by_arena < by_table ? by_arena : by_table;
}

/* Each unit costs 4 table bytes plus 32 arena bytes, so the best split puts
 * the arena start near table + (end - table) / 9; it must be page aligned,
 * so try the page boundaries on both sides of that point. */
static size_t best_unit_count(uintptr_t table, uintptr_t end)
{
    uintptr_t ideal = table + (end - table) / 9;
    size_t below = units_fitting(table, apg_align_down(ideal, BUDDY_ARENA_ALIGN), end);
    size_t above = units_fitting(table, apg_align_up(ideal, BUDDY_ARENA_ALIGN), end);
    return below > above ? below : above;
}

static void *buddy_init(void *region, size_t size)
{
    uintptr_t base = (uintptr_t)region;
    size_t lead = apg_align_padding(base, 16);
    uintptr_t top = UINTPTR_MAX - BUDDY_ARENA_ALIGN; /* keeps page rounding from wrapping */
    if (base > top)
        return NULL;
    if (size > top - base)
        size = top - base;
    if (size < lead + sizeof(struct apg_buddy_state))
        return NULL;
    size_t managed = size - lead;
    if (managed > BUDDY_MAX_MANAGED)
        managed = BUDDY_MAX_MANAGED; /* the rest is reported as overhead */

    struct apg_buddy_state *state = (struct apg_buddy_state *)(base + lead);
    uintptr_t table = (uintptr_t)state + sizeof *state;
    uintptr_t end = (uintptr_t)state + managed;
    if (end <= table)
        return NULL;
    size_t units = best_unit_count(table, end);
    if (units == 0)
        return NULL;

    state->magic = APG_BUDDY_MAGIC;
    state->table = table;
    state->unit_count = units;
    state->arena_size = units * BUDDY_UNIT;
    state->arena_start = apg_align_up(table + units * BUDDY_ENTRY_SIZE, BUDDY_ARENA_ALIGN);
    state->max_order = top_order_for(state->arena_size);
    state->region_size = size;
    for (unsigned order = 0; order < APG_BUDDY_MAX_ORDERS; order++)
        state->free_heads[order] = 0;
    apg_memset(buddy_table(state), 0, units * BUDDY_ENTRY_SIZE);

    /* cover the arena with the largest aligned blocks that fit, left to right */
    size_t unit = 0;
    while (unit < units) {
        unsigned order = state->max_order;
        while (order > 0 && (unit % units_in(order) != 0 || units - unit < units_in(order)))
            order--;
        push_free(state, unit, order);
        unit += units_in(order);
    }
    return state;
}

/* ---- alloc / free ---- */

/* Splits the block at `unit` from order `from` down to order `to`: each time
 * it keeps the lower half and puts the upper half on its free list. */
static void split_down(struct apg_buddy_state *state, size_t unit, unsigned from, unsigned to)
{
    while (from > to) {
        from--;
        push_free(state, unit + units_in(from), from);
    }
}

/* The block at `unit` of `order`, free but in no list, merges with its buddy
 * for as long as the buddy is a whole free block of the same order (each
 * merge takes the buddy off its list); the merged block goes on its list.
 * Out of line: inlined into free, it cost the kernel about 3 instructions
 * per operation more (the trace command's instructions/op). */
static __attribute__((noinline)) void merge_up(struct apg_buddy_state *state, size_t unit,
                                               unsigned order)
{
    uint32_t *table = buddy_table(state);
    for (;;) {
        size_t buddy = buddy_of(state, unit, order);
        if (buddy == state->unit_count ||
            table[buddy] != make_entry(APG_BUDDY_STATE_FREE, order, 0))
            break;
        unlink_free(state, buddy, order);
        table[buddy] = 0;
        unit &= ~units_in(order); /* the merged block starts at the lower buddy */
        order++;
    }
    push_free(state, unit, order);
}

static void *buddy_alloc(void *heap, size_t size, size_t align)
{
    struct apg_buddy_state *state = buddy_state(heap);
    if (size == 0 || !apg_is_power_of_two(align) || align > APG_MAX_ALIGN)
        return NULL;
    if (size > block_size(state->max_order))
        return NULL; /* also keeps order_for() from running off the end */
    /* blocks are aligned to their size (up to 4 KiB), so align is a minimum size */
    unsigned order = order_for(size > align ? size : align);

    unsigned found = order;
    while (found <= state->max_order && state->free_heads[found] == 0)
        found++;
    if (found > state->max_order)
        return NULL;

    size_t unit = unit_of(state, (uintptr_t)state->free_heads[found]);
    unlink_free(state, unit, found);
    split_down(state, unit, found, order);
    buddy_table(state)[unit] = make_entry(APG_BUDDY_STATE_USED, order, size);
    return (void *)unit_address(state, unit);
}

/* The unit of the used block that starts at ptr, or unit_count. */
static size_t used_head_of(const struct apg_buddy_state *state, const void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    if (p < state->arena_start || p - state->arena_start >= state->arena_size ||
        (p - state->arena_start) % BUDDY_UNIT != 0)
        return (size_t)state->unit_count;
    size_t unit = unit_of(state, p);
    if (entry_state(buddy_table(state)[unit]) != APG_BUDDY_STATE_USED)
        return (size_t)state->unit_count;
    return unit;
}

/* Free the block at `unit`, merging it with its buddy for as long as the
 * buddy is a whole free block of the same order. */
static void release_block(struct apg_buddy_state *state, size_t unit, unsigned order)
{
    buddy_table(state)[unit] = 0;
    merge_up(state, unit, order);
}

static void buddy_free(void *heap, void *ptr)
{
    struct apg_buddy_state *state = buddy_state(heap);
    size_t unit = used_head_of(state, ptr);
    if (unit == state->unit_count)
        return; /* not an allocation: validate() would have said so */
    release_block(state, unit, entry_order(buddy_table(state)[unit]));
}

/* ---- validate ---- */

/* The head unit of the block containing `unit`, or unit_count if the table
 * is inconsistent. The head is the unit aligned down to the block's order, so
 * trying each order from the smallest finds it. */
static size_t head_containing(const struct apg_buddy_state *state, size_t unit)
{
    const uint32_t *table = buddy_table(state);
    for (unsigned order = 0; order <= state->max_order; order++) {
        size_t candidate = unit & ~(units_in(order) - 1);
        uint32_t entry = table[candidate];
        if (entry == 0)
            continue; /* inside a bigger block: look further down */
        uint32_t block_state = entry_state(entry);
        bool is_head = block_state == APG_BUDDY_STATE_FREE || block_state == APG_BUDDY_STATE_USED;
        if (is_head && entry_order(entry) >= order)
            return candidate;
        break;
    }
    return (size_t)state->unit_count;
}

static apg_ptr_status buddy_validate(void *heap, const void *ptr)
{
    const struct apg_buddy_state *state = buddy_state(heap);
    uintptr_t p = (uintptr_t)ptr;
    if (p < state->arena_start || p - state->arena_start >= state->arena_size)
        return APG_PTR_OUTSIDE;
    if (p % APG_DEFAULT_ALIGN != 0)
        return APG_PTR_MISALIGNED;
    size_t head = head_containing(state, unit_of(state, p));
    if (head == state->unit_count)
        return APG_PTR_OUTSIDE; /* only on a corrupted table */
    if (entry_state(buddy_table(state)[head]) == APG_BUDDY_STATE_FREE)
        return APG_PTR_NOT_ALLOCATED;
    return p == unit_address(state, head) ? APG_PTR_OK : APG_PTR_INSIDE_BLOCK;
}

/* ---- realloc ---- */

/* Can the block at `unit` grow from `order` to `target` without moving? It
 * must be the lower buddy at every step, and each upper buddy a whole free
 * block (the merge invariant guarantees a free buddy is whole). */
static bool can_grow_in_place(const struct apg_buddy_state *state, size_t unit, unsigned order,
                              unsigned target)
{
    const uint32_t *table = buddy_table(state);
    for (unsigned k = order; k < target; k++) {
        size_t buddy = buddy_of(state, unit, k);
        if (buddy == state->unit_count || buddy < unit ||
            table[buddy] != make_entry(APG_BUDDY_STATE_FREE, k, 0))
            return false;
    }
    return true;
}

static void *buddy_realloc(void *heap, void *ptr, size_t size)
{
    struct apg_buddy_state *state = buddy_state(heap);
    size_t unit = used_head_of(state, ptr);
    if (unit == state->unit_count || size == 0 || size > block_size(state->max_order))
        return NULL;
    uint32_t *table = buddy_table(state);
    unsigned order = entry_order(table[unit]);
    unsigned target = order_for(size);

    if (target > order) {
        if (!can_grow_in_place(state, unit, order, target)) /* the whole old block fits */
            return apg_realloc_by_moving(&apg_buddy, heap, ptr, size, block_size(order));
        for (unsigned k = order; k < target; k++) {
            size_t buddy = unit + units_in(k);
            unlink_free(state, buddy, k);
            table[buddy] = 0;
        }
    } else {
        /* shrink: give back the upper halves (their buddies are still ours) */
        split_down(state, unit, order, target);
    }
    table[unit] = make_entry(APG_BUDDY_STATE_USED, target, size);
    return ptr;
}

static size_t buddy_usable_size(void *heap, const void *ptr)
{
    const struct apg_buddy_state *state = buddy_state(heap);
    size_t unit = used_head_of(state, ptr);
    if (unit == state->unit_count)
        return 0;
    return block_size(entry_order(buddy_table(state)[unit]));
}

/* ---- walk / stats ---- */

static void buddy_walk(void *heap, apg_walk_fn fn, void *ctx)
{
    const struct apg_buddy_state *state = buddy_state(heap);
    const uint32_t *table = buddy_table(state);
    size_t unit = 0;
    while (unit < state->unit_count) {
        uint32_t entry = table[unit];
        uint32_t block_state = entry_state(entry);
        unsigned order = entry_order(entry);
        /* stop at anything malformed rather than wander off: check() says where */
        if ((block_state != APG_BUDDY_STATE_FREE && block_state != APG_BUDDY_STATE_USED) ||
            order > state->max_order || unit % units_in(order) != 0 ||
            state->unit_count - unit < units_in(order))
            return;
        bool used = block_state == APG_BUDDY_STATE_USED;
        apg_block block = {
            .start = unit_address(state, unit),
            .span = block_size(order),
            .payload = unit_address(state, unit),
            .usable = block_size(order),
            .requested = used ? entry_requested(entry) : 0,
            .status = used ? APG_BLOCK_USED : APG_BLOCK_FREE,
        };
        if (!fn(&block, ctx))
            return;
        unit += units_in(order);
    }
}

static void buddy_stats(void *heap, apg_stats *out)
{
    const struct apg_buddy_state *state = buddy_state(heap);
    /* a free block of any order can be handed out whole */
    out->largest_free = apg_totals_by_walking(heap, buddy_walk, (size_t)state->region_size, out);
}

/* ---- check ---- */

/* The state's own fields, before any of them is used as an address. */
static apg_check_result check_state(const struct apg_buddy_state *state)
{
    uintptr_t self = (uintptr_t)state;
    if (state->magic != APG_BUDDY_MAGIC)
        return apg_check_failed("buddy: bad magic in buddy state", self);
    if (state->table != self + sizeof *state)
        return apg_check_failed("buddy: table is not right after the state", self);
    if (state->arena_size == 0 || state->arena_size % BUDDY_UNIT != 0 ||
        state->unit_count != state->arena_size / BUDDY_UNIT)
        return apg_check_failed("buddy: arena size and unit count disagree", self);
    if (state->max_order != top_order_for(state->arena_size))
        return apg_check_failed("buddy: max_order is not the largest order that fits", self);
    if (state->arena_start % BUDDY_ARENA_ALIGN != 0)
        return apg_check_failed("buddy: arena not 4 KiB aligned", (uintptr_t)state->arena_start);
    /* the region may start up to 15 bytes before the state, never after it */
    if (state->arena_start < state->table ||
        state->unit_count > (state->arena_start - state->table) / BUDDY_ENTRY_SIZE)
        return apg_check_failed("buddy: table overlaps the arena", (uintptr_t)state->arena_start);
    if (state->arena_start - self > state->region_size ||
        state->arena_size > state->region_size - (state->arena_start - self))
        return apg_check_failed("buddy: arena outside the region", (uintptr_t)state->arena_start);
    if (state->arena_start !=
        apg_align_up(state->table + state->unit_count * BUDDY_ENTRY_SIZE, BUDDY_ARENA_ALIGN))
        return apg_check_failed("buddy: arena does not start at the first page after the table",
                                (uintptr_t)state->arena_start);
    return apg_check_passed();
}

/* Are table[first, end) all 0? check() runs after every step of the tests and
 * most of the table is long runs of zeros, so OR two entries per 8-byte load
 * where the pair is 8-byte aligned (may_alias: the table is a uint32 array). */
static bool entries_are_zero(const uint32_t *table, size_t first, size_t end)
{
    typedef uint64_t __attribute__((may_alias)) entry_pair;
    uint64_t any = 0;
    size_t i = first;
    if (i < end && (uintptr_t)&table[i] % sizeof(entry_pair) != 0)
        any |= table[i++];
    const entry_pair *pairs = (const entry_pair *)(const void *)&table[i];
    size_t pair_count = (end - i) / 2;
    for (size_t k = 0; k < pair_count; k++)
        any |= pairs[k];
    for (i += 2 * pair_count; i < end; i++)
        any |= table[i];
    return any == 0;
}

/* Walk the table: heads must tile the arena, everything else must be 0.
 * Counts the free blocks of each order for the free-list check. */
static apg_check_result check_table(const struct apg_buddy_state *state, size_t *free_count)
{
    const uint32_t *table = buddy_table(state);
    size_t unit = 0;
    while (unit < state->unit_count) {
        uint32_t entry = table[unit];
        uintptr_t where = unit_address(state, unit);
        uint32_t block_state = entry_state(entry);
        unsigned order = entry_order(entry);
        if (block_state == APG_BUDDY_STATE_NONE)
            return apg_check_failed("buddy: arena not tiled: expected a block head", where);
        if (block_state != APG_BUDDY_STATE_FREE && block_state != APG_BUDDY_STATE_USED)
            return apg_check_failed("buddy: invalid block state", where);
        if (order > state->max_order)
            return apg_check_failed("buddy: block order too large", where);
        if (unit % units_in(order) != 0)
            return apg_check_failed("buddy: block not aligned to its size", where);
        if (state->unit_count - unit < units_in(order))
            return apg_check_failed("buddy: block runs past the arena", where);
        size_t requested = entry_requested(entry);
        if (block_state == APG_BUDDY_STATE_USED &&
            (requested == 0 || requested > block_size(order)))
            return apg_check_failed("buddy: requested size does not fit the block", where);
        if (block_state == APG_BUDDY_STATE_FREE) {
            if (requested != 0)
                return apg_check_failed("buddy: free block records a requested size", where);
            size_t buddy = buddy_of(state, unit, order);
            if (buddy != state->unit_count && table[buddy] == entry)
                return apg_check_failed("buddy: free buddies not merged", where);
            free_count[order]++;
        }
        size_t next_head = unit + units_in(order);
        if (!entries_are_zero(table, unit + 1, next_head)) {
            size_t inner = unit + 1;
            while (table[inner] == 0)
                inner++;
            return apg_check_failed("buddy: table entry inside a block is not 0",
                                    unit_address(state, inner));
        }
        unit = next_head;
    }
    return apg_check_passed();
}

/* Each free list must hold exactly the free blocks of its order, with
 * symmetric links. Stopping after free_count nodes bounds the walk; a cycle
 * shows up as a back link that does not match or as a list too long. */
static apg_check_result check_free_lists(const struct apg_buddy_state *state,
                                         const size_t *free_count)
{
    const uint32_t *table = buddy_table(state);
    for (unsigned order = 0; order < APG_BUDDY_MAX_ORDERS; order++) {
        uint64_t previous = 0;
        uint64_t node = state->free_heads[order];
        size_t seen = 0;
        while (node != 0) {
            if (seen == free_count[order])
                return apg_check_failed("buddy: free list longer than its free blocks (or a cycle)",
                                        (uintptr_t)node);
            if (node < state->arena_start || node - state->arena_start >= state->arena_size ||
                (node - state->arena_start) % block_size(order) != 0)
                return apg_check_failed(
                    "buddy: free list points outside the arena or off a block boundary",
                    (uintptr_t)node);
            if (table[unit_of(state, (uintptr_t)node)] !=
                make_entry(APG_BUDDY_STATE_FREE, order, 0))
                return apg_check_failed(
                    "buddy: free list holds a block that is not free of this order",
                    (uintptr_t)node);
            const struct apg_buddy_free_links *links = links_at(node);
            if (links->prev != previous)
                return apg_check_failed("buddy: free list back link broken", (uintptr_t)node);
            previous = node;
            node = links->next;
            seen++;
        }
        if (seen != free_count[order])
            return apg_check_failed("buddy: free block missing from its free list",
                                    (uintptr_t)state);
    }
    return apg_check_passed();
}

static apg_check_result buddy_check(void *heap)
{
    const struct apg_buddy_state *state = buddy_state(heap);
    size_t free_count[APG_BUDDY_MAX_ORDERS];
    apg_memset(free_count, 0, sizeof free_count);
    apg_check_result result = check_state(state);
    if (result.ok)
        result = check_table(state, free_count);
    if (result.ok)
        result = check_free_lists(state, free_count);
    return result;
}

const apg_allocator apg_buddy = {
    .name = "buddy",
    .kind = APG_KIND_BUDDY,
    .init = buddy_init,
    .alloc = buddy_alloc,
    .free = buddy_free,
    .realloc = buddy_realloc,
    .usable_size = buddy_usable_size,
    .validate = buddy_validate,
    .stats = buddy_stats,
    .walk = buddy_walk,
    .check = buddy_check,
};
