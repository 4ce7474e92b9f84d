/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line editor for the serial console: echo, backspace, Ctrl-U (erase line),
 * Ctrl-C (cancel), up/down arrows (history), a bounded buffer. Escape
 * sequences and other control bytes never reach the command line.
 */
#ifndef APG_LINEEDIT_H
#define APG_LINEEDIT_H

#include <stddef.h>

#define LINE_CAPACITY 128 /* bytes, including the terminating NUL */

typedef enum {
    LINE_READY,     /* Enter: buf holds the line */
    LINE_CANCELLED, /* Ctrl-C */
    LINE_TOO_LONG,  /* Enter after more than LINE_CAPACITY - 1 characters */
} line_status;

line_status lineedit_read(char buf[LINE_CAPACITY]);

#endif
