/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test guest: touches device registers virt-lite maps but does not model
 * (each reads as 0 and ignores writes, and --trace logs it), one modelled
 * register (not logged), then powers off. */
    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x1, =0x09000000         /* PL011 UART0 */
    ldr     w0, [x1, #0xfe0]        /* UARTPeriphID0: unmodelled */
    str     w0, [x1, #0x04]         /* UARTRSR/ECR: unmodelled */
    ldr     w0, [x1, #0x18]         /* UARTFR: modelled */
    ldr     x1, =0x08010000         /* GICv2 CPU interface */
    ldr     w0, [x1, #0x20]         /* no register there */
    ldr     x0, =0x84000008         /* PSCI SYSTEM_OFF */
    hvc     #0
    b       .
