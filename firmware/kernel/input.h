/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keyboard input with type-ahead. Long commands poll for Ctrl-C; bytes that
 * arrive meanwhile are kept here, in order, for the line editor.
 */
#ifndef APG_INPUT_H
#define APG_INPUT_H

#include <stdbool.h>

#define INPUT_CTRL_C 0x03

/* Next input byte: type-ahead first, then the UART (blocking). */
char input_getc(void);

/* Moves waiting UART bytes into the type-ahead buffer; returns true (and
 * drops the byte) if one of them is Ctrl-C. Never blocks. */
bool input_interrupt_requested(void);

#endif
