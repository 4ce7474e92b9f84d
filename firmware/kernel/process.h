/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a user program: dropping to EL0 on its own stack, system calls,
 * the alarm timer and signal delivery, and ending it (exit, or killed by a
 * fault). One program runs at a time; the shell waits for it.
 */
#ifndef APG_PROCESS_H
#define APG_PROCESS_H

#include "trap_frame.h"
#include "user_programs.h"

#include <stdbool.h>

/* Runs p at EL0 until it exits or is killed; returns its exit code (-1 when killed). */
int process_run(const user_program *p);
bool process_running(void);
/* A kernel fault ended the program's command: forget it, stop its timer. */
void process_abandon(void);

/* From the exception handler: a system call, a fault at EL0, an interrupt. */
void process_syscall(apg_trap_frame *frame);
void process_fault(apg_trap_frame *frame) __attribute__((noreturn));
void process_interrupt(apg_trap_frame *frame);

#endif
