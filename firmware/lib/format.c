/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    apg_sink sink;
    void *ctx;
    size_t count;
} writer;

static void put(writer *w, char c)
{
    w->sink(c, w->ctx);
    w->count++;
}

static void put_padded(writer *w, const char *s, size_t len, int width, bool left, char pad)
{
    int padding = width > (int)len ? width - (int)len : 0;
    if (!left) {
        for (int i = 0; i < padding; i++)
            put(w, pad);
    }
    for (size_t i = 0; i < len; i++)
        put(w, s[i]);
    if (left) {
        for (int i = 0; i < padding; i++)
            put(w, ' ');
    }
}

/* Digits of value in base, most significant first; returns the length. */
static size_t to_digits(uint64_t value, unsigned base, bool upper, char *out)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char reversed[24];
    size_t n = 0;
    do {
        reversed[n++] = digits[value % base];
        value /= base;
    } while (value != 0);
    for (size_t i = 0; i < n; i++)
        out[i] = reversed[n - 1 - i];
    return n;
}

static void put_number(writer *w, uint64_t magnitude, bool negative, unsigned base, bool upper,
                       int width, bool left, bool zero)
{
    char buf[24];
    size_t len = 0;
    if (negative)
        buf[len++] = '-';
    len += to_digits(magnitude, base, upper, buf + len);
    if (zero && !left && negative) {
        /* sign goes before the zero padding */
        put(w, '-');
        put_padded(w, buf + 1, len - 1, width - 1, false, '0');
        return;
    }
    put_padded(w, buf, len, width, left, zero && !left ? '0' : ' ');
}

size_t apg_vformat(apg_sink sink, void *ctx, const char *fmt, va_list ap)
{
    writer w = {sink, ctx, 0};
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            put(&w, *p);
            continue;
        }
        p++;
        bool left = false, zero = false;
        for (;; p++) {
            if (*p == '-')
                left = true;
            else if (*p == '0')
                zero = true;
            else
                break;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int longs = 0;
        bool size_t_arg = false;
        while (*p == 'l') {
            longs++;
            p++;
        }
        if (*p == 'z') {
            size_t_arg = true;
            p++;
        }
        switch (*p) {
        case '%': put(&w, '%'); break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&w, &c, 1, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL)
                s = "(null)";
            size_t len = 0;
            while (s[len] != '\0')
                len++;
            put_padded(&w, s, len, width, left, ' ');
            break;
        }
        case 'd':
        case 'i': {
            int64_t v = size_t_arg   ? (int64_t)va_arg(ap, size_t)
                        : longs >= 1 ? (int64_t)va_arg(ap, long long)
                                     : (int64_t)va_arg(ap, int);
            uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_number(&w, magnitude, v < 0, 10, false, width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = size_t_arg   ? (uint64_t)va_arg(ap, size_t)
                         : longs >= 1 ? (uint64_t)va_arg(ap, unsigned long long)
                                      : (uint64_t)va_arg(ap, unsigned int);
            put_number(&w, v, false, *p == 'u' ? 10 : 16, *p == 'X', width, left, zero);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            put(&w, '0');
            put(&w, 'x');
            put_number(&w, v, false, 16, false, width > 2 ? width - 2 : 0, left, zero);
            break;
        }
        case '\0':
            p--; /* a lone '%' at the end: stop at the terminator */
            break;
        default:
            put(&w, '%');
            put(&w, *p);
            break;
        }
    }
    return w.count;
}

typedef struct {
    char *buf;
    size_t size;
    size_t used;
} buffer_sink;

static void buffer_put(char c, void *ctx)
{
    buffer_sink *b = ctx;
    if (b->used + 1 < b->size)
        b->buf[b->used++] = c;
}

size_t apg_vsnformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    buffer_sink b = {buf, size, 0};
    size_t n = apg_vformat(buffer_put, &b, fmt, ap);
    if (size > 0)
        buf[b.used] = '\0';
    return n;
}

size_t apg_snformat(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = apg_vsnformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
