/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Formatted output to the UART. Lines end with "\r\n" (a serial terminal
 * needs the carriage return); kprintf translates '\n' for callers. */
#ifndef APG_CONSOLE_H
#define APG_CONSOLE_H

#include <stdarg.h>

void console_putc(char c);
void console_puts(const char *s);
/* printf subset: %% %c %s %d %i %u %x %p, length l/ll/z, width, '0' and '-' flags */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

#endif
