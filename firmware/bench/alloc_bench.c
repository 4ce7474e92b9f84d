/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * alloc_bench.c — replays a trace (traces.h) against one allocator on one
 * heap size, and turns the results into the markdown report.
 *
 * usage:
 *   alloc_bench footprint <allocator> <trace> <heap-bytes>
 *       Native replay: failures, peak live bytes, peak footprint, check().
 *   alloc_bench count <allocator> <trace> <heap-bytes>
 *       The same replay, to be run under
 *         valgrind --tool=callgrind --collect-atstart=no --toggle-collect='measured_*'
 *           --compress-strings=no --combine-dumps=yes
 *       Every alloc, free and realloc goes through its own measured_* wrapper,
 *       so callgrind collects only inside the wrappers, and a dump follows
 *       each call: every dump holds exactly one call.
 *   alloc_bench summarize <callgrind-out-file>
 *       Per-call instruction counts from those dumps: median, worst, mean.
 *   alloc_bench report <output.md> <run-file>...
 *       The tables (run files are the three outputs above, concatenated).
 *
 * Instructions per call are the callee-inclusive cost callgrind records for
 * the wrapper's one call into the allocator: every instruction from the
 * allocator function's entry to its return, helpers included, and nothing of
 * the wrapper, the replay loop or callgrind's client requests. Callgrind
 * counts guest instructions exactly, so the numbers are deterministic: the
 * same binary gives the same counts on every run, whatever the load.
 *
 * Footprint (Johnstone & Wilson's "maximum heap size" for a fixed region):
 * the highest end of a used block ever seen (payload + usable_size) minus
 * the region start, so the allocator's own state and tables at the start of
 * the region count. The ratio divides it by the peak live bytes (the highest
 * sum of requested sizes of live objects). The highest used block end at any
 * moment is the end of a block allocated earlier, so its peak over time is
 * the highest block end returned by any successful alloc or realloc.
 */
#define _POSIX_C_SOURCE 200809L

#include "allocator.h"
#include "traces.h"

#include <valgrind/callgrind.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ------------------------------------------------------- */

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "alloc_bench: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(2);
}

static void *checked_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (p == NULL)
        die("out of host memory");
    return p;
}

static const apg_allocator *allocator_by_name(const char *name)
{
    for (const apg_allocator *const *a = apg_allocators; *a != NULL; a++) {
        if (strcmp((*a)->name, name) == 0)
            return *a;
    }
    die("unknown allocator '%s'", name);
}

static size_t parse_size(const char *text)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value == 0)
        die("bad size '%s'", text);
    return (size_t)value;
}

/* ---- the measured calls ----------------------------------------------------
 * callgrind collects only while one of these is on the stack
 * (--toggle-collect='measured_*'). bench.mk compiles this file with
 * -fno-optimize-sibling-calls: a tail call would enter the allocator by a
 * jump, which callgrind does not always record as a call. */

__attribute__((noinline)) static void *measured_alloc(const apg_allocator *a, void *heap,
                                                      size_t size)
{
    return a->alloc(heap, size, APG_DEFAULT_ALIGN);
}

__attribute__((noinline)) static void measured_free(const apg_allocator *a, void *heap, void *ptr)
{
    a->free(heap, ptr);
}

__attribute__((noinline)) static void *measured_realloc(const apg_allocator *a, void *heap,
                                                        void *ptr, size_t size)
{
    return a->realloc(heap, ptr, size);
}

/* ---- replay ---------------------------------------------------------------- */

typedef struct {
    uint64_t alloc_calls, free_calls, realloc_calls;
    uint64_t alloc_failures, realloc_failures;
    uint64_t skipped; /* frees and reallocs of objects whose allocation failed */
    size_t peak_live, peak_footprint, front_overhead;
    const char *problem; /* first check() failure, or NULL */
} replay_result;

typedef struct {
    const apg_allocator *a;
    void *heap;
    uintptr_t region_start;
    bool measure;
    void **ptrs;     /* by object id; NULL if not live */
    uint32_t *sizes; /* by object id: requested bytes while live */
    size_t live;
    replay_result r;
} replay_state;

/* Called after each successful alloc or realloc (footprint mode only:
 * usable_size is O(blocks) for some strategies). */
static void note_block_end(replay_state *st, void *p)
{
    uintptr_t end = (uintptr_t)p + st->a->usable_size(st->heap, p);
    size_t footprint = end - st->region_start;
    if (footprint > st->r.peak_footprint)
        st->r.peak_footprint = footprint;
}

static void note_live(replay_state *st)
{
    if (st->live > st->r.peak_live)
        st->r.peak_live = st->live;
}

static void *do_alloc(replay_state *st, size_t size)
{
    if (!st->measure)
        return st->a->alloc(st->heap, size, APG_DEFAULT_ALIGN);
    void *p = measured_alloc(st->a, st->heap, size);
    CALLGRIND_DUMP_STATS;
    return p;
}

static void do_free(replay_state *st, void *ptr)
{
    if (!st->measure) {
        st->a->free(st->heap, ptr);
        return;
    }
    measured_free(st->a, st->heap, ptr);
    CALLGRIND_DUMP_STATS;
}

static void *do_realloc(replay_state *st, void *ptr, size_t size)
{
    if (!st->measure)
        return st->a->realloc(st->heap, ptr, size);
    void *p = measured_realloc(st->a, st->heap, ptr, size);
    CALLGRIND_DUMP_STATS;
    return p;
}

static bool first_block(const apg_block *block, void *ctx)
{
    *(uintptr_t *)ctx = block->start;
    return false;
}

static void check_heap(replay_state *st)
{
    if (st->measure || st->r.problem != NULL)
        return;
    apg_check_result c = st->a->check(st->heap);
    if (!c.ok)
        st->r.problem = c.problem;
}

static void replay_op(replay_state *st, const trace_op *op)
{
    void *old = st->ptrs[op->id];
    switch ((trace_op_kind)op->kind) {
    case TRACE_ALLOC: {
        st->r.alloc_calls++;
        void *p = do_alloc(st, op->size);
        if (p == NULL) {
            st->r.alloc_failures++;
            return;
        }
        st->ptrs[op->id] = p;
        st->sizes[op->id] = op->size;
        st->live += op->size;
        note_live(st);
        if (!st->measure)
            note_block_end(st, p);
        return;
    }
    case TRACE_FREE:
        if (old == NULL) {
            st->r.skipped++;
            return;
        }
        st->r.free_calls++;
        do_free(st, old);
        st->ptrs[op->id] = NULL;
        st->live -= st->sizes[op->id];
        return;
    case TRACE_REALLOC: {
        if (old == NULL) {
            st->r.skipped++;
            return;
        }
        st->r.realloc_calls++;
        void *p = do_realloc(st, old, op->size);
        if (p == NULL) {
            st->r.realloc_failures++; /* the old block stays, with its old size */
            return;
        }
        st->ptrs[op->id] = p;
        st->live = st->live - st->sizes[op->id] + op->size;
        st->sizes[op->id] = op->size;
        note_live(st);
        if (!st->measure)
            note_block_end(st, p);
        return;
    }
    }
}

static replay_result replay(const apg_allocator *a, const trace *t, size_t heap_size, bool measure)
{
    /* 4 KiB aligned, so every strategy sees the same layout in every run */
    void *region = aligned_alloc(4096, (heap_size + 4095) & ~(size_t)4095);
    if (region == NULL)
        die("cannot get the region");
    replay_state st;
    memset(&st, 0, sizeof st);
    st.a = a;
    st.measure = measure;
    st.region_start = (uintptr_t)region;
    st.heap = a->init(region, heap_size);
    if (st.heap == NULL)
        die("init refused the region for %s", a->name);
    uintptr_t first = st.region_start;
    a->walk(st.heap, first_block, &first);
    st.r.front_overhead = first - st.region_start;
    st.ptrs = checked_calloc(t->object_count, sizeof *st.ptrs);
    st.sizes = checked_calloc(t->object_count, sizeof *st.sizes);

    for (size_t i = 0; i < t->count; i++) {
        replay_op(&st, &t->ops[i]);
        if (i % 4096 == 4095)
            check_heap(&st);
    }
    check_heap(&st);

    free(st.ptrs);
    free(st.sizes);
    free(region);
    return st.r;
}

static int run_replay(int argc, char **argv, bool measure)
{
    if (argc != 5)
        die("usage: alloc_bench %s <allocator> <trace> <heap-bytes>", argv[1]);
    const apg_allocator *a = allocator_by_name(argv[2]);
    trace_kind kind = trace_kind_from_name(argv[3]);
    if (kind == TRACE_KIND_COUNT)
        die("unknown trace '%s'", argv[3]);
    size_t heap_size = parse_size(argv[4]);
    if (measure && !RUNNING_ON_VALGRIND)
        die("count mode must run under valgrind --tool=callgrind (see bench.mk)");

    trace t;
    trace_generate(kind, heap_size, &t);
    replay_result r = replay(a, &t, heap_size, measure);
    if (measure) {
        /* the footprint run must have made exactly the same calls */
        printf("counted_alloc_calls=%" PRIu64 "\ncounted_free_calls=%" PRIu64
               "\ncounted_realloc_calls=%" PRIu64 "\ncounted_failures=%" PRIu64 "\n",
               r.alloc_calls, r.free_calls, r.realloc_calls, r.alloc_failures + r.realloc_failures);
    } else {
        printf("allocator=%s\ntrace=%s\nheap=%zu\n", a->name, trace_name(kind), heap_size);
        printf("ops=%zu\nobjects=%" PRIu32 "\nlive_target=%zu\ntrace_peak_live=%zu\n", t.count,
               t.object_count, t.live_target, t.peak_live_bytes);
        printf("alloc_calls=%" PRIu64 "\nfree_calls=%" PRIu64 "\nrealloc_calls=%" PRIu64 "\n",
               r.alloc_calls, r.free_calls, r.realloc_calls);
        printf("alloc_failures=%" PRIu64 "\nrealloc_failures=%" PRIu64 "\nskipped=%" PRIu64 "\n",
               r.alloc_failures, r.realloc_failures, r.skipped);
        printf("peak_live=%zu\npeak_footprint=%zu\nfront_overhead=%zu\n", r.peak_live,
               r.peak_footprint, r.front_overhead);
        printf("check=%s\n", r.problem ? r.problem : "ok");
    }
    trace_release(&t);
    return r.problem ? 1 : 0;
}

/* ---- summarize: per-call counts from the callgrind dumps ------------------- */

enum { CALL_ALLOC, CALL_FREE, CALL_REALLOC, CALL_KIND_COUNT };
static const char *const call_names[CALL_KIND_COUNT] = {"alloc", "free", "realloc"};
static const char *const wrapper_names[CALL_KIND_COUNT] = {"measured_alloc", "measured_free",
                                                           "measured_realloc"};

typedef struct {
    uint64_t *values;
    size_t count, capacity;
} sample_list;

static void sample_push(sample_list *list, uint64_t value)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 4096;
        list->values = realloc(list->values, list->capacity * sizeof *list->values);
        if (list->values == NULL)
            die("out of host memory");
    }
    list->values[list->count++] = value;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The wrapper kind a callgrind function name belongs to, or -1. gcc may add
 * a suffix (".constprop.0"), callgrind one for recursion ("'2"). */
static int wrapper_kind(const char *name)
{
    for (int kind = 0; kind < CALL_KIND_COUNT; kind++) {
        size_t n = strlen(wrapper_names[kind]);
        if (strncmp(name, wrapper_names[kind], n) == 0 &&
            (name[n] == '\0' || name[n] == '.' || name[n] == '\''))
            return kind;
    }
    return -1;
}

typedef struct {
    int kind;       /* of the wrapper whose call this dump holds, -1 before one is seen */
    uint64_t cost;  /* the callee-inclusive instructions of that call */
    uint64_t calls; /* calls made from wrappers: must be at most one per dump */
} dump_part;

static void finish_part(dump_part *part, sample_list samples[CALL_KIND_COUNT])
{
    if (part->calls > 1)
        die("a callgrind dump holds more than one measured call");
    if (part->calls == 1)
        sample_push(&samples[part->kind], part->cost);
    part->kind = -1;
    part->cost = 0;
    part->calls = 0;
}

static int summarize(int argc, char **argv)
{
    if (argc != 3)
        die("usage: alloc_bench summarize <callgrind-out-file>");
    FILE *in = fopen(argv[2], "r");
    if (in == NULL)
        die("cannot open '%s'", argv[2]);

    sample_list samples[CALL_KIND_COUNT];
    memset(samples, 0, sizeof samples);
    dump_part part = {-1, 0, 0};
    /* A wrapper may have several fn= sections in one dump (one per source
     * file its code comes from); only its calls= lines matter. */
    int current_kind = -1;     /* wrapper kind of the current fn= section */
    bool cost_follows = false; /* the previous line was calls=: this one is its cost */
    char line[4096];
    while (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (cost_follows) {
            cost_follows = false;
            const char *last = strrchr(line, ' ');
            part.cost += strtoull(last ? last + 1 : line, NULL, 10);
        } else if (strncmp(line, "part:", 5) == 0) {
            finish_part(&part, samples);
            current_kind = -1;
        } else if (strncmp(line, "fn=", 3) == 0) {
            current_kind = wrapper_kind(line + 3);
        } else if (strncmp(line, "calls=", 6) == 0 && current_kind >= 0) {
            part.kind = current_kind;
            part.calls += strtoull(line + 6, NULL, 10);
            cost_follows = true;
        }
    }
    finish_part(&part, samples);
    fclose(in);

    for (int kind = 0; kind < CALL_KIND_COUNT; kind++) {
        sample_list *s = &samples[kind];
        uint64_t sum = 0, worst = 0, median = 0;
        size_t worst_index = 0;
        for (size_t i = 0; i < s->count; i++) {
            sum += s->values[i];
            if (s->values[i] > worst) {
                worst = s->values[i];
                worst_index = i;
            }
        }
        if (s->count > 0) {
            qsort(s->values, s->count, sizeof *s->values, compare_u64);
            median = s->values[s->count / 2]; /* the upper median for even counts */
        }
        const char *name = call_names[kind];
        printf("%s_samples=%zu\n%s_median=%" PRIu64 "\n%s_worst=%" PRIu64 "\n", name, s->count,
               name, median, name, worst);
        printf("%s_mean=%" PRIu64 "\n%s_worst_call=%zu\n", name,
               s->count ? (sum + s->count / 2) / s->count : 0, name, worst_index);
        free(s->values);
    }
    return 0;
}

/* ---- report ------------------------------------------------------------------ */

#define MAX_KEYS 64

typedef struct {
    char *keys[MAX_KEYS];
    char *values[MAX_KEYS];
    int count;
} run_record;

static void read_run(const char *path, run_record *run)
{
    FILE *in = fopen(path, "r");
    if (in == NULL)
        die("cannot open '%s'", path);
    char line[512];
    while (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (eq == NULL || run->count == MAX_KEYS)
            continue;
        *eq = '\0';
        run->keys[run->count] = strdup(line);
        run->values[run->count] = strdup(eq + 1);
        if (run->keys[run->count] == NULL || run->values[run->count] == NULL)
            die("out of host memory");
        run->count++;
    }
    fclose(in);
}

static const char *text_of(const run_record *run, const char *key)
{
    for (int i = 0; i < run->count; i++) {
        if (strcmp(run->keys[i], key) == 0)
            return run->values[i];
    }
    return NULL;
}

/* "allocator/trace/heap" of a run, for messages */
static const char *run_name(const run_record *run)
{
    static char name[128];
    const char *a = text_of(run, "allocator"), *t = text_of(run, "trace"),
               *h = text_of(run, "heap");
    snprintf(name, sizeof name, "%s/%s/%s", a ? a : "?", t ? t : "?", h ? h : "?");
    return name;
}

static uint64_t number_of(const run_record *run, const char *key)
{
    const char *text = text_of(run, key);
    if (text == NULL)
        die("run %s lacks '%s'", run_name(run), key);
    return strtoull(text, NULL, 10);
}

/* The run files must agree with themselves: the counted replay made the same
 * calls as the footprint replay, and every call left exactly one dump. */
static void check_run_consistent(const run_record *run)
{
    static const char *const pairs[][2] = {
        {"alloc_calls", "counted_alloc_calls"},
        {"free_calls", "counted_free_calls"},
        {"realloc_calls", "counted_realloc_calls"},
        {"alloc_calls", "alloc_samples"},
        {"free_calls", "free_samples"},
        {"realloc_calls", "realloc_samples"},
    };
    if (text_of(run, "allocator") == NULL || text_of(run, "trace") == NULL)
        die("run %s: not a run file", run_name(run));
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (number_of(run, pairs[i][0]) != number_of(run, pairs[i][1]))
            die("run %s: %s != %s", run_name(run), pairs[i][0], pairs[i][1]);
    }
    if (number_of(run, "alloc_failures") + number_of(run, "realloc_failures") !=
        number_of(run, "counted_failures"))
        die("run %s: the counted replay failed differently", run_name(run));
    const char *check = text_of(run, "check");
    if (check == NULL || strcmp(check, "ok") != 0)
        die("run %s: check() failed: %s", run_name(run), check ? check : "(not run)");
}

static const char *heap_label(uint64_t heap, char *buffer, size_t size)
{
    if (heap >= (1u << 20) && heap % (1u << 20) == 0)
        snprintf(buffer, size, "%" PRIu64 " MiB", heap >> 20);
    else if (heap >= 1024 && heap % 1024 == 0)
        snprintf(buffer, size, "%" PRIu64 " KiB", heap >> 10);
    else
        snprintf(buffer, size, "%" PRIu64 " B", heap);
    return buffer;
}

static double footprint_ratio(const run_record *run)
{
    uint64_t live = number_of(run, "peak_live");
    return live ? (double)number_of(run, "peak_footprint") / (double)live : 0.0;
}

typedef struct {
    run_record *runs;
    size_t count;
    uint64_t heaps[16];
    size_t heap_count;
} run_set;

static const run_record *find_run(const run_set *set, const char *allocator, const char *trace_text,
                                  uint64_t heap)
{
    for (size_t i = 0; i < set->count; i++) {
        const run_record *run = &set->runs[i];
        if (strcmp(text_of(run, "allocator"), allocator) == 0 &&
            strcmp(text_of(run, "trace"), trace_text) == 0 && number_of(run, "heap") == heap)
            return run;
    }
    return NULL;
}

/* Largest value of `key` over the heap sizes of one allocator and trace,
 * counting only runs that made at least one call of that kind. */
static uint64_t max_over_heaps(const run_set *set, const char *allocator, const char *trace_text,
                               const char *call, const char *statistic, bool *any)
{
    char key[64], count_key[64];
    snprintf(key, sizeof key, "%s_%s", call, statistic);
    snprintf(count_key, sizeof count_key, "%s_samples", call);
    uint64_t best = 0;
    *any = false;
    for (size_t h = 0; h < set->heap_count; h++) {
        const run_record *run = find_run(set, allocator, trace_text, set->heaps[h]);
        if (run == NULL || number_of(run, count_key) == 0)
            continue;
        *any = true;
        uint64_t value = number_of(run, key);
        if (value > best)
            best = value;
    }
    return best;
}

static void print_cell_u64(FILE *out, bool any, uint64_t value)
{
    if (any)
        fprintf(out, " %" PRIu64 " |", value);
    else
        fprintf(out, " – |");
}

static void write_summary(FILE *out, const run_set *set)
{
    char label[32];
    fprintf(out, "## Instructions per call and footprint\n\n");
    fprintf(out, "Median: the largest of the per-heap-size medians. Worst: the single most "
                 "expensive call over all heap sizes. Ratio: peak footprint / peak live bytes, "
                 "and failures (alloc + realloc returning NULL), for each heap size:");
    for (size_t h = 0; h < set->heap_count; h++)
        fprintf(out, "%s %s", h ? " /" : "", heap_label(set->heaps[h], label, sizeof label));
    fprintf(out, ".\n\n");
    fprintf(out, "| allocator | trace | malloc median | malloc worst | free median | free worst "
                 "| realloc median | realloc worst | footprint ratio | failures |\n");
    fprintf(out, "|---|---|--:|--:|--:|--:|--:|--:|---|---|\n");
    for (const apg_allocator *const *a = apg_allocators; *a != NULL; a++) {
        for (unsigned kind = 0; kind < TRACE_KIND_COUNT; kind++) {
            const char *tname = trace_name((trace_kind)kind);
            if (find_run(set, (*a)->name, tname, set->heaps[0]) == NULL)
                continue;
            fprintf(out, "| %s | %s |", (*a)->name, tname);
            for (int call = 0; call < CALL_KIND_COUNT; call++) {
                bool any;
                uint64_t median =
                    max_over_heaps(set, (*a)->name, tname, call_names[call], "median", &any);
                print_cell_u64(out, any, median);
                uint64_t worst =
                    max_over_heaps(set, (*a)->name, tname, call_names[call], "worst", &any);
                print_cell_u64(out, any, worst);
            }
            for (int column = 0; column < 2; column++) {
                fprintf(out, " ");
                for (size_t h = 0; h < set->heap_count; h++) {
                    const run_record *run = find_run(set, (*a)->name, tname, set->heaps[h]);
                    if (h)
                        fprintf(out, " / ");
                    if (run == NULL)
                        fprintf(out, "–");
                    else if (column == 0)
                        fprintf(out, "%.2f", footprint_ratio(run));
                    else
                        fprintf(out, "%" PRIu64,
                                number_of(run, "alloc_failures") +
                                    number_of(run, "realloc_failures"));
                }
                fprintf(out, " |");
            }
            fprintf(out, "\n");
        }
    }
    fprintf(out, "\n");
}

/* The TLSF targets of the issue, each checked on every trace and heap size. */
static void write_tlsf_targets(FILE *out, const run_set *set)
{
    static const struct {
        const char *call, *statistic;
        uint64_t limit;
    } limits[] = {
        {"alloc", "median", 120},
        {"alloc", "worst", 250},
        {"free", "median", 120},
        {"free", "worst", 250},
    };
    char label[32];
    fprintf(out, "## TLSF targets\n\n");
    fprintf(out, "| target | per heap size (");
    for (size_t h = 0; h < set->heap_count; h++)
        fprintf(out, "%s%s", h ? " / " : "", heap_label(set->heaps[h], label, sizeof label));
    fprintf(out, "), worst trace | verdict |\n|---|---|---|\n");
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        bool met = true;
        fprintf(out, "| %s %s ≤ %" PRIu64 " | ",
                strcmp(limits[i].call, "alloc") ? "free" : "malloc", limits[i].statistic,
                limits[i].limit);
        for (size_t h = 0; h < set->heap_count; h++) {
            uint64_t worst = 0;
            const char *worst_trace = "–";
            for (unsigned kind = 0; kind < TRACE_KIND_COUNT; kind++) {
                const run_record *run =
                    find_run(set, "tlsf", trace_name((trace_kind)kind), set->heaps[h]);
                char key[64];
                snprintf(key, sizeof key, "%s_%s", limits[i].call, limits[i].statistic);
                if (run != NULL && number_of(run, key) >= worst) {
                    worst = number_of(run, key);
                    worst_trace = trace_name((trace_kind)kind);
                }
            }
            met = met && worst <= limits[i].limit;
            fprintf(out, "%s%" PRIu64 " (%s)", h ? " / " : "", worst, worst_trace);
        }
        fprintf(out, " | %s |\n", met ? "met" : "**missed**");
    }
    bool met = true;
    fprintf(out, "| footprint ratio ≤ 1.15, random trace | ");
    for (size_t h = 0; h < set->heap_count; h++) {
        const run_record *run = find_run(set, "tlsf", "random", set->heaps[h]);
        double ratio = run ? footprint_ratio(run) : 0.0;
        met = met && run != NULL && ratio <= 1.15;
        fprintf(out, "%s%.3f", h ? " / " : "", ratio);
    }
    fprintf(out, " | %s |\n\n", met ? "met" : "**missed**");
}

static void write_details(FILE *out, const run_set *set)
{
    char label[32];
    fprintf(out, "## Per heap size\n\n");
    fprintf(out, "n = calls; instructions as median / worst. Footprint and peak live in "
                 "bytes; front = bytes before the first block (state and tables), included in "
                 "the footprint.\n\n");
    fprintf(out, "| allocator | trace | heap | malloc n | malloc | free n | free | realloc n | "
                 "realloc | peak live | footprint | ratio | front | failures |\n");
    fprintf(out, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (const apg_allocator *const *a = apg_allocators; *a != NULL; a++) {
        for (unsigned kind = 0; kind < TRACE_KIND_COUNT; kind++) {
            const char *tname = trace_name((trace_kind)kind);
            for (size_t h = 0; h < set->heap_count; h++) {
                const run_record *run = find_run(set, (*a)->name, tname, set->heaps[h]);
                if (run == NULL)
                    continue;
                fprintf(out, "| %s | %s | %s |", (*a)->name, tname,
                        heap_label(set->heaps[h], label, sizeof label));
                for (int call = 0; call < CALL_KIND_COUNT; call++) {
                    char key[64];
                    snprintf(key, sizeof key, "%s_samples", call_names[call]);
                    uint64_t n = number_of(run, key);
                    fprintf(out, " %" PRIu64 " |", n);
                    if (n == 0) {
                        fprintf(out, " – |");
                        continue;
                    }
                    snprintf(key, sizeof key, "%s_median", call_names[call]);
                    uint64_t median = number_of(run, key);
                    snprintf(key, sizeof key, "%s_worst", call_names[call]);
                    fprintf(out, " %" PRIu64 " / %" PRIu64 " |", median, number_of(run, key));
                }
                fprintf(out, " %" PRIu64 " | %" PRIu64 " | %.3f | %" PRIu64 " | %" PRIu64 " |\n",
                        number_of(run, "peak_live"), number_of(run, "peak_footprint"),
                        footprint_ratio(run), number_of(run, "front_overhead"),
                        number_of(run, "alloc_failures") + number_of(run, "realloc_failures"));
            }
        }
    }
    fprintf(out, "\n");
}

static void write_traces(FILE *out, const run_set *set)
{
    char label[32];
    fprintf(out, "## Traces\n\n");
    fprintf(out, "Operations as generated (an allocator that fails an allocation skips the "
                 "later free or realloc of that object). Trace peak live: the peak when every "
                 "operation succeeds.\n\n");
    fprintf(out, "| trace | heap | operations | objects | live target | trace peak live |\n");
    fprintf(out, "|---|--:|--:|--:|--:|--:|\n");
    for (unsigned kind = 0; kind < TRACE_KIND_COUNT; kind++) {
        const char *tname = trace_name((trace_kind)kind);
        for (size_t h = 0; h < set->heap_count; h++) {
            const run_record *run = NULL;
            for (size_t i = 0; i < set->count && run == NULL; i++) {
                if (strcmp(text_of(&set->runs[i], "trace"), tname) == 0 &&
                    number_of(&set->runs[i], "heap") == set->heaps[h])
                    run = &set->runs[i];
            }
            if (run == NULL)
                continue;
            fprintf(out, "| %s | %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " |\n",
                    tname, heap_label(set->heaps[h], label, sizeof label), number_of(run, "ops"),
                    number_of(run, "objects"), number_of(run, "live_target"),
                    number_of(run, "trace_peak_live"));
        }
    }
    fprintf(out, "\n");
}

static int report(int argc, char **argv)
{
    if (argc < 4)
        die("usage: alloc_bench report <output.md> <run-file>...");
    run_set set;
    memset(&set, 0, sizeof set);
    set.count = (size_t)argc - 3;
    set.runs = checked_calloc(set.count, sizeof *set.runs);
    for (size_t i = 0; i < set.count; i++) {
        run_record *run = &set.runs[i];
        read_run(argv[3 + i], run);
        check_run_consistent(run);
        uint64_t heap = number_of(run, "heap");
        size_t h = 0;
        while (h < set.heap_count && set.heaps[h] != heap)
            h++;
        if (h == set.heap_count) {
            if (set.heap_count == sizeof set.heaps / sizeof set.heaps[0])
                die("too many heap sizes");
            set.heaps[set.heap_count++] = heap;
        }
    }
    qsort(set.heaps, set.heap_count, sizeof set.heaps[0], compare_u64);

    FILE *out = fopen(argv[2], "w");
    if (out == NULL)
        die("cannot write '%s'", argv[2]);
    fprintf(out, "# Allocator benchmark: instructions per call and footprint\n\n");
    fprintf(out, "Written by `make bench-alloc` (firmware/bench/). Instructions are x86-64 "
                 "instructions counted by callgrind, each call on its own (see "
                 "firmware/bench/alloc_bench.c); the traces are described in "
                 "firmware/bench/traces.c. Every call is counted, failed ones included; there "
                 "is no warm-up exclusion.\n\n");
    write_summary(out, &set);
    write_tlsf_targets(out, &set);
    write_details(out, &set);
    write_traces(out, &set);
    fclose(out);

    for (size_t i = 0; i < set.count; i++) {
        for (int k = 0; k < set.runs[i].count; k++) {
            free(set.runs[i].keys[k]);
            free(set.runs[i].values[k]);
        }
    }
    free(set.runs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "footprint") == 0)
        return run_replay(argc, argv, false);
    if (argc >= 2 && strcmp(argv[1], "count") == 0)
        return run_replay(argc, argv, true);
    if (argc >= 2 && strcmp(argv[1], "summarize") == 0)
        return summarize(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "report") == 0)
        return report(argc, argv);
    fprintf(stderr, "usage: alloc_bench footprint|count <allocator> <trace> <heap-bytes>\n"
                    "       alloc_bench summarize <callgrind-out-file>\n"
                    "       alloc_bench report <output.md> <run-file>...\n");
    return 2;
}
