/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "console.h"

#include "format.h"
#include "uart.h"

void console_putc(char c)
{
    if (c == '\n')
        uart_putc('\r');
    uart_putc(c);
}

void console_puts(const char *s)
{
    while (*s != '\0')
        console_putc(*s++);
}

static void console_sink(char c, void *ctx)
{
    (void)ctx;
    console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
    apg_vformat(console_sink, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
