/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the .rep trace reader (lib/rep_trace.c) against an
 * independent reference written with libc (strtok and strtoull). Both must
 * accept the same traces with the same requests, and reject the same ones on
 * the same line; error messages must be printable one-liners.
 */
#include "rep_trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDS 256
#define MAX_OPS 4096

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_rep_trace: %s\n", what);
    abort();
}

typedef struct {
    bool ok;
    uint32_t error_line;
    apg_rep_header header;
    size_t op_count;
    apg_rep_op ops[MAX_OPS];
} outcome;

static outcome expected, actual;

/* 1 = a decimal number <= max in *out, 0 = not a number, -1 = too large */
static int ref_number(const char *word, uint64_t max, uint64_t *out)
{
    if (word[0] == '\0' || strspn(word, "0123456789") != strlen(word))
        return 0;
    errno = 0;
    unsigned long long v = strtoull(word, NULL, 10);
    if (errno == ERANGE || v > max)
        return -1;
    *out = v;
    return 1;
}

/* The reference reader: split into lines, words with strtok, mdriver's rules. */
static void reference(const char *text, size_t length, outcome *o)
{
    memset(o, 0, sizeof *o);
    size_t end = strnlen(text, length);
    char *copy = malloc(end + 1);
    memcpy(copy, text, end);
    copy[end] = '\0';
    uint8_t state[MAX_IDS] = {0};
    uint64_t header[4];
    const uint64_t limits[4] = {UINT64_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
    int fields = 0;
    uint32_t line = 0;
    char *cursor = copy;
    bool more = end > 0;
    while (more) {
        line++;
        char *nl = strchr(cursor, '\n');
        char *next = nl ? nl + 1 : NULL;
        if (nl != NULL) {
            *nl = '\0';
            if (nl > cursor && nl[-1] == '\r')
                nl[-1] = '\0';
        }
        more = next != NULL && *next != '\0';
        char *words[4];
        int count = 0;
        for (char *t = strtok(cursor, " \t"); t != NULL; t = strtok(NULL, " \t")) {
            if (count < 4)
                words[count] = t;
            count++;
        }
        cursor = next;
        if (count == 0)
            continue;
        o->error_line = line;
        if (fields < 4) {
            if (count != 1 || ref_number(words[0], limits[fields], &header[fields]) != 1)
                goto out;
            if (++fields == 4) {
                o->header = (apg_rep_header){header[0], (uint32_t)header[1], (uint32_t)header[2],
                                             (uint32_t)header[3]};
                if (o->header.ids > MAX_IDS) {
                    o->error_line = 2;
                    goto out;
                }
                if (o->header.ops == 0)
                    break;
            }
            continue;
        }
        const char *k = words[0];
        if (strlen(k) != 1 || strchr("arf", k[0]) == NULL || count != (k[0] == 'f' ? 2 : 3))
            goto out;
        uint64_t id, size = 0;
        if (ref_number(words[1], UINT32_MAX, &id) != 1 || id >= o->header.ids)
            goto out;
        if (count == 3 && (ref_number(words[2], APG_REP_MAX_SIZE, &size) != 1 || size == 0))
            goto out;
        if ((k[0] == 'a') == (state[id] == APG_REP_ID_LIVE))
            goto out;
        state[id] = k[0] == 'f' ? APG_REP_ID_FREED : APG_REP_ID_LIVE;
        if (o->op_count < MAX_OPS)
            o->ops[o->op_count] = (apg_rep_op){k[0], (uint32_t)id, (uint32_t)size, line};
        if (++o->op_count == o->header.ops)
            break;
    }
    if (fields == 4 && o->op_count == o->header.ops)
        o->ok = true;
    else
        o->error_line = line + 1; /* the line after the last one: the text ended */
out:
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    reference(text, size, &expected);

    static uint8_t state[MAX_IDS + 1];
    apg_rep_error err;
    memset(&err, 0x55, sizeof err);
    memset(&actual, 0, sizeof actual);
    state[MAX_IDS] = 0xa5;
    actual.ok = apg_rep_validate(text, size, state, MAX_IDS, &actual.header, &err);
    if (state[MAX_IDS] != 0xa5)
        fail("validation wrote past the state it was given");
    if (actual.ok != expected.ok)
        fail(actual.ok ? "accepted a trace the reference rejects"
                       : "rejected a trace the reference accepts");
    if (!actual.ok) {
        if (memchr(err.message, '\0', sizeof err.message) == NULL)
            fail("error message not terminated");
        for (const char *c = err.message; *c != '\0'; c++)
            if (*c < 0x20 || *c > 0x7e)
                fail("unprintable character in an error message");
        if (err.line != expected.error_line) {
            fprintf(stderr, "line %u, reference %u: %s\n", err.line, expected.error_line,
                    err.message);
            fail("error on a different line than the reference");
        }
        return 0;
    }
    if (actual.header.heap_hint != expected.header.heap_hint ||
        actual.header.ids != expected.header.ids || actual.header.ops != expected.header.ops ||
        actual.header.weight != expected.header.weight)
        fail("header differs from the reference");

    /* replaying the accepted trace gives the reference's requests */
    apg_rep_reader r;
    if (!apg_rep_open(&r, text, size, &err))
        fail("open failed after validation succeeded");
    apg_rep_op op;
    int got;
    size_t n = 0;
    while ((got = apg_rep_next(&r, &op, &err)) == 1) {
        const apg_rep_op *want = &expected.ops[n < MAX_OPS ? n : 0];
        if (n < MAX_OPS && (op.kind != want->kind || op.id != want->id || op.size != want->size ||
                            op.line != want->line))
            fail("request differs from the reference");
        n++;
    }
    if (got != 0 || n != expected.op_count)
        fail("replay differs from validation");
    return 0;
}
