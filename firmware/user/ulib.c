/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-side library. Built freestanding like the kernel but linked into the
 * user text section; it must not call kernel code (EL0 cannot execute it), so
 * the string helpers are its own.
 */
#include "ulib.h"

#include "user_programs.h"

long sys_call(long number, long a0, long a1, long a2)
{
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}

long u_write(int fd, const void *buf, size_t len)
{
    return sys_call(SYS_WRITE, fd, (long)buf, (long)len);
}

void u_exit(int code)
{
    sys_call(SYS_EXIT, code, 0, 0);
    for (;;) {
    }
}

void *u_malloc(size_t size)
{
    return (void *)sys_call(SYS_MALLOC, (long)size, 0, 0);
}

long u_free(void *ptr)
{
    return sys_call(SYS_FREE, (long)ptr, 0, 0);
}

void *u_realloc(void *ptr, size_t size)
{
    return (void *)sys_call(SYS_REALLOC, (long)ptr, (long)size, 0);
}

long u_signal(int signal_number, signal_handler handler)
{
    return sys_call(SYS_SIGNAL, signal_number, (long)handler, 0);
}

long u_alarm(unsigned long seconds)
{
    return sys_call(SYS_ALARM, (long)seconds, 0, 0);
}

long u_getpid(void)
{
    return sys_call(SYS_GETPID, 0, 0, 0);
}

void user_start(int (*main)(void))
{
    u_exit(main());
}

void user_signal_return(void)
{
    sys_call(SYS_SIGRETURN, 0, 0, 0);
    for (;;) {
    }
}

void *u_memset(void *dst, int value, size_t n)
{
    unsigned char *d = dst;
    while (n-- > 0)
        *d++ = (unsigned char)value;
    return dst;
}

void *u_memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

void u_bzero(void *dst, size_t n)
{
    u_memset(dst, 0, n);
}

char *u_strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i] != '\0'; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

size_t u_strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

void u_print(const char *s)
{
    u_write(1, s, u_strlen(s));
}

void u_print_dec(long value)
{
    char buf[24];
    size_t i = sizeof buf;
    unsigned long magnitude = value < 0 ? 0ul - (unsigned long)value : (unsigned long)value;
    do {
        buf[--i] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0)
        buf[--i] = '-';
    u_write(1, buf + i, sizeof buf - i);
}

void u_print_hex(uint64_t value)
{
    char buf[18];
    size_t i = sizeof buf;
    do {
        buf[--i] = "0123456789abcdef"[value & 15];
        value >>= 4;
    } while (value != 0);
    buf[--i] = 'x';
    buf[--i] = '0';
    u_write(1, buf + i, sizeof buf - i);
}
