/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * traces.h — deterministic allocation traces for the allocator benchmark.
 *
 * A trace is a list of operations on numbered objects: allocate object `id`
 * with `size` bytes, free it, or realloc it to `size` bytes. Every object id
 * is allocated exactly once, before any other operation on it. The generators
 * use fixed seeds, so a trace depends only on its kind and the heap size.
 *
 * Every trace is scaled to the heap it will run on: the bytes it keeps live
 * stay near TRACE_LIVE_FRACTION of the heap (so the allocators are measured,
 * not driven out of memory), and the number of live objects stays at most
 * TRACE_MAX_LIVE_OBJECTS (so the callgrind run stays within its time budget).
 * The random trace is bounded by bytes on every heap size; on the 16 MiB and
 * 64 MiB heaps the small and fifo traces are bounded by the object cap and
 * the compiler trace by its operation budget instead, so each is the same on
 * both. traces.c describes each kind exactly.
 */
#ifndef APG_BENCH_TRACES_H
#define APG_BENCH_TRACES_H

#include <stddef.h>
#include <stdint.h>

/* The live-byte target is heap_size / TRACE_LIVE_FRACTION_DIVISOR. */
#define TRACE_LIVE_FRACTION_DIVISOR 4u
#define TRACE_MAX_LIVE_OBJECTS 12000u

typedef enum {
    TRACE_ALLOC,
    TRACE_FREE,
    TRACE_REALLOC,
} trace_op_kind;

typedef struct {
    uint32_t kind; /* trace_op_kind */
    uint32_t id;   /* object number, in [0, trace.object_count) */
    uint32_t size; /* bytes for TRACE_ALLOC and TRACE_REALLOC; 0 for TRACE_FREE */
} trace_op;

typedef enum {
    TRACE_RANDOM,   /* random mixed sizes around a bounded live set */
    TRACE_SMALL,    /* many small objects, built up then freed in random order */
    TRACE_FIFO,     /* producer/consumer: a FIFO queue of messages */
    TRACE_COMPILER, /* a compiler front end: AST, IR, realloc-grown vectors */
    TRACE_KIND_COUNT,
} trace_kind;

typedef struct {
    trace_op *ops;
    size_t count;
    size_t capacity;
    uint32_t object_count;  /* ids are [0, object_count) */
    size_t live_target;     /* the live-byte bound the generator aimed for */
    size_t peak_live_bytes; /* highest sum of live sizes if every operation succeeds */
} trace;

const char *trace_name(trace_kind kind);
/* Returns TRACE_KIND_COUNT for an unknown name. */
trace_kind trace_kind_from_name(const char *name);

/* Fills *out (which must be released with trace_release). Exits the process
 * if the host runs out of memory. */
void trace_generate(trace_kind kind, size_t heap_size, trace *out);
void trace_release(trace *t);

#endif /* APG_BENCH_TRACES_H */
