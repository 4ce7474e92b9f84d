/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prints the CPU state at entry over the UART, then powers off. Run in QEMU
 * and in emu-glue, the two outputs must be identical: that is how we know the
 * machine model enters the kernel with the register state QEMU gives it.
 */
#define UART 0x09000000
#define PSCI_SYSTEM_OFF 0x84000008

    .section .text.boot, "ax"
    .globl _start
_start:
    /* registers first, before anything changes them */
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    mov     x23, sp
    ldr     x24, =UART

    adr     x0, name_x0
    mov     x1, x19
    bl      show
    adr     x0, name_x1
    mov     x1, x20
    bl      show
    adr     x0, name_x2
    mov     x1, x21
    bl      show
    adr     x0, name_x3
    mov     x1, x22
    bl      show
    adr     x0, name_sp
    mov     x1, x23
    bl      show
    adr     x0, name_currentel
    mrs     x1, CurrentEL
    bl      show
    adr     x0, name_daif
    mrs     x1, DAIF
    bl      show
    adr     x0, name_spsel
    mrs     x1, SPSel
    bl      show
    adr     x0, name_sctlr
    mrs     x1, SCTLR_EL1
    bl      show
    adr     x0, name_cpacr
    mrs     x1, CPACR_EL1
    bl      show
    adr     x0, name_vbar
    mrs     x1, VBAR_EL1
    bl      show
    adr     x0, name_midr
    mrs     x1, MIDR_EL1
    bl      show
    adr     x0, name_pfr0
    mrs     x1, ID_AA64PFR0_EL1
    bl      show

    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
1:  b       1b

/* show: prints the NUL-terminated name at x0, then x1 as 16 hex digits, CR LF */
show:
    mov     x9, x0
2:  ldrb    w10, [x9], #1
    cbz     w10, 3f
    str     w10, [x24]
    b       2b
3:  b       uart_hex /* returns to show's caller */

#include "uart_hex.inc"

name_x0:        .asciz "x0        "
name_x1:        .asciz "x1        "
name_x2:        .asciz "x2        "
name_x3:        .asciz "x3        "
name_sp:        .asciz "sp        "
name_currentel: .asciz "CurrentEL "
name_daif:      .asciz "DAIF      "
name_spsel:     .asciz "SPSel     "
name_sctlr:     .asciz "SCTLR_EL1 "
name_cpacr:     .asciz "CPACR_EL1 "
name_vbar:      .asciz "VBAR_EL1  "
name_midr:      .asciz "MIDR_EL1  "
name_pfr0:      .asciz "AA64PFR0  "
