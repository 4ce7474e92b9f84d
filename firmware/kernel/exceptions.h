/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exception reports and recovery to the shell prompt. */
#ifndef APG_EXCEPTIONS_H
#define APG_EXCEPTIONS_H

#include <stdint.h>

/* Saved by boot/vectors.S; field order matches its stores. */
typedef struct {
    uint64_t x[31];
    uint64_t sp;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
    uint64_t sp_el0;  /* the user stack pointer (restored on return) */
    uint64_t padding; /* keeps the frame a multiple of 16 bytes */
} apg_trap_frame;

/* Callee-saved registers and sp, saved by boot/context.S. */
typedef struct {
    uint64_t regs[13];
} apg_context;

/* Returns 0 when saving; returns the value given to apg_resume_context when
 * execution comes back here. */
int apg_save_context(apg_context *ctx) __attribute__((returns_twice));
void apg_resume_context(apg_context *ctx, int value) __attribute__((noreturn));

/* While armed, a fault abandons the running command and resumes the shell at
 * ctx instead of halting the machine. */
void exceptions_arm_recovery(apg_context *ctx);
void exceptions_disarm_recovery(void);

void apg_handle_exception(apg_trap_frame *frame, uint64_t vector);

/* Human-readable name of an ESR exception class. */
const char *exception_class_name(uint32_t ec);

#endif
