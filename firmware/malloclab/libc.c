/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The freestanding C library a student's mm.c may call: printing to the
 * UART, string functions, abort/exit/assert that report and return to the
 * shell prompt. memset, memcpy, memmove and memcmp are the kernel's own
 * (kernel/compiler_support.c).
 */
#include "console.h"
#include "exceptions.h"
#include "format.h"
#include "guard.h"
#include "mem.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct apg_mm_file {
    int unused;
};

static struct apg_mm_file uart_stream;
FILE *const stdout = &uart_stream;
FILE *const stderr = &uart_stream;

static void count_sink(char c, void *ctx)
{
    console_putc(c);
    ++*(int *)ctx;
}

int vprintf(const char *fmt, va_list ap)
{
    int n = 0;
    apg_vformat(count_sink, &n, fmt, ap);
    return n;
}

int vfprintf(FILE *stream, const char *fmt, va_list ap)
{
    (void)stream;
    return vprintf(fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int fprintf(FILE *stream, const char *fmt, ...)
{
    (void)stream;
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

typedef struct {
    char *buf;
    size_t size, used;
} buffer;

static void buffer_sink(char c, void *ctx)
{
    buffer *b = ctx;
    if (b->used + 1 < b->size)
        b->buf[b->used++] = c;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    buffer b = {buf, size, 0};
    va_list ap;
    va_start(ap, fmt);
    int n = (int)apg_vformat(buffer_sink, &b, fmt, ap);
    va_end(ap);
    if (size > 0)
        buf[b.used] = '\0';
    return n;
}

int puts(const char *s)
{
    console_puts(s);
    console_putc('\n');
    return 1;
}

int putchar(int c)
{
    console_putc((char)c);
    return (unsigned char)c;
}

int fflush(FILE *stream)
{
    (void)stream;
    return 0;
}

size_t strlen(const char *s)
{
    return apg_strlen(s);
}

int strcmp(const char *a, const char *b)
{
    return apg_strcmp(a, b);
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == '\0')
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

char *strcpy(char *dst, const char *src)
{
    return apg_memcpy(dst, src, apg_strlen(src) + 1);
}

char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i] != '\0'; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

int abs(int value)
{
    return value < 0 ? -value : value;
}

long labs(long value)
{
    return value < 0 ? -value : value;
}

int getpagesize(void)
{
    return 4096;
}

static const char *during(void)
{
    const char *call = guard_call();
    return call != NULL ? call : "the student's code";
}

void abort(void)
{
    kprintf("mm: abort() called during %s; back to the shell\n", during());
    exceptions_abandon_command();
}

void exit(int status)
{
    kprintf("mm: exit(%d) called during %s; back to the shell\n", status, during());
    exceptions_abandon_command();
}

void apg_mm_assert_failed(const char *expression, const char *file, int line, const char *function)
{
    kprintf("mm: assertion failed: %s (%s:%d, in %s) during %s; back to the shell\n", expression,
            file, line, function, during());
    exceptions_abandon_command();
}
