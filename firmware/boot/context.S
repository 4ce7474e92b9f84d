/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apg_save_context / apg_resume_context: setjmp/longjmp for the shell's
 * recovery point. After a fault in a command, the exception handler resumes the
 * shell loop here instead of halting. Only callee-saved registers and sp need
 * saving (AAPCS64); the kernel uses no FP registers (-mgeneral-regs-only).
 *
 * layout of apg_context: x19..x30 (12 words), sp
 */
    .text
    .globl  apg_save_context
apg_save_context:
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x1, sp
    str     x1, [x0, #96]
    mov     x0, #0
    ret

    .globl  apg_resume_context
apg_resume_context:
    ldp     x19, x20, [x0, #0]
    ldp     x21, x22, [x0, #16]
    ldp     x23, x24, [x0, #32]
    ldp     x25, x26, [x0, #48]
    ldp     x27, x28, [x0, #64]
    ldp     x29, x30, [x0, #80]
    ldr     x2, [x0, #96]
    mov     sp, x2
    mov     x0, x1                  /* apg_save_context "returns" this value */
    cbnz    x0, 1f
    mov     x0, #1
1:  ret
