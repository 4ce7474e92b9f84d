/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry point. QEMU (and emu-glue, which copies QEMU's entry state) jumps here
 * at EL1 with the MMU and caches off and x0 = device tree address, which this
 * kernel does not need. We mask interrupts, set up the stack, enable FP/SIMD,
 * install the exception vectors, clear .bss and call kernel_main().
 */
#include "heap_abi.h"

    .section .text.boot, "ax"
    .globl _start
_start:
    b       reset
    nop
    .quad   0                       /* pad: the image header sits at +0x10 */

    /* struct apg_image_header at APG_IMAGE_HEADER_OFFSET: lets the panel find
     * the heap descriptor by reading guest memory, without symbols. */
    .org    APG_IMAGE_HEADER_OFFSET
    .globl  apg_image_header
apg_image_header:
    .word   APG_IMAGE_MAGIC
    .word   APG_ABI_VERSION
    .quad   apg_descriptor

reset:
    msr     daifset, #0xf           /* no interrupts: this kernel polls */

    /* If started at EL2 (some boards do), drop to EL1h with the same state. */
    mrs     x1, CurrentEL
    lsr     x1, x1, #2
    cmp     x1, #2
    b.ne    1f
    mov     x1, #(1 << 31)          /* HCR_EL2.RW: EL1 is AArch64 */
    msr     hcr_el2, x1
    mov     x1, #0x3c5              /* EL1h, DAIF masked */
    msr     spsr_el2, x1
    adr     x1, 1f
    msr     elr_el2, x1
    eret
1:
    ldr     x1, =__stack_top
    mov     sp, x1

    mov     x1, #(3 << 20)          /* CPACR_EL1.FPEN = 0b11: FP/SIMD at EL0/EL1 */
    msr     cpacr_el1, x1
    isb

    ldr     x1, =apg_exception_vectors
    msr     vbar_el1, x1
    isb

    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
2:  cmp     x1, x2
    b.hs    3f
    stp     xzr, xzr, [x1], #16
    b       2b
3:
    bl      kernel_main
    /* kernel_main never returns; if it does, power off. */
    b       apg_psci_system_off
