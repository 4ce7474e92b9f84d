/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding a user program by name. This file is kernel code (firmware.mk links
 * it into the kernel, not into the user section): the shell calls it at EL1,
 * and EL1 may not execute the user text section.
 */
#include "user_programs.h"

#include "mem.h"

#include <stddef.h>

const user_program *user_program_find(const char *name)
{
    for (const user_program *p = user_programs; p->name != NULL; p++) {
        if (apg_strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}
