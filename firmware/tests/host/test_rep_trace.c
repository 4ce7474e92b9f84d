/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the .rep trace reader (lib/rep_trace.c). */
#include "rep_trace.h"
#include "unit.h"

#include <string.h>

static uint8_t state[64];

static bool validate(const char *text, apg_rep_header *h, apg_rep_error *e)
{
    return apg_rep_validate(text, strlen(text) + 1, state, sizeof state, h, e);
}

/* The trace must be rejected on `line` with a message containing `words`. */
static void expect_rejected(const char *text, uint32_t line, const char *words)
{
    apg_rep_header h;
    apg_rep_error e = {0};
    bool ok = validate(text, &h, &e);
    EXPECT(!ok);
    EXPECT_EQ(e.line, line);
    if (strstr(e.message, words) == NULL) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e.message, words);
        unit_failures++;
    }
}

static void test_handout_example(void)
{
    /* the example in the CS:APP traces README */
    const char *text =
        "20000\n3\n8\n1\na 0 512\na 1 128\nr 0 640\na 2 128\nf 1\nr 0 768\nf 0\nf 2\n";
    apg_rep_header h;
    apg_rep_error e;
    EXPECT(validate(text, &h, &e));
    EXPECT_EQ(h.heap_hint, 20000);
    EXPECT_EQ(h.ids, 3);
    EXPECT_EQ(h.ops, 8);
    EXPECT_EQ(h.weight, 1);

    apg_rep_reader r;
    EXPECT(apg_rep_open(&r, text, strlen(text), &e));
    const apg_rep_op want[8] = {{'a', 0, 512, 5}, {'a', 1, 128, 6}, {'r', 0, 640, 7},
                                {'a', 2, 128, 8}, {'f', 1, 0, 9},   {'r', 0, 768, 10},
                                {'f', 0, 0, 11},  {'f', 2, 0, 12}};
    apg_rep_op op;
    for (int i = 0; i < 8; i++) {
        EXPECT_EQ(apg_rep_next(&r, &op, &e), 1);
        EXPECT_EQ(op.kind, want[i].kind);
        EXPECT_EQ(op.id, want[i].id);
        EXPECT_EQ(op.size, want[i].size);
        EXPECT_EQ(op.line, want[i].line);
    }
    EXPECT_EQ(apg_rep_next(&r, &op, &e), 0);
    EXPECT_EQ(apg_rep_next(&r, &op, &e), 0);
}

static void test_lenient_layout(void)
{
    apg_rep_header h;
    apg_rep_error e;
    /* CR LF, tabs, blank lines, trailing spaces, no final newline */
    EXPECT(validate("20000\r\n1\r\n2\r\n0\r\n\r\na\t0  16 \r\n\nf 0", &h, &e));
    EXPECT_EQ(h.ops, 2);
    /* the text ends after the announced ops: the rest is ignored */
    EXPECT(validate("0\n1\n1\n1\na 0 1\ngarbage after the last request\n", &h, &e));
    /* an id may be reused after it was freed */
    EXPECT(validate("0\n1\n3\n1\na 0 1\nf 0\na 0 2\n", &h, &e));
    /* an empty trace */
    EXPECT(validate("0\n0\n0\n0\n", &h, &e));
    /* the length bounds the text even without a NUL */
    const char *text = "0\n1\n1\n1\na 0 8\nthis is beyond the length";
    apg_rep_error e2;
    EXPECT(apg_rep_validate(text, 14, state, sizeof state, &h, &e2));
    EXPECT(!apg_rep_validate(text, 12, state, sizeof state, &h, &e2));
    /* largest size */
    EXPECT(validate("0\n1\n1\n1\na 0 2147483647\n", &h, &e));
}

static void test_bad_header(void)
{
    expect_rejected("", 1, "suggested heap size is missing");
    expect_rejected("20000\n3\n", 3, "number of ops is missing");
    expect_rejected("20000\nthree\n8\n1\n", 2, "number of ids 'three' is not a decimal number");
    expect_rejected("20000\n3 4\n8\n1\n", 2, "only word on its line");
    expect_rejected("20000\n3\n-8\n1\n", 3, "not a decimal number");
    expect_rejected("20000\n4294967296\n8\n1\n", 2, "too large");
    expect_rejected("99999999999999999999\n3\n8\n1\n", 1, "too large");
    expect_rejected("20000\n65\n0\n1\n", 2, "65 ids are more than this kernel can replay");
}

static void test_bad_requests(void)
{
    expect_rejected("0\n2\n1\n1\nx 0 8\n", 5, "unknown request 'x' (expected a, r or f)");
    expect_rejected("0\n2\n1\n1\nalloc 0 8\n", 5, "unknown request 'alloc'");
    expect_rejected("0\n2\n1\n1\na 0\n", 5, "'a' takes an id and a size");
    expect_rejected("0\n2\n2\n1\na 0 8\nf 0 8\n", 6, "'f' takes an id");
    expect_rejected("0\n2\n1\n1\na 2 8\n", 5,
                    "id 2 is out of range (the header declares 2 ids: 0 to 1)");
    expect_rejected("0\n0\n1\n1\na 0 8\n", 5, "declares 0 ids");
    expect_rejected("0\n2\n1\n1\na 99999999999 8\n", 5, "out of range");
    expect_rejected("0\n2\n1\n1\na x 8\n", 5, "id 'x' is not a decimal number");
    expect_rejected("0\n2\n1\n1\na 0 2147483648\n", 5, "size 2147483648 is too large");
    expect_rejected("0\n2\n1\n1\na 0 0\n", 5, "size 0");
    expect_rejected("0\n2\n1\n1\na 0 8k\n", 5, "size '8k' is not a decimal number");
    expect_rejected("0\n2\n3\n1\na 0 8\nf 0\n", 7, "ends after 2 of the 3 requests");
    /* a NUL ends the text */
    expect_rejected("0\n2\n2\n1\na 0 8\n\0f 0\n", 6, "ends after 1 of the 2 requests");
    /* unprintable bytes are not echoed */
    expect_rejected("0\n2\n1\n1\n\x1b[2J 0 8\n", 5, "unknown request '?[2J'");
    expect_rejected("0\n2\n1\n1\nabcdefghijklmnopqrstuvwxyz 0 8\n", 5, "'abcdefghijklmnop...'");
}

static void test_id_states(void)
{
    expect_rejected("0\n2\n1\n1\nf 1\n", 5, "free of id 1, which was never allocated");
    expect_rejected("0\n2\n3\n1\na 1 8\nf 1\nf 1\n", 7, "free of id 1, which was already freed");
    expect_rejected("0\n2\n1\n1\nr 0 8\n", 5, "realloc of id 0, which was never allocated");
    expect_rejected("0\n2\n2\n1\na 0 8\na 0 8\n", 6, "id 0 is allocated again");
}

int main(void)
{
    RUN(test_handout_example);
    RUN(test_lenient_layout);
    RUN(test_bad_header);
    RUN(test_bad_requests);
    RUN(test_id_states);
    return UNIT_EXIT();
}
