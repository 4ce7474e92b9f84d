/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exception vector table (VBAR_EL1). Every entry saves the general registers
 * and the exception syndrome into a struct apg_trap_frame on the stack and
 * calls apg_handle_exception(frame, vector). The handler either returns (the
 * frame is restored and we eret) or resumes the shell at its recovery point.
 */
#define FRAME_SIZE (38 * 8) /* apg_trap_frame */

    .macro  vector_entry index
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\index
    b       save_and_handle
    .endm

    .text
    .balign 0x800
    .globl  apg_exception_vectors
apg_exception_vectors:
    /* current EL with SP_EL0 */
    vector_entry 0
    vector_entry 1
    vector_entry 2
    vector_entry 3
    /* current EL with SP_ELx: where this kernel runs */
    vector_entry 4
    vector_entry 5
    vector_entry 6
    vector_entry 7
    /* lower EL, AArch64 */
    vector_entry 8
    vector_entry 9
    vector_entry 10
    vector_entry 11
    /* lower EL, AArch32 */
    vector_entry 12
    vector_entry 13
    vector_entry 14
    vector_entry 15

save_and_handle:
    /* x0 and x1 are saved; x1 now holds the vector index */
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    add     x2, sp, #FRAME_SIZE     /* sp before the exception */
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #256]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #272]
    mrs     x2, sp_el0
    str     x2, [sp, #288]

    mov     x0, sp
    bl      apg_handle_exception

    /* returned: restore and retry/continue at (possibly updated) ELR; a
     * signal or sigreturn may have changed the user's registers and stack */
    ldp     x2, x3, [sp, #256]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldr     x2, [sp, #288]
    msr     sp_el0, x2
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE
    eret
