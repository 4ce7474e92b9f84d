/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The part of <stdio.h> an mm.c uses: printing to the kernel's UART. stdout
 * and stderr both go there. */
#ifndef APG_MALLOCLAB_STDIO_H
#define APG_MALLOCLAB_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct apg_mm_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *stream, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *stream, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int puts(const char *s);
int putchar(int c);
int fflush(FILE *stream);

#endif
