/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the mdriver-style checks (lib/block_checks.c). */
#include "block_checks.h"
#include "unit.h"

#include <string.h>

#define HEAP 4096u

static uint64_t heap_words[HEAP / 8];
static uint64_t bits[APG_BLOCK_BITMAP_WORDS(HEAP)];

static void test_claims(void)
{
    apg_block_checker c;
    uintptr_t base = (uintptr_t)heap_words;
    apg_block_checker_init(&c, base, base + HEAP, 16, bits, sizeof bits / sizeof bits[0]);
    EXPECT_EQ(apg_block_claim(&c, base + 8, 16), APG_BLOCK_MISALIGNED);
    EXPECT_EQ(apg_block_claim(&c, base - 16, 16), APG_BLOCK_OUTSIDE);
    EXPECT_EQ(apg_block_claim(&c, base + HEAP - 16, 17), APG_BLOCK_OUTSIDE);
    EXPECT_EQ(apg_block_claim(&c, base + 16, UINTPTR_MAX - 8), APG_BLOCK_OUTSIDE);
    EXPECT_EQ(apg_block_claim(&c, base + 16, 0), APG_BLOCK_OUTSIDE);
    /* 100 bytes at 0x20 end inside granule 0x80: the next 16-aligned payload is free */
    EXPECT_EQ(apg_block_claim(&c, base + 0x20, 100), APG_BLOCK_OK);
    EXPECT_EQ(apg_block_claim(&c, base + 0x80, 600), APG_BLOCK_OVERLAPS);
    EXPECT_EQ(apg_block_claim(&c, base + 0x90, 600), APG_BLOCK_OK);
    EXPECT_EQ(apg_block_claim(&c, base, 0x21), APG_BLOCK_OVERLAPS);
    EXPECT_EQ(apg_block_claim(&c, base, 0x20), APG_BLOCK_OK);
    /* a block spanning many bitmap words overlaps one granule in the middle */
    EXPECT_EQ(apg_block_claim(&c, base + 0x400, 16), APG_BLOCK_OK);
    EXPECT_EQ(apg_block_claim(&c, base + 0x300, 0x800), APG_BLOCK_OVERLAPS);
    apg_block_release(&c, base + 0x400, 16);
    EXPECT_EQ(apg_block_claim(&c, base + 0x300, 0x800), APG_BLOCK_OK);
    EXPECT_EQ(apg_block_claim(&c, base + HEAP - 16, 16), APG_BLOCK_OK);
    /* release frees exactly the payload's granules */
    apg_block_release(&c, base + 0x20, 100);
    EXPECT_EQ(apg_block_claim(&c, base + 0x10, 16), APG_BLOCK_OVERLAPS);
    EXPECT_EQ(apg_block_claim(&c, base + 0x20, 112), APG_BLOCK_OK);
    EXPECT_EQ(apg_block_claim(&c, base + 0x90, 16), APG_BLOCK_OVERLAPS);
    EXPECT(strcmp(apg_block_problem_text(APG_BLOCK_OVERLAPS), "overlaps a live block") == 0);
}

static void test_pattern(void)
{
    uint8_t *p = (uint8_t *)heap_words;
    apg_pattern_fill(p, 0, 1000, 7);
    EXPECT_EQ(apg_pattern_find_damage(p, 1000, 7), 1000);
    EXPECT(apg_pattern_find_damage(p, 1000, 8) < 8); /* another key, another pattern */
    p[517] ^= 1;
    EXPECT_EQ(apg_pattern_find_damage(p, 1000, 7), 517);
    EXPECT_EQ(apg_pattern_find_damage(p, 517, 7), 517);
    /* growing: the kept prefix matches, the new tail is filled from any offset */
    p[517] ^= 1;
    apg_pattern_fill(p, 1000, 1203, 7);
    EXPECT_EQ(apg_pattern_find_damage(p, 1203, 7), 1203);
    apg_pattern_fill(p, 0, 3, 9);
    apg_pattern_fill(p, 3, 21, 9);
    EXPECT_EQ(apg_pattern_find_damage(p, 21, 9), 21);
    p[20] ^= 0x80;
    EXPECT_EQ(apg_pattern_find_damage(p, 21, 9), 20);
}

int main(void)
{
    RUN(test_claims);
    RUN(test_pattern);
    return UNIT_EXIT();
}
