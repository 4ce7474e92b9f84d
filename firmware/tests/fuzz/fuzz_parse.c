/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the shell's line splitter, number parsers and `$N` block
 * references, checked against independent reference implementations written
 * with libc.
 */
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 256

static void fail(const char *what, const char *input)
{
    fprintf(stderr, "fuzz_parse: %s for input \"%s\"\n", what, input);
    abort();
}

/* Reference: [0x|0X] digits [k|K|m|M], nothing else. */
static apg_num_status reference_number(const char *text, size_t len, uint64_t *out)
{
    char buf[LINE_MAX_BYTES];
    memcpy(buf, text, len);
    buf[len] = '\0';
    int base = 10;
    char *digits = buf;
    if (len >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
        base = 16;
        digits += 2;
    }
    uint64_t multiplier = 1;
    size_t n = strlen(digits);
    if (n > 0 && strchr("kK", digits[n - 1]) != NULL && digits[n - 1] != '\0')
        multiplier = 1024, digits[--n] = '\0';
    else if (n > 0 && strchr("mM", digits[n - 1]) != NULL && digits[n - 1] != '\0')
        multiplier = 1024 * 1024, digits[--n] = '\0';
    if (n == 0)
        return APG_NUM_INVALID;
    const char *allowed = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
    if (strspn(digits, allowed) != n)
        return APG_NUM_INVALID;
    errno = 0;
    unsigned long long value = strtoull(digits, NULL, base);
    if (errno == ERANGE || value > UINT64_MAX / multiplier)
        return APG_NUM_OVERFLOW;
    *out = (uint64_t)value * multiplier;
    return APG_NUM_OK;
}

static void check_number(const char *word)
{
    uint64_t got = 0, expected = 0;
    apg_num_status status = apg_parse_number(word, &got);
    apg_num_status reference = reference_number(word, strlen(word), &expected);
    if (status != reference)
        fail("apg_parse_number status differs from the reference", word);
    if (status == APG_NUM_OK && got != expected)
        fail("apg_parse_number value differs from the reference", word);
}

static void check_range(const char *word)
{
    uint64_t lo = 0, hi = 0, ref_lo = 0, ref_hi = 0;
    apg_num_status status = apg_parse_range(word, &lo, &hi);
    const char *dash = strchr(word, '-');
    apg_num_status reference = APG_NUM_INVALID;
    if (dash != NULL) {
        apg_num_status first = reference_number(word, (size_t)(dash - word), &ref_lo);
        apg_num_status second = reference_number(dash + 1, strlen(dash + 1), &ref_hi);
        reference = first == APG_NUM_INVALID ? first : second != APG_NUM_OK ? second : first;
    }
    if (status != reference)
        fail("apg_parse_range status differs from the reference", word);
    if (status == APG_NUM_OK && (lo != ref_lo || hi != ref_hi))
        fail("apg_parse_range values differ from the reference", word);
}

/* Reference: '$', then decimal digits only, a value from 1 to UINT64_MAX. */
static void check_block_ref(const char *word)
{
    uint64_t got = 0;
    apg_num_status status = apg_parse_block_ref(word, &got);
    apg_num_status reference = APG_NUM_INVALID;
    unsigned long long value = 0;
    const char *digits = word + 1;
    if (word[0] == '$' && digits[0] != '\0' && strspn(digits, "0123456789") == strlen(digits)) {
        errno = 0;
        value = strtoull(digits, NULL, 10);
        reference = errno == ERANGE ? APG_NUM_OVERFLOW : value == 0 ? APG_NUM_INVALID : APG_NUM_OK;
    }
    if (status != reference)
        fail("apg_parse_block_ref status differs from the reference", word);
    if (status == APG_NUM_OK && got != value)
        fail("apg_parse_block_ref value differs from the reference", word);
    if (apg_is_block_ref(word) != (word[0] == '$'))
        fail("apg_is_block_ref differs from the reference", word);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char line[LINE_MAX_BYTES], original[LINE_MAX_BYTES];
    size_t n = size < LINE_MAX_BYTES - 1 ? size : LINE_MAX_BYTES - 1;
    memcpy(line, data, n);
    line[n] = '\0';
    memcpy(original, line, n + 1);

    apg_words words;
    apg_split_words(line, &words);
    if (words.count > APG_MAX_WORDS)
        fail("too many words", original);

    /* reference split: strtok over a copy, which treats runs of separators alike */
    char copy[LINE_MAX_BYTES];
    memcpy(copy, original, n + 1);
    size_t expected = 0;
    for (char *t = strtok(copy, " \t"); t != NULL; t = strtok(NULL, " \t")) {
        if (expected < APG_MAX_WORDS) {
            if (expected >= words.count || strcmp(words.word[expected], t) != 0)
                fail("word differs from the reference split", original);
        }
        expected++;
    }
    if (words.too_many != (expected > APG_MAX_WORDS))
        fail("too_many flag wrong", original);
    if (!words.too_many && words.count != expected)
        fail("word count differs from the reference split", original);

    for (size_t i = 0; i < words.count; i++) {
        check_number(words.word[i]);
        check_range(words.word[i]);
        check_block_ref(words.word[i]);
    }
    return 0;
}
