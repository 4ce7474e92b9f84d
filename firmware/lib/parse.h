/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell input parsing: splitting a line into words and reading numbers.
 * Pure functions with no kernel dependencies, so the host tests and fuzzers
 * exercise exactly the code the kernel runs.
 */
#ifndef APG_PARSE_H
#define APG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APG_MAX_WORDS 6

typedef struct {
    const char *word[APG_MAX_WORDS];
    size_t count;
    bool too_many; /* the line had more than APG_MAX_WORDS words */
} apg_words;

/* Splits line in place at spaces and tabs (the separators become NULs). */
void apg_split_words(char *line, apg_words *out);

typedef enum {
    APG_NUM_OK = 0,
    APG_NUM_INVALID,  /* not a number in any accepted form */
    APG_NUM_OVERFLOW, /* a number, but it does not fit in 64 bits */
} apg_num_status;

/* Decimal ("4096"), hex ("0x1000"), optionally followed by one suffix
 * k/K (x1024) or m/M (x1048576): "4k", "0x10k". Nothing else is accepted. */
apg_num_status apg_parse_number(const char *text, uint64_t *out);

/* "<lo>-<hi>" with both sides in apg_parse_number's syntax. */
apg_num_status apg_parse_range(const char *text, uint64_t *lo, uint64_t *hi);

/* "$N": a reference to the block command N returned (block_refs.h). N is
 * decimal digits only, at least 1; the caller tells references from numbers by
 * the leading '$' (apg_is_block_ref). */
bool apg_is_block_ref(const char *text);
apg_num_status apg_parse_block_ref(const char *text, uint64_t *n);

#endif
