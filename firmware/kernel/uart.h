/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PL011 UART0 driver (polled). */
#ifndef APG_UART_H
#define APG_UART_H

#include <stdbool.h>

void uart_init(void);
void uart_putc(char c);
/* Blocks until a byte arrives. */
char uart_getc(void);
/* Returns true and stores a byte if one is waiting, without blocking. */
bool uart_try_getc(char *out);

#endif
