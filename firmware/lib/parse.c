/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "parse.h"

static bool is_separator(char c)
{
    return c == ' ' || c == '\t';
}

void apg_split_words(char *line, apg_words *out)
{
    out->count = 0;
    out->too_many = false;
    char *p = line;
    for (;;) {
        while (is_separator(*p))
            p++;
        if (*p == '\0')
            return;
        if (out->count == APG_MAX_WORDS) {
            out->too_many = true;
            return;
        }
        out->word[out->count++] = p;
        while (*p != '\0' && !is_separator(*p))
            p++;
        if (*p == '\0')
            return;
        *p++ = '\0';
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses text[0..len) */
static apg_num_status parse_span(const char *text, size_t len, uint64_t *out)
{
    unsigned base = 10;
    size_t i = 0;
    if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        i = 2;
    }
    uint64_t multiplier = 1;
    if (len > i) {
        char last = text[len - 1];
        if (last == 'k' || last == 'K') {
            multiplier = 1024;
            len--;
        } else if (last == 'm' || last == 'M') {
            multiplier = 1024 * 1024;
            len--;
        }
    }
    if (i == len)
        return APG_NUM_INVALID; /* no digits */
    uint64_t value = 0;
    bool overflow = false;
    for (; i < len; i++) {
        int d = digit_value(text[i]);
        if (d < 0 || (unsigned)d >= base)
            return APG_NUM_INVALID;
        if (value > (UINT64_MAX - (uint64_t)d) / base)
            overflow = true; /* keep scanning: junk later still makes it invalid */
        else
            value = value * base + (uint64_t)d;
    }
    if (overflow || value > UINT64_MAX / multiplier)
        return APG_NUM_OVERFLOW;
    *out = value * multiplier;
    return APG_NUM_OK;
}

apg_num_status apg_parse_number(const char *text, uint64_t *out)
{
    size_t len = 0;
    while (text[len] != '\0')
        len++;
    return parse_span(text, len, out);
}

apg_num_status apg_parse_range(const char *text, uint64_t *lo, uint64_t *hi)
{
    size_t dash = 0;
    while (text[dash] != '\0' && text[dash] != '-')
        dash++;
    if (text[dash] != '-')
        return APG_NUM_INVALID;
    size_t len = dash + 1;
    while (text[len] != '\0')
        len++;
    apg_num_status first = parse_span(text, dash, lo);
    if (first == APG_NUM_INVALID)
        return first;
    apg_num_status second = parse_span(text + dash + 1, len - dash - 1, hi);
    if (second != APG_NUM_OK)
        return second;
    return first;
}

bool apg_is_block_ref(const char *text)
{
    return text[0] == '$';
}

apg_num_status apg_parse_block_ref(const char *text, uint64_t *n)
{
    if (text[0] != '$' || text[1] == '\0')
        return APG_NUM_INVALID;
    uint64_t value = 0;
    bool overflow = false;
    for (const char *p = text + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return APG_NUM_INVALID;
        uint64_t d = (uint64_t)(*p - '0');
        if (value > (UINT64_MAX - d) / 10)
            overflow = true; /* keep scanning: junk later still makes it invalid */
        else
            value = value * 10 + d;
    }
    if (overflow)
        return APG_NUM_OVERFLOW;
    if (value == 0)
        return APG_NUM_INVALID; /* commands are numbered from 1 */
    *n = value;
    return APG_NUM_OK;
}
