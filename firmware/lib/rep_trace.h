/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reader for CS:APP malloc-lab traces (.rep), exactly as the handout writes
 * them: four header lines (suggested heap size, number of ids, number of ops,
 * weight), then one request per line:
 *
 *   a <id> <bytes>    ptr[id] = malloc(bytes)
 *   r <id> <bytes>    ptr[id] = realloc(ptr[id], bytes)
 *   f <id>            free(ptr[id])
 *
 * Numbers are decimal. Words are separated by spaces or tabs; a line may end
 * in CR LF; blank lines are skipped. The text ends at a NUL, at `length`, or
 * after the header's op count, whichever comes first (anything after the
 * last op is ignored, as mdriver ignores it).
 *
 * Pure and freestanding: the kernel's `trace` command, the host tests and the
 * fuzzer run this same code. Every error names the trace line it is on.
 */
#ifndef APG_REP_TRACE_H
#define APG_REP_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* mdriver reads sizes as int: anything larger is a malformed trace */
#define APG_REP_MAX_SIZE 0x7fffffffu

typedef struct {
    uint64_t heap_hint; /* suggested heap size (unused, as in mdriver) */
    uint32_t ids;       /* ids are 0 .. ids-1 */
    uint32_t ops;       /* requests after the header */
    uint32_t weight;    /* unused, as in mdriver */
} apg_rep_header;

typedef struct {
    char kind;     /* 'a', 'r' or 'f' */
    uint32_t id;   /* < header.ids */
    uint32_t size; /* 1 .. APG_REP_MAX_SIZE for 'a' and 'r'; 0 for 'f' */
    uint32_t line; /* 1-based line of the request in the text */
} apg_rep_op;

typedef struct {
    uint32_t line;     /* the offending line (1-based), 0 if none */
    char message[128]; /* one sentence without the line number */
} apg_rep_error;

typedef struct {
    const char *text;
    size_t length; /* bytes the reader may look at */
    size_t pos;
    uint32_t line; /* line number of the next line to read */
    uint32_t ops_read;
    apg_rep_header header;
} apg_rep_reader;

/* Reads the header. false: *err says what is wrong. */
bool apg_rep_open(apg_rep_reader *r, const char *text, size_t length, apg_rep_error *err);

/* The next request: 1 and *op filled, 0 after the header's last op, -1 on a
 * malformed line (*err filled). Checks syntax and id range only. */
int apg_rep_next(apg_rep_reader *r, apg_rep_op *op, apg_rep_error *err);

/* Per-id state during validation (one byte per id, caller's storage). */
enum { APG_REP_ID_UNUSED = 0, APG_REP_ID_LIVE = 1, APG_REP_ID_FREED = 2 };

/* Reads the whole trace and checks that it can be replayed: the syntax of
 * every line, and that every free and realloc names a live id and every
 * alloc an id that is not live. `state` must hold at least header.ids bytes;
 * a header with more ids than `state_capacity` is rejected. On success
 * *header is the trace's header; nothing is written outside `state`. */
bool apg_rep_validate(const char *text, size_t length, uint8_t *state, size_t state_capacity,
                      apg_rep_header *header, apg_rep_error *err);

#endif
