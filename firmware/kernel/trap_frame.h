/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine state the kernel saves: the trap frame every exception vector
 * stores (boot/vectors.S) and the callee-saved context of a recovery point
 * (boot/context.S). A leaf header: it includes nothing of the kernel's.
 */
#ifndef APG_TRAP_FRAME_H
#define APG_TRAP_FRAME_H

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

#endif
