/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shell.h"

#include "commands.h"
#include "console.h"
#include "exceptions.h"
#include "heap.h"
#include "history.h"
#include "lineedit.h"
#include "mem.h"

#include <stdarg.h>

const shell_command shell_commands[] = {
    {"help", "", "list the commands", 0, 0, false, cmd_help},
    {"alloc", "<size> [align]", "allocate size bytes (align: power of two up to 4096)", 1, 2, true,
     cmd_alloc},
    {"free", "<addr|$N>", "free a block that alloc returned", 1, 1, true, cmd_free},
    {"realloc", "<addr|$N> <size>", "resize a block (it may move)", 2, 2, true, cmd_realloc},
    {"calloc", "<n> <size>", "allocate n * size bytes, zeroed", 2, 2, true, cmd_calloc},
    {"info", "", "heap totals and every block", 0, 0, true, cmd_info},
    {"use", "<first-fit|buddy|page|bump|tlsf>", "switch allocator (re-initialises the heap)", 1, 1,
     false, cmd_use},
    {"check", "", "verify the heap's integrity", 0, 0, false, cmd_check},
    {"stress", "<ops> [seed] [min-max]", "random alloc/free/realloc torture test", 1, 3, true,
     cmd_stress},
    {"trace", "[all]", "replay the .rep trace at 0x47000000 (all: on every allocator)", 0, 1, false,
     cmd_trace},
    {"meminfo", "", "size/used/free of the heap and the kernel arena", 0, 0, true, cmd_meminfo},
    {"history", "", "commands typed so far", 0, 0, false, cmd_history},
    {"reset", "", "release every block (re-initialise the allocator)", 0, 0, false, cmd_reset},
    {"fault", "<undef|brk>", "take an exception on purpose (shows the fault report)", 1, 1, false,
     cmd_fault},
    {"corrupt", "<addr|$N>", "DEMO: scribble over a block's metadata, then try 'check'", 1, 1,
     false, cmd_corrupt},
    {"programs", "", "list the user programs", 0, 0, false, cmd_programs},
    {"run", "<program>", "run a user program at EL0 (malloc and friends via svc)", 1, 1, false,
     cmd_run},
    {"reboot", "", "restart the machine", 0, 0, false, cmd_reboot},
    {"halt", "", "power off", 0, 0, false, cmd_halt},
    {NULL, NULL, NULL, 0, 0, false, NULL},
};

void shell_error(const apg_words *w, const char *fmt, ...)
{
    kprintf("error: %s: ", w->word[0]);
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    console_putc('\n');
}

bool shell_number_arg(const apg_words *w, size_t index, const char *what, uint64_t *out)
{
    switch (apg_parse_number(w->word[index], out)) {
    case APG_NUM_OK: return true;
    case APG_NUM_OVERFLOW:
        shell_error(w, "%s '%s' is too large", what, w->word[index]);
        return false;
    default:
        shell_error(w, "%s '%s' is not a number (decimal, 0x hex, k or m suffix)", what,
                    w->word[index]);
        return false;
    }
}

static const shell_command *find_command(const char *name)
{
    for (const shell_command *c = shell_commands; c->name != NULL; c++) {
        if (apg_strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

void shell_execute(apg_words *w)
{
    if (w->count == 0)
        return;
    const shell_command *c = find_command(w->word[0]);
    if (c == NULL) {
        kprintf("error: unknown command '%s' (type 'help' for the list)\n", w->word[0]);
        return;
    }
    size_t args = w->count - 1;
    if (c->max_args == 0 && (w->too_many || args > 0)) {
        shell_error(w, "takes no arguments");
        return;
    }
    if (w->too_many || args > c->max_args) {
        shell_error(w, "too many arguments (usage: %s %s)", c->name, c->args);
        return;
    }
    if (args < c->min_args) {
        shell_error(w, "missing argument (usage: %s %s)", c->name, c->args);
        return;
    }
    if (c->needs_sound_heap && heap_is_damaged()) {
        /* walking a scribbled heap could follow wild pointers: refuse */
        apg_check_result r = heap_active()->check(heap_handle());
        if (r.ok)
            shell_error(w, "the heap was deliberately corrupted; 'reset' rebuilds it");
        else
            shell_error(w, "the heap is corrupted (%s at 0x%lx); 'reset' rebuilds it", r.problem,
                        (unsigned long)r.where);
        return;
    }
    c->run(w);
}

static bool is_blank(const char *line)
{
    for (; *line != '\0'; line++) {
        if (*line != ' ' && *line != '\t')
            return false;
    }
    return true;
}

void shell_run(void)
{
    static char line[LINE_CAPACITY];
    static apg_words words;
    static apg_context recovery_point;
    for (;;) {
        kprintf("%s> ", heap_active()->name);
        line_status status = lineedit_read(line);
        if (status == LINE_CANCELLED)
            continue;
        if (status == LINE_TOO_LONG) {
            kprintf("error: line too long (at most %u characters); nothing was run\n",
                    (unsigned)(LINE_CAPACITY - 1));
            continue;
        }
        if (is_blank(line))
            continue;
        history_add(line);
        heap_count_command();
        apg_split_words(line, &words);
        if (apg_save_context(&recovery_point) != 0)
            continue; /* a fault abandoned the command; the handler reported it */
        exceptions_arm_recovery(&recovery_point);
        shell_execute(&words);
        exceptions_disarm_recovery();
    }
}
