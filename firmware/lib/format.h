/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small freestanding printf engine that writes through a sink callback. */
#ifndef APG_FORMAT_H
#define APG_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*apg_sink)(char c, void *ctx);

/* Supports %% %c %s %d %i %u %x %X %p with length l, ll, z; width; '0' and '-'
 * flags. Returns the number of characters written. */
size_t apg_vformat(apg_sink sink, void *ctx, const char *fmt, va_list ap);

/* apg_snformat with a va_list. */
size_t apg_vsnformat(char *buf, size_t size, const char *fmt, va_list ap);

/* Formats into buf (always NUL-terminated when size > 0, truncating). */
size_t apg_snformat(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
