/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * traces.c — the four benchmark traces. All randomness comes from the
 * splitmix64 PRNG in lib/prng.h with a fixed seed per trace kind, and only
 * integer arithmetic is used, so every host generates the same operations.
 *
 * Common scaling (heap = the region size handed to init):
 *   live target T = heap / TRACE_LIVE_FRACTION_DIVISOR (a quarter);
 *   at most TRACE_MAX_LIVE_OBJECTS objects live at once;
 *   steady_ops(n) = clamp(OPS_PER_LIVE_OBJECT * n, MIN_OPS,
 *                         OPS_PER_LIVE_OBJECT * TRACE_MAX_LIVE_OBJECTS),
 *   the length of a steady phase for a population of n objects: it turns
 *   the population over twice (half its steps allocate), gives at least
 *   MIN_OPS samples on tiny heaps, and stays within the callgrind budget.
 *
 * random   Sizes: with probability 1/32 "large", otherwise "small". Small
 *          sizes are log-uniform over the octaves of [16 B, 4 KiB): each
 *          power-of-two octave is equally likely, uniform within it (mean
 *          ~765 B). Large sizes are the same over [4 KiB, L), L = min(64 KiB,
 *          T / 32) rounded down to a power of two, so that no object is more
 *          than 1/32 of the live bytes; when L <= 4 KiB (the 64 KiB heap)
 *          none are drawn. Build-up: allocate until the next size would push
 *          the live bytes past T (or the object cap is reached). Steady
 *          state: steady_ops(objects live after build-up) steps; each step
 *          allocates the pending size if it fits under T, otherwise frees a
 *          uniformly chosen live object (the size stays pending, so large
 *          sizes are not under-represented). Teardown: free the rest in
 *          random order. This is the classic "random" synthetic workload:
 *          no size or lifetime correlation, a fair but unkind test.
 * small    Sizes uniform in [8, 64] B. Rounds of: allocate until T or the
 *          object cap, then free everything in random (shuffled) order.
 *          At least two rounds, and more until MIN_OPS operations; later
 *          rounds reuse a heap that has been fragmented and coalesced.
 * fifo     Producer/consumer: messages of uniform [32, 512] B in a FIFO
 *          queue of capacity C = min(T / 272 B, object cap) messages (272 B
 *          is the mean size), and at most T bytes. The producer first fills
 *          half of it. Then steps, each a burst of 1-16 messages, produced
 *          or consumed with equal probability (a producer blocks when the
 *          queue is full, a consumer stops when it is empty), until the
 *          trace holds steady_ops(C) operations; then the queue drains.
 *          Frees always hit the oldest block: the pattern of message
 *          queues, network buffers and logging.
 * compiler A compiler front end translating one file (see compiler_trace()).
 *          Realistic because it has the structure measured in real programs
 *          (Wilson et al., "Dynamic Storage Allocation: A Survey and Critical
 *          Review", 1995; Johnstone & Wilson, ISMM 1998): few distinct sizes
 *          (AST node structs), phase behaviour (per-function build-up and
 *          teardown over a long-lived plateau), LIFO-like frees, and
 *          vectors and string builders grown by realloc doubling.
 */
#include "traces.h"

#include "prng.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_OPS 4000u
#define OPS_PER_LIVE_OBJECT 4u
#define KIB ((size_t)1024)

/* ---- generator state ----------------------------------------------------- */

typedef struct {
    trace *out;
    apg_prng rng;
    size_t live_bytes;
    uint32_t *sizes;      /* by id: current size */
    uint32_t *live_ids;   /* unordered set of live ids ... */
    uint32_t *live_index; /* ... and each id's position in it */
    uint32_t live_count;
    uint32_t id_capacity;
} generator;

static void *grow_array(void *array, size_t count, size_t element_size)
{
    void *grown = realloc(array, count * element_size);
    if (grown == NULL) {
        fprintf(stderr, "traces: out of host memory\n");
        exit(2);
    }
    return grown;
}

static void emit(generator *g, trace_op_kind kind, uint32_t id, uint32_t size)
{
    trace *t = g->out;
    if (t->count == t->capacity) {
        t->capacity = t->capacity ? 2 * t->capacity : 4096;
        t->ops = grow_array(t->ops, t->capacity, sizeof *t->ops);
    }
    trace_op op = {(uint32_t)kind, id, size};
    t->ops[t->count++] = op;
}

static void note_live_bytes(generator *g)
{
    if (g->live_bytes > g->out->peak_live_bytes)
        g->out->peak_live_bytes = g->live_bytes;
}

static uint32_t gen_alloc(generator *g, uint32_t size)
{
    uint32_t id = g->out->object_count++;
    if (id == g->id_capacity) {
        g->id_capacity = g->id_capacity ? 2 * g->id_capacity : 1024;
        g->sizes = grow_array(g->sizes, g->id_capacity, sizeof *g->sizes);
        g->live_index = grow_array(g->live_index, g->id_capacity, sizeof *g->live_index);
        g->live_ids = grow_array(g->live_ids, g->id_capacity, sizeof *g->live_ids);
    }
    g->sizes[id] = size;
    g->live_index[id] = g->live_count;
    g->live_ids[g->live_count++] = id;
    g->live_bytes += size;
    note_live_bytes(g);
    emit(g, TRACE_ALLOC, id, size);
    return id;
}

static void gen_free(generator *g, uint32_t id)
{
    uint32_t position = g->live_index[id];
    uint32_t last = g->live_ids[--g->live_count];
    g->live_ids[position] = last;
    g->live_index[last] = position;
    g->live_bytes -= g->sizes[id];
    emit(g, TRACE_FREE, id, 0);
}

static void gen_realloc(generator *g, uint32_t id, uint32_t size)
{
    g->live_bytes = g->live_bytes - g->sizes[id] + size;
    g->sizes[id] = size;
    note_live_bytes(g);
    emit(g, TRACE_REALLOC, id, size);
}

static uint32_t uniform(generator *g, uint32_t lo, uint32_t hi)
{
    return (uint32_t)apg_prng_range(&g->rng, lo, hi);
}

static bool one_in(generator *g, uint32_t n)
{
    return apg_prng_next(&g->rng) % n == 0;
}

static uint32_t random_live_id(generator *g)
{
    return g->live_ids[uniform(g, 0, g->live_count - 1)];
}

/* Free every live object in random order. */
static void free_all_shuffled(generator *g)
{
    while (g->live_count > 0)
        gen_free(g, random_live_id(g));
}

static unsigned log2_floor(size_t x)
{
    unsigned log2 = 0;
    while (x >>= 1)
        log2++;
    return log2;
}

/* Log-uniform over octaves: a power-of-two octave in [lo, hi) is picked
 * uniformly, then a size uniformly inside it. lo and hi are powers of two. */
static uint32_t octave_size(generator *g, size_t lo, size_t hi)
{
    uint32_t octave = uniform(g, log2_floor(lo), log2_floor(hi) - 1);
    uint32_t base = (uint32_t)1 << octave;
    return uniform(g, base, 2 * base - 1);
}

static size_t live_target(size_t heap_size)
{
    return heap_size / TRACE_LIVE_FRACTION_DIVISOR;
}

/* Operations of a steady phase (or a whole trace) for a population of
 * `objects`: OPS_PER_LIVE_OBJECT per object, half of them allocations, so
 * the population is replaced twice; at least MIN_OPS samples, and at most
 * the budget the callgrind run affords. */
static size_t steady_ops(size_t objects)
{
    size_t ops = (size_t)OPS_PER_LIVE_OBJECT * objects;
    size_t budget = (size_t)OPS_PER_LIVE_OBJECT * TRACE_MAX_LIVE_OBJECTS;
    return ops < MIN_OPS ? MIN_OPS : ops > budget ? budget : ops;
}

static bool room_for(const generator *g, size_t size, size_t target)
{
    return g->live_bytes + size <= target && g->live_count < TRACE_MAX_LIVE_OBJECTS;
}

/* ---- random ------------------------------------------------------------- */

static uint32_t random_trace_size(generator *g, size_t heap_size)
{
    size_t large_limit = live_target(heap_size) / 32;
    if (large_limit > 64 * KIB)
        large_limit = 64 * KIB;
    if (large_limit > 4 * KIB && one_in(g, 32))
        return octave_size(g, 4 * KIB, (size_t)1 << log2_floor(large_limit));
    return octave_size(g, 16, 4 * KIB);
}

static void random_trace(generator *g, size_t heap_size)
{
    size_t target = live_target(heap_size);
    uint32_t pending = random_trace_size(g, heap_size);
    while (room_for(g, pending, target)) {
        gen_alloc(g, pending);
        pending = random_trace_size(g, heap_size);
    }
    size_t steps = steady_ops(g->live_count);
    for (size_t step = 0; step < steps; step++) {
        if (room_for(g, pending, target) || g->live_count == 0) {
            gen_alloc(g, pending);
            pending = random_trace_size(g, heap_size);
        } else {
            gen_free(g, random_live_id(g));
        }
    }
    free_all_shuffled(g);
}

/* ---- small -------------------------------------------------------------- */

static void small_trace(generator *g, size_t heap_size)
{
    size_t target = live_target(heap_size);
    for (unsigned round = 0; round < 2 || g->out->count < MIN_OPS; round++) {
        uint32_t size = uniform(g, 8, 64);
        while (room_for(g, size, target)) {
            gen_alloc(g, size);
            size = uniform(g, 8, 64);
        }
        free_all_shuffled(g);
    }
}

/* ---- fifo --------------------------------------------------------------- */

/* The queue is the set of live objects; since ids are handed out in order
 * and messages leave in order, the oldest message is simply the lowest live
 * id, tracked by `oldest`. */
static void fifo_trace(generator *g, size_t heap_size)
{
    size_t target = live_target(heap_size);
    size_t capacity_in_messages = target / 272; /* 272 B: the mean message size */
    if (capacity_in_messages > TRACE_MAX_LIVE_OBJECTS)
        capacity_in_messages = TRACE_MAX_LIVE_OBJECTS;
    uint32_t oldest = 0;
    uint32_t size = uniform(g, 32, 512);
    while (room_for(g, size, target / 2) && g->live_count < capacity_in_messages / 2) {
        gen_alloc(g, size);
        size = uniform(g, 32, 512);
    }
    size_t ops = steady_ops(capacity_in_messages);
    while (g->out->count < ops) {
        uint32_t burst = uniform(g, 1, 16);
        bool produce = one_in(g, 2);
        for (uint32_t i = 0; i < burst; i++) {
            if (produce) {
                if (!room_for(g, size, target) || g->live_count >= capacity_in_messages)
                    break; /* the queue is full: the producer blocks */
                gen_alloc(g, size);
                size = uniform(g, 32, 512);
            } else {
                if (g->live_count == 0)
                    break;
                gen_free(g, oldest++);
            }
        }
    }
    while (g->live_count > 0)
        gen_free(g, oldest++);
}

/* ---- compiler ----------------------------------------------------------- */

/* Ids of the objects of one phase, to free them in a chosen order. */
typedef struct {
    uint32_t *ids;
    size_t count, capacity;
} id_list;

static void id_list_push(id_list *list, uint32_t id)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 256;
        list->ids = grow_array(list->ids, list->capacity, sizeof *list->ids);
    }
    list->ids[list->count++] = id;
}

/* A vector of 8-byte pointers grown by doubling, as std::vector or a
 * hand-written dynamic array does. The first push allocates 4 slots. */
typedef struct {
    uint32_t id;
    uint32_t count, capacity;
} pointer_vector;

static void vector_push(generator *g, pointer_vector *v, id_list *owner)
{
    if (v->capacity == 0) {
        v->capacity = 4;
        v->id = gen_alloc(g, 8 * v->capacity);
        if (owner != NULL)
            id_list_push(owner, v->id);
    } else if (v->count == v->capacity) {
        v->capacity *= 2;
        gen_realloc(g, v->id, 8 * v->capacity);
    }
    v->count++;
}

/* A symbol: a 48-byte record and its name (8-32 bytes), both long-lived. */
static void new_symbol(generator *g, id_list *long_lived, pointer_vector *symbol_table)
{
    id_list_push(long_lived, gen_alloc(g, 48));
    id_list_push(long_lived, gen_alloc(g, uniform(g, 8, 32)));
    vector_push(g, symbol_table, NULL);
}

/* AST node sizes: a few struct sizes, the small ones most common. */
static uint32_t ast_node_size(generator *g)
{
    static const uint32_t sizes[10] = {32, 32, 32, 32, 48, 48, 48, 64, 64, 96};
    return sizes[uniform(g, 0, 9)];
}

/* Parse a function of `nodes` AST nodes. Every node is appended to the
 * child vector of the innermost open block or call; one node in 8 opens a
 * new one with 1-24 children, as a recursive-descent parser builds them. */
static void parse_function(generator *g, uint32_t nodes, id_list *ast)
{
    enum { MAX_DEPTH = 32 };
    pointer_vector open[MAX_DEPTH];
    uint32_t remaining[MAX_DEPTH];
    unsigned depth = 0;
    for (uint32_t i = 0; i < nodes; i++) {
        id_list_push(ast, gen_alloc(g, ast_node_size(g)));
        if (one_in(g, 4)) /* an identifier or literal: its text */
            id_list_push(ast, gen_alloc(g, uniform(g, 8, 32)));
        if (depth > 0) {
            vector_push(g, &open[depth - 1], ast);
            if (--remaining[depth - 1] == 0)
                depth--;
        }
        if (depth < MAX_DEPTH && one_in(g, 8)) {
            pointer_vector empty = {0, 0, 0};
            open[depth] = empty;
            remaining[depth] = uniform(g, 1, 24);
            depth++;
        }
    }
}

/*
 * compiler: a front end compiling one file.
 *   Headers: D declarations (a symbol, its name and a 32- or 64-byte type
 *   node: three objects), long-lived, D = min(object cap / 9, (T / 4) / 120),
 *   so declarations hold at most a third of the object cap.
 *   Then functions, each of n AST nodes, n uniform in [m/2, 3m/2] with
 *   m = clamp(T / 600, 8, 200):
 *     1. its symbol (long-lived) goes into the symbol table vector;
 *     2. parse: AST nodes, identifier strings, child vectors (parse_function);
 *     3. lower: 3n/2 IR instructions of 40 or 64 bytes into an IR vector;
 *        then the AST is freed in reverse order (a recursive destructor);
 *     4. codegen: a code buffer, 256 bytes at first and doubled by realloc
 *        while 4 bytes per IR instruction are emitted, then shrunk to fit
 *        by realloc and kept (long-lived); the IR is freed in order.
 *   Functions continue until the trace holds steady_ops(object cap)
 *   operations or the long-lived data reaches T / 2. At the end everything
 *   is freed, newest first.
 */
static void compiler_trace(generator *g, size_t heap_size)
{
    size_t target = live_target(heap_size);
    id_list long_lived = {NULL, 0, 0};
    id_list ast = {NULL, 0, 0};
    id_list ir = {NULL, 0, 0};
    pointer_vector symbol_table = {0, 0, 0};

    size_t declarations = target / 4 / 120;
    if (declarations > TRACE_MAX_LIVE_OBJECTS / 9)
        declarations = TRACE_MAX_LIVE_OBJECTS / 9;
    for (size_t i = 0; i < declarations; i++) {
        new_symbol(g, &long_lived, &symbol_table);
        id_list_push(&long_lived, gen_alloc(g, one_in(g, 2) ? 32 : 64));
    }

    size_t mean_nodes = target / 600;
    mean_nodes = mean_nodes < 8 ? 8 : mean_nodes > 200 ? 200 : mean_nodes;
    size_t budget = steady_ops(TRACE_MAX_LIVE_OBJECTS);
    while (g->out->count < budget && g->live_bytes < target / 2) {
        new_symbol(g, &long_lived, &symbol_table);
        uint32_t nodes = uniform(g, (uint32_t)mean_nodes / 2, 3 * (uint32_t)mean_nodes / 2);

        ast.count = 0;
        parse_function(g, nodes, &ast);

        ir.count = 0;
        pointer_vector ir_vector = {0, 0, 0};
        uint32_t instructions = 3 * nodes / 2;
        for (uint32_t i = 0; i < instructions; i++) {
            id_list_push(&ir, gen_alloc(g, one_in(g, 2) ? 40 : 64));
            vector_push(g, &ir_vector, NULL);
        }
        for (size_t i = ast.count; i-- > 0;)
            gen_free(g, ast.ids[i]);

        uint32_t code_capacity = 256;
        uint32_t code = gen_alloc(g, code_capacity);
        for (uint32_t emitted = 4; emitted <= 4 * instructions; emitted += 4) {
            if (emitted > code_capacity) {
                code_capacity *= 2;
                gen_realloc(g, code, code_capacity);
            }
        }
        gen_realloc(g, code, 4 * instructions);
        id_list_push(&long_lived, code);
        for (size_t i = 0; i < ir.count; i++)
            gen_free(g, ir.ids[i]);
        if (ir_vector.capacity != 0)
            gen_free(g, ir_vector.id);
    }

    gen_free(g, symbol_table.id);
    for (size_t i = long_lived.count; i-- > 0;)
        gen_free(g, long_lived.ids[i]);
    free(long_lived.ids);
    free(ast.ids);
    free(ir.ids);
}

/* ---- entry points ------------------------------------------------------- */

static const char *const trace_names[TRACE_KIND_COUNT] = {
    [TRACE_RANDOM] = "random",
    [TRACE_SMALL] = "small",
    [TRACE_FIFO] = "fifo",
    [TRACE_COMPILER] = "compiler",
};

const char *trace_name(trace_kind kind)
{
    return kind < TRACE_KIND_COUNT ? trace_names[kind] : "?";
}

trace_kind trace_kind_from_name(const char *name)
{
    for (unsigned kind = 0; kind < TRACE_KIND_COUNT; kind++) {
        if (strcmp(name, trace_names[kind]) == 0)
            return (trace_kind)kind;
    }
    return TRACE_KIND_COUNT;
}

void trace_generate(trace_kind kind, size_t heap_size, trace *out)
{
    memset(out, 0, sizeof *out);
    out->live_target = live_target(heap_size);
    generator g;
    memset(&g, 0, sizeof g);
    g.out = out;
    apg_prng_seed(&g.rng, 0x5EED0000u + (uint64_t)kind); /* fixed: one stream per kind */
    switch (kind) {
    case TRACE_RANDOM: random_trace(&g, heap_size); break;
    case TRACE_SMALL: small_trace(&g, heap_size); break;
    case TRACE_FIFO: fifo_trace(&g, heap_size); break;
    case TRACE_COMPILER: compiler_trace(&g, heap_size); break;
    case TRACE_KIND_COUNT: break;
    }
    free(g.sizes);
    free(g.live_ids);
    free(g.live_index);
}

void trace_release(trace *t)
{
    free(t->ops);
    memset(t, 0, sizeof *t);
}
