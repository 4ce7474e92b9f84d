/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `programs` and `run`: the user programs built into the image. */
#include "commands.h"
#include "console.h"
#include "process.h"
#include "shell.h"
#include "user_programs.h"

void cmd_programs(const apg_words *w)
{
    (void)w;
    kprintf("user programs (run <name>; they reach the kernel only through svc):\n");
    for (const user_program *p = user_programs; p->name != 0; p++)
        kprintf("  %-10s %s\n", p->name, p->summary);
}

void cmd_run(const apg_words *w)
{
    const user_program *p = user_program_find(w->word[1]);
    if (p == 0) {
        shell_error(w, "no program '%s' (type 'programs' for the list)", w->word[1]);
        return;
    }
    int code = process_run(p);
    kprintf("[%s exited with code %d]\n", p->name, code);
}
