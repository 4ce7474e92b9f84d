/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shell's commands; the table that names them is in shell.c. */
#ifndef APG_COMMANDS_H
#define APG_COMMANDS_H

#include "parse.h"

void cmd_help(const apg_words *w);
void cmd_alloc(const apg_words *w);
void cmd_free(const apg_words *w);
void cmd_realloc(const apg_words *w);
void cmd_calloc(const apg_words *w);
void cmd_info(const apg_words *w);
void cmd_use(const apg_words *w);
void cmd_check(const apg_words *w);
void cmd_stress(const apg_words *w);
void cmd_trace(const apg_words *w);
void cmd_meminfo(const apg_words *w);
void cmd_history(const apg_words *w);
void cmd_reset(const apg_words *w);
void cmd_reboot(const apg_words *w);
void cmd_halt(const apg_words *w);
void cmd_fault(const apg_words *w);
void cmd_corrupt(const apg_words *w);
void cmd_programs(const apg_words *w);
void cmd_run(const apg_words *w);

#endif
