/* SPDX-License-Identifier: GPL-2.0-or-later */
/* assert(): a failed assertion reports the file, the line and the expression,
 * then returns to the shell prompt. NDEBUG turns it off, as in C. */
#undef assert
#ifdef NDEBUG
#define assert(expression) ((void)0)
#else
void apg_mm_assert_failed(const char *expression, const char *file, int line, const char *function)
    __attribute__((noreturn));
#define assert(expression)                                                                         \
    ((expression) ? (void)0 : apg_mm_assert_failed(#expression, __FILE__, __LINE__, __func__))
#endif
#ifndef static_assert
#define static_assert _Static_assert
#endif
