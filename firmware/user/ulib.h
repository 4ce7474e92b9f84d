/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user-side library: system-call wrappers and the few string and memory
 * helpers a program needs. Everything here runs at EL0. */
#ifndef APG_ULIB_H
#define APG_ULIB_H

#include "syscall_abi.h"

#include <stddef.h>
#include <stdint.h>

long sys_call(long number, long a0, long a1, long a2);

long u_write(int fd, const void *buf, size_t len);
void u_exit(int code) __attribute__((noreturn));
void *u_malloc(size_t size);
long u_free(void *ptr);
void *u_realloc(void *ptr, size_t size);
typedef void (*signal_handler)(int signal_number);
long u_signal(int signal_number, signal_handler handler);
long u_alarm(unsigned long seconds);
long u_getpid(void);

void *u_memset(void *dst, int value, size_t n);
void *u_memcpy(void *dst, const void *src, size_t n);
void u_bzero(void *dst, size_t n);
char *u_strncpy(char *dst, const char *src, size_t n);
size_t u_strlen(const char *s);

/* Small printing helpers over u_write(1, ...): */
void u_print(const char *s);
void u_print_dec(long value);
void u_print_hex(uint64_t value);

#endif
