/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Commands about the machine and the shell itself. */
#include "commands.h"
#include "console.h"
#include "history.h"
#include "mem.h"
#include "psci.h"
#include "shell.h"

void cmd_help(const apg_words *w)
{
    (void)w;
    kprintf("commands:\n");
    for (const shell_command *c = shell_commands; c->name != NULL; c++) {
        char synopsis[48];
        size_t n = 0;
        for (const char *s = c->name; *s != '\0' && n < sizeof synopsis - 1; s++)
            synopsis[n++] = *s;
        if (c->args[0] != '\0' && n < sizeof synopsis - 1)
            synopsis[n++] = ' ';
        for (const char *s = c->args; *s != '\0' && n < sizeof synopsis - 1; s++)
            synopsis[n++] = *s;
        synopsis[n] = '\0';
        kprintf("  %-40s %s\n", synopsis, c->summary);
    }
    kprintf("numbers: decimal, 0x hex, k/m suffix (4k = 4096); keys: backspace, Ctrl-U, Ctrl-C, "
            "up/down\n");
    kprintf("blocks: $N is the block command N returned (N as in 'history'), e.g. free $3\n");
}

void cmd_history(const apg_words *w)
{
    (void)w;
    history_print();
}

void cmd_reboot(const apg_words *w)
{
    (void)w;
    kprintf("rebooting\n");
    apg_psci_system_reset();
}

void cmd_halt(const apg_words *w)
{
    (void)w;
    kprintf("powering off\n");
    apg_psci_system_off();
}

void cmd_fault(const apg_words *w)
{
    if (apg_strcmp(w->word[1], "undef") == 0) {
        kprintf("fault: executing an undefined instruction (udf #0)\n");
        __asm__ volatile("udf #0");
        kprintf("fault: not reached\n");
    } else if (apg_strcmp(w->word[1], "brk") == 0) {
        kprintf("fault: executing a breakpoint (brk #0)\n");
        __asm__ volatile("brk #0");
        kprintf("fault: the handler stepped over the breakpoint and we are back\n");
    } else {
        shell_error(w, "unknown fault '%s' (choose undef or brk)", w->word[1]);
    }
}
