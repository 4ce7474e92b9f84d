/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replays a validated CS:APP .rep trace on the active allocator the way
 * mdriver does, with the kernel's own table of live blocks (indexed by trace
 * id) as the reference: every payload must be aligned, inside the heap, must
 * not overlap a live one, and must keep its contents (lib/block_checks.h).
 * The replay stops at the first correctness error, as mdriver does.
 *
 * The student allocator mm (images built with `make mm`) is called through
 * mm_checked.c, which checks every call itself (its own payload pattern, a
 * violation reported in one line abandons the command); here it gets the
 * bounds and overlap checks with the handout's 8-byte alignment, and the
 * heap high-water is memlib's break, as in mdriver. Its instruction counts
 * include those kernel-side checks.
 *
 * Guest time is the instruction count (8 ticks of the 62.5 MHz counter per
 * instruction, on every host), so the instructions spent inside the
 * allocator's calls are exact and the same everywhere.
 */
#ifndef APG_TRACE_REPLAY_H
#define APG_TRACE_REPLAY_H

#include "allocator.h"
#include "rep_trace.h"

#include <stdbool.h>
#include <stdint.h>

/* Largest number of ids a trace may declare (the table is static). */
#define TRACE_MAX_IDS 16384u

typedef struct {
    uint32_t ops;           /* requests replayed */
    uint32_t failed;        /* allocs and reallocs that returned NULL */
    uint32_t errors;        /* correctness errors (the replay stops at the first) */
    bool interrupted;       /* Ctrl-C */
    uint64_t peak_payload;  /* highest sum of live payload bytes */
    uint64_t high_water;    /* highest payload end handed out, from the heap's start */
    uint64_t instructions;  /* guest instructions inside the allocator's calls */
    apg_check_result check; /* the allocator's own check after the replay */
    char error[160];        /* the first correctness error, with its trace line */
} trace_result;

/* Scratch for apg_rep_validate: one byte per id. */
uint8_t *trace_id_states(void);

/* Replays `text` (already accepted by apg_rep_validate) on the active
 * allocator, whose heap the caller has just re-initialised. The heap is left
 * as the trace leaves it. */
void trace_replay(const char *text, size_t length, trace_result *out);

#endif
