/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the checkpoint tests: a guest that rewrites its own code. For every
 * key it calls the routine in its code page and prints the byte it returns;
 * an uppercase letter first rewrites the routine to return that letter. So
 * the code page holds other code at different checkpoints, and a restore
 * that lets the old page's translated code run prints the wrong letter.
 */
#define UART 0x09000000
#define UART_FR 0x18
#define MOVZ_W0 0x52800000 /* movz w0, #imm16: imm16 at bit 5 */
#define RET 0xd65f03c0

    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x19, =UART
    ldr     x20, =code_page
    mov     w0, #'-'
    bl      set_letter

1:  ldr     w1, [x19, #UART_FR]        /* wait for a key */
    tbnz    w1, #4, 1b
    ldr     w0, [x19]
    and     w0, w0, #0xff
    sub     w1, w0, #'A'
    cmp     w1, #('Z' - 'A')
    b.hi    2f
    bl      set_letter
2:  blr     x20
    bl      putc
    b       1b

/* code_page := "movz w0, #w0; ret", made visible to instruction fetch */
set_letter:
    mov     w1, #MOVZ_W0
    orr     w0, w1, w0, lsl #5
    ldr     w1, =RET
    stp     w0, w1, [x20]
    dc      cvau, x20
    dsb     ish
    ic      ivau, x20
    dsb     ish
    isb
    ret

/* w0: the byte to send */
putc:
    ldr     w1, [x19, #UART_FR]
    tbnz    w1, #5, putc
    str     w0, [x19]
    ret

    .bss
    .balign 4096
code_page:
    .space  4096
