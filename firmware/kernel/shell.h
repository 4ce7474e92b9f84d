/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interactive shell: prompt, dispatch, and helpers shared by commands. */
#ifndef APG_SHELL_H
#define APG_SHELL_H

#include "parse.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *name;
    const char *args;    /* argument synopsis for usage messages */
    const char *summary; /* one line for `help` */
    uint8_t min_args, max_args;
    bool needs_sound_heap; /* refused after `corrupt` until the heap is rebuilt */
    void (*run)(const apg_words *w);
} shell_command;

extern const shell_command shell_commands[];

void shell_run(void) __attribute__((noreturn));

/* Executes one line (already split into words); used by the loop. */
void shell_execute(apg_words *w);

/* Prints "error: <command>: <message>" as one line. */
void shell_error(const apg_words *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses w->word[index] as a number, printing an error naming `what` on failure. */
bool shell_number_arg(const apg_words *w, size_t index, const char *what, uint64_t *out);

#endif
