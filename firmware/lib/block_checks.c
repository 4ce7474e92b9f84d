/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "block_checks.h"

#include "range.h"

void apg_block_checker_init(apg_block_checker *c, uintptr_t start, uintptr_t end, size_t align,
                            uint64_t *storage, size_t words)
{
    *c = (apg_block_checker){start, end, align, storage, words};
    for (size_t i = 0; i < words; i++)
        storage[i] = 0;
}

/* Granules [first, last] of a payload as bit positions. */
static void granules(const apg_block_checker *c, uintptr_t payload, size_t size, size_t *first,
                     size_t *last)
{
    *first = (payload - c->start) / APG_BLOCK_GRANULE;
    *last = (payload - c->start + size - 1) / APG_BLOCK_GRANULE;
}

/* Mask of bits [lo, hi] within one word (0 <= lo <= hi <= 63). */
static uint64_t bit_range(size_t lo, size_t hi)
{
    uint64_t upto = hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1;
    return upto & ~((1ull << lo) - 1);
}

/* True if any granule in [first, last] belongs to a live payload. */
static bool any_claimed(const apg_block_checker *c, size_t first, size_t last)
{
    for (size_t word = first / 64; word <= last / 64; word++) {
        size_t lo = word == first / 64 ? first % 64 : 0;
        size_t hi = word == last / 64 ? last % 64 : 63;
        if (c->claimed[word] & bit_range(lo, hi))
            return true;
    }
    return false;
}

static void set_claimed(apg_block_checker *c, size_t first, size_t last, bool on)
{
    for (size_t word = first / 64; word <= last / 64; word++) {
        size_t lo = word == first / 64 ? first % 64 : 0;
        size_t hi = word == last / 64 ? last % 64 : 63;
        if (on)
            c->claimed[word] |= bit_range(lo, hi);
        else
            c->claimed[word] &= ~bit_range(lo, hi);
    }
}

apg_block_problem apg_block_claim(apg_block_checker *c, uintptr_t payload, size_t size)
{
    if (payload % c->align != 0)
        return APG_BLOCK_MISALIGNED;
    if (size == 0 || !apg_range_inside(payload, size, c->start, c->end))
        return APG_BLOCK_OUTSIDE;
    size_t first, last;
    granules(c, payload, size, &first, &last);
    if (last / 64 >= c->words)
        return APG_BLOCK_OUTSIDE; /* the bitmap was sized for a smaller heap */
    if (any_claimed(c, first, last))
        return APG_BLOCK_OVERLAPS;
    set_claimed(c, first, last, true);
    return APG_BLOCK_OK;
}

void apg_block_release(apg_block_checker *c, uintptr_t payload, size_t size)
{
    size_t first, last;
    granules(c, payload, size, &first, &last);
    set_claimed(c, first, last, false);
}

const char *apg_block_problem_text(apg_block_problem p)
{
    switch (p) {
    case APG_BLOCK_OK: return "is fine";
    case APG_BLOCK_MISALIGNED: return "is misaligned";
    case APG_BLOCK_OUTSIDE: return "is not inside the heap";
    case APG_BLOCK_OVERLAPS: return "overlaps a live block";
    }
    return "is wrong";
}

/* Eight pattern bytes for word `index` of a payload with this key. */
static uint64_t pattern_word(uint32_t key, size_t index)
{
    uint64_t x = ((uint64_t)key << 32 | (uint32_t)index) * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 29);
}

static uint8_t pattern_byte(uint32_t key, size_t offset)
{
    return (uint8_t)(pattern_word(key, offset / 8) >> (8 * (offset % 8)));
}

void apg_pattern_fill(void *payload, size_t from, size_t to, uint32_t key)
{
    uint8_t *bytes = payload;
    size_t i = from;
    for (; i < to && i % 8 != 0; i++)
        bytes[i] = pattern_byte(key, i);
    for (; i + 8 <= to; i += 8)
        *(uint64_t *)(void *)(bytes + i) = pattern_word(key, i / 8);
    for (; i < to; i++)
        bytes[i] = pattern_byte(key, i);
}

size_t apg_pattern_find_damage(const void *payload, size_t size, uint32_t key)
{
    const uint8_t *bytes = payload;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        if (*(const uint64_t *)(const void *)(bytes + i) != pattern_word(key, i / 8))
            break;
    }
    for (; i < size; i++) {
        if (bytes[i] != pattern_byte(key, i))
            return i;
    }
    return size;
}
