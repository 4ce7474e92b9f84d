/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user programs built into the image. Their code and constants live in
 * the user text section (EL0 may execute it); their zero-initialised globals
 * in the user data section (EL0 may write it; cleared before every run). They
 * reach the kernel only through `svc` (user/ulib.h).
 */
#ifndef APG_USER_PROGRAMS_H
#define APG_USER_PROGRAMS_H

typedef struct {
    const char *name;
    const char *summary;
    int (*main)(void);
} user_program;

/* NULL-terminated */
extern const user_program user_programs[];

/* The program called name, or NULL. Kernel code (user/catalog.c): EL1 may
 * not execute the user text section. */
const user_program *user_program_find(const char *name);

/* Where every program starts at EL0: calls main, then exit(main's result). */
void user_start(int (*main)(void)) __attribute__((noreturn));
/* Where a signal handler returns to: asks the kernel to resume the program. */
void user_signal_return(void) __attribute__((noreturn));

#endif
