/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `trace [all]`: replays the CS:APP .rep trace the host put in the trace
 * area (0x47000000) on the current allocator, or on every allocator, each on
 * a freshly initialised heap, and prints mdriver's figures: requests, allocs
 * that failed, correctness errors, utilisation (peak live payload / heap
 * high-water) and guest instructions per request inside the allocator.
 * The whole trace is validated first: a malformed one gets one error line
 * naming its line, and nothing changes.
 */
#include "board.h"
#include "commands.h"
#include "console.h"
#include "exceptions.h"
#include "format.h"
#include "heap.h"
#include "mem.h"
#include "shell.h"
#include "trace_replay.h"

#define TRACE_AREA_BASE ((uintptr_t)BOARD_TRACE_BASE)
#define TRACE_AREA_SIZE ((size_t)BOARD_TRACE_SIZE)

static trace_result result; /* large: keep it off the stack */

/* Narrow enough for a 54-column terminal (the page at 1024 pixels). */
static void print_table_header(void)
{
    kprintf("allocator    ops failed errors   util instr/op  check\n");
}

typedef struct {
    char text[24];
} tenths_text;

/* Tenths as "12.3". */
static tenths_text tenths(uint64_t value)
{
    tenths_text t;
    apg_snformat(t.text, sizeof t.text, "%llu.%llu", (unsigned long long)(value / 10),
                 (unsigned long long)(value % 10));
    return t;
}

static void print_row(const char *name, const trace_result *r)
{
    tenths_text util = {"-"};
    if (r->high_water > 0)
        util = tenths(r->peak_payload * 1000 / r->high_water);
    tenths_text per_op = tenths(r->ops ? r->instructions * 10 / r->ops : 0);
    kprintf("%-9s %6u %6u %6u %5s%% %8s  %s%s\n", name, (unsigned)r->ops, (unsigned)r->failed,
            (unsigned)r->errors, util.text, per_op.text, r->check.ok ? "OK" : "FAILED",
            r->interrupted ? " (interrupted)" : "");
    if (r->errors > 0)
        kprintf("  first error: %s\n", r->error);
    if (!r->check.ok)
        kprintf("  check: %s at 0x%lx\n", r->check.problem, (unsigned long)r->check.where);
}

static void run_on(const apg_allocator *a, const char *text)
{
    heap_use(a);
    trace_replay(text, TRACE_AREA_SIZE, &result);
    print_row(a->name, &result);
}

void cmd_trace(const apg_words *w)
{
    bool all = w->count > 1;
    if (all && apg_strcmp(w->word[1], "all") != 0) {
        shell_error(w, "unknown argument '%s' (usage: trace [all])", w->word[1]);
        return;
    }
    const char *text = (const char *)TRACE_AREA_BASE;
    if (text[0] == '\0') {
        shell_error(w,
                    "no trace loaded: the host puts a .rep file at 0x%lx (QEMU: -device "
                    "loader; allocplay: --load; the page: Trace)",
                    (unsigned long)TRACE_AREA_BASE);
        return;
    }
    apg_rep_header h;
    apg_rep_error e;
    if (!apg_rep_validate(text, TRACE_AREA_SIZE, trace_id_states(), TRACE_MAX_IDS, &h, &e)) {
        shell_error(w, "line %u: %s (nothing was run)", (unsigned)e.line, e.message);
        return;
    }
    const apg_allocator *current = heap_active();
    /* the header's suggested heap size and weight are unused, as in mdriver */
    kprintf("trace: %u requests, %u ids, %s\n", (unsigned)h.ops, (unsigned)h.ids,
            all ? "a fresh heap each" : "on a fresh heap");
    print_table_header();
    if (!all) {
        run_on(current, text);
        return;
    }
    /* A student allocator that breaks a rule is reported by mm_checked.c and
     * abandons the command; here that abandons only its row, so the others
     * still run and the shell goes back to where it was. Statics: they
     * survive the jump back into this frame. */
    static apg_context row_recovery;
    static size_t next;
    static const apg_allocator *start;
    start = current;
    for (next = 0; apg_allocators[next] != NULL;) {
        const apg_allocator *a = apg_allocators[next++];
        if (apg_save_context(&row_recovery) != 0) {
            kprintf("%-9s abandoned (the line above says why)\n", a->name);
            continue;
        }
        exceptions_arm_recovery(&row_recovery);
        run_on(a, text);
    }
    current = start;
    heap_use(current);
    kprintf("back on %s: heap re-initialised, every block released\n", current->name);
}
