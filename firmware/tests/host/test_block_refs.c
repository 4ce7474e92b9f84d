/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `$N` notation: parsing (lib/parse.c) and the rules of the table that
 * says which block each $N names (lib/block_refs.c).
 */
#include "block_refs.h"
#include "parse.h"
#include "unit.h"

static void test_parse_accepts_dollar_and_decimal_digits(void)
{
    uint64_t n = 0;
    EXPECT(apg_is_block_ref("$3"));
    EXPECT(!apg_is_block_ref("3"));
    EXPECT(!apg_is_block_ref("0x40400040"));
    EXPECT_EQ(apg_parse_block_ref("$3", &n), APG_NUM_OK);
    EXPECT_EQ(n, 3);
    EXPECT_EQ(apg_parse_block_ref("$1", &n), APG_NUM_OK);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(apg_parse_block_ref("$18446744073709551615", &n), APG_NUM_OK);
    EXPECT_EQ(n, UINT64_MAX);
    EXPECT_EQ(apg_parse_block_ref("$007", &n), APG_NUM_OK);
    EXPECT_EQ(n, 7);
}

static void test_parse_rejects_everything_else_and_leaves_n_alone(void)
{
    const char *bad[] = {"$", "$0", "$00", "$-1", "$+1", "$0x3", "$3k", "$3 ", "$ 3",
                         "3", "$a", "$$1", "$1$", "",    "$3.0", "x$3", "$1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t n = 42;
        EXPECT_EQ(apg_parse_block_ref(bad[i], &n), APG_NUM_INVALID);
        EXPECT_EQ(n, 42);
    }
    uint64_t n = 42;
    EXPECT_EQ(apg_parse_block_ref("$18446744073709551616", &n), APG_NUM_OVERFLOW);
    EXPECT_EQ(apg_parse_block_ref("$99999999999999999999999", &n), APG_NUM_OVERFLOW);
    EXPECT_EQ(apg_parse_block_ref("$99999999999999999999999x", &n), APG_NUM_INVALID);
    EXPECT_EQ(n, 42);
}

static apg_block_refs table;

static apg_ref_lookup find(uint64_t n, uint64_t current, const apg_block_ref **r)
{
    *r = NULL;
    return apg_refs_find(&table, n, current, r);
}

static void test_a_returned_block_is_found_until_freed(void)
{
    const apg_block_ref *r;
    apg_refs_init(&table);
    apg_refs_returned(&table, 2, 0x1000);
    apg_refs_returned(&table, 3, 0x2000);
    EXPECT_EQ(find(2, 5, &r), APG_REF_FOUND);
    EXPECT_EQ(r->address, 0x1000);
    EXPECT_EQ(r->state, APG_REF_LIVE);
    apg_refs_freed(&table, 0x1000, 6); /* freed by its address or by $2: the same */
    EXPECT_EQ(find(2, 7, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_FREED);
    EXPECT_EQ(r->ended_by, 6);
    EXPECT_EQ(find(3, 7, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_LIVE);
}

static void test_commands_without_a_block_and_later_commands(void)
{
    const apg_block_ref *r;
    apg_refs_init(&table);
    apg_refs_returned(&table, 2, 0x1000);
    EXPECT_EQ(find(1, 4, &r), APG_REF_NO_BLOCK); /* e.g. a failed alloc, or `info` */
    EXPECT_EQ(find(3, 4, &r), APG_REF_NO_BLOCK);
    EXPECT_EQ(find(4, 4, &r), APG_REF_NOT_YET); /* the running command itself */
    EXPECT_EQ(find(5, 4, &r), APG_REF_NOT_YET);
    EXPECT_EQ(find(UINT64_MAX, 4, &r), APG_REF_NOT_YET);
    EXPECT(r == NULL);
}

static void test_realloc_retires_the_old_number_moved_or_not(void)
{
    const apg_block_ref *r;
    apg_refs_init(&table);
    apg_refs_returned(&table, 1, 0x1000);
    apg_refs_returned(&table, 2, 0x2000);
    apg_refs_resized(&table, 0x1000, 3, 0x1000); /* in place */
    apg_refs_resized(&table, 0x2000, 4, 0x3000); /* moved */
    EXPECT_EQ(find(1, 5, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_RESIZED);
    EXPECT_EQ(r->ended_by, 3);
    EXPECT_EQ(find(3, 5, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_LIVE);
    EXPECT_EQ(r->address, 0x1000);
    EXPECT_EQ(find(2, 5, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_RESIZED);
    EXPECT_EQ(find(4, 5, &r), APG_REF_FOUND);
    EXPECT_EQ(r->address, 0x3000);
    /* the moved-from address is handed out again: only the new $N is live */
    apg_refs_returned(&table, 5, 0x2000);
    apg_refs_freed(&table, 0x2000, 6);
    EXPECT_EQ(find(5, 7, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_FREED);
    EXPECT_EQ(find(2, 7, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_RESIZED);
    EXPECT_EQ(r->ended_by, 4);
}

static void test_reinitialising_the_heap_releases_every_live_block(void)
{
    const apg_block_ref *r;
    apg_refs_init(&table);
    apg_refs_returned(&table, 1, 0x1000);
    apg_refs_returned(&table, 2, 0x2000);
    apg_refs_freed(&table, 0x2000, 3);
    apg_refs_released(&table, 4);
    EXPECT_EQ(find(1, 5, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_RELEASED);
    EXPECT_EQ(r->ended_by, 4);
    EXPECT_EQ(find(2, 5, &r), APG_REF_FOUND);
    EXPECT_EQ(r->state, APG_REF_FREED); /* what ended it first stays the reason */
    EXPECT_EQ(r->ended_by, 3);
}

static void test_the_oldest_entries_are_forgotten_when_the_ring_is_full(void)
{
    const apg_block_ref *r;
    apg_refs_init(&table);
    /* commands 1, 3, 5, ... each return a block; even ones return none */
    for (uint64_t i = 0; i < APG_BLOCK_REFS + 10; i++)
        apg_refs_returned(&table, 2 * i + 1, 0x10000 + 16 * i);
    uint64_t current = 2 * (APG_BLOCK_REFS + 10) + 1;
    EXPECT_EQ(find(1, current, &r), APG_REF_FORGOTTEN);
    EXPECT_EQ(find(2, current, &r), APG_REF_FORGOTTEN);
    EXPECT_EQ(find(19, current, &r), APG_REF_FORGOTTEN); /* the 10th block */
    EXPECT_EQ(find(21, current, &r), APG_REF_FOUND);     /* the 11th is still kept */
    EXPECT_EQ(r->address, 0x10000 + 16 * 10);
    EXPECT_EQ(find(22, current, &r), APG_REF_NO_BLOCK);
    EXPECT_EQ(find(current - 2, current, &r), APG_REF_FOUND);
    EXPECT_EQ(r->address, 0x10000 + 16 * (APG_BLOCK_REFS + 9));
}

int main(void)
{
    RUN(test_parse_accepts_dollar_and_decimal_digits);
    RUN(test_parse_rejects_everything_else_and_leaves_n_alone);
    RUN(test_a_returned_block_is_found_until_freed);
    RUN(test_commands_without_a_block_and_later_commands);
    RUN(test_realloc_retires_the_old_number_moved_or_not);
    RUN(test_reinitialising_the_heap_releases_every_live_block);
    RUN(test_the_oldest_entries_are_forgotten_when_the_ring_is_full);
    return UNIT_EXIT();
}
